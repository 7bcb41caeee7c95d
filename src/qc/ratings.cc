#include "qc/ratings.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
size_t Idx(int64_t v) { return static_cast<size_t>(v); }

struct Moments {
  std::vector<double> mean, stddev;
};

// Mean and population standard deviation of score grouped by `group`.
Moments GroupMoments(std::span<const int32_t> group, std::span<const double> score, size_t n) {
  Moments m{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  std::vector<double> count(n, 0.0);
  for (size_t r = 0; r < score.size(); ++r) {
    m.mean[Idx(group[r])] += score[r];
    count[Idx(group[r])] += 1;
  }
  for (size_t g = 0; g < n; ++g) m.mean[g] = count[g] > 0 ? m.mean[g] / count[g] : kNaN;
  for (size_t r = 0; r < score.size(); ++r) {
    const double d = score[r] - m.mean[Idx(group[r])];
    m.stddev[Idx(group[r])] += d * d;
  }
  for (size_t g = 0; g < n; ++g) m.stddev[g] = count[g] > 0 ? std::sqrt(m.stddev[g] / count[g]) : kNaN;
  return m;
}

}  // namespace

RatingSummary SummarizeRatings(std::span<const int32_t> item, std::span<const int32_t> worker,
                               std::span<const double> score, int32_t num_items,
                               int32_t num_workers) {
  RatingSummary s;
  const Moments by_item = GroupMoments(item, score, Idx(num_items));
  const Moments by_worker = GroupMoments(worker, score, Idx(num_workers));
  s.mean = by_item.mean;
  s.worker_mean = by_worker.mean;
  s.worker_stddev = by_worker.stddev;
  double global_mean = 0, global_sq = 0;
  for (double x : score) global_mean += x;
  global_mean /= std::max<double>(1, static_cast<double>(score.size()));
  for (double x : score) global_sq += (x - global_mean) * (x - global_mean);
  const double global_sd = std::sqrt(global_sq / std::max<double>(1, static_cast<double>(score.size())));
  // Per-item z sums and the scores themselves (for the median), grouped by counting sort.
  std::vector<int64_t> begin(Idx(num_items) + 1, 0);
  for (int32_t i : item) ++begin[Idx(i) + 1];
  for (size_t i = 1; i < begin.size(); ++i) begin[i] += begin[i - 1];
  std::vector<int64_t> cursor(begin.begin(), begin.end() - 1);
  std::vector<double> grouped(score.size()), z_sum(Idx(num_items), 0.0);
  for (size_t r = 0; r < score.size(); ++r) {
    grouped[Idx(cursor[Idx(item[r])]++)] = score[r];
    const double sd = by_worker.stddev[Idx(worker[r])];
    z_sum[Idx(item[r])] += sd > 0 ? (score[r] - by_worker.mean[Idx(worker[r])]) / sd : 0.0;
  }
  s.count.resize(Idx(num_items));
  s.median.resize(Idx(num_items));
  s.corrected_mean.resize(Idx(num_items));
  for (size_t i = 0; i < Idx(num_items); ++i) {
    const int64_t n = begin[i + 1] - begin[i];
    s.count[i] = n;
    if (n == 0) {
      s.median[i] = s.corrected_mean[i] = kNaN;
      continue;
    }
    auto first = grouped.begin() + begin[i], last = grouped.begin() + begin[i + 1];
    std::sort(first, last);
    s.median[i] = n % 2 ? first[n / 2] : (first[n / 2 - 1] + first[n / 2]) / 2;
    s.corrected_mean[i] = global_mean + global_sd * z_sum[i] / static_cast<double>(n);
  }
  return s;
}

std::vector<int64_t> ScoreDistribution(std::span<const int32_t> item,
                                       std::span<const double> score, int32_t num_items,
                                       int32_t min_score, int32_t max_score) {
  const size_t bins = Idx(std::max(0, max_score - min_score + 1));
  std::vector<int64_t> histogram(Idx(num_items) * bins, 0);
  for (size_t r = 0; r < score.size(); ++r) {
    const double bin = std::round(score[r]) - min_score;
    if (bin < 0 || bin >= static_cast<double>(bins)) continue;
    ++histogram[Idx(item[r]) * bins + static_cast<size_t>(bin)];
  }
  return histogram;
}

}  // namespace qc
