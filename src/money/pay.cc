#include "money/pay.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "base/clock.h"
#include "base/json.h"
#include "money/ledger.h"

namespace money {
namespace {

using nlohmann::json;

base::Error BadPay(const std::string& field, const std::string& message) {
  return base::Error::Invalid("pay." + field + ": " + message).Detail("field", "pay." + field);
}

base::Result<int64_t> Cents(const json& v, const std::string& field) {
  if (!v.is_number_integer()) return BadPay(field, "must be a whole number of cents");
  const int64_t n = v.get<int64_t>();
  if (n < 0 || n > kMaxRateCents) return BadPay(field, "must be between 0 and 100,000,000 cents");
  return n;
}

base::Result<QualityTier> ParseTier(const json& t, size_t i) {
  const std::string at = "bonuses[" + std::to_string(i) + "]";
  if (!t.is_object()) return BadPay(at, "must be an object {metric, min, bonus_percent, min_answers?}");
  QualityTier tier;
  for (const auto& [key, v] : t.items()) {
    if (key == "metric") {
      if (!v.is_string() || (v != "gold_accuracy" && v != "ds_skill")) {
        return BadPay(at + ".metric", "must be gold_accuracy or ds_skill");
      }
      tier.metric = v.get<std::string>();
    } else if (key == "min") {
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
        return BadPay(at + ".min", "must be a share between 0 and 1 (0.9 is 90%)");
      }
      tier.min = v.get<double>();
    } else if (key == "bonus_percent") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1000) {
        return BadPay(at + ".bonus_percent", "must be a whole percent between 1 and 1000");
      }
      tier.bonus_percent = v.get<int64_t>();
    } else if (key == "min_answers") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 100000) {
        return BadPay(at + ".min_answers", "must be between 1 and 100,000");
      }
      tier.min_answers = v.get<int64_t>();
    } else {
      return BadPay(at + "." + key, "is not a field of a quality tier");
    }
  }
  if (tier.metric.empty()) return BadPay(at + ".metric", "is required");
  if (tier.bonus_percent == 0) return BadPay(at + ".bonus_percent", "is required");
  return tier;
}

base::Result<RushWindow> ParseWindow(const json& w, size_t i) {
  const std::string at = "rush[" + std::to_string(i) + "]";
  if (!w.is_object()) return BadPay(at, "must be an object {from, to, multiplier_percent}");
  RushWindow r;
  bool from = false, to = false;
  for (const auto& [key, v] : w.items()) {
    if (key == "from" || key == "to") {
      if (!v.is_string()) return BadPay(at + "." + key, "must be an RFC 3339 time, e.g. 2026-12-01T00:00:00Z");
      auto t = base::ParseRfc3339(v.get<std::string>());
      if (!t) return BadPay(at + "." + key, "must be an RFC 3339 time, e.g. 2026-12-01T00:00:00Z");
      (key == "from" ? r.from_us : r.to_us) = *t;
      (key == "from" ? from : to) = true;
    } else if (key == "multiplier_percent") {
      if (!v.is_number_integer() || v.get<int64_t>() < 100 || v.get<int64_t>() > 1000) {
        return BadPay(at + ".multiplier_percent", "must be a whole percent between 100 and 1000 (150 pays half again)");
      }
      r.multiplier_percent = v.get<int64_t>();
    } else {
      return BadPay(at + "." + key, "is not a field of a rush window");
    }
  }
  if (!from || !to) return BadPay(at, "needs from and to");
  if (r.to_us <= r.from_us) return BadPay(at + ".to", "must be after from");
  return r;
}

template <typename T, typename ParseOne>
base::Result<std::vector<T>> ParseList(const json& v, const std::string& field, size_t max, ParseOne parse) {
  std::vector<T> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return BadPay(field, "must be a list");
  if (v.size() > max) return BadPay(field, "has at most " + std::to_string(max) + " entries");
  for (size_t i = 0; i < v.size(); ++i) {
    ASSAY_ASSIGN_OR_RETURN(T one, parse(v[i], i));
    out.push_back(std::move(one));
  }
  return out;
}

base::Status ApplyKey(PayRules& r, const std::string& key, const json& v) {
  if (key == "currency") {
    if (!v.is_string() || !IsCurrency(v.get<std::string>())) {
      return BadPay("currency", "must be a three-letter ISO 4217 code in capitals, e.g. USD");
    }
    r.currency = v.get<std::string>();
  } else if (key == "per_item_cents" || key == "hourly_cents" || key == "floor_hourly_cents") {
    int64_t cents = 0;
    if (!v.is_null()) {
      ASSAY_ASSIGN_OR_RETURN(cents, Cents(v, key));
    }
    (key == "per_item_cents" ? r.per_item_cents : key == "hourly_cents" ? r.hourly_cents : r.floor_hourly_cents) = cents;
  } else if (key == "auto_approve_days") {
    if (v.is_null()) {
      r.auto_approve_days.reset();
    } else if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 365) {
      return BadPay(key, "must be a whole number of days between 1 and 365, or null");
    } else {
      r.auto_approve_days = v.get<int64_t>();
    }
  } else if (key == "bonuses") {
    ASSAY_ASSIGN_OR_RETURN(r.bonuses, ParseList<QualityTier>(v, key, 10, ParseTier));
  } else if (key == "rush") {
    ASSAY_ASSIGN_OR_RETURN(r.rush, ParseList<RushWindow>(v, key, 50, ParseWindow));
  } else {
    return BadPay(key, "is not a field of pay");
  }
  return base::Ok();
}

json TiersJson(const std::vector<QualityTier>& tiers) {
  json out = json::array();
  for (const QualityTier& t : tiers) {
    out.push_back({{"metric", t.metric}, {"min", t.min}, {"bonus_percent", t.bonus_percent},
                   {"min_answers", t.min_answers}});
  }
  return out;
}

json WindowsJson(const std::vector<RushWindow>& windows) {
  json out = json::array();
  for (const RushWindow& w : windows) {
    out.push_back({{"from", base::FormatRfc3339(w.from_us)},
                   {"to", base::FormatRfc3339(w.to_us)},
                   {"multiplier_percent", w.multiplier_percent}});
  }
  return out;
}

std::string Percent(double share) { return std::to_string(static_cast<int>(std::lround(share * 100))) + "%"; }

// The best tier met: its bonus percent and why.
std::pair<int64_t, std::string> BestTier(const PayRules& rules, const EarningInput& in) {
  int64_t best = 0;
  std::string why;
  for (const QualityTier& t : rules.bonuses) {
    const bool gold = t.metric == "gold_accuracy";
    const std::optional<double> value = gold ? in.gold_accuracy : in.ds_skill;
    const int64_t behind = gold ? in.gold_answers : in.labels;
    if (!value || behind < t.min_answers || *value < t.min || t.bonus_percent <= best) continue;
    best = t.bonus_percent;
    why = std::string(gold ? "gold accuracy " : "estimated skill ") + Percent(*value) + " ≥ " + Percent(t.min) +
          ": +" + std::to_string(t.bonus_percent) + "%";
  }
  return {best, why};
}

int64_t RushPercent(const PayRules& rules, int64_t at_us) {
  int64_t best = 100;
  for (const RushWindow& w : rules.rush) {
    if (at_us >= w.from_us && at_us < w.to_us) best = std::max(best, w.multiplier_percent);
  }
  return best;
}

// ceil(a × b / c) for non-negative operands.
int64_t CeilMulDiv(int64_t a, int64_t b, int64_t c) {
  const __int128 p = static_cast<__int128>(a) * b;
  return static_cast<int64_t>((p + c - 1) / c);
}

int64_t FloorTopUp(const PayRules& rules, std::optional<int64_t> median_ms) {
  if (rules.floor_hourly_cents <= 0 || !median_ms || *median_ms <= 0) return 0;
  const int64_t target = CeilMulDiv(rules.floor_hourly_cents, *median_ms, kMsPerHour);
  const int64_t at_median = rules.per_item_cents + TimeCents(*median_ms, rules.hourly_cents);
  return std::max<int64_t>(0, target - at_median);
}

}  // namespace

int64_t TimeCents(int64_t ms, int64_t hourly_cents) {
  if (ms <= 0 || hourly_cents <= 0) return 0;
  const __int128 p = static_cast<__int128>(ms) * hourly_cents;
  return static_cast<int64_t>((p + kMsPerHour / 2) / kMsPerHour);
}

int64_t PercentOf(int64_t cents, int64_t percent) {
  if (cents <= 0 || percent <= 0) return 0;
  const __int128 p = static_cast<__int128>(cents) * percent;
  return static_cast<int64_t>((p + 50) / 100);
}

int64_t BasisPointsOf(int64_t cents, int64_t bps) {
  if (cents <= 0 || bps <= 0) return 0;
  const __int128 p = static_cast<__int128>(cents) * bps;
  return static_cast<int64_t>((p + 5000) / 10000);
}

std::string_view BasisName(Basis basis) {
  switch (basis) {
    case Basis::kApproved: return "approved";
    case Basis::kRejected: return "rejected";
    case Basis::kFraud: return "fraud";
  }
  return "approved";
}

base::Result<PayRules> ParsePay(std::string_view json_text, const PayRules* current) {
  ASSAY_ASSIGN_OR_RETURN(json j, base::ParseJson(json_text));
  if (!j.is_object()) {
    return base::Error::Invalid("pay must be an object {per_item_cents, hourly_cents, currency, …}").Detail("field", "pay");
  }
  PayRules r = current ? *current : PayRules{};
  if (!current && !j.contains("currency")) return BadPay("currency", "is required (e.g. USD)");
  for (const auto& [key, v] : j.items()) ASSAY_TRY(ApplyKey(r, key, v));
  return r;
}

std::string PayJson(const PayRules& r) {
  json out = {{"currency", r.currency},
              {"per_item_cents", r.per_item_cents},
              {"hourly_cents", r.hourly_cents},
              {"floor_hourly_cents", r.floor_hourly_cents},
              {"auto_approve_days", r.auto_approve_days ? json(*r.auto_approve_days) : json(nullptr)},
              {"bonuses", TiersJson(r.bonuses)},
              {"rush", WindowsJson(r.rush)}};
  return base::Dump(out);
}

std::string BonusesJson(const std::vector<QualityTier>& tiers) { return base::Dump(TiersJson(tiers)); }
std::string RushJson(const std::vector<RushWindow>& windows) { return base::Dump(WindowsJson(windows)); }

base::Result<std::vector<QualityTier>> ParseBonuses(std::string_view text) {
  ASSAY_ASSIGN_OR_RETURN(json j, base::ParseJson(text));
  return ParseList<QualityTier>(j, "bonuses", 10, ParseTier);
}

base::Result<std::vector<RushWindow>> ParseRush(std::string_view text) {
  ASSAY_ASSIGN_OR_RETURN(json j, base::ParseJson(text));
  return ParseList<RushWindow>(j, "rush", 50, ParseWindow);
}

Earning ComputeEarning(const PayRules& rules, const EarningInput& in) {
  Earning e;
  if (in.basis == Basis::kFraud) return e;
  e.time_cents = TimeCents(in.paid_ms, rules.hourly_cents);
  if (in.basis == Basis::kApproved) {
    e.item_cents = rules.per_item_cents;
    e.floor_cents = FloorTopUp(rules, in.median_ms);
    auto [bonus_percent, why] = BestTier(rules, in);
    e.bonus_cents = PercentOf(e.item_cents + e.time_cents + e.floor_cents, bonus_percent);
    e.bonus_reason = why;
  }
  e.rush_multiplier_percent = RushPercent(rules, in.submitted_at_us);
  e.rush_cents = PercentOf(e.item_cents + e.time_cents + e.floor_cents, e.rush_multiplier_percent - 100);
  e.total_cents = e.item_cents + e.time_cents + e.floor_cents + e.bonus_cents + e.rush_cents;
  return e;
}

int64_t EstimateItemCents(const PayRules& rules, std::optional<int64_t> median_ms, int64_t now_us) {
  const int64_t ms = median_ms && *median_ms > 0 ? *median_ms : 10 * 60 * 1000;
  const int64_t base = rules.per_item_cents + TimeCents(ms, rules.hourly_cents) + FloorTopUp(rules, ms);
  return base + PercentOf(base, RushPercent(rules, now_us) - 100);
}

}  // namespace money
