#include "http/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace http {

size_t RateLimiter::keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

RateLimiter::Bucket* RateLimiter::Refilled(const std::string& key, int64_t now_us) {
  const double cap = limits_.per_second;
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= limits_.max_keys) DropFullBuckets(now_us);
    if (buckets_.size() >= limits_.max_keys) return nullptr;
    it = buckets_.emplace(key, Bucket{cap, now_us}).first;
  }
  Bucket& b = it->second;
  if (now_us > b.at_us) {
    b.tokens = std::min(cap, b.tokens + cap * static_cast<double>(now_us - b.at_us) / base::kMicrosPerSecond);
    b.at_us = now_us;
  }
  return &b;
}

void RateLimiter::DropFullBuckets(int64_t now_us) {
  const double cap = limits_.per_second;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    const double now_tokens = b.tokens + cap * static_cast<double>(now_us - b.at_us) / base::kMicrosPerSecond;
    it = now_tokens >= cap ? buckets_.erase(it) : std::next(it);
  }
}

int64_t RateLimiter::RetryAfterSeconds(const Bucket& b) const {
  const double wait_s = (1.0 - b.tokens) / limits_.per_second;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_s)));
}

std::optional<base::Error> RateLimiter::Admit(std::string_view address_key, std::string_view credential) {
  if (!enabled()) return std::nullopt;
  const int64_t now = clock_.NowMicros();
  std::lock_guard lock(mu_);
  Bucket* by_address = Refilled("a:" + std::string(address_key), now);
  // The credential's hash is key enough: a collision only shares a bucket.
  Bucket* by_token =
      credential.empty() ? nullptr : Refilled("t:" + std::to_string(std::hash<std::string_view>{}(credential)), now);
  for (auto [bucket, which] : {std::pair{by_address, "address"}, std::pair{by_token, "token"}}) {
    if (bucket && bucket->tokens < 1.0) {
      return base::Error(base::ErrorCode::kResourceExhausted,
                         std::string("too many requests from this ") + which + "; slow down")
          .Detail("limit", limits_.per_second)
          .Detail("key", which)
          .RetryAfter(RetryAfterSeconds(*bucket));
    }
  }
  if (by_address) by_address->tokens -= 1.0;
  if (by_token) by_token->tokens -= 1.0;
  return std::nullopt;
}

}  // namespace http
