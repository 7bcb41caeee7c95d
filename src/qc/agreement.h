// Inter-annotator agreement: percent agreement, Cohen's kappa (unweighted, linear, quadratic),
// Fleiss' kappa, Krippendorff's alpha (nominal, ordinal, interval, ratio; missing values) with a
// bootstrap interval, and the Wilson interval for a worker's accuracy on gold.
//
//   std::vector<int32_t> a = {0, 1, 2}, b = {0, 1, 1};          // category ids per item
//   double k = qc::CohenKappa(a, b, 3, qc::KappaWeights::kLinear);
//   qc::AlphaInput in = qc::AlphaInputFromTable(table);          // from task,worker,label rows
//   double alpha = qc::KrippendorffAlpha(in, qc::Level::kInterval);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "qc/label_table.h"

namespace qc {

enum class KappaWeights { kNone, kLinear, kQuadratic };

// Cohen's kappa of two raters over the same items. Categories are ids in [0, num_categories);
// weighted variants use the rank of each category among those either rater used (as irr's
// kappa2 and sklearn do). Returns NaN when expected disagreement is zero.
double CohenKappa(std::span<const int32_t> rater_a, std::span<const int32_t> rater_b,
                  int32_t num_categories, KappaWeights weights);

struct CohenResult {
  double kappa = 0;
  double standard_error = 0;  // asymptotic, Fleiss–Cohen–Everitt (1969), as SAS/statsmodels
};
CohenResult CohenKappaWithError(std::span<const int32_t> rater_a,
                                std::span<const int32_t> rater_b, int32_t num_categories,
                                KappaWeights weights);

struct FleissResult {
  double kappa = 0;
  double p_bar = 0;               // mean observed agreement
  double pe_bar = 0;              // chance agreement
  std::vector<double> p_item;     // per item
  std::vector<double> p_category; // category proportions
  // Per-category kappa (Fleiss 1971, eq. 11): 1 - sum_i x_ic (m_i - x_ic) / (m_i (m_i - 1))
  // / (N p_c (1 - p_c)); NaN for a category nobody or everybody chose.
  std::vector<double> category_kappa;
};
// counts[item * num_categories + c] = raters who chose c for the item. Items may have different
// numbers of raters (items with fewer than two are skipped).
FleissResult FleissKappa(std::span<const int32_t> counts, int32_t num_categories);

// Mean pairwise agreement: per item, the share of agreeing ordered rater pairs, averaged over
// items with at least two labels.
double PercentAgreement(const LabelTable& table);

enum class Level { kNominal, kOrdinal, kInterval, kRatio };

// Values of units in compact form: unit u holds value ids value[begin[u] .. begin[u+1]),
// value id v stands for the number value_of[v] (used by interval and ratio).
struct AlphaInput {
  std::vector<int64_t> begin;
  std::vector<int32_t> value;
  std::vector<double> value_of;
};
// From task,worker,label rows: each task is a unit; label numbers come from parsing label names
// (their sorted rank when some label is not a number).
AlphaInput AlphaInputFromTable(const LabelTable& table);

// Krippendorff's alpha from the coincidence matrix; units with fewer than two values ignored.
double KrippendorffAlpha(const AlphaInput& input, Level level);

struct Interval {
  double low = 0;
  double high = 0;
};
// Percentile interval of alpha over `rounds` resamples of units with replacement, on `threads`
// threads; the same seed gives the same interval for any thread count.
Interval BootstrapAlpha(const AlphaInput& input, Level level, int rounds, uint64_t seed,
                        double confidence, int threads);

// Wilson score interval for `successes` out of `trials` at the given z (1.96 ~ 95%).
Interval WilsonInterval(int64_t successes, int64_t trials, double z = 1.959963984540054);

// Each worker's accuracy on gold tasks with a Wilson interval.
struct GoldAccuracy {
  std::vector<int64_t> correct, scored;  // per worker
  std::vector<double> accuracy;          // NaN when scored == 0
  std::vector<Interval> interval;
};
GoldAccuracy WorkerGoldAccuracy(const LabelTable& table, const GoldLabels& gold);

}  // namespace qc

namespace qc {

// Light's kappa: mean Cohen's kappa over worker pairs that labelled at least
// `min_shared_tasks` tasks in common (each worker's first answer per task). NaN if no pair
// qualifies. Up to 2048 workers pairs are counted in a dense table (two passes, no sort);
// beyond, pair records are sorted.
struct LightsKappaResult {
  double kappa = 0;
  int64_t pairs = 0;
};
LightsKappaResult LightsKappa(const LabelTable& table, int32_t min_shared_tasks,
                              KappaWeights weights);

}  // namespace qc
