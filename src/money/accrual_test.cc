// Funding, budgets and accrual on both drivers: a verdict accrues in its own transaction, once
// (re-runs post nothing), rejected work is paid its time, a changed verdict or a fraud finding
// reverses the accrual it replaces, auto-approval after the project's days, spending past the
// budget stops new leases with a clear message, the platform fee, the floor from the median.
#include <gtest/gtest.h>

#include "money/money_testing.h"

namespace money {
namespace {

using accounts::Role;

constexpr int64_t kS = base::kMicrosPerSecond;

class AccrualTest : public testing::MoneyFixture {
 protected:
  void SetUp() override {
    MoneyFixture::SetUp();
    if (HasFatalFailure()) return;
    expert_ = MakeCaller("eve@example.com", Role::kExpert);
  }
  Caller expert_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(AccrualTest);

class FeeTest : public testing::MoneyFixture {
 protected:
  Options MoneyOptions() override { return {.work = svc_.get(), .quality = quality_.get(), .platform_fee_bps = 1000}; }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(FeeTest);

TEST_P(AccrualTest, FundingIsIdempotentByKey) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500})", 2, {expert_});
  auto a = money_->Fund(manager_, p, 10'000, "USD", "po-1");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_TRUE(a->created);
  EXPECT_EQ(a->budget_cents, 10'000);
  auto b = money_->Fund(manager_, p, 10'000, "USD", "po-1");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->created);
  EXPECT_EQ(b->txn.id, a->txn.id);
  EXPECT_EQ(money_->Fund(manager_, p, 20'000, "USD", "po-1").error().code(), base::ErrorCode::kConflict);
  EXPECT_EQ(money_->Fund(manager_, p, 1'000, "EUR", "po-2").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(money_->Fund(expert_, p, 1'000, "USD", "po-3").error().code(), base::ErrorCode::kPermissionDenied);
  Caller stranger = MakeCaller("m2@example.com", Role::kManager);
  EXPECT_EQ(money_->Fund(stranger, p, 1'000, "USD", "po-3").error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(Balance(kProjectBudget, p), 10'000);
}

TEST_P(AccrualTest, AnApprovalAccruesItemAndTimeOnce) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500,"hourly_cents":6000})", 3, {expert_});
  Fund(p, 10'000);
  std::string sid = Work(expert_, p, 4, 15, 60'000);  // a minute of heartbeats
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 0);  // pending: nothing yet
  Approve(sid);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 600);  // $5 + 1 min at $60/h
  EXPECT_EQ(Balance(kProjectBudget, p), 9'400);
  // Reviewed again with the same verdict, or every accrual re-run: nothing more.
  Approve(sid);
  auto again = money_->AccrueAll(admin_);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 600);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_transactions WHERE kind = 'accrual'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_transactions WHERE idempotency_key = ?", {"accrual:" + sid + ":1"}), 1);
}

TEST_P(AccrualTest, RejectedWorkIsPaidItsTimeAndAChangedVerdictReversesTheAccrual) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500,"hourly_cents":6000})", 3, {expert_});
  Fund(p, 10'000);
  std::string sid = Work(expert_, p, 4, 15, 60'000);
  Reject(sid);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 100);  // the minute, not the item
  Approve(sid);  // a second look: approved after all
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 600);
  auto rows = db_->Query("SELECT t.reverses_id, o.idempotency_key FROM ledger_transactions t JOIN ledger_transactions o "
                         "ON o.id = t.reverses_id WHERE t.kind = 'reversal'");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).Text(1), "accrual:" + sid + ":1");
  EXPECT_EQ(Count("SELECT generation FROM accruals WHERE submission_id = ?", {sid}), 2);
}

TEST_P(AccrualTest, AFraudFindingStopsPayWithAReason) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500,"hourly_cents":6000})", 3, {expert_});
  Fund(p, 10'000);
  std::string sid = Work(expert_, p, 4, 15, 60'000);
  Approve(sid);
  EXPECT_EQ(money_->RecordFraud(manager_, sid, "short").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(money_->RecordFraud(expert_, sid, "I confess to nothing at all").error().code(),
            base::ErrorCode::kPermissionDenied);
  auto f = money_->RecordFraud(manager_, sid, "The answer was pasted from another expert's draft, verbatim.");
  ASSERT_TRUE(f) << f.error().ToString();
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 0);
  EXPECT_EQ(Balance(kProjectBudget, p), 10'000);
  EXPECT_EQ(Count("SELECT count(*) FROM accruals WHERE basis = 'fraud' AND txn_id IS NULL"), 1);
  EXPECT_EQ(money_->RecordFraud(manager_, sid, "The answer was pasted again, verbatim.").error().code(),
            base::ErrorCode::kConflict);
}

TEST_P(AccrualTest, UnreviewedWorkIsApprovedAfterTheProjectsDays) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500,"auto_approve_days":3})", 3, {expert_});
  Fund(p, 10'000);
  std::string sid = Work(expert_, p, 0, 0, 30'000);
  clock_.Advance(2 * 24 * 3600 * kS);
  EXPECT_EQ(*money_->RunAutoApprovals(accounts::Caller::System()), 0);
  EXPECT_EQ(money_->RunAutoApprovals(expert_).error().code(), base::ErrorCode::kPermissionDenied);
  clock_.Advance(24 * 3600 * kS + 1);
  EXPECT_EQ(*money_->RunAutoApprovals(accounts::Caller::System()), 1);
  EXPECT_EQ(*money_->RunAutoApprovals(accounts::Caller::System()), 0);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 500);
  auto s = svc_->GetSubmission(expert_, sid);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "approved");
  EXPECT_TRUE(s->auto_approved_at_us);
  EXPECT_FALSE(s->review);
}

// Issue 14: spending past the budget stops new leases with a clear message; her live lease is
// still hers; funding reopens the work.
TEST_P(AccrualTest, ASpentBudgetStopsNewLeases) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":400})", 10, {expert_});
  auto none = svc_->AcquireLease(expert_, p);  // paid work with no budget at all
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_NE(none.error().message().find("budget"), std::string::npos);
  Fund(p, 1'000);  // two items and a half
  std::string a = Work(expert_, p, 0, 0, 1000);
  Approve(a);
  auto held = svc_->AcquireLease(expert_, p);  // $6 left, one item in hand after this
  ASSERT_TRUE(held && *held) << (held ? "none" : held.error().ToString());
  clock_.Advance(2 * kS);  // the gate is computed at most once a second
  auto refused = svc_->AcquireLease(expert_, p, (*held)->assignment_id);  // a second one would overspend
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("adds funds"), std::string::npos) << refused.error().message();
  auto mine = svc_->AcquireLease(expert_, p);  // her live lease is still hers
  ASSERT_TRUE(mine && *mine);
  EXPECT_EQ((*mine)->assignment_id, (*held)->assignment_id);
  Fund(p, 10'000, "fund-2");
  auto more = svc_->AcquireLease(expert_, p, (*held)->assignment_id);
  ASSERT_TRUE(more && *more) << (more ? "none" : more.error().ToString());
  auto costs = money_->ProjectCosts(manager_, p);
  ASSERT_TRUE(costs) << costs.error().ToString();
  EXPECT_EQ(costs->funded_cents, 11'000);
  EXPECT_EQ(costs->spend_cents, 400);
  EXPECT_EQ(costs->budget_left_cents, 10'600);
  EXPECT_EQ(costs->approved_items, 1);
  EXPECT_EQ(costs->cost_per_approved_item_cents, 400);
  EXPECT_FALSE(costs->leases_stopped);
}

TEST_P(AccrualTest, ProjectsWithoutPayNeverStopForMoney) {
  std::string p = MakeProject(3, 1, {expert_});
  auto l = svc_->AcquireLease(expert_, p);
  ASSERT_TRUE(l && *l);
  ASSERT_TRUE(svc_->Submit(expert_, {(*l)->assignment_id, (*l)->lease_token, "c", R"({"preference":{"choice":"a"}})", 10}));
  auto s = svc_->MySubmissions(expert_, 10, "");
  Approve(s->items.at(0).id);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_transactions"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM accruals"), 0);
}

TEST_P(AccrualTest, PayAlreadyPaidOutIsNotLoweredSilently) {
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":500})", 3, {expert_});
  Fund(p, 10'000);
  std::string sid = Work(expert_, p, 0, 0, 1000);
  Approve(sid);
  ASSERT_TRUE(money_->CreateBatch(admin_, 100, "USD", "b1"));
  auto r = svc_->ReviewSubmission(manager_, sid, "reject", "On a second look the answer misses the question.");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(svc_->GetSubmission(manager_, sid)->state, "approved");  // the verdict rolled back with it
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 0);
}

TEST_P(AccrualTest, TheFloorLiftsPayAtTheMedianTime) {
  // $1 an item with a $30/h floor: items take 4 minutes, so each earns $2.
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":100,"floor_hourly_cents":3000})", 4, {expert_});
  Fund(p, 10'000);
  for (int i = 0; i < 3; ++i) {
    std::string sid = Work(expert_, p, 16, 15, 240'000);
    Approve(sid);
  }
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 600);
  EXPECT_EQ(Count("SELECT sum(floor_cents) FROM accruals"), 300);
}

TEST_P(FeeTest, ThePlatformFeeIsChargedToTheBudgetOnTop) {
  Caller e = MakeCaller("eve@example.com", Role::kExpert);
  std::string p = PaidProject(R"({"currency":"USD","per_item_cents":1000})", 2, {e});
  Fund(p, 10'000);
  std::string sid = Work(e, p, 0, 0, 1000);
  Approve(sid);
  EXPECT_EQ(Balance(kExpertPayable, e.user_id), 1000);
  EXPECT_EQ(Balance(kPlatformFee, ""), 100);
  EXPECT_EQ(Balance(kProjectBudget, p), 8'900);
}

}  // namespace
}  // namespace money
