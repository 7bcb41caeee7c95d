#include "qc/spans.h"

namespace qc {
namespace {

bool Matches(const Span& x, const Span& y, SpanMatch match) {
  if (x.label != y.label) return false;
  if (match == SpanMatch::kExact) return x.begin == y.begin && x.end == y.end;
  return x.begin < y.end && y.begin < x.end;
}

int64_t CountMatched(std::span<const Span> from, std::span<const Span> in, SpanMatch match) {
  int64_t matched = 0;
  for (const Span& x : from) {  // span sets per item are small: quadratic is fine
    for (const Span& y : in) {
      if (Matches(x, y, match)) {
        ++matched;
        break;
      }
    }
  }
  return matched;
}

}  // namespace

SpanCounts& SpanCounts::operator+=(const SpanCounts& o) {
  matched_a += o.matched_a;
  total_a += o.total_a;
  matched_b += o.matched_b;
  total_b += o.total_b;
  return *this;
}

double SpanCounts::F1() const {
  if (total_a == 0 && total_b == 0) return 1.0;
  if (total_a == 0 || total_b == 0) return 0.0;
  const double recall = static_cast<double>(matched_a) / static_cast<double>(total_a);
  const double precision = static_cast<double>(matched_b) / static_cast<double>(total_b);
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

SpanCounts CompareSpans(std::span<const Span> a, std::span<const Span> b, SpanMatch match) {
  SpanCounts c;
  c.total_a = static_cast<int64_t>(a.size());
  c.total_b = static_cast<int64_t>(b.size());
  c.matched_a = CountMatched(a, b, match);
  c.matched_b = CountMatched(b, a, match);
  return c;
}

}  // namespace qc
