#include "qc/overlap.h"

#include <algorithm>
#include <cmath>

namespace qc {

OverlapDecision DecideOverlap(std::span<const Vote> votes, int32_t num_labels,
                              std::span<const double> prior, const OverlapPolicy& policy) {
  OverlapDecision d;
  const size_t k = static_cast<size_t>(std::max(num_labels, 1));
  std::vector<double> log_p(k, 0.0);
  for (size_t c = 0; c < k; ++c) {
    log_p[c] = prior.size() == k ? std::log(std::max(prior[c], 1e-300)) : 0.0;
  }
  for (const Vote& v : votes) {
    const double acc = std::clamp(v.accuracy, 0.01, 0.99);
    const double wrong = k > 1 ? (1 - acc) / static_cast<double>(k - 1) : 1.0;
    for (size_t c = 0; c < k; ++c) {
      log_p[c] += std::log(static_cast<size_t>(v.label) == c ? acc : wrong);
    }
  }
  const double max = *std::max_element(log_p.begin(), log_p.end());
  double sum = 0;
  d.posterior.resize(k);
  for (size_t c = 0; c < k; ++c) sum += d.posterior[c] = std::exp(log_p[c] - max);
  for (double& p : d.posterior) p /= sum;
  d.best_label = static_cast<int32_t>(std::max_element(d.posterior.begin(), d.posterior.end()) -
                                      d.posterior.begin());
  d.confidence = d.posterior[static_cast<size_t>(d.best_label)];
  if (d.confidence >= policy.target) {
    d.decision = Decision::kEnough;
  } else if (static_cast<int>(votes.size()) >= policy.max_overlap) {
    d.decision = Decision::kMaxReached;
  } else {
    d.decision = Decision::kOneMore;
  }
  return d;
}

}  // namespace qc
