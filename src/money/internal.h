// Helpers shared by money's .cc files only: days, idempotency-derived ids, project names, time segments.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/hash.h"
#include "base/result.h"
#include "money/time_credit.h"
#include "storage/db.h"

namespace money::internal {

inline constexpr int64_t kDayUs = 24LL * 3600 * base::kMicrosPerSecond;

// "YYYY-MM-DD" of a time (UTC).
inline std::string Day(int64_t us) { return base::FormatRfc3339(us).substr(0, 10); }

// A UUID-shaped id derived from what it names (version 8, RFC 9562's custom layout): the same
// inputs always give the same id, so a rerun finds what it made before.
inline std::string DerivedId(std::string_view what) {
  std::string h = base::Sha256Hex(what);
  h[12] = '8';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

inline std::string ProjectName(storage::Conn& c, std::string_view project_id) {
  auto rows = c.Query("SELECT name FROM projects WHERE id = ?", {project_id});
  return rows && !rows->empty() ? rows->at(0).Text(0) : std::string();
}

inline std::string TrimmedText(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

// Adds credited time to the assignment's 10-minute segments (each capped at its 10 minutes),
// counting `beats` more beats on each: 1 for a heartbeat, 0 for the tail added at accrual
// (time.cc).
base::Status AddSegmentCredit(storage::Conn& c, const std::vector<BucketCredit>& credits, int64_t beats,
                              const std::string& assignment_id, const std::string& expert_id,
                              const std::string& project_id, const std::function<std::string()>& new_id);

}  // namespace money::internal
