// Dynamic overlap: given an item's labels so far and the skills of the workers who gave them,
// is the best label certain enough, or should one more worker label it? Plain function so the
// work layer can call it when deciding whether to keep leasing an item.
//
//   std::vector<qc::Vote> votes = {{.label = 2, .accuracy = 0.9}, {.label = 2, .accuracy = 0.8}};
//   qc::OverlapDecision d = qc::DecideOverlap(votes, /*num_labels=*/4, {}, {.target = 0.95});
//   if (d.decision == qc::Decision::kOneMore) LeaseAgain(item);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace qc {

struct Vote {
  int32_t label = 0;
  double accuracy = 0.7;  // worker's estimated P(answer = truth), e.g. from one-coin DS or gold
};

struct OverlapPolicy {
  double target = 0.95;   // stop once the best label's posterior reaches this
  int max_overlap = 5;    // never ask more workers than this
};

enum class Decision { kEnough, kOneMore, kMaxReached };

struct OverlapDecision {
  Decision decision = Decision::kOneMore;
  int32_t best_label = -1;
  double confidence = 0;           // posterior of best_label
  std::vector<double> posterior;   // per label
};

// One-coin model: P(vote = l | truth c) = acc if l == c else (1 - acc) / (K - 1). Accuracies are
// clamped to [0.01, 0.99] so one worker never makes an item certain. `prior` may be empty
// (uniform). Ties in the posterior pick the smallest label.
OverlapDecision DecideOverlap(std::span<const Vote> votes, int32_t num_labels,
                              std::span<const double> prior, const OverlapPolicy& policy);

}  // namespace qc
