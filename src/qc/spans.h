// Agreement between experts on marked spans (error spans, highlights): exact-match F1 (same
// begin, end and label) and overlap F1 (a span counts as matched if it overlaps a span of the
// same label in the other set). Symmetric: F1 does not depend on which expert is "reference".
//
//   std::vector<qc::Span> a = {{0, 5, 1}}, b = {{2, 5, 1}};
//   qc::SpanCounts c = qc::CompareSpans(a, b, qc::SpanMatch::kOverlap);
//   c.F1();  // 1.0 (0.0 with kExact)
#pragma once

#include <cstdint>
#include <span>

namespace qc {

struct Span {
  int64_t begin = 0;  // inclusive offset
  int64_t end = 0;    // exclusive offset
  int32_t label = 0;
};

enum class SpanMatch { kExact, kOverlap };

// Counts summed over items give micro-averaged F1.
struct SpanCounts {
  int64_t matched_a = 0, total_a = 0;  // spans of a matched in b
  int64_t matched_b = 0, total_b = 0;  // spans of b matched in a
  SpanCounts& operator+=(const SpanCounts& o);
  // Harmonic mean of precision (matched_b/total_b) and recall (matched_a/total_a); 1 when both
  // sets are empty.
  double F1() const;
};

SpanCounts CompareSpans(std::span<const Span> a, std::span<const Span> b, SpanMatch match);

}  // namespace qc
