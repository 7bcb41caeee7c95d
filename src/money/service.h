// money::Service — measured time, pay rules, the ledger's postings, budgets, accrual, payouts,
// earnings and costs (src/money/README.md). Every method takes the Caller and checks its right
// to the very object touched (work/access.h for projects): invisible objects are NotFound,
// visible ones it may not change PermissionDenied. It is the work loop's work::PayObserver:
// leases stop when a project's budget is spent, and a verdict accrues in its own transaction.
//
//   money::Service money(db, clock, ids, {.work = &work, .quality = &quality});
//   work.SetPayObserver(&money);
//   ASSAY_ASSIGN_OR_RETURN(money::Funded f, money.Fund(manager, project_id, 50'000, "USD", "po-7781"));
//   ASSAY_ASSIGN_OR_RETURN(money::Earnings e, money.MyEarnings(expert));
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "money/ledger.h"
#include "money/pay.h"
#include "money/types.h"
#include "storage/db.h"
#include "work/pay_observer.h"

namespace work { class Service; }
namespace quality { class Service; }

namespace money {

using accounts::Caller;

struct Options {
  work::Service* work = nullptr;        // auto-approval goes through the work loop's rules
  quality::Service* quality = nullptr;  // quality bonuses, cost per correct label
  int64_t platform_fee_bps = 0;         // charged to the budget on top of each accrual
  int64_t payout_chunk = 500;           // payouts written per transaction while a batch builds
  int64_t payout_min_cents = 5000;      // the scheduled batch's threshold, shown to experts
  int64_t payout_every_days = 7;        // schedule: next payout at the next multiple (UTC)

  // The payout period in µs: periods start at multiples of it since the epoch (UTC).
  int64_t PayoutPeriodUs() const {
    return std::max<int64_t>(1, payout_every_days) * 24 * 3600 * base::kMicrosPerSecond;
  }
};

class Service final : public work::PayObserver {
 public:
  Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Options options = {});
  ~Service() override;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // ---- pay rules (pay_rules.cc) -------------------------------------------------------------
  // The project's pay (any member: experts see what they earn); nullopt when it pays nothing.
  base::Result<std::optional<PayRules>> GetPay(const Caller& caller, std::string_view project_id);
  // Managers of the project and admins; `pay_json` as in ParsePay (merged into the current pay).
  base::Result<PayRules> SetPay(const Caller& caller, std::string_view project_id, std::string_view pay_json);

  // ---- time (time.cc) -----------------------------------------------------------------------
  // The expert's heartbeat on her live lease (time_credit.h); a lease that ended: LeaseLost.
  base::Result<BeatResult> Heartbeat(const Caller& caller, std::string_view assignment_id, const BeatRequest& beat);
  // Her days in [from_day, to_day] (UTC, at most 62 days).
  base::Result<Timesheet> MyTimesheet(const Caller& caller, std::string_view from_day, std::string_view to_day);
  base::Status SetMemo(const Caller& caller, std::string_view day, std::string_view memo);
  // "This segment shows less than I worked": claimed_ms is what it should show.
  base::Result<Dispute> OpenDispute(const Caller& caller, std::string_view segment_id, int64_t claimed_ms,
                                    std::string_view reason);
  // A project's disputes (managers), open first.
  base::Result<std::vector<Dispute>> ListDisputes(const Caller& caller, std::string_view project_id,
                                                  std::string_view status);
  // accept (granting granted_ms, at most what she claimed) or reject, with a reason she reads. An
  // accepted dispute on a submission already accrued re-accrues it.
  base::Result<Dispute> ResolveDispute(const Caller& caller, std::string_view dispute_id, bool accept,
                                       int64_t granted_ms, std::string_view reason);

  // ---- funding and budgets (funding.cc) -----------------------------------------------------
  base::Result<Funded> Fund(const Caller& caller, std::string_view project_id, int64_t amount_cents,
                            std::string_view currency, std::string_view idempotency_key);
  base::Result<Costs> ProjectCosts(const Caller& caller, std::string_view project_id);
  // work::PayObserver
  std::optional<base::Error> LeaseRefusal(storage::Conn& c, const std::string& project_id, int64_t now_us) override;
  base::Status VerdictRecorded(storage::Conn& c, const work::Verdict& verdict) override;

  // ---- accrual (accrual.cc) ----------------------------------------------------------------
  // A manager of the project records a confirmed fraud finding: the submission's pay (time
  // included) is reversed.
  base::Status RecordFraud(const Caller& caller, std::string_view submission_id, std::string_view reason);
  // The server: approves submissions on paying projects left unreviewed past their
  // auto_approve_days (through work::Service::AutoApprove, which accrues). Returns how many.
  base::Result<int64_t> RunAutoApprovals(const Caller& caller, int64_t limit = 1000);
  // Accrues again every reviewed submission of paying projects whose accrual is missing or out
  // of date (re-runnable: an up-to-date one posts nothing). Returns transactions posted.
  base::Result<int64_t> AccrueAll(const Caller& caller);
  // An admin reverses a ledger transaction, with a reason (a correction names what it corrects).
  base::Result<Posted> ReverseTransaction(const Caller& caller, std::string_view txn_id, std::string_view reason,
                                          std::string_view idempotency_key);

  // ---- payouts (payouts.cc) -------------------------------------------------------------------
  // Admins: gathers every expert_payable balance of at least min_cents in `currency` into a batch.
  // Built in chunks; a batch left building (a crash) is finished by the next call, and an
  // idempotency_key (or, without one, the ledger position) names the batch, so a rerun answers
  // the same batch: nobody is gathered twice. Nothing payable: FailedPrecondition.
  base::Result<Batch> CreateBatch(const Caller& caller, int64_t min_cents, std::string_view currency,
                                  std::string_view idempotency_key);
  base::Result<std::vector<Batch>> ListBatches(const Caller& caller);
  base::Result<Batch> GetBatch(const Caller& caller, std::string_view batch_id);
  // The batch as CSV for the payment provider (columns in README.md).
  base::Result<std::string> BatchCsv(const Caller& caller, std::string_view batch_id);
  // The provider paid it: posts cash → expert_paid per payout (resumable; again: the same batch).
  base::Result<Batch> MarkPaid(const Caller& caller, std::string_view batch_id);

  // ---- earnings and statements (earnings.cc) ------------------------------------------------
  base::Result<Earnings> MyEarnings(const Caller& caller);
  // Her payable account's lines in [from_us, to_us) of one currency ("" = her main one).
  base::Result<Statement> MyStatement(const Caller& caller, int64_t from_us, int64_t to_us, std::string_view currency);

  const Options& options() const { return options_; }
  Ledger& ledger() { return ledger_; }

 private:
  std::string NewId() { return ids_.Next(); }
  base::Result<std::optional<PayRules>> LoadPay(storage::Conn& c, std::string_view project_id);
  // What the submission earns now, posted (reversing an out-of-date accrual first); nothing when
  // it is pending or the project pays nothing. Returns transactions posted.
  base::Result<int64_t> Accrue(storage::Conn& c, std::string_view submission_id, int64_t now_us);
  // The project's median paid time of approved work (the floor's basis), kept a minute.
  base::Result<std::optional<int64_t>> MedianPaidMs(storage::Conn& c, const std::string& project_id);
  base::Result<std::optional<int64_t>> ComputeMedian(storage::Conn& c, const std::string& project_id);
  base::Status BuildBatchChunks(const std::string& batch_id, const std::string& currency, int64_t min_cents);
  base::Result<Batch> LoadBatch(storage::Conn& c, std::string_view batch_id);

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  Options options_;
  Ledger ledger_;

  struct Gate {  // a project's lease gate, computed at most once a second
    int64_t computed_at_us = 0;
    std::optional<base::Error> refusal;
  };
  static constexpr int64_t kMedianTtlUs = 60'000'000;
  std::mutex gates_mu_;
  std::map<std::string, Gate> gates_;  // by project; guarded by gates_mu_
  // project → (computed at, median paid ms); guarded by gates_mu_
  std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> medians_;
};

}  // namespace money
