// http::RateLimiter — requests per second per client address and per credential (the bearer
// token or the browser's cookies), as token buckets: each key may send `per_second` requests in
// any second and a burst of as many at once; past it a request is refused with 429 and a
// Retry-After of the seconds until its next one is allowed. `assay serve --rate-limit N`. Each
// server counts its own requests: behind a proxy that spreads clients over N servers a client
// gets up to N times the rate in all (deploy/nginx.conf has a limit of its own in front).
// At most max_keys buckets are kept; past that, buckets that are full again (clients quiet for a
// second) are dropped, and a new key beyond it is let through uncounted rather than refused.
// Thread-safe.
//
//   http::RateLimiter limiter({.per_second = 50}, clock);
//   if (auto refused = limiter.Admit(AddressKey(address), request.GetHeader("authorization"))) …
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"

namespace http {

struct RateLimits {
  int per_second = 0;  // requests per second per key; 0: no limit
  size_t max_keys = 100'000;
};

class RateLimiter {
 public:
  RateLimiter(RateLimits limits, const base::Clock& clock) : limits_(limits), clock_(clock) {}
  bool enabled() const { return limits_.per_second > 0; }
  // Counts one request of this address and credential ("" : none); a refusal says when to come
  // back (ResourceExhausted with RetryAfter and details limit and key: "address" | "token").
  std::optional<base::Error> Admit(std::string_view address_key, std::string_view credential);
  size_t keys() const;  // buckets held (tests)

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_us = 0;
  };
  // The bucket of `key`, refilled to now; null when the table is full of busy clients.
  Bucket* Refilled(const std::string& key, int64_t now_us);
  void DropFullBuckets(int64_t now_us);
  int64_t RetryAfterSeconds(const Bucket& b) const;

  const RateLimits limits_;
  const base::Clock& clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace http
