// Measured time through the service on both drivers: heartbeats → segments and the timesheet,
// retried beats, a client clock that is off, beats after the lease, a claim beyond the lease,
// memos, and disputes a manager resolves with a reason.
#include <gtest/gtest.h>

#include "money/money_testing.h"

namespace money {
namespace {

using accounts::Role;

constexpr int64_t kS = base::kMicrosPerSecond;

class TimeTest : public testing::MoneyFixture {
 protected:
  void SetUp() override {
    MoneyFixture::SetUp();
    if (HasFatalFailure()) return;
    expert_ = MakeCaller("eve@example.com", Role::kExpert);
    other_ = MakeCaller("olga@example.com", Role::kExpert);
  }
  base::Result<BeatResult> Beat(const Caller& who, const std::string& assignment, int64_t claimed_ms,
                                const std::string& beat_id = "", std::optional<int64_t> client_at = {},
                                bool visible = true) {
    return money_->Heartbeat(who, assignment, {beat_id, "tab-1", claimed_ms, visible, client_at});
  }
  std::string Today() { return base::FormatRfc3339(clock_.NowMicros()).substr(0, 10); }
  Caller expert_, other_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(TimeTest);

TEST_P(TimeTest, HeartbeatsBecomeSegmentsOnTheTimesheet) {
  std::string p = MakeProject(3, 1, {expert_});
  auto lease = svc_->AcquireLease(expert_, p);
  ASSERT_TRUE(lease && *lease);
  for (int i = 0; i < 8; ++i) {
    clock_.Advance(15 * kS);
    auto b = Beat(expert_, (*lease)->assignment_id, 15'000);
    ASSERT_TRUE(b) << b.error().ToString();
    EXPECT_EQ(b->credited_ms, 15'000);
  }
  // A retried beat (same id) counts once.
  clock_.Advance(15 * kS);
  ASSERT_TRUE(Beat(expert_, (*lease)->assignment_id, 15'000, "beat-9"));
  auto again = Beat(expert_, (*lease)->assignment_id, 15'000, "beat-9");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->measured_ms, 135'000);
  auto sheet = money_->MyTimesheet(expert_, Today(), Today());
  ASSERT_TRUE(sheet) << sheet.error().ToString();
  ASSERT_EQ(sheet->days.size(), 1u);
  EXPECT_EQ(sheet->days[0].active_ms, 135'000);
  ASSERT_FALSE(sheet->days[0].segments.empty());
  EXPECT_EQ(sheet->days[0].segments[0].project_name, "Preferences");
  // Nobody else's timesheet shows it.
  EXPECT_TRUE(money_->MyTimesheet(other_, Today(), Today())->days.empty());
}

// The client's clock is kept but never trusted: an hour off, the same time is credited.
TEST_P(TimeTest, AClientClockThatIsOffChangesNothing) {
  std::string p = MakeProject(3, 1, {expert_, other_});
  auto a = svc_->AcquireLease(expert_, p);
  auto b = svc_->AcquireLease(other_, p);
  ASSERT_TRUE(a && *a && b && *b);
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(15 * kS);
    const int64_t now = clock_.NowMicros();
    ASSERT_TRUE(Beat(expert_, (*a)->assignment_id, 15'000, "", now));
    ASSERT_TRUE(Beat(other_, (*b)->assignment_id, 15'000, "", now + 3600 * kS * (i % 2 ? 1 : -1)));
  }
  auto ea = money_->MyTimesheet(expert_, Today(), Today());
  auto eb = money_->MyTimesheet(other_, Today(), Today());
  ASSERT_TRUE(ea && eb);
  EXPECT_EQ(ea->days.at(0).active_ms, 90'000);
  EXPECT_EQ(eb->days.at(0).active_ms, 90'000);
}

TEST_P(TimeTest, BeatsAreRefusedAfterTheLeaseAndOnOthersLeases) {
  std::string p = MakeProject(3, 1, {expert_, other_});
  auto lease = svc_->AcquireLease(expert_, p);
  ASSERT_TRUE(lease && *lease);
  EXPECT_EQ(Beat(other_, (*lease)->assignment_id, 1000).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(Beat(expert_, (*lease)->assignment_id, 999'999).error().code(), base::ErrorCode::kInvalidArgument);
  ASSERT_TRUE(svc_->Submit(expert_, {(*lease)->assignment_id, (*lease)->lease_token, "c1",
                                     R"({"preference":{"choice":"a"}})", 1000}));
  auto late = Beat(expert_, (*lease)->assignment_id, 1000);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), base::ErrorCode::kLeaseLost);
}

// Issue 14: a client claiming more time than its lease held is capped at the lease, marked
// unverified; with heartbeats, pay follows them, not the claim.
TEST_P(TimeTest, AClaimBeyondTheLeaseIsCapped) {
  std::string p = PaidProject(R"({"currency":"USD","hourly_cents":6000})", 4, {expert_});
  Fund(p, 100'000);
  auto lease = svc_->AcquireLease(expert_, p);
  ASSERT_TRUE(lease && *lease);
  clock_.Advance(120 * kS);  // held two minutes, claims an hour, no heartbeats (an API script)
  auto s = svc_->Submit(expert_, {(*lease)->assignment_id, (*lease)->lease_token, "c1",
                                  R"({"preference":{"choice":"a"}})", 3'600'000});
  ASSERT_TRUE(s);
  Approve(s->submission.id);
  EXPECT_EQ(Count("SELECT paid_ms FROM accruals"), 120'000);
  EXPECT_EQ(Count("SELECT verified FROM accruals"), 0);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 200);  // 2 min at $60/h, not $60
  auto sheet = money_->MyTimesheet(expert_, Today(), Today());
  ASSERT_TRUE(sheet);
  ASSERT_EQ(sheet->unverified.size(), 1u);
  EXPECT_EQ(sheet->unverified[0].paid_ms, 120'000);
  // With heartbeats: a minute measured, the submit right after the last beat claims an hour: a
  // minute paid.
  std::string sid = Work(expert_, p, 4, 15, 3'600'000);
  Approve(sid);
  EXPECT_EQ(Count("SELECT paid_ms FROM accruals WHERE submission_id = ?", {sid}), 60'000);
  EXPECT_EQ(Count("SELECT verified FROM accruals WHERE submission_id = ?", {sid}), 1);
}

// The active time between the last beat and the submit (what the submit claims beyond the
// beats, at most the time since the last beat) is paid and shows on the timesheet.
TEST_P(TimeTest, TheTailAfterTheLastBeatIsCounted) {
  std::string p = PaidProject(R"({"currency":"USD","hourly_cents":3600})", 4, {expert_});
  Fund(p, 100'000);
  auto lease = svc_->AcquireLease(expert_, p);
  ASSERT_TRUE(lease && *lease);
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(15 * kS);
    ASSERT_TRUE(Beat(expert_, (*lease)->assignment_id, 15'000));
  }
  clock_.Advance(9 * kS);
  auto s = svc_->Submit(expert_, {(*lease)->assignment_id, (*lease)->lease_token, "c1",
                                  R"({"preference":{"choice":"a"}})", 67'000});
  ASSERT_TRUE(s);
  Approve(s->submission.id);
  EXPECT_EQ(Count("SELECT paid_ms FROM accruals"), 67'000);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 67);  // 67 s at $36/h = 67 ¢
  EXPECT_EQ(money_->MyTimesheet(expert_, Today(), Today())->days.at(0).active_ms, 67'000);
}

TEST_P(TimeTest, MemosAreKeptPerDay) {
  ASSERT_TRUE(money_->SetMemo(expert_, Today(), "Cardiology set; two items needed the drug table."));
  EXPECT_EQ(money_->SetMemo(expert_, "2026-13-01", "x").error().code(), base::ErrorCode::kInvalidArgument);
  auto sheet = money_->MyTimesheet(expert_, Today(), Today());
  ASSERT_TRUE(sheet);
  ASSERT_EQ(sheet->days.size(), 1u);
  EXPECT_EQ(sheet->days[0].memo, "Cardiology set; two items needed the drug table.");
  EXPECT_FALSE(money_->MyTimesheet(expert_, "2026-01-01", "2026-06-01"));  // more than 62 days
}

TEST_P(TimeTest, ADisputeIsResolvedByAManagerWithAReasonAndRepaysTime) {
  std::string p = PaidProject(R"({"currency":"USD","hourly_cents":6000})", 4, {expert_});
  Fund(p, 100'000);
  // Two beats, then the network drops for three minutes (no beats) before she submits.
  auto lease = svc_->AcquireLease(expert_, p);
  ASSERT_TRUE(lease && *lease);
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(15 * kS);
    ASSERT_TRUE(Beat(expert_, (*lease)->assignment_id, 15'000));
  }
  clock_.Advance(180 * kS);
  auto s = svc_->Submit(expert_, {(*lease)->assignment_id, (*lease)->lease_token, "c1",
                                  R"({"preference":{"choice":"a"}})", 210'000});
  ASSERT_TRUE(s);
  Approve(s->submission.id);
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 100);  // 30 s of beats + 30 s of tail at $60/h
  auto sheet = money_->MyTimesheet(expert_, Today(), Today());
  ASSERT_TRUE(sheet && !sheet->days.empty());
  const std::string segment = sheet->days[0].segments.at(0).id;
  EXPECT_EQ(money_->OpenDispute(expert_, segment, 1000, "x").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(money_->OpenDispute(other_, segment, 210'000, "mine").error().code(), base::ErrorCode::kNotFound);
  auto d = money_->OpenDispute(expert_, segment, 210'000, "My network dropped; I read both long answers meanwhile.");
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->status, "open");
  EXPECT_EQ(money_->OpenDispute(expert_, segment, 210'000, "again").error().code(), base::ErrorCode::kConflict);
  // Managers of the project see it; a manager of another project does not.
  auto list = money_->ListDisputes(manager_, p, "open");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).expert_id, expert_.user_id);
  Caller stranger = MakeCaller("m2@example.com", Role::kManager);
  EXPECT_EQ(money_->ListDisputes(stranger, p, "").error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(money_->ResolveDispute(stranger, d->id, true, 0, "ok").error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(money_->ResolveDispute(manager_, d->id, true, 0, "  ").error().code(), base::ErrorCode::kInvalidArgument);
  auto done = money_->ResolveDispute(manager_, d->id, true, 0, "The server log shows the dropped connection.");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->status, "accepted");
  EXPECT_EQ(done->granted_ms, 150'000);
  // Paid again on the granted time: the old accrual reversed (naming it), a new one at 3.5 min.
  EXPECT_EQ(Balance(kExpertPayable, expert_.user_id), 350);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_transactions WHERE kind = 'reversal' AND reverses_id IS NOT NULL"), 1);
  EXPECT_EQ(money_->ResolveDispute(manager_, d->id, false, 0, "no").error().code(), base::ErrorCode::kConflict);
  auto after = money_->MyTimesheet(expert_, Today(), Today());
  EXPECT_EQ(after->days.at(0).granted_ms, 150'000);
  ASSERT_TRUE(after->days.at(0).segments.at(0).dispute);
  EXPECT_EQ(*after->days.at(0).segments.at(0).dispute->resolution, "The server log shows the dropped connection.");
}

}  // namespace
}  // namespace money
