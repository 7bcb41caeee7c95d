// money::PayRules — what a project pays, and what one submission earns under them (pure: no
// I/O, so every rule and every rounding is tested on its own).
//
// A submission earns, in integer cents of the project's currency:
//   item   per_item_cents when approved;
//   time   paid time × hourly_cents, to the nearest cent, halves up (TimeCents) — for approved
//          and rejected work alike: honest time is paid; only a confirmed fraud finding stops it;
//   floor  when approved and the project has a floor: the top-up that lifts the effective hourly
//          rate of an item taking the project's median paid time to floor_hourly_cents
//          (ceil(floor × median) − (item + time at the median)), never negative;
//   bonus  when approved: the best quality tier the expert meets (gold accuracy or Dawid–Skene
//          skill on this project, with at least min_answers behind it) adds bonus_percent of
//          item + time + floor;
//   rush   when submitted inside a rush window: (multiplier_percent − 100) % of item + time +
//          floor (the largest window that applies).
// Percentages round to the nearest cent, halves up. Quality moves bonuses, never pay for time.
//
//   ASSAY_ASSIGN_OR_RETURN(money::PayRules rules, money::ParsePay(R"({"hourly_cents":6000,"currency":"USD"})"));
//   money::Earning e = money::ComputeEarning(rules, {.basis = money::Basis::kApproved, .paid_ms = 90'000});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace money {

inline constexpr int64_t kMsPerHour = 3'600'000;
inline constexpr int64_t kMaxRateCents = 100'000'000;  // $1,000,000 an hour or an item

struct QualityTier {
  std::string metric;  // gold_accuracy | ds_skill
  double min = 0;      // share in [0, 1]
  int64_t bonus_percent = 0;
  int64_t min_answers = 5;  // gold answers (gold_accuracy) or labels (ds_skill) behind the share
};

struct RushWindow {
  int64_t from_us = 0, to_us = 0;  // [from, to)
  int64_t multiplier_percent = 100;  // 150: half again
};

struct PayRules {
  std::string currency = "USD";
  int64_t per_item_cents = 0;
  int64_t hourly_cents = 0;
  int64_t floor_hourly_cents = 0;
  std::optional<int64_t> auto_approve_days;
  std::vector<QualityTier> bonuses;
  std::vector<RushWindow> rush;
  // Whether anything is paid (a project without pay is free work: no budget, no accruals).
  bool Pays() const { return per_item_cents > 0 || hourly_cents > 0 || floor_hourly_cents > 0; }
};

// `pay` of a project create/PATCH: {per_item_cents?, hourly_cents?, floor_hourly_cents?, currency,
// auto_approve_days?, bonuses?, rush?}. With `current` (a PATCH) the keys given replace its
// values and null clears one; otherwise currency is required. Errors name the field ("pay.hourly_cents").
base::Result<PayRules> ParsePay(std::string_view json_text, const PayRules* current = nullptr);
std::string PayJson(const PayRules& rules);
// The list columns as stored (JSON arrays).
std::string BonusesJson(const std::vector<QualityTier>& tiers);
std::string RushJson(const std::vector<RushWindow>& windows);
base::Result<std::vector<QualityTier>> ParseBonuses(std::string_view json_text);
base::Result<std::vector<RushWindow>> ParseRush(std::string_view json_text);

// Round half up of ms × cents-per-hour / 1 h (both non-negative).
int64_t TimeCents(int64_t ms, int64_t hourly_cents);
// Round half up of cents × percent / 100 (cents ≥ 0, percent ≥ 0).
int64_t PercentOf(int64_t cents, int64_t percent);
// Round half up of cents × bps / 10,000.
int64_t BasisPointsOf(int64_t cents, int64_t bps);

enum class Basis { kApproved, kRejected, kFraud };
std::string_view BasisName(Basis basis);

struct EarningInput {
  Basis basis = Basis::kApproved;
  int64_t paid_ms = 0;
  int64_t submitted_at_us = 0;
  std::optional<int64_t> median_ms;  // the project's median paid time (floor); none: no floor yet
  std::optional<double> gold_accuracy;
  int64_t gold_answers = 0;
  std::optional<double> ds_skill;
  int64_t labels = 0;
};

struct Earning {
  int64_t item_cents = 0, time_cents = 0, floor_cents = 0, bonus_cents = 0, rush_cents = 0;
  int64_t total_cents = 0;
  std::string bonus_reason;  // "gold accuracy 92% ≥ 90%: +10%"; "" without a bonus
  int64_t rush_multiplier_percent = 100;
};

Earning ComputeEarning(const PayRules& rules, const EarningInput& in);
// What one approved item is expected to cost before it is done (the budget's look-ahead): item,
// time at the median (10 minutes before there is one), floor and the largest rush window now.
int64_t EstimateItemCents(const PayRules& rules, std::optional<int64_t> median_ms, int64_t now_us);

}  // namespace money
