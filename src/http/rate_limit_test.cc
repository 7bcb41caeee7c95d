// The rate limit at its bound, on a fake clock: per address and per credential, the Retry-After
// it says, the refill, and the bounded table.
#include "http/rate_limit.h"

#include <gtest/gtest.h>

namespace http {
namespace {

constexpr int64_t kSecond = base::kMicrosPerSecond;

TEST(RateLimitTest, PerAddressAtTheBound) {
  base::FakeClock clock;
  RateLimiter limiter({.per_second = 5}, clock);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Admit("10.0.0.1", "")) << "request " << i + 1;
  std::optional<base::Error> refused = limiter.Admit("10.0.0.1", "");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), base::ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused->retry_after_s(), 1);
  EXPECT_NE(refused->DetailsJson().find("\"address\""), std::string::npos) << refused->DetailsJson();
  EXPECT_FALSE(limiter.Admit("10.0.0.2", "")) << "another address has its own allowance";
  clock.Advance(kSecond / 5);  // one request's worth comes back
  EXPECT_FALSE(limiter.Admit("10.0.0.1", ""));
  EXPECT_TRUE(limiter.Admit("10.0.0.1", ""));
  clock.Advance(10 * kSecond);  // never more than one second's worth saved up
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Admit("10.0.0.1", ""));
  EXPECT_TRUE(limiter.Admit("10.0.0.1", ""));
}

// A token is limited wherever it comes from (many addresses behind a proxy, or a script on
// several machines); a refused request counts against nothing.
TEST(RateLimitTest, PerCredentialAtTheBound) {
  base::FakeClock clock;
  RateLimiter limiter({.per_second = 3}, clock);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.Admit("10.0.0." + std::to_string(i), "Bearer a"));
  std::optional<base::Error> refused = limiter.Admit("10.0.0.9", "Bearer a");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->DetailsJson().find("\"token\""), std::string::npos);
  EXPECT_FALSE(limiter.Admit("10.0.0.9", "Bearer b")) << "the refusal did not count for 10.0.0.9";
  EXPECT_FALSE(limiter.Admit("10.0.0.9", ""));
}

// A slow rate says to come back in more than a second.
TEST(RateLimitTest, RetryAfterIsTheWaitForTheNextRequest) {
  base::FakeClock clock;
  RateLimiter limiter({.per_second = 1}, clock);
  EXPECT_FALSE(limiter.Admit("a", ""));
  EXPECT_EQ(limiter.Admit("a", "")->retry_after_s(), 1);
  clock.Advance(kSecond / 2);
  EXPECT_EQ(limiter.Admit("a", "")->retry_after_s(), 1);  // half a second: rounded up
}

TEST(RateLimitTest, OffAtZero) {
  base::FakeClock clock;
  RateLimiter limiter({}, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(limiter.Admit("a", "Bearer t"));
  EXPECT_EQ(limiter.keys(), 0u);
}

// The table holds at most max_keys buckets: quiet clients' buckets make room; when every bucket
// is busy a new client is let through uncounted rather than refused.
TEST(RateLimitTest, TheTableIsBounded) {
  base::FakeClock clock;
  RateLimiter limiter({.per_second = 2, .max_keys = 3}, clock);
  for (const char* a : {"a", "b", "c"}) ASSERT_FALSE(limiter.Admit(a, ""));
  EXPECT_FALSE(limiter.Admit("d", ""));
  EXPECT_EQ(limiter.keys(), 3u);
  clock.Advance(kSecond);  // a, b and c are full again
  EXPECT_FALSE(limiter.Admit("e", ""));
  EXPECT_EQ(limiter.keys(), 1u);
}

}  // namespace
}  // namespace http
