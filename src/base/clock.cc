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

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool Digits(std::string_view s, size_t at, size_t n, int64_t& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view s) {
  auto bad = [&] {
    return Error::Invalid("not an RFC 3339 time (like 2026-01-31T12:00:00Z)").Detail("value", s.substr(0, 64));
  };
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac_us = 0, offset_s = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return bad();
  }
  size_t at = 10;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, h) || s.size() < 19 || s[13] != ':' ||
        !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec)) {
      return bad();
    }
    at = 19;
    if (at < s.size() && s[at] == '.') {
      size_t digits = 0;
      for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++digits) {
        if (digits < 6) frac_us = frac_us * 10 + (s[at] - '0');
      }
      if (digits == 0) return bad();
      for (size_t k = digits; k < 6; ++k) frac_us *= 10;
    }
    if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
      ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
      int64_t oh, om;
      if (!Digits(s, at + 1, 2, oh) || at + 3 >= s.size() || s[at + 3] != ':' || !Digits(s, at + 4, 2, om) ||
          oh > 23 || om > 59) {
        return bad();
      }
      offset_s = (s[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      at += 6;
    } else {
      return bad();
    }
  }
  if (at != s.size()) return bad();
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
      sec > 60) {
    return bad();
  }
  const int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + std::min<int64_t>(sec, 59) - offset_s;
  return secs * kMicrosPerSecond + frac_us;
}

Result<int64_t> ParseDay(std::string_view day, std::string_view field) {
  auto invalid = [&] {
    return Error::Invalid(std::string(field) + " must be a day, YYYY-MM-DD").Detail("field", field);
  };
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return invalid();
  auto us = ParseRfc3339(day);
  if (!us) return invalid();
  return *us;
}

}  // namespace base
