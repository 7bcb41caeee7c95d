#include "money/audit.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

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

struct AccountRow {
  std::string kind, owner, currency;
  int64_t kept = 0;
  __int128 computed = 0;
};

// "1234.50" for an amount that may lie past int64 (a sum over forged entries).
std::string Amount(__int128 cents) {
  if (cents >= INT64_MIN && cents <= INT64_MAX) return DecimalAmount(static_cast<int64_t>(cents));
  return cents < 0 ? "less than -92233720368547758.08" : "more than 92233720368547758.07";
}

// A header of the chunk being merged, with what its entries add up to.
struct Header {
  int64_t seq = 0, lines = 0, entries = 0;
  __int128 sum = 0;
};

// Headers read a chunk at a time, so memory stays bounded whatever the ledger's size.
constexpr int64_t kHeadersPerChunk = 50'000;

constexpr size_t kFaultyWithIds = 1'000;

void ReportHeader(Collector& out, const std::string& id, const Header& t) {
  if (t.sum != 0) out.Add("unbalanced", "transaction " + id + " sums to " + Amount(t.sum) + ", not zero");
  if (t.entries != t.lines) {
    out.Add("incomplete", "transaction " + id + " has " + std::to_string(t.entries) + " entries of its " +
                              std::to_string(t.lines) + " lines");
  }
}

// The transaction's id, for a report (looked up only for a violation).
base::Result<std::string> TxnId(storage::Conn& c, int64_t seq) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT id FROM ledger_transactions WHERE seq = ?", {seq}));
  return rows.empty() ? "#" + std::to_string(seq) : rows[0].Text(0);
}

// One ordered pass over the headers merged with one over the entries (clustered by
// transaction), each read once: every transaction holds exactly its lines and sums to zero; no
// entry lies outside a transaction; each entry is added to its account's computed balance.
// `payout_txns` gets the id of every payout and payout_paid transaction.
base::Status ScanLedger(storage::Conn& c, AuditReport& r, std::unordered_map<int64_t, AccountRow>& accounts,
                        std::vector<std::string>& payout_txns, Collector& out) {
  // Account ids are a rowid counting from 1: a vector indexed by id finds an entry's account
  // without hashing (10 million lookups); the map answers for ids far past the count.
  std::vector<AccountRow*> by_id;
  for (auto& [id, a] : accounts) {
    if (id < 0 || id > 4 * static_cast<int64_t>(accounts.size()) + 1024) continue;
    if (id >= static_cast<int64_t>(by_id.size())) by_id.resize(id + 1, nullptr);
    by_id[id] = &a;
  }
  std::vector<Header> headers;
  std::vector<Header> faulty;
  std::map<int64_t, __int128> unknown_accounts;  // entries on accounts that do not exist
  int64_t orphans = 0;
  std::vector<int64_t> payout_seqs;
  for (int64_t from = INT64_MIN;;) {
    headers.clear();
    ASSAY_TRY(c.QueryEachInts("SELECT seq, lines, CASE WHEN kind IN ('payout', 'payout_paid') THEN 1 ELSE 0 END FROM "
                              "ledger_transactions WHERE seq >= ? ORDER BY seq LIMIT ?",
                              {from, kHeadersPerChunk}, [&](std::span<const int64_t> row) -> base::Status {
                                headers.push_back({row[0], row[1], 0, 0});
                                if (row[2] != 0) payout_seqs.push_back(row[0]);
                                return base::Ok();
                              }));
    const bool last = static_cast<int64_t>(headers.size()) < kHeadersPerChunk;
    const int64_t to = last ? INT64_MAX : headers.back().seq;
    size_t h = 0;
    ASSAY_TRY(c.QueryEachInts("SELECT txn_seq, account_id, amount_cents FROM ledger_entries WHERE txn_seq >= ? AND "
                              "txn_seq <= ? ORDER BY txn_seq, line",
                              {from, to}, [&](std::span<const int64_t> row) -> base::Status {
                                const int64_t seq = row[0], account = row[1], amount = row[2];
                                ++r.entries;
                                while (h < headers.size() && headers[h].seq < seq) ++h;
                                if (h < headers.size() && headers[h].seq == seq) {
                                  ++headers[h].entries;
                                  headers[h].sum += amount;
                                } else {
                                  ++orphans;
                                }
                                if (account >= 0 && account < static_cast<int64_t>(by_id.size()) &&
                                    by_id[account] != nullptr) {
                                  by_id[account]->computed += amount;
                                  return base::Ok();
                                }
                                auto it = accounts.find(account);
                                if (it != accounts.end()) {
                                  it->second.computed += amount;
                                } else {
                                  unknown_accounts[account] += amount;
                                }
                                return base::Ok();
                              }));
    r.transactions += static_cast<int64_t>(headers.size());
    for (const Header& t : headers) {
      if (t.sum == 0 && t.entries == t.lines) continue;
      // Ids are looked up for the first ones only (the report lists at most max_listed a kind).
      if (faulty.size() < kFaultyWithIds) {
        faulty.push_back(t);
      } else {
        ReportHeader(out, "#" + std::to_string(t.seq), t);
      }
    }
    if (last || to == INT64_MAX) break;
    from = to + 1;
  }
  for (int64_t seq : payout_seqs) {
    ASSAY_ASSIGN_OR_RETURN(std::string id, TxnId(c, seq));
    payout_txns.push_back(std::move(id));
  }
  for (const Header& t : faulty) {
    ASSAY_ASSIGN_OR_RETURN(std::string id, TxnId(c, t.seq));
    ReportHeader(out, id, t);
  }
  if (orphans > 0) out.Add("incomplete", std::to_string(orphans) + " entries belong to no transaction");
  for (const auto& [id, sum] : unknown_accounts) {
    out.Add("balance_mismatch", "entries on account " + std::to_string(id) + ", which does not exist, sum to " +
                                    Amount(sum));
  }
  return base::Ok();
}

// The kept balances against those recomputed from the entries; per currency; payables.
base::Status CheckLedger(storage::Conn& c, AuditReport& r, std::vector<std::string>& payout_txns, Collector& out) {
  std::unordered_map<int64_t, AccountRow> accounts;
  ASSAY_TRY(c.QueryEach("SELECT id, kind, owner, currency, balance_cents FROM ledger_accounts", {},
                        [&](const storage::Row& row) -> base::Status {
                          accounts[row.Int(0)] = {row.Text(1), row.Text(2), row.Text(3), row.Int(4), 0};
                          return base::Ok();
                        }));
  r.accounts = static_cast<int64_t>(accounts.size());
  ASSAY_TRY(ScanLedger(c, r, accounts, payout_txns, out));
  std::map<std::string, __int128> by_currency;
  for (const auto& [id, a] : accounts) {
    const std::string name = a.kind + (a.owner.empty() ? "" : ":" + a.owner) + " (" + a.currency + ")";
    if (a.kept != a.computed) {
      out.Add("balance_mismatch", name + " keeps " + DecimalAmount(a.kept) + " but its entries sum to " +
                                      Amount(a.computed));
    }
    if (a.kind == "expert_payable" && a.computed < 0) {
      out.Add("negative_payable", name + " is negative: " + Amount(a.computed));
    }
    by_currency[a.currency] += a.computed;
  }
  for (const auto& [currency, sum] : by_currency) {
    if (sum != 0) out.Add("currency_imbalance", "the accounts in " + currency + " sum to " + Amount(sum));
  }
  return base::Ok();
}

base::Status CheckPayouts(storage::Conn& c, AuditReport& r, const std::vector<std::string>& payout_txns,
                          Collector& out) {
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
  // Every payout transaction (found by the ledger pass) has its payout.
  std::unordered_set<std::string> referenced;
  ASSAY_TRY(c.QueryEach("SELECT txn_id, paid_txn_id FROM payouts", {}, [&](const storage::Row& row) -> base::Status {
    referenced.insert(row.Text(0));
    if (!row.IsNull(1)) referenced.insert(row.Text(1));
    return base::Ok();
  }));
  for (const std::string& id : payout_txns) {
    if (!referenced.contains(id)) out.Add("payout_mismatch", "payout transaction " + id + " has no payout");
  }
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
    std::vector<std::string> payout_txns;
    ASSAY_TRY(CheckLedger(c, report, payout_txns, out));
    ASSAY_TRY(CheckPayouts(c, report, payout_txns, out));
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
