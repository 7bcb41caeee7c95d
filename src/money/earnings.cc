// The expert's money: pending (estimated), payable, in a batch, paid, next payout, per project
// and line by line; statements of a period.
#include <algorithm>
#include <map>

#include "money/internal.h"
#include "money/service.h"
#include "money/time_credit.h"

namespace money {
namespace {

using internal::kDayUs;

constexpr std::string_view kLineSelect =
    "SELECT t.id, t.kind, t.memo, t.currency, t.project_id, p.name, t.submission_id, i.external_id, t.reverses_id, "
    "e.amount_cents, t.created_at_us, coalesce(t.detail, '{}') FROM ledger_accounts a "
    "JOIN ledger_entries e ON e.account_id = a.id JOIN ledger_transactions t ON t.seq = e.txn_seq "
    "LEFT JOIN projects p ON p.id = t.project_id LEFT JOIN submissions s ON s.id = t.submission_id "
    "LEFT JOIN items i ON i.id = s.item_id ";

EarningLine LineFromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1),     r.Text(2),     r.Text(3), r.OptText(4), r.OptText(5), r.OptText(6),
          r.OptText(7), r.OptText(8), r.Int(9),    r.Int(10), r.Text(11)};
}

CurrencyEarnings& For(std::map<std::string, CurrencyEarnings>& by, const std::string& currency) {
  CurrencyEarnings& e = by[currency];
  e.currency = currency;
  return e;
}

// Pay not yet reviewed, estimated as approved under today's rules, on today's paid time.
base::Status AddPending(storage::Conn& c, const std::string& expert_id, std::map<std::string, CurrencyEarnings>& by,
                        std::map<std::string, ProjectEarnings>& projects) {
  return c.QueryEach(
      "SELECT s.project_id, pp.currency, pp.per_item_cents, pp.hourly_cents, s.active_ms, "
      "coalesce(a.finished_at_us, s.submitted_at_us) - a.leased_at_us, t.beats, t.measured_ms "
      "FROM submissions s JOIN project_pay pp ON pp.project_id = s.project_id "
      "JOIN assignments a ON a.id = s.assignment_id LEFT JOIN assignment_time t ON t.assignment_id = s.assignment_id "
      "WHERE s.expert_id = ? AND s.state = 'pending' ORDER BY s.id DESC LIMIT 5000",
      {expert_id}, [&](const storage::Row& r) -> base::Status {
        PaidTime t = ComputePaidTime(r.Int(4), r.IsNull(6) ? 0 : r.Int(6), r.IsNull(7) ? 0 : r.Int(7), r.Int(5) / 1000);
        For(by, r.Text(1)).pending_cents += r.Int(2) + TimeCents(t.paid_ms, r.Int(3));
        ++projects[r.Text(0)].pending;
        return base::Ok();
      });
}

base::Status AddAccrued(storage::Conn& c, const std::string& expert_id, std::map<std::string, ProjectEarnings>& projects) {
  return c.QueryEach(
      "SELECT x.project_id, p.name, x.currency, sum(CASE WHEN x.basis = 'approved' THEN 1 ELSE 0 END), "
      "sum(CASE WHEN x.basis = 'rejected' THEN 1 ELSE 0 END), sum(x.total_cents), sum(x.paid_ms) "
      "FROM accruals x JOIN projects p ON p.id = x.project_id WHERE x.expert_id = ? GROUP BY x.project_id, p.name, "
      "x.currency",
      {expert_id}, [&](const storage::Row& r) -> base::Status {
        ProjectEarnings& pe = projects[r.Text(0)];
        pe.name = r.Text(1);
        pe.currency = r.Text(2);
        pe.approved = r.Int(3);
        pe.rejected = r.Int(4);
        pe.earned_cents = r.Int(5);
        pe.paid_ms = r.Int(6);
        if (pe.paid_ms > 0) pe.effective_hourly_cents = pe.earned_cents * kMsPerHour / pe.paid_ms;
        return base::Ok();
      });
}

}  // namespace

base::Result<Earnings> Service::MyEarnings(const Caller& caller) {
  Earnings out;
  std::map<std::string, CurrencyEarnings> by;
  std::map<std::string, ProjectEarnings> projects;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    by.clear();
    projects.clear();
    out.lines.clear();
    ASSAY_TRY(c.QueryEach("SELECT kind, currency, balance_cents FROM ledger_accounts WHERE owner = ? AND kind IN "
                          "('expert_payable', 'expert_paid')",
                          {caller.user_id}, [&](const storage::Row& r) -> base::Status {
                            CurrencyEarnings& e = For(by, r.Text(1));
                            (r.Text(0) == "expert_paid" ? e.paid_cents : e.payable_cents) = r.Int(2);
                            return base::Ok();
                          }));
    ASSAY_TRY(c.QueryEach("SELECT currency, sum(amount_cents) FROM payouts WHERE expert_id = ? AND status = 'pending' "
                          "GROUP BY currency",
                          {caller.user_id}, [&](const storage::Row& r) -> base::Status {
                            For(by, r.Text(0)).in_batch_cents = r.Int(1);
                            return base::Ok();
                          }));
    ASSAY_TRY(AddPending(c, caller.user_id, by, projects));
    ASSAY_TRY(AddAccrued(c, caller.user_id, projects));
    return c.QueryEach(std::string(kLineSelect) +
                           "WHERE a.kind = 'expert_payable' AND a.owner = ? ORDER BY t.seq DESC LIMIT 200",
                       {caller.user_id}, [&](const storage::Row& r) -> base::Status {
                         out.lines.push_back(LineFromRow(r));
                         return base::Ok();
                       });
  }));
  int64_t best = -1;
  for (auto& [currency, e] : by) {
    const int64_t weight = e.payable_cents + e.paid_cents + e.in_batch_cents + e.pending_cents;
    if (weight > best) {
      best = weight;
      out.main = e;
    }
    out.currencies.push_back(e);
  }
  if (out.currencies.empty()) out.main.currency = "USD";
  for (auto& [id, pe] : projects) {
    pe.project_id = id;
    if (pe.currency.empty()) pe.currency = out.main.currency;
    out.projects.push_back(std::move(pe));
  }
  const int64_t every_us = options_.PayoutPeriodUs();
  out.next_payout_at_us = (clock_.NowMicros() / every_us + 1) * every_us;
  out.payout_min_cents = options_.payout_min_cents;
  return out;
}

base::Result<Statement> Service::MyStatement(const Caller& caller, int64_t from_us, int64_t to_us,
                                             std::string_view currency_in) {
  if (to_us <= from_us) return base::Error::Invalid("to must be after from").Detail("field", "to");
  if (to_us - from_us > 400 * kDayUs) return base::Error::Invalid("a statement covers at most 400 days").Detail("field", "to");
  Statement s;
  s.from_us = from_us;
  s.to_us = to_us;
  s.expert_id = caller.user_id;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    s.lines.clear();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows u, c.Query("SELECT email, name FROM users WHERE id = ?", {caller.user_id}));
    if (!u.empty()) {
      s.expert_email = u[0].Text(0);
      s.expert_name = u[0].Text(1);
    }
    s.currency = std::string(currency_in);
    if (s.currency.empty()) {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows main,
                             c.Query("SELECT currency FROM ledger_accounts WHERE owner = ? AND kind = 'expert_payable' "
                                     "ORDER BY balance_cents DESC LIMIT 1",
                                     {caller.user_id}));
      s.currency = main.empty() ? "USD" : main[0].Text(0);
    }
    if (!IsCurrency(s.currency)) return base::Error::Invalid("currency must be like USD").Detail("field", "currency");
    ASSAY_ASSIGN_OR_RETURN(storage::Row opening,
                           c.QueryOne("SELECT coalesce(sum(e.amount_cents), 0) FROM ledger_accounts a JOIN ledger_entries e "
                                      "ON e.account_id = a.id JOIN ledger_transactions t ON t.seq = e.txn_seq WHERE "
                                      "a.kind = 'expert_payable' AND a.owner = ? AND a.currency = ? AND t.created_at_us < ?",
                                      {caller.user_id, s.currency, from_us}));
    s.opening_cents = opening.Int(0);
    s.closing_cents = s.opening_cents;
    return c.QueryEach(std::string(kLineSelect) +
                           "WHERE a.kind = 'expert_payable' AND a.owner = ? AND a.currency = ? AND t.created_at_us >= ? "
                           "AND t.created_at_us < ? ORDER BY t.seq LIMIT 100000",
                       {caller.user_id, s.currency, from_us, to_us}, [&](const storage::Row& r) -> base::Status {
                         s.lines.push_back(LineFromRow(r));
                         s.closing_cents += s.lines.back().amount_cents;
                         return base::Ok();
                       });
  }));
  return s;
}

}  // namespace money
