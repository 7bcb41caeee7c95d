// Ratings / Likert scores: per-item mean and median, per-worker z-score bias correction and
// score distributions. Rows are (item, worker, numeric score) as parallel arrays.
//
//   qc::RatingSummary s = qc::SummarizeRatings(item, worker, score, num_items, num_workers);
//   s.mean[item]; s.corrected_mean[item];   // corrected = mean of workers' z-scores
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace qc {

struct RatingSummary {
  std::vector<double> mean, median;  // per item
  // Per item: mean of z-scores, each score standardised by its worker's mean and standard
  // deviation (a worker with one score or zero spread contributes 0), mapped back to the
  // global scale (global mean + z · global standard deviation).
  std::vector<double> corrected_mean;
  std::vector<double> worker_mean, worker_stddev;  // per worker (bias and spread)
  std::vector<int64_t> count;                      // per item
};
RatingSummary SummarizeRatings(std::span<const int32_t> item, std::span<const int32_t> worker,
                               std::span<const double> score, int32_t num_items,
                               int32_t num_workers);

// Histogram of integer-valued scores in [min_score, max_score] for each item:
// result[item * bins + (score - min_score)], bins = max_score - min_score + 1. Scores outside
// the range are not counted.
std::vector<int64_t> ScoreDistribution(std::span<const int32_t> item,
                                       std::span<const double> score, int32_t num_items,
                                       int32_t min_score, int32_t max_score);

}  // namespace qc
