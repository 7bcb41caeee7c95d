// Payout batches on both drivers: balances at or above the threshold gathered with ids derived
// from the batch, the CSV for the provider, marking paid, running twice, and a crash at any
// write of building or paying followed by a rerun that pays each expert exactly once.
#include <gtest/gtest.h>

#include "money/money_testing.h"

namespace money {
namespace {

using accounts::Role;

class PayoutsTest : public testing::MoneyFixture {
 protected:
  void SetUp() override {
    MoneyFixture::SetUp();
    if (HasFatalFailure()) return;
    for (const char* email : {"a@example.com", "b@example.com", "c@example.com"}) {
      experts_.push_back(MakeCaller(email, Role::kExpert));
    }
    project_ = PaidProject(R"({"currency":"USD","per_item_cents":1500})", 130, experts_);
    Fund(project_, 10'000'000);
  }
  // Each expert i does items[i] approved items.
  void Earn(const std::vector<int>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      for (int n = 0; n < items[i]; ++n) Approve(Work(experts_[i], project_, 0, 0, 1000));
    }
  }
  std::vector<Caller> experts_;
  std::string project_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(PayoutsTest);

TEST_P(PayoutsTest, ABatchGathersBalancesAtTheThresholdAndIsPaidOnce) {
  Earn({3, 1, 2});  // $45, $15, $30
  auto b = money_->CreateBatch(admin_, 3000, "USD", "weekly-1");
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_TRUE(b->created);
  EXPECT_EQ(b->status, "open");
  ASSERT_EQ(b->payouts.size(), 2u);
  EXPECT_EQ(b->total_cents, 7500);
  EXPECT_EQ(Balance(kExpertPayable, experts_[0].user_id), 0);
  EXPECT_EQ(Balance(kExpertPayable, experts_[1].user_id), 1500);  // below the threshold: stays
  EXPECT_EQ(Balance(kCash, ""), 7500);
  // The same request again: the same batch, nothing moved.
  auto again = money_->CreateBatch(admin_, 3000, "USD", "weekly-1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->id, b->id);
  EXPECT_EQ(Balance(kCash, ""), 7500);
  // Nothing left at the threshold: no empty batch.
  EXPECT_EQ(money_->CreateBatch(admin_, 3000, "USD", "weekly-2").error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(money_->CreateBatch(experts_[0], 0, "USD", "mine").error().code(), base::ErrorCode::kPermissionDenied);
  auto csv = money_->BatchCsv(admin_, b->id);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->substr(0, csv->find('\r')),
            "payout_id,batch_id,expert_id,expert_email,expert_name,amount_cents,amount,currency,reference,status");
  EXPECT_NE(csv->find(",4500,45.00,USD,assay payout "), std::string::npos) << *csv;
  auto paid = money_->MarkPaid(admin_, b->id);
  ASSERT_TRUE(paid) << paid.error().ToString();
  EXPECT_EQ(paid->status, "paid");
  EXPECT_EQ(Balance(kExpertPaid, experts_[0].user_id), 4500);
  EXPECT_EQ(Balance(kExpertPaid, experts_[2].user_id), 3000);
  EXPECT_EQ(Balance(kCash, ""), 0);
  ASSERT_TRUE(money_->MarkPaid(admin_, b->id));  // again: nothing more
  EXPECT_EQ(Balance(kExpertPaid, experts_[0].user_id), 4500);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_transactions WHERE kind = 'payout_paid'"), 2);
}

// The payout ids are derived from the batch and the expert: the provider can use them as its own
// idempotency keys.
TEST_P(PayoutsTest, PayoutIdsAreDeterministic) {
  Earn({1, 1, 0});
  auto b = money_->CreateBatch(admin_, 0, "USD", "k");
  ASSERT_TRUE(b);
  for (const Payout& p : b->payouts) {
    EXPECT_EQ(p.id.size(), 36u);
    EXPECT_EQ(p.id[14], '8');  // a version-8 (derived) UUID
  }
  EXPECT_NE(b->payouts[0].id, b->payouts[1].id);
}

// Issue 14: a crash at every possible write while building and while paying, each followed by a
// rerun (a new process: a new service) with the same request, pays each expert exactly once.
TEST_P(PayoutsTest, ACrashAtAnyWriteThenARerunPaysEachExpertOnce) {
  const std::vector<int64_t> per_round = {3000, 1500, 4500};
  int64_t rounds = 0;
  for (int64_t nth = 0; nth < 10; ++nth) {
    for (auto when : {testing::FaultyDb::When::kBeforeCommit, testing::FaultyDb::When::kAfterCommit}) {
      Earn({2, 1, 3});
      ++rounds;
      const std::string key = "run-" + std::to_string(rounds);
      testing::FaultyDb faulty(*db_);
      Options o = MoneyOptions();
      o.payout_chunk = 1;  // a write per payout: a crash can land between any two
      auto crashing = std::make_unique<Service>(faulty, clock_, ids_, o);
      // Writes 0-4 build the batch (its row, three payouts, ready), 5-9 pay it.
      faulty.FailWrite(nth < 5 ? nth : -1, when);
      auto built = crashing->CreateBatch(admin_, 0, "USD", key);
      if (built) {
        faulty.FailWrite(nth >= 5 ? nth - 5 : -1, when);
        (void)crashing->MarkPaid(admin_, built->id);
      }
      EXPECT_TRUE(faulty.failed()) << "the crash at write " << nth << " never came";
      crashing.reset();
      auto restarted = std::make_unique<Service>(*db_, clock_, ids_, o);
      auto rebuilt = restarted->CreateBatch(admin_, 0, "USD", key);
      ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
      auto paid = restarted->MarkPaid(admin_, rebuilt->id);
      ASSERT_TRUE(paid) << paid.error().ToString();
      EXPECT_EQ(paid->status, "paid");
      for (size_t i = 0; i < experts_.size(); ++i) {
        EXPECT_EQ(Balance(kExpertPaid, experts_[i].user_id), per_round[i] * rounds) << "crash at write " << nth;
        EXPECT_EQ(Balance(kExpertPayable, experts_[i].user_id), 0);
      }
      EXPECT_EQ(Balance(kCash, ""), 0);
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM payout_batches"), rounds);
}

}  // namespace
}  // namespace money
