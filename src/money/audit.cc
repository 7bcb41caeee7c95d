#include "money/audit.h"

#include <chrono>
#include <map>
#include <sstream>
#include <unordered_map>

#include "money/statement.h"

namespace money {
namespace {

class Collector {
 public:
  Collector(AuditReport& r, int64_t max_listed) : r_(r), max_(max_listed) {}
  void Add(const std::string& kind, std::string message) {
    ++r_.violations_total;
    if (++per_kind_[kind] <= max_) r_.violations.push_back({kind, std::move(message)});
  }

 private:
  AuditReport& r_;
  int64_t max_;
  std::map<std::string, int64_t> per_kind_;
};

// Every transaction holds exactly its lines and sums to zero; no entry lies outside them.
base::Status CheckTransactions(storage::Conn& c, AuditReport& r, Collector& out) {
  ASSAY_TRY(c.QueryEach(
      "SELECT t.id, t.lines, count(e.line), coalesce(sum(e.amount_cents), 0) FROM ledger_transactions t "
      "LEFT JOIN ledger_entries e ON e.txn_seq = t.seq GROUP BY t.seq, t.id, t.lines "
      "HAVING count(e.line) <> t.lines OR coalesce(sum(e.amount_cents), 0) <> 0",
      {}, [&](const storage::Row& row) -> base::Status {
        if (row.Int(3) != 0) {
          out.Add("unbalanced", "transaction " + row.Text(0) + " sums to " + DecimalAmount(row.Int(3)) + ", not zero");
        }
        if (row.Int(2) != row.Int(1)) {
          out.Add("incomplete", "transaction " + row.Text(0) + " has " + std::to_string(row.Int(2)) + " entries of its " +
                                    std::to_string(row.Int(1)) + " lines");
        }
        return base::Ok();
      }));
  ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT (SELECT count(*) FROM ledger_transactions), "
                                                    "(SELECT coalesce(sum(lines), 0) FROM ledger_transactions)"));
  r.transactions = n.Int(0);
  ASSAY_ASSIGN_OR_RETURN(storage::Row e, c.QueryOne("SELECT count(*) FROM ledger_entries"));
  r.entries = e.Int(0);
  if (r.entries > n.Int(1)) {
    out.Add("incomplete", std::to_string(r.entries - n.Int(1)) + " entries belong to no transaction's lines");
  }
  return base::Ok();
}

struct AccountRow {
  std::string kind, owner, currency;
  int64_t kept = 0, computed = 0;
};

// Balances recomputed from the entries, against the kept ones; per currency; payables.
base::Status CheckBalances(storage::Conn& c, AuditReport& r, Collector& out) {
  std::unordered_map<int64_t, AccountRow> accounts;
  ASSAY_TRY(c.QueryEach("SELECT id, kind, owner, currency, balance_cents FROM ledger_accounts", {},
                        [&](const storage::Row& row) -> base::Status {
                          accounts[row.Int(0)] = {row.Text(1), row.Text(2), row.Text(3), row.Int(4), 0};
                          return base::Ok();
                        }));
  r.accounts = static_cast<int64_t>(accounts.size());
  ASSAY_TRY(c.QueryEach("SELECT account_id, sum(amount_cents) FROM ledger_entries GROUP BY account_id", {},
                        [&](const storage::Row& row) -> base::Status {
                          auto it = accounts.find(row.Int(0));
                          if (it == accounts.end()) {
                            out.Add("balance_mismatch", "entries on account " + std::to_string(row.Int(0)) +
                                                            ", which does not exist");
                          } else {
                            it->second.computed = row.Int(1);
                          }
                          return base::Ok();
                        }));
  std::map<std::string, int64_t> by_currency;
  for (const auto& [id, a] : accounts) {
    const std::string name = a.kind + (a.owner.empty() ? "" : ":" + a.owner) + " (" + a.currency + ")";
    if (a.kept != a.computed) {
      out.Add("balance_mismatch", name + " keeps " + DecimalAmount(a.kept) + " but its entries sum to " +
                                      DecimalAmount(a.computed));
    }
    if (a.kind == "expert_payable" && a.computed < 0) {
      out.Add("negative_payable", name + " is negative: " + DecimalAmount(a.computed));
    }
    by_currency[a.currency] += a.computed;
  }
  for (const auto& [currency, sum] : by_currency) {
    if (sum != 0) out.Add("currency_imbalance", "the accounts in " + currency + " sum to " + DecimalAmount(sum));
  }
  return base::Ok();
}

base::Status CheckPayouts(storage::Conn& c, AuditReport& r, Collector& out) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM payouts"));
  r.payouts = n.Int(0);
  // The payout's own lines: payable → cash; when paid, cash → paid; both for its amount and expert.
  auto missing = [&](const char* txn_column, const char* kind, const char* sign, const char* where) -> base::Status {
    return c.QueryEach(
        std::string("SELECT p.id, p.amount_cents FROM payouts p WHERE ") + where + " AND NOT EXISTS (SELECT 1 FROM "
            "ledger_transactions t JOIN ledger_entries e ON e.txn_seq = t.seq JOIN ledger_accounts a ON a.id = "
            "e.account_id WHERE t.id = p." + txn_column + " AND t.currency = p.currency AND a.kind = '" + kind +
            "' AND a.owner = p.expert_id AND e.amount_cents = " + sign + "p.amount_cents)",
        {}, [&](const storage::Row& row) -> base::Status {
          out.Add("payout_mismatch", "payout " + row.Text(0) + " of " + DecimalAmount(row.Int(1)) +
                                         " does not match its " + kind + " line");
          return base::Ok();
        });
  };
  ASSAY_TRY(missing("txn_id", "expert_payable", "-", "1 = 1"));
  ASSAY_TRY(missing("paid_txn_id", "expert_paid", "", "p.status = 'paid'"));
  ASSAY_TRY(c.QueryEach("SELECT t.id FROM ledger_transactions t WHERE t.kind IN ('payout', 'payout_paid') AND NOT EXISTS "
                        "(SELECT 1 FROM payouts p WHERE p.txn_id = t.id OR p.paid_txn_id = t.id)",
                        {}, [&](const storage::Row& row) -> base::Status {
                          out.Add("payout_mismatch", "payout transaction " + row.Text(0) + " has no payout");
                          return base::Ok();
                        }));
  return c.QueryEach("SELECT b.id FROM payout_batches b WHERE b.status = 'paid' AND EXISTS (SELECT 1 FROM payouts p "
                     "WHERE p.batch_id = b.id AND p.status <> 'paid')",
                     {}, [&](const storage::Row& row) -> base::Status {
                       out.Add("payout_mismatch", "batch " + row.Text(0) + " is marked paid with payouts still pending");
                       return base::Ok();
                     });
}

// Every verdict on a paying project accrued; each accrual's payable lines add up to it, once.
base::Status CheckAccruals(storage::Conn& c, AuditReport& r, Collector& out) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM accruals"));
  r.accruals = n.Int(0);
  ASSAY_TRY(c.QueryEach(
      "SELECT s.id, s.state FROM submissions s JOIN project_pay pp ON pp.project_id = s.project_id "
      "WHERE pp.pays_since_us IS NOT NULL AND (s.state <> 'pending' OR EXISTS (SELECT 1 FROM fraud_findings f "
      "WHERE f.submission_id = s.id)) AND NOT EXISTS (SELECT 1 FROM accruals x WHERE x.submission_id = s.id) "
      "AND coalesce(s.auto_approved_at_us, (SELECT max(v.created_at_us) FROM reviews v WHERE v.submission_id = s.id), "
      "pp.pays_since_us) >= pp.pays_since_us",
      {}, [&](const storage::Row& row) -> base::Status {
        out.Add("accrual_missing", "submission " + row.Text(0) + " was " + row.Text(1) + " but never accrued");
        return base::Ok();
      }));
  return c.QueryEach(
      "SELECT x.submission_id, x.total_cents, (SELECT coalesce(sum(e.amount_cents), 0) FROM ledger_transactions t "
      "JOIN ledger_entries e ON e.txn_seq = t.seq JOIN ledger_accounts a ON a.id = e.account_id WHERE "
      "t.submission_id = x.submission_id AND a.kind = 'expert_payable'), (SELECT count(*) FROM ledger_transactions t "
      "WHERE t.submission_id = x.submission_id AND t.kind = 'accrual' AND NOT EXISTS (SELECT 1 FROM "
      "ledger_transactions v WHERE v.reverses_id = t.id)) FROM accruals x",
      {}, [&](const storage::Row& row) -> base::Status {
        if (row.Int(2) != row.Int(1)) {
          out.Add("accrual_mismatch", "submission " + row.Text(0) + " earns " + DecimalAmount(row.Int(1)) +
                                          " but its ledger lines pay " + DecimalAmount(row.Int(2)));
        } else if (row.Int(3) > 1) {
          out.Add("accrual_mismatch", "submission " + row.Text(0) + " has " + std::to_string(row.Int(3)) +
                                          " accruals standing");
        }
        return base::Ok();
      });
}

}  // namespace

base::Result<AuditReport> Audit(storage::Db& db, const AuditOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  AuditReport report;
  ASSAY_TRY(db.Read([&](storage::Conn& c) -> base::Status {
    report = {};
    Collector out(report, options.max_listed);
    ASSAY_TRY(CheckTransactions(c, report, out));
    ASSAY_TRY(CheckBalances(c, report, out));
    ASSAY_TRY(CheckPayouts(c, report, out));
    return CheckAccruals(c, report, out);
  }));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string AuditText(const AuditReport& r) {
  std::ostringstream out;
  out << "ledger audit: " << r.transactions << " transactions, " << r.entries << " entries, " << r.accounts
      << " accounts, " << r.payouts << " payouts, " << r.accruals << " accruals checked in " << r.seconds << " s\n";
  if (r.ok()) {
    out << "all invariants hold\n";
    return out.str();
  }
  out << r.violations_total << " violation(s):\n";
  for (const Violation& v : r.violations) out << "  " << v.kind << ": " << v.message << "\n";
  if (static_cast<int64_t>(r.violations.size()) < r.violations_total) {
    out << "  … " << (r.violations_total - static_cast<int64_t>(r.violations.size())) << " more not listed\n";
  }
  return out.str();
}

}  // namespace money
