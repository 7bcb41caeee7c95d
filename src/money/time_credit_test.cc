// Heartbeat streams → measured time and 10-minute segments (pure): steady work, idle gaps, a
// hidden tab, two tabs on one lease, claims beyond the wall clock, bucket edges, the tail after
// the last beat, and paid time with and without heartbeats.
#include "money/time_credit.h"

#include <gtest/gtest.h>

#include <map>

namespace money {
namespace {

constexpr int64_t kS = 1'000'000;  // a second in µs
constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z, a bucket edge

// Feeds beats to one lease and adds up the credit per bucket.
struct Stream {
  int64_t leased_at = kStart;
  int64_t last = 0;
  int64_t total_ms = 0;
  std::map<int64_t, int64_t> buckets;  // start → ms
  int64_t Beat(int64_t at_us, int64_t claimed_ms, bool visible = true) {
    int64_t credited = 0;
    for (const BucketCredit& b : CreditBeat(last, leased_at, {at_us, claimed_ms, visible}, &credited)) {
      buckets[b.bucket_start_us] += b.ms;
    }
    last = std::max(last, at_us);
    total_ms += credited;
    return credited;
  }
};

TEST(TimeCreditTest, SteadyBeatsCountTheWallClock) {
  Stream s;
  for (int i = 1; i <= 20; ++i) s.Beat(kStart + i * 15 * kS, 15'000);
  EXPECT_EQ(s.total_ms, 300'000);
  ASSERT_EQ(s.buckets.size(), 1u);
  EXPECT_EQ(s.buckets[kStart], 300'000);
}

TEST(TimeCreditTest, AnIdleGapEarnsOnlyWhatTheNextBeatClaims) {
  Stream s;
  for (int i = 1; i <= 4; ++i) s.Beat(kStart + i * 15 * kS, 15'000);  // a minute of work
  // Idle for five minutes (the page sends nothing), then 5 s of typing and a beat.
  EXPECT_EQ(s.Beat(kStart + (60 + 300 + 5) * kS, 5'000), 5'000);
  EXPECT_EQ(s.total_ms, 65'000);
}

TEST(TimeCreditTest, AClaimIsCappedByTheWallClockAndOneBeatsWorth) {
  Stream s;
  s.Beat(kStart + 15 * kS, 15'000);
  EXPECT_EQ(s.Beat(kStart + 30 * kS, 120'000), 15'000);   // 15 s passed, 120 s claimed
  EXPECT_EQ(s.Beat(kStart + 210 * kS, 120'000), 30'000);  // 3 minutes passed: at most 30 s
  EXPECT_EQ(s.Beat(kStart + 210 * kS, 15'000), 0);        // the same instant again: nothing
  EXPECT_EQ(s.Beat(kStart - 10 * kS, 15'000), 0);         // before the lease: nothing
}

TEST(TimeCreditTest, AHiddenTabEarnsNothing) {
  Stream s;
  s.Beat(kStart + 15 * kS, 15'000);
  EXPECT_EQ(s.Beat(kStart + 30 * kS, 15'000, /*visible=*/false), 0);
  EXPECT_EQ(s.Beat(kStart + 45 * kS, 15'000), 15'000);
  EXPECT_EQ(s.total_ms, 30'000);
}

// Two tabs on one lease, each claiming its full 15 s every 15 s, half a beat apart: the lease
// is credited the wall clock once, not twice.
TEST(TimeCreditTest, TwoTabsOnOneLeaseNeverCountASecondTwice) {
  Stream s;
  for (int i = 1; i <= 40; ++i) {
    s.Beat(kStart + i * 15 * kS, 15'000);                 // tab A
    s.Beat(kStart + i * 15 * kS + 7'500'000, 15'000);     // tab B
  }
  EXPECT_EQ(s.total_ms, 40 * 15'000 + 7'500);
  for (const auto& [start, ms] : s.buckets) EXPECT_LE(ms, kBucketMs);
}

TEST(TimeCreditTest, CreditSplitsAtTheTenMinuteEdge) {
  Stream s;
  s.leased_at = kStart + 590 * kS;
  s.Beat(kStart + 605 * kS, 15'000);  // 10 s before the edge, 5 s after
  EXPECT_EQ(s.buckets[kStart], 10'000);
  EXPECT_EQ(s.buckets[kStart + kBucketUs], 5'000);
  EXPECT_EQ(BucketStart(kStart + kBucketUs - 1), kStart);
}

TEST(TimeCreditTest, TheTailAfterTheLastBeatIsWhatTheSubmitClaimsBeyondTheBeats) {
  // 60 s measured by beats, the submit 10 s after the last beat claims 68 s: 8 s of tail.
  EXPECT_EQ(TailMs(68'000, 60'000, kStart, kStart + 10 * kS), 8'000);
  // It never exceeds the time since the last beat, nor one beat's worth, nor goes negative.
  EXPECT_EQ(TailMs(200'000, 60'000, kStart, kStart + 10 * kS), 10'000);
  EXPECT_EQ(TailMs(500'000, 60'000, kStart, kStart + 600 * kS), kMaxBeatCreditMs);
  EXPECT_EQ(TailMs(10'000, 60'000, kStart, kStart + 10 * kS), 0);
}

TEST(TimeCreditTest, PaidTimeIsCappedByTheLeaseAndMarksUnverifiedClaims) {
  PaidTime beats = ComputePaidTime(900'000, 12, 170'000, 600'000);
  EXPECT_TRUE(beats.verified);
  EXPECT_EQ(beats.paid_ms, 170'000);  // the heartbeats, not the claim
  PaidTime script = ComputePaidTime(3'600'000, 0, 0, 600'000);
  EXPECT_FALSE(script.verified);
  EXPECT_EQ(script.paid_ms, 600'000);  // claimed an hour, held the lease ten minutes
  EXPECT_EQ(ComputePaidTime(45'000, 0, 0, 600'000).paid_ms, 45'000);
  EXPECT_EQ(ComputePaidTime(0, 3, 700'000, 600'000).paid_ms, 600'000);  // never past the lease
}

}  // namespace
}  // namespace money
