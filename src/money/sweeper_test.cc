// The sweeper `assay serve` runs: it auto-approves (and so accrues) work left unreviewed past the
// project's days, and with scheduled payouts makes the period's batch once, however many servers
// sweep the same database.
#include "money/sweeper.h"

#include <gtest/gtest.h>

#include "money/money_testing.h"

namespace money {
namespace {

using accounts::Role;

constexpr int64_t kDayUs = 24 * 3600 * base::kMicrosPerSecond;

class SweeperTest : public testing::MoneyFixture {
 protected:
  Options MoneyOptions() override { return {.work = svc_.get(), .quality = quality_.get(), .payout_min_cents = 100}; }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(SweeperTest);

TEST_P(SweeperTest, AutoApprovesPastTheDaysAndMakesThePeriodsBatchOnce) {
  const Caller expert = MakeCaller("eve@example.com", Role::kExpert);
  const std::string p = PaidProject(R"({"currency":"USD","per_item_cents":700,"auto_approve_days":2})", 2, {expert});
  Fund(p, 10'000);
  const std::string sid = Work(expert, p, 0, 0, 30'000);
  clock_.Advance(2 * kDayUs + 1);
  // every_us a day: each sweeper's thread makes its first round at once, then waits; RunOnce
  // makes another round here.
  const SweeperOptions options{.every_us = kDayUs, .scheduled_payouts = true, .currency = "USD"};
  Sweeper one(*money_, clock_, options), two(*money_, clock_, options);
  one.RunOnce();
  two.RunOnce();
  auto s = svc_->GetSubmission(expert, sid);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "approved");
  // The batch each sweeper made in its first round may have come before the approval: the one
  // after it, in this period, has the 700 cents; nobody is in two batches.
  auto batches = money_->ListBatches(accounts::Caller::System());
  ASSERT_TRUE(batches);
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_EQ((*batches)[0].total_cents, 700);
  EXPECT_EQ(Balance(kExpertPayable, expert.user_id), 0);
  EXPECT_EQ(Balance(kCash, ""), 700);
}

}  // namespace
}  // namespace money
