// base::Clock — the only source of time. Passed in, never global, so tests use FakeClock.
//
//   base::FakeClock clock(1'700'000'000'000'000);  // µs since the Unix epoch, UTC
//   clock.Advance(30 * base::kMicrosPerSecond);
#pragma once

#include <string_view>

#include "base/result.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace base {

inline constexpr int64_t kMicrosPerMilli = 1000;
inline constexpr int64_t kMicrosPerSecond = 1000 * 1000;

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_us = 1'767'225'600'000'000 /* 2026-01-01T00:00:00Z */)
      : now_us_(start_us) {}
  int64_t NowMicros() const override { return now_us_.load(std::memory_order_acquire); }
  void Advance(int64_t delta_us) { now_us_.fetch_add(delta_us, std::memory_order_acq_rel); }
  void Set(int64_t now_us) { now_us_.store(now_us, std::memory_order_release); }

 private:
  std::atomic<int64_t> now_us_;
};

// RFC 3339 UTC with millisecond precision: "2026-01-01T00:00:00.000Z".
std::string FormatRfc3339(int64_t us_since_epoch);
// Parses "2026-01-01T00:00:00Z", with optional fractional seconds (up to µs) and a "+hh:mm" /
// "-hh:mm" offset instead of Z; a date alone ("2026-01-01") is midnight UTC. InvalidArgument
// otherwise (also for out-of-range fields).
Result<int64_t> ParseRfc3339(std::string_view text);
// Midnight UTC of a day "YYYY-MM-DD" (nothing else); otherwise InvalidArgument naming `field`
// ("from must be a day, YYYY-MM-DD", details.field).
Result<int64_t> ParseDay(std::string_view day, std::string_view field);

}  // namespace base
