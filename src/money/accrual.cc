// Accrual: what a reviewed submission earns under its project's pay rules, posted to the ledger
// keyed by submission (accrual:<submission>:<generation>), re-runnable; a changed verdict, a
// granted dispute or a fraud finding reverses the out-of-date accrual (naming it) and posts the
// new one. Auto-approval after the project's delay, fraud findings, admin reversals.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "base/json.h"
#include "money/internal.h"
#include "money/service.h"
#include "money/time_credit.h"
#include "quality/service.h"
#include "work/access.h"
#include "work/service.h"

namespace money {
namespace {

struct SubmissionFacts {
  std::string project_id, expert_id, state, assignment_id;
  std::optional<std::string> item_external_id;
  int64_t claimed_ms = 0, submitted_at_us = 0, leased_at_us = 0, finished_at_us = 0;
  bool fraud = false;
};

base::Result<std::optional<SubmissionFacts>> LoadFacts(storage::Conn& c, std::string_view submission_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT s.project_id, s.expert_id, s.state, s.assignment_id, i.external_id, s.active_ms, "
                                 "s.submitted_at_us, a.leased_at_us, coalesce(a.finished_at_us, s.submitted_at_us), "
                                 "(SELECT count(*) FROM fraud_findings f WHERE f.submission_id = s.id) "
                                 "FROM submissions s JOIN assignments a ON a.id = s.assignment_id "
                                 "JOIN items i ON i.id = s.item_id WHERE s.id = ?",
                                 {submission_id}));
  if (rows.empty()) return std::optional<SubmissionFacts>();
  const storage::Row& r = rows[0];
  return std::optional<SubmissionFacts>(SubmissionFacts{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.OptText(4),
                                                        r.Int(5), r.Int(6), r.Int(7), r.Int(8), r.Int(9) > 0});
}

// The submission's paid time; the first time it accrues, the tail after the last heartbeat joins
// its measured time and its segments.
base::Result<PaidTime> SubmissionTime(storage::Conn& c, const SubmissionFacts& f,
                                      const std::function<std::string()>& new_id) {
  const int64_t held_ms = std::max<int64_t>(0, (f.finished_at_us - f.leased_at_us) / 1000);
  ASSAY_ASSIGN_OR_RETURN(storage::Rows t, c.Query("SELECT beats, measured_ms, last_beat_at_us, tail_ms FROM "
                                                  "assignment_time WHERE assignment_id = ?",
                                                  {f.assignment_id}));
  if (t.empty()) return ComputePaidTime(f.claimed_ms, 0, 0, held_ms);
  int64_t measured = t[0].Int(1);
  if (t[0].IsNull(3)) {
    const int64_t last_beat = t[0].Int(2);
    const int64_t tail = TailMs(f.claimed_ms, measured, last_beat, f.finished_at_us);
    ASSAY_TRY(c.Exec("UPDATE assignment_time SET tail_ms = ?, measured_ms = measured_ms + ? WHERE assignment_id = ?",
                     {tail, tail, f.assignment_id}));
    int64_t credited = 0;
    // The tail as one more beat at the submit: the same bucket split as every beat.
    std::vector<BucketCredit> credits = CreditBeat(last_beat, f.leased_at_us, {f.finished_at_us, tail, true}, &credited);
    ASSAY_TRY(internal::AddSegmentCredit(c, credits, 0, f.assignment_id, f.expert_id, f.project_id, new_id));
    measured += tail;
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Row g, c.QueryOne("SELECT coalesce(sum(granted_ms), 0) FROM time_segments "
                                                    "WHERE assignment_id = ?",
                                                    {f.assignment_id}));
  return ComputePaidTime(f.claimed_ms, t[0].Int(0), measured + g.Int(0), held_ms);
}

// The expert's quality on the project from the latest report computed (field 0), for bonuses.
void AddQuality(quality::Service* q, const std::string& project_id, const std::string& expert_id, EarningInput& in) {
  if (!q) return;
  std::shared_ptr<const quality::QualityReport> report = q->CachedReport(project_id);
  if (!report || report->fields.empty()) return;
  for (const quality::WorkerQuality& w : report->fields[0].workers) {
    if (w.expert_id != expert_id) continue;
    if (w.gold_total > 0) in.gold_accuracy = static_cast<double>(w.gold_correct) / static_cast<double>(w.gold_total);
    in.gold_answers = w.gold_total;
    in.ds_skill = w.accuracy_ds;
    in.labels = w.labels;
  }
}

nlohmann::json DetailJson(const PayRules& pay, const PaidTime& t, const EarningInput& in, const Earning& e,
                          int64_t fee_cents) {
  return {{"basis", BasisName(in.basis)},
          {"claimed_ms", t.claimed_ms},
          {"measured_ms", t.measured_ms},
          {"held_ms", t.held_ms},
          {"paid_ms", t.paid_ms},
          {"verified", t.verified},
          {"per_item_cents", pay.per_item_cents},
          {"hourly_cents", pay.hourly_cents},
          {"floor_hourly_cents", pay.floor_hourly_cents},
          {"median_ms", in.median_ms ? nlohmann::json(*in.median_ms) : nlohmann::json(nullptr)},
          {"item_cents", e.item_cents},
          {"time_cents", e.time_cents},
          {"floor_cents", e.floor_cents},
          {"bonus_cents", e.bonus_cents},
          {"bonus_reason", e.bonus_reason},
          {"rush_cents", e.rush_cents},
          {"rush_multiplier_percent", e.rush_multiplier_percent},
          {"total_cents", e.total_cents},
          {"fee_cents", fee_cents}};
}

std::string AccrualMemo(const std::string& project_name, const SubmissionFacts& f, Basis basis) {
  std::string item = f.item_external_id ? "item " + *f.item_external_id : "an item";
  switch (basis) {
    case Basis::kApproved: return project_name + ", " + item + ": approved";
    case Basis::kRejected: return project_name + ", " + item + ": rejected (time paid)";
    case Basis::kFraud: return project_name + ", " + item + ": fraud finding";
  }
  return project_name;
}

}  // namespace

base::Result<std::optional<int64_t>> Service::MedianPaidMs(storage::Conn& c, const std::string& project_id) {
  const int64_t now = clock_.NowMicros();
  {
    std::lock_guard lock(gates_mu_);
    auto it = medians_.find(project_id);
    if (it != medians_.end() && now >= it->second.first && now - it->second.first < kMedianTtlUs) return it->second.second;
  }
  ASSAY_ASSIGN_OR_RETURN(std::optional<int64_t> median, ComputeMedian(c, project_id));
  std::lock_guard lock(gates_mu_);
  if (medians_.size() > 4096) medians_.clear();
  medians_[project_id] = {now, median};
  return median;
}

base::Result<std::optional<int64_t>> Service::ComputeMedian(storage::Conn& c, const std::string& project_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM accruals WHERE project_id = ? AND basis = "
                                                    "'approved' AND paid_ms > 0",
                                                    {project_id}));
  if (n.Int(0) == 0) return std::optional<int64_t>();
  ASSAY_ASSIGN_OR_RETURN(storage::Row m, c.QueryOne("SELECT paid_ms FROM accruals WHERE project_id = ? AND basis = "
                                                    "'approved' AND paid_ms > 0 ORDER BY paid_ms LIMIT 1 OFFSET ?",
                                                    {project_id, (n.Int(0) - 1) / 2}));
  return std::optional<int64_t>(m.Int(0));
}

base::Result<int64_t> Service::Accrue(storage::Conn& c, std::string_view submission_id, int64_t now_us) {
  ASSAY_ASSIGN_OR_RETURN(std::optional<SubmissionFacts> facts, LoadFacts(c, submission_id));
  if (!facts) return base::Error::NotFound("no such submission");
  const SubmissionFacts& f = *facts;
  ASSAY_ASSIGN_OR_RETURN(std::optional<PayRules> pay, LoadPay(c, f.project_id));
  if (!pay || !pay->Pays()) return int64_t{0};
  EarningInput in;
  if (f.fraud) {
    in.basis = Basis::kFraud;
  } else if (f.state == "approved" || f.state == "rejected") {
    in.basis = f.state == "approved" ? Basis::kApproved : Basis::kRejected;
  } else {
    return int64_t{0};  // pending: nothing yet
  }
  ASSAY_ASSIGN_OR_RETURN(PaidTime t, SubmissionTime(c, f, [this] { return NewId(); }));
  in.paid_ms = t.paid_ms;
  in.submitted_at_us = f.submitted_at_us;
  if (pay->floor_hourly_cents > 0) {  // the floor is set at the project's median paid time
    ASSAY_ASSIGN_OR_RETURN(in.median_ms, MedianPaidMs(c, f.project_id));
    if (!in.median_ms && in.basis == Basis::kApproved && t.paid_ms > 0) in.median_ms = t.paid_ms;
  }
  AddQuality(options_.quality, f.project_id, f.expert_id, in);
  const Earning e = ComputeEarning(*pay, in);
  const int64_t fee = BasisPointsOf(e.total_cents, options_.platform_fee_bps);
  ASSAY_ASSIGN_OR_RETURN(storage::Rows prior, c.Query("SELECT basis, txn_id, generation, total_cents, fee_cents FROM "
                                                      "accruals WHERE submission_id = ?",
                                                      {submission_id}));
  const std::string basis(BasisName(in.basis));
  if (!prior.empty() && prior[0].Text(0) == basis && prior[0].Int(3) == e.total_cents && prior[0].Int(4) == fee) {
    return int64_t{0};  // up to date: a re-run posts nothing
  }
  const std::string sid(submission_id);
  int64_t posted = 0, generation = 1;
  if (!prior.empty()) {
    generation = prior[0].Int(2) + 1;
    if (!prior[0].IsNull(1)) {
      ASSAY_ASSIGN_OR_RETURN(int64_t payable, Ledger::Balance(c, {std::string(kExpertPayable), f.expert_id}, pay->currency));
      if (payable - prior[0].Int(3) + e.total_cents < 0) {
        return base::Error(base::ErrorCode::kFailedPrecondition,
                           "this submission's pay was already paid out; lowering it now would leave the expert owing "
                           "money. Settle it with the payment provider first.")
            .Detail("submission_id", sid);
      }
      const std::string old_txn = prior[0].Text(1);
      ASSAY_TRY(ledger_.Reverse(c, old_txn, "reverse:" + old_txn, "Replaced: the submission is now " + basis,
                                std::nullopt, now_us));
      ++posted;
    }
  }
  std::optional<std::string> txn_id;
  if (e.total_cents + fee > 0) {
    Posting p{.idempotency_key = "accrual:" + sid + ":" + std::to_string(generation),
              .kind = "accrual",
              .currency = pay->currency};
    p.lines.push_back({{std::string(kProjectBudget), f.project_id}, -(e.total_cents + fee)});
    if (e.total_cents > 0) p.lines.push_back({{std::string(kExpertPayable), f.expert_id}, e.total_cents});
    if (fee > 0) p.lines.push_back({{std::string(kPlatformFee), ""}, fee});
    p.project_id = f.project_id;
    p.expert_id = f.expert_id;
    p.submission_id = sid;
    p.memo = AccrualMemo(internal::ProjectName(c, f.project_id), f, in.basis);
    p.detail_json = base::Dump(DetailJson(*pay, t, in, e, fee));
    ASSAY_ASSIGN_OR_RETURN(Posted done, ledger_.Post(c, p, now_us));
    txn_id = done.txn.id;
    ++posted;
  }
  ASSAY_TRY(c.Exec("INSERT INTO accruals (submission_id, project_id, expert_id, currency, basis, txn_id, generation, "
                   "claimed_ms, measured_ms, held_ms, paid_ms, verified, item_cents, time_cents, floor_cents, bonus_cents, "
                   "rush_cents, total_cents, fee_cents, updated_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id) DO UPDATE SET basis = excluded.basis, "
                   "txn_id = excluded.txn_id, generation = excluded.generation, claimed_ms = excluded.claimed_ms, "
                   "measured_ms = excluded.measured_ms, held_ms = excluded.held_ms, paid_ms = excluded.paid_ms, "
                   "verified = excluded.verified, item_cents = excluded.item_cents, time_cents = excluded.time_cents, "
                   "floor_cents = excluded.floor_cents, bonus_cents = excluded.bonus_cents, "
                   "rush_cents = excluded.rush_cents, total_cents = excluded.total_cents, fee_cents = excluded.fee_cents, "
                   "updated_at_us = excluded.updated_at_us",
                   {sid, f.project_id, f.expert_id, pay->currency, basis, txn_id, generation, t.claimed_ms,
                    t.measured_ms, t.held_ms, t.paid_ms, t.verified ? 1 : 0, e.item_cents, e.time_cents, e.floor_cents,
                    e.bonus_cents, e.rush_cents, e.total_cents, fee, now_us}));
  return posted;
}

base::Status Service::VerdictRecorded(storage::Conn& c, const work::Verdict& verdict) {
  ASSAY_TRY(Accrue(c, verdict.submission_id, verdict.at_us));
  std::lock_guard lock(gates_mu_);
  gates_.erase(verdict.project_id);
  return base::Ok();
}

base::Status Service::RecordFraud(const Caller& caller, std::string_view submission_id, std::string_view reason_in) {
  const std::string reason = internal::TrimmedText(reason_in);
  if (reason.size() < 10 || reason.size() > 2000) {
    return base::Error::Invalid("a fraud finding needs its reason (10 to 2,000 characters)").Detail("field", "reason");
  }
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::optional<SubmissionFacts> f, LoadFacts(c, submission_id));
    if (!f) return base::Error::NotFound("no such submission");
    auto role = work::RequireProjectRole(c, caller, f->project_id, {"manager"});
    if (!role) {
      return role.error().code() == base::ErrorCode::kNotFound ? base::Error::NotFound("no such submission")
                                                               : std::move(role).error();
    }
    if (f->expert_id == caller.user_id) return base::Error::Forbidden("you cannot judge your own submission");
    if (f->fraud) return base::Error::Conflict("a fraud finding was already recorded for this submission");
    if (caller.user_id.empty()) return base::Error::Invalid("a fraud finding needs a person who confirmed it");
    const int64_t now = clock_.NowMicros();
    ASSAY_TRY(c.Exec("INSERT INTO fraud_findings (submission_id, reason, found_by, found_at_us) VALUES (?, ?, ?, ?)",
                     {submission_id, reason, caller.user_id, now}));
    ASSAY_TRY(Accrue(c, submission_id, now));
    return base::Ok();
  });
}

base::Result<int64_t> Service::RunAutoApprovals(const Caller& caller, int64_t limit) {
  if (caller.role != accounts::Role::kAdmin) return base::Error::Forbidden("only the server approves automatically");
  if (!options_.work) return base::Error::Internal("auto-approval needs the work service");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows due,
                         db_.Query("SELECT s.id FROM project_pay pp JOIN submissions s ON s.project_id = pp.project_id "
                                   "WHERE pp.auto_approve_days IS NOT NULL AND s.state = 'pending' AND "
                                   "s.submitted_at_us + pp.auto_approve_days * ? <= ? "
                                   "ORDER BY s.submitted_at_us LIMIT ?",
                                   {internal::kDayUs, clock_.NowMicros(), limit}));
  int64_t approved = 0;
  for (const storage::Row& r : due) {
    ASSAY_ASSIGN_OR_RETURN(bool done, options_.work->AutoApprove(accounts::Caller::System(), r.Text(0)));
    approved += done ? 1 : 0;
  }
  return approved;
}

base::Result<int64_t> Service::AccrueAll(const Caller& caller) {
  if (caller.role != accounts::Role::kAdmin) return base::Error::Forbidden("this needs an admin");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows subs,
                         db_.Query("SELECT s.id FROM project_pay pp JOIN submissions s ON s.project_id = pp.project_id "
                                   "WHERE s.state <> 'pending' OR EXISTS (SELECT 1 FROM fraud_findings f WHERE "
                                   "f.submission_id = s.id) ORDER BY s.id"));
  int64_t posted = 0;
  constexpr size_t kPerWrite = 200;
  for (size_t at = 0; at < subs.size(); at += kPerWrite) {
    int64_t here = 0;
    ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
      here = 0;
      const int64_t now = clock_.NowMicros();
      for (size_t i = at; i < std::min(subs.size(), at + kPerWrite); ++i) {
        ASSAY_ASSIGN_OR_RETURN(int64_t n, Accrue(c, subs[i].Text(0), now));
        here += n;
      }
      return base::Ok();
    }));
    posted += here;
  }
  return posted;
}

base::Result<Posted> Service::ReverseTransaction(const Caller& caller, std::string_view txn_id,
                                                 std::string_view reason_in, std::string_view key) {
  if (caller.role != accounts::Role::kAdmin) return base::Error::Forbidden("this needs an admin");
  const std::string reason = internal::TrimmedText(reason_in);
  if (reason.size() < 10 || reason.size() > 2000) {
    return base::Error::Invalid("a reversal needs its reason (10 to 2,000 characters)").Detail("field", "reason");
  }
  const std::string idempotency_key = key.empty() ? "reverse:" + std::string(txn_id) : std::string(key);
  Posted out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::optional<Transaction> t, Ledger::Find(c, txn_id));
    if (!t) return base::Error::NotFound("no such transaction");
    if (t->kind != "funding" && t->kind != "adjustment") {
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "only fundings and adjustments are reversed by hand: an accrual follows its verdict (or a "
                         "fraud finding), a payout its batch");
    }
    std::optional<std::string> by;
    if (!caller.user_id.empty()) by = caller.user_id;
    ASSAY_ASSIGN_OR_RETURN(out, ledger_.Reverse(c, txn_id, idempotency_key, reason, by, clock_.NowMicros()));
    return base::Ok();
  }));
  if (out.txn.project_id) {
    std::lock_guard lock(gates_mu_);
    gates_.erase(*out.txn.project_id);
  }
  return out;
}

}  // namespace money
