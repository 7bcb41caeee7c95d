// Ratings, spans and the dynamic-overlap decision.
#include <gtest/gtest.h>

#include <cmath>

#include "qc/overlap.h"
#include "qc/ratings.h"
#include "qc/spans.h"

namespace qc {
namespace {

TEST(Ratings, MeanMedianAndWorkerBiasCorrection) {
  // Worker 0 is harsh (scores 1 lower than worker 1) on the same items.
  const std::vector<int32_t> item = {0, 0, 1, 1, 2, 2};
  const std::vector<int32_t> worker = {0, 1, 0, 1, 0, 1};
  const std::vector<double> score = {1, 2, 2, 3, 3, 5};
  const RatingSummary s = SummarizeRatings(item, worker, score, 3, 2);
  EXPECT_DOUBLE_EQ(s.mean[0], 1.5);
  EXPECT_DOUBLE_EQ(s.median[2], 4);
  EXPECT_DOUBLE_EQ(s.worker_mean[0], 2);
  EXPECT_LT(s.corrected_mean[0], s.corrected_mean[1]);
  EXPECT_LT(s.corrected_mean[1], s.corrected_mean[2]);
  const std::vector<int64_t> hist = ScoreDistribution(item, score, 3, 1, 5);
  EXPECT_EQ(hist[2 * 5 + (5 - 1)], 1);
}

TEST(Ratings, BiasCorrectionRemovesAConstantOffset) {
  // Worker 1 = worker 0 + 2 on every item: corrected means equal plain means of worker 0's z.
  const std::vector<int32_t> item = {0, 1, 2, 0, 1, 2};
  const std::vector<int32_t> worker = {0, 0, 0, 1, 1, 1};
  const std::vector<double> score = {1, 2, 3, 3, 4, 5};
  const RatingSummary s = SummarizeRatings(item, worker, score, 3, 2);
  EXPECT_NEAR(s.corrected_mean[1], (1 + 2 + 3 + 3 + 4 + 5) / 6.0, 1e-12);
  EXPECT_NEAR(s.corrected_mean[0] + s.corrected_mean[2], 2 * s.corrected_mean[1], 1e-12);
}

TEST(Spans, ExactVersusOverlapF1) {
  const std::vector<Span> a = {{0, 5, 1}, {10, 12, 2}};
  const std::vector<Span> b = {{2, 5, 1}, {10, 12, 2}, {20, 30, 1}};
  EXPECT_NEAR(CompareSpans(a, b, SpanMatch::kExact).F1(), 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5), 1e-12);
  EXPECT_NEAR(CompareSpans(a, b, SpanMatch::kOverlap).F1(), 2 * (2.0 / 3) * 1 / (2.0 / 3 + 1), 1e-12);
  EXPECT_EQ(CompareSpans({}, {}, SpanMatch::kExact).F1(), 1.0);
  // Different labels never match.
  const std::vector<Span> c = {{0, 5, 2}};
  EXPECT_EQ(CompareSpans(a, c, SpanMatch::kOverlap).matched_b, 0);
}

TEST(Overlap, EnoughOneMoreAndMaxReached) {
  const OverlapPolicy policy{.target = 0.95, .max_overlap = 3};
  const std::vector<Vote> one = {{.label = 2, .accuracy = 0.8}};
  const OverlapDecision d1 = DecideOverlap(one, 4, {}, policy);
  EXPECT_EQ(d1.decision, Decision::kOneMore);
  EXPECT_EQ(d1.best_label, 2);
  EXPECT_NEAR(d1.confidence, 0.8, 1e-12);
  const std::vector<Vote> two = {{.label = 2, .accuracy = 0.8}, {.label = 2, .accuracy = 0.9}};
  const OverlapDecision d2 = DecideOverlap(two, 4, {}, policy);
  // 0.72 vs 3 · (0.2/3)(0.1/3) → 0.72 / (0.72 + 0.00667) ≈ 0.9908.
  EXPECT_EQ(d2.decision, Decision::kEnough);
  EXPECT_NEAR(d2.confidence, 0.72 / (0.72 + 3 * (0.2 / 3) * (0.1 / 3)), 1e-12);
  const std::vector<Vote> split = {{.label = 0, .accuracy = 0.8}, {.label = 1, .accuracy = 0.8},
                                   {.label = 2, .accuracy = 0.8}};
  EXPECT_EQ(DecideOverlap(split, 4, {}, policy).decision, Decision::kMaxReached);
}

}  // namespace
}  // namespace qc
