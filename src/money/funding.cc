// Funding and budgets: a manager funds a project (client_funding → project_budget); the lease
// gate stops new work once the budget, less what is owed for work in review and in hand, cannot
// pay for one more item; the manager's cost page.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "money/internal.h"
#include "money/service.h"
#include "money/statement.h"
#include "quality/service.h"
#include "work/access.h"

namespace money {
namespace {

using internal::Day;
using internal::kDayUs;

constexpr int64_t kGateTtlUs = base::kMicrosPerSecond;

std::string Money(int64_t cents, const std::string& currency) { return DecimalAmount(cents) + " " + currency; }

struct BudgetState {
  int64_t budget_cents = 0;     // the project_budget balance
  int64_t committed_cents = 0;  // estimated pay for work submitted (not reviewed) and in hand
  int64_t next_item_cents = 0;  // what one more item is expected to cost
};

base::Result<BudgetState> ReadBudget(storage::Conn& c, const std::string& project_id, const PayRules& pay,
                                     std::optional<int64_t> median_ms, int64_t fee_bps, int64_t now_us) {
  BudgetState b;
  ASSAY_ASSIGN_OR_RETURN(b.budget_cents, Ledger::Balance(c, {std::string(kProjectBudget), project_id}, pay.currency));
  ASSAY_ASSIGN_OR_RETURN(storage::Row open,
                         c.QueryOne("SELECT (SELECT count(*) FROM submissions WHERE project_id = ? AND state = 'pending'), "
                                    "(SELECT count(*) FROM assignments WHERE project_id = ? AND state = 'leased' "
                                    "AND lease_expires_at_us > ?)",
                                    {project_id, project_id, now_us}));
  const int64_t item = EstimateItemCents(pay, median_ms, now_us);
  b.next_item_cents = item + BasisPointsOf(item, fee_bps);
  b.committed_cents = (open.Int(0) + open.Int(1)) * b.next_item_cents;
  return b;
}

std::optional<base::Error> RefusalFor(const BudgetState& b, const std::string& currency) {
  if (b.budget_cents - b.committed_cents >= b.next_item_cents) return std::nullopt;
  base::Error e(base::ErrorCode::kFailedPrecondition,
                "This project's budget is used up (" + Money(std::max<int64_t>(b.budget_cents, 0), currency) +
                    " left, " + Money(b.committed_cents, currency) +
                    " owed for work in review or in hand): new tasks open when a manager adds funds.");
  e.Detail("reason", "budget").Detail("budget_left_cents", b.budget_cents).Detail("committed_cents", b.committed_cents);
  return e;
}

// Spend and funding on the project's budget account, by what each transaction (or the one a
// reversal reverses) was: funding or accrual.
struct BudgetFlows {
  int64_t funded_cents = 0, spend_cents = 0;
  std::map<std::string, int64_t> spend_by_day;
};

base::Result<BudgetFlows> ReadFlows(storage::Conn& c, const std::string& project_id, const std::string& currency,
                                    int64_t since_us) {
  BudgetFlows f;
  ASSAY_TRY(c.QueryEach(
      "SELECT coalesce(o.kind, t.kind), t.created_at_us, e.amount_cents FROM ledger_accounts a "
      "JOIN ledger_entries e ON e.account_id = a.id JOIN ledger_transactions t ON t.seq = e.txn_seq "
      "LEFT JOIN ledger_transactions o ON o.id = t.reverses_id "
      "WHERE a.kind = 'project_budget' AND a.owner = ? AND a.currency = ?",
      {project_id, currency}, [&](const storage::Row& r) -> base::Status {
        if (r.Text(0) == "funding") {
          f.funded_cents += r.Int(2);
        } else {
          f.spend_cents -= r.Int(2);
          if (r.Int(1) >= since_us) f.spend_by_day[Day(r.Int(1))] -= r.Int(2);
        }
        return base::Ok();
      }));
  return f;
}

// Labels that agree with gold, and the quality engine's estimate for labels without gold.
void CorrectLabels(const quality::QualityReport& report, Costs& out) {
  if (report.fields.empty()) {
    out.correct_label_method = "none";
    out.correct_label_explanation = "The template has no field the quality engine can score.";
    return;
  }
  int64_t gold_right = 0, gold_total = 0, other = 0;
  double estimated = 0;
  for (const quality::WorkerQuality& w : report.fields[0].workers) {
    gold_right += w.gold_correct;
    gold_total += w.gold_total;
    const int64_t rest = std::max<int64_t>(0, w.labels - w.gold_total);
    other += rest;
    if (std::isfinite(w.accuracy_ds)) estimated += static_cast<double>(rest) * w.accuracy_ds;
  }
  out.correct_labels = static_cast<double>(gold_right) + estimated;
  out.correct_label_method = gold_total > 0 ? (other > 0 ? "gold+estimated" : "gold") : other > 0 ? "estimated" : "none";
  std::ostringstream why;
  why << "Field \"" << report.fields[0].field.name << "\": ";
  if (gold_total > 0) why << gold_right << " of " << gold_total << " labels on gold items agree with gold";
  if (gold_total > 0 && other > 0) why << "; ";
  if (other > 0) {
    why << other << " labels on items without gold count as correct with each expert's Dawid-Skene estimated "
        << "accuracy (about " << std::lround(estimated) << ")";
  }
  if (gold_total == 0 && other == 0) why << "no labels yet";
  why << ". Rejected submissions are not labels; their paid time is still spend.";
  out.correct_label_explanation = why.str();
}

}  // namespace

base::Result<Funded> Service::Fund(const Caller& caller, std::string_view project_id, int64_t amount_cents,
                                   std::string_view currency, std::string_view key) {
  if (amount_cents < 1 || amount_cents > kMaxAmountCents) {
    return base::Error::Invalid("amount_cents must be a positive whole number of cents").Detail("field", "amount_cents");
  }
  if (!IsCurrency(currency)) {
    return base::Error::Invalid("currency must be a three-letter ISO 4217 code in capitals, e.g. USD")
        .Detail("field", "currency");
  }
  if (key.empty() || key.size() > 150) {
    return base::Error::Invalid("idempotency_key must have 1 to 150 characters").Detail("field", "idempotency_key");
  }
  const std::string pid(project_id);
  Posting p{.idempotency_key = "funding:" + pid + ":" + std::string(key), .kind = "funding",
            .currency = std::string(currency)};
  p.lines = {{{std::string(kClientFunding), ""}, -amount_cents}, {{std::string(kProjectBudget), pid}, amount_cents}};
  p.project_id = pid;
  p.memo = "Funding";
  if (!caller.user_id.empty()) p.created_by = caller.user_id;
  Funded out;
  // PostgreSQL: the same key posted concurrently is found on the next run.
  ASSAY_TRY(Ledger::WriteRetryingKeyRace(db_, [&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(std::optional<PayRules> pay, LoadPay(c, project_id));
    if (pay && pay->currency != currency) {
      return base::Error::Invalid("this project pays in " + pay->currency + ": fund it in " + pay->currency)
          .Detail("field", "currency");
    }
    ASSAY_ASSIGN_OR_RETURN(Posted posted, ledger_.Post(c, p, clock_.NowMicros()));
    out.txn = std::move(posted.txn);
    out.created = posted.created;
    ASSAY_ASSIGN_OR_RETURN(out.budget_cents, Ledger::Balance(c, {std::string(kProjectBudget), pid}, currency));
    return base::Ok();
  }));
  std::lock_guard lock(gates_mu_);
  gates_.erase(pid);
  return out;
}

std::optional<base::Error> Service::LeaseRefusal(storage::Conn& c, const std::string& project_id, int64_t now_us) {
  {
    std::lock_guard lock(gates_mu_);
    auto it = gates_.find(project_id);
    if (it != gates_.end() && now_us >= it->second.computed_at_us && now_us - it->second.computed_at_us < kGateTtlUs) {
      return it->second.refusal;
    }
  }
  std::optional<base::Error> refusal;
  auto pay = LoadPay(c, project_id);
  if (pay && *pay && (*pay)->Pays()) {
    base::Result<std::optional<int64_t>> median = std::optional<int64_t>();
    if ((*pay)->hourly_cents > 0 || (*pay)->floor_hourly_cents > 0) median = MedianPaidMs(c, project_id);
    auto budget = ReadBudget(c, project_id, **pay, median.value_or(std::nullopt), options_.platform_fee_bps, now_us);
    if (budget) refusal = RefusalFor(*budget, (*pay)->currency);
  }
  std::lock_guard lock(gates_mu_);
  if (gates_.size() > 4096) gates_.clear();
  gates_[project_id] = {now_us, refusal};
  return refusal;
}

base::Result<Costs> Service::ProjectCosts(const Caller& caller, std::string_view project_id) {
  Costs out;
  out.project_id = std::string(project_id);
  const int64_t now = clock_.NowMicros();
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(std::optional<PayRules> pay, LoadPay(c, project_id));
    out.currency = pay ? pay->currency : "USD";
    const int64_t first_day = (now / kDayUs - 29) * kDayUs;
    ASSAY_ASSIGN_OR_RETURN(BudgetFlows flows, ReadFlows(c, out.project_id, out.currency, first_day));
    out.funded_cents = flows.funded_cents;
    out.spend_cents = flows.spend_cents;
    for (int64_t d = first_day; d <= now; d += kDayUs) {
      auto it = flows.spend_by_day.find(Day(d));
      out.spend_by_day.push_back({Day(d), it == flows.spend_by_day.end() ? 0 : it->second});
    }
    int64_t week = 0;
    for (size_t i = out.spend_by_day.size() >= 7 ? out.spend_by_day.size() - 7 : 0; i < out.spend_by_day.size(); ++i) {
      week += out.spend_by_day[i].cents;
    }
    out.burn_rate_cents_per_day = week / 7;
    ASSAY_ASSIGN_OR_RETURN(out.budget_left_cents,
                           Ledger::Balance(c, {std::string(kProjectBudget), out.project_id}, out.currency));
    if (out.burn_rate_cents_per_day > 0) {
      out.days_left = std::max<double>(0, static_cast<double>(out.budget_left_cents) / out.burn_rate_cents_per_day);
    }
    ASSAY_ASSIGN_OR_RETURN(storage::Row counts,
                           c.QueryOne("SELECT (SELECT count(*) FROM submissions WHERE project_id = ? AND state = "
                                      "'approved'), (SELECT coalesce(sum(fee_cents), 0) FROM accruals WHERE project_id = ?)",
                                      {project_id, project_id}));
    out.approved_items = counts.Int(0);
    out.fee_cents = counts.Int(1);
    if (out.approved_items > 0) out.cost_per_approved_item_cents = out.spend_cents / out.approved_items;
    if (pay && pay->Pays()) {
      std::optional<int64_t> median;
      if (pay->hourly_cents > 0 || pay->floor_hourly_cents > 0) {
        ASSAY_ASSIGN_OR_RETURN(median, MedianPaidMs(c, out.project_id));
      }
      ASSAY_ASSIGN_OR_RETURN(BudgetState b, ReadBudget(c, out.project_id, *pay, median, options_.platform_fee_bps, now));
      out.committed_cents = b.committed_cents;
      if (auto refusal = RefusalFor(b, pay->currency)) {
        out.leases_stopped = true;
        out.leases_stopped_reason = refusal->message();
      }
    }
    return base::Ok();
  }));
  out.correct_label_method = "none";
  out.correct_label_explanation = "No quality report yet.";
  if (options_.quality) {
    auto report = options_.quality->Report(caller, project_id);
    if (report && report->view.report) CorrectLabels(*report->view.report, out);
  }
  if (out.correct_labels && *out.correct_labels >= 1) {
    out.cost_per_correct_label_cents = std::llround(static_cast<double>(out.spend_cents) / *out.correct_labels);
  }
  return out;
}

}  // namespace money
