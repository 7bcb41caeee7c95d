// The demo's money (issue 14), through money::Service as a manager and an admin would: both
// projects pay (per item + hourly, a floor, a gold-accuracy bonus tier) and are funded; the
// pilot's reviewed work accrues, a payout batch of it is made and marked paid, and then the
// manager approves a few more pilot submissions, so the experts' earnings show paid money and
// money waiting for the next payout, and the pilot's cost page shows cost per correct label.
#include <string>

#include "demo/demo.h"
#include "money/service.h"

namespace demo {
namespace {

constexpr const char* kFreshPay =
    R"({"currency":"USD","per_item_cents":200,"hourly_cents":5400,"floor_hourly_cents":4500,)"
    R"("auto_approve_days":7,"bonuses":[{"metric":"gold_accuracy","min":0.9,"bonus_percent":10}]})";
constexpr const char* kPilotPay =
    R"({"currency":"USD","per_item_cents":150,"hourly_cents":4800,"floor_hourly_cents":4000,)"
    R"("auto_approve_days":7,"bonuses":[{"metric":"gold_accuracy","min":0.9,"bonus_percent":10}]})";
constexpr int kApprovedAfterBatch = 6;

// Approves up to n pending pilot submissions, oldest first.
base::Status ApproveMore(work::Service& work, const accounts::Caller& manager, const std::string& project_id, int n) {
  work::SubmissionFilter filter;
  filter.state = "pending";
  filter.oldest_first = true;
  ASSAY_ASSIGN_OR_RETURN(work::Page<work::Submission> page, work.ListSubmissions(manager, project_id, filter, n, ""));
  for (const work::Submission& s : page.items) {
    ASSAY_TRY(work.ReviewSubmission(manager, s.id, "approve", "Careful reading of both answers: approved."));
  }
  return base::Ok();
}

}  // namespace

base::Status SeedMoney(const Services& services, const accounts::Caller& manager, const DemoSeed& seed) {
  if (!services.money) return base::Ok();
  money::Service& money = *services.money;
  const accounts::Caller admin = accounts::Caller::System();
  ASSAY_TRY(money.SetPay(manager, seed.project_id, kFreshPay));
  ASSAY_TRY(money.Fund(manager, seed.project_id, 200'000, "USD", "demo-fresh-funding-1"));
  ASSAY_TRY(money.SetPay(manager, seed.worked_project_id, kPilotPay));
  ASSAY_TRY(money.Fund(manager, seed.worked_project_id, 150'000, "USD", "demo-pilot-funding-1"));
  ASSAY_TRY(money.AccrueAll(admin));  // the pilot's reviews, made before it paid
  ASSAY_ASSIGN_OR_RETURN(money::Batch batch, money.CreateBatch(admin, 1, "USD", "demo-batch-1"));
  ASSAY_TRY(money.MarkPaid(admin, batch.id));
  return ApproveMore(services.work, manager, seed.worked_project_id, kApprovedAfterBatch);
}

}  // namespace demo
