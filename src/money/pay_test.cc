// Pay rules on their own: parsing with errors that name the field, the documented rounding
// (to the cent, halves up), the floor from the median time, quality tiers and rush windows.
#include "money/pay.h"

#include <gtest/gtest.h>

namespace money {
namespace {

std::string Field(const base::Error& e) {
  for (const base::ErrorDetail& d : e.details()) {
    if (d.key == "field") return d.json_value;
  }
  return "";
}

TEST(PayTest, ParsesAndRendersEveryField) {
  auto p = ParsePay(R"({"currency":"EUR","per_item_cents":250,"hourly_cents":6000,"floor_hourly_cents":3000,
    "auto_approve_days":3,"bonuses":[{"metric":"gold_accuracy","min":0.9,"bonus_percent":10}],
    "rush":[{"from":"2026-12-01T00:00:00Z","to":"2026-12-08T00:00:00Z","multiplier_percent":150}]})");
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->currency, "EUR");
  EXPECT_EQ(p->hourly_cents, 6000);
  EXPECT_EQ(p->auto_approve_days, 3);
  ASSERT_EQ(p->bonuses.size(), 1u);
  EXPECT_EQ(p->bonuses[0].min_answers, 5);
  ASSERT_EQ(p->rush.size(), 1u);
  EXPECT_EQ(p->rush[0].multiplier_percent, 150);
  auto again = ParsePay(PayJson(*p));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(PayJson(*again), PayJson(*p));
}

TEST(PayTest, APatchChangesOnlyWhatItNamesAndNullClears) {
  auto p = ParsePay(R"({"currency":"USD","per_item_cents":250,"auto_approve_days":3})");
  ASSERT_TRUE(p);
  auto patched = ParsePay(R"({"hourly_cents":4000,"auto_approve_days":null})", &*p);
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->per_item_cents, 250);
  EXPECT_EQ(patched->hourly_cents, 4000);
  EXPECT_FALSE(patched->auto_approve_days);
}

TEST(PayTest, BadPayIsRefusedNamingTheField) {
  EXPECT_EQ(Field(ParsePay(R"({"per_item_cents":100})").error()), "\"pay.currency\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"usd"})").error()), "\"pay.currency\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","hourly_cents":12.5})").error()), "\"pay.hourly_cents\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","per_item_cents":-1})").error()), "\"pay.per_item_cents\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","tips":1})").error()), "\"pay.tips\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","auto_approve_days":0})").error()), "\"pay.auto_approve_days\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","bonuses":[{"metric":"speed","min":0.5,"bonus_percent":5}]})").error()),
            "\"pay.bonuses[0].metric\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","rush":[{"from":"2026-12-08","to":"2026-12-01","multiplier_percent":150}]})")
                      .error()),
            "\"pay.rush[0].to\"");
  EXPECT_EQ(Field(ParsePay(R"({"currency":"USD","rush":[{"from":"x","to":"2026-12-01","multiplier_percent":150}]})").error()),
            "\"pay.rush[0].from\"");
}

// The documented rounding: ms × rate / 1 h to the nearest cent, halves up.
TEST(PayTest, TimeRoundsToTheNearestCentHalvesUp) {
  EXPECT_EQ(TimeCents(3'600'000, 6000), 6000);  // an hour at $60
  EXPECT_EQ(TimeCents(90'000, 6000), 150);      // 90 s at $60/h = $1.50 exactly
  EXPECT_EQ(TimeCents(600, 6000), 1);           // 0.6 ms·rate → 1.0 cent
  EXPECT_EQ(TimeCents(299, 6000), 0);           // 0.498 cent → 0
  EXPECT_EQ(TimeCents(300, 6000), 1);           // 0.5 cent → halves up → 1
  EXPECT_EQ(TimeCents(899, 6000), 1);           // 1.498 → 1
  EXPECT_EQ(TimeCents(900, 6000), 2);           // 1.5 → 2
  EXPECT_EQ(TimeCents(0, 6000), 0);
  EXPECT_EQ(TimeCents(30LL * 24 * 3600 * 1000, 100'000'000), 72'000'000'000LL);  // no overflow at the bounds
  EXPECT_EQ(PercentOf(125, 10), 13);  // 12.5 → 13
  EXPECT_EQ(PercentOf(124, 10), 12);
  EXPECT_EQ(BasisPointsOf(10'050, 100), 101);  // 100.5 → 101
}

TEST(PayTest, ApprovedEarnsItemAndTimeRejectedEarnsTimeFraudNothing) {
  PayRules r;
  r.per_item_cents = 200;
  r.hourly_cents = 6000;
  Earning a = ComputeEarning(r, {.basis = Basis::kApproved, .paid_ms = 60'000});
  EXPECT_EQ(a.item_cents, 200);
  EXPECT_EQ(a.time_cents, 100);
  EXPECT_EQ(a.total_cents, 300);
  Earning rej = ComputeEarning(r, {.basis = Basis::kRejected, .paid_ms = 60'000});
  EXPECT_EQ(rej.item_cents, 0);
  EXPECT_EQ(rej.total_cents, 100);  // honest time is paid
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kFraud, .paid_ms = 60'000}).total_cents, 0);
}

// The floor lifts the effective rate at the project's median time to the floor, whatever this
// one submission took.
TEST(PayTest, TheFloorTopsUpToTheFloorRateAtTheMedianTime) {
  PayRules r;
  r.per_item_cents = 100;        // $1 an item
  r.floor_hourly_cents = 3000;   // at least $30/h
  // Median 4 min: $30/h × 4 min = $2.00 → top-up $1.00.
  Earning e = ComputeEarning(r, {.basis = Basis::kApproved, .paid_ms = 60'000, .median_ms = 240'000});
  EXPECT_EQ(e.floor_cents, 100);
  EXPECT_EQ(e.total_cents, 200);
  // A fast expert (1 min) still gets the top-up: the median sets it, not her time.
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .paid_ms = 10'000, .median_ms = 240'000}).total_cents, 200);
  // Median 1 min: $1 an item is $60/h, above the floor: nothing added.
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .paid_ms = 60'000, .median_ms = 60'000}).floor_cents, 0);
  // The top-up rounds up, so the effective rate is never below the floor: 7 s at $30/h = 5.83 ¢.
  PayRules tiny;
  tiny.floor_hourly_cents = 3000;
  EXPECT_EQ(ComputeEarning(tiny, {.basis = Basis::kApproved, .paid_ms = 7'000, .median_ms = 7'000}).floor_cents, 6);
  // Rejected work is paid its time, no floor.
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kRejected, .paid_ms = 60'000, .median_ms = 240'000}).total_cents, 0);
}

TEST(PayTest, TheBestQualityTierMetAddsItsBonus) {
  PayRules r;
  r.per_item_cents = 1000;
  r.bonuses = {{"gold_accuracy", 0.9, 10, 5}, {"gold_accuracy", 0.95, 20, 5}, {"ds_skill", 0.8, 5, 20}};
  EarningInput in{.basis = Basis::kApproved, .gold_accuracy = 0.96, .gold_answers = 25};
  Earning e = ComputeEarning(r, in);
  EXPECT_EQ(e.bonus_cents, 200);
  EXPECT_NE(e.bonus_reason.find("96%"), std::string::npos);
  in.gold_answers = 4;  // too few gold answers behind it
  EXPECT_EQ(ComputeEarning(r, in).bonus_cents, 0);
  in.ds_skill = 0.85;
  in.labels = 40;
  EXPECT_EQ(ComputeEarning(r, in).bonus_cents, 50);
  in.basis = Basis::kRejected;  // quality moves bonuses, never time pay; no bonus on rejected work
  EXPECT_EQ(ComputeEarning(r, in).bonus_cents, 0);
}

TEST(PayTest, RushMultipliesInsideItsWindowOnly) {
  PayRules r;
  r.per_item_cents = 1000;
  r.rush = {{100, 200, 150}, {150, 300, 125}};
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .submitted_at_us = 99}).total_cents, 1000);
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .submitted_at_us = 100}).rush_cents, 500);
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .submitted_at_us = 160}).rush_cents, 500);  // the larger
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .submitted_at_us = 250}).rush_cents, 250);
  EXPECT_EQ(ComputeEarning(r, {.basis = Basis::kApproved, .submitted_at_us = 300}).rush_cents, 0);
}

}  // namespace
}  // namespace money
