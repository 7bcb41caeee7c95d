// env::Budget — the compute budget of one tool call: how many operations (formula cells read,
// dependency-index entries built, recurrence days expanded, intervals compared, records
// scanned…) a handler may spend. A tool whose work can grow with its input — or with what
// earlier calls built — charges as it goes and stops as soon as Spend answers false; the
// Session then refuses the call, rolls back whatever the handler committed and says what ran
// out, and the session stays usable. One Budget per call; not thread-safe.
//
//   // in a handler, before reading a range of cells:
//   if (!ctx.budget().Spend(range.CellCount(), "formula cell reads")) return ToolResult::Error("");
//   // the Session replaces the result with one that names the budget and what ran out
#pragma once

#include <cstdint>
#include <string_view>

namespace env {

class Budget {
 public:
  explicit Budget(int64_t limit_ops) : limit_ops_(limit_ops) {}

  // Charges `ops` to `what` (a literal: it is kept, not copied). False once the total passes
  // the limit, and for every charge after that: a handler may stop at the first false.
  bool Spend(int64_t ops, std::string_view what) {
    if (exhausted()) return false;
    if (ops > limit_ops_ - spent_ops_) {  // spent_ops_ + ops > limit_ops_, without overflow
      spent_ops_ = limit_ops_;
      exhausted_by_ = what.empty() ? std::string_view("work") : what;
      return false;
    }
    spent_ops_ += ops;
    return true;
  }

  bool exhausted() const { return !exhausted_by_.empty(); }
  int64_t limit_ops() const { return limit_ops_; }
  int64_t spent_ops() const { return spent_ops_; }
  // The `what` of the charge that did not fit, or "".
  std::string_view exhausted_by() const { return exhausted_by_; }

 private:
  int64_t limit_ops_;
  int64_t spent_ops_ = 0;
  std::string_view exhausted_by_;
};

}  // namespace env
