#include "base/clock.h"

#include <chrono>
#include <ctime>
#include <fmt/format.h>

namespace base {

int64_t SystemClock::NowMicros() const {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatRfc3339(int64_t us) {
  int64_t secs = us / kMicrosPerSecond;
  int64_t rem_us = us % kMicrosPerSecond;
  if (rem_us < 0) {
    rem_us += kMicrosPerSecond;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     static_cast<int>(rem_us / 1000));
}

}  // namespace base
