#include "accounts/throttle.h"

#include <gtest/gtest.h>

namespace accounts {
namespace {

TEST(LoginThrottleTest, DelaysDoubleAfterTheFreeFailuresUpToTheCap) {
  base::FakeClock clock;
  base::Uuid7Generator ids(clock, 1);
  LoginLimits limits;
  LoginThrottle t(limits, ids);
  for (int f = 0; f < limits.free_failures_per_pair; ++f) EXPECT_EQ(t.DelayAfter(f), 0) << f;
  EXPECT_EQ(t.DelayAfter(5), 1 * base::kMicrosPerSecond);
  EXPECT_EQ(t.DelayAfter(6), 2 * base::kMicrosPerSecond);
  EXPECT_EQ(t.DelayAfter(14), 512 * base::kMicrosPerSecond);
  EXPECT_EQ(t.DelayAfter(15), limits.max_delay_us);  // 1024 s > 15 min
  EXPECT_EQ(t.DelayAfter(1000), limits.max_delay_us);
}

}  // namespace
}  // namespace accounts
