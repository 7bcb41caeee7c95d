#include "http/caps.h"

#include <gtest/gtest.h>

namespace http {
namespace {

// Each cap at its bound: the last unit allowed is counted, the next is refused with the error
// the server answers (429 for one address, 503 for the server, both with a Retry-After), and
// what is given back can be taken again.
TEST(CapsTest, ConnectionsPerAddressAtTheBound) {
  Caps caps({.max_connections = 100, .max_connections_per_address = 2});
  EXPECT_FALSE(caps.OpenConnection("10.0.0.1"));
  EXPECT_FALSE(caps.OpenConnection("10.0.0.1"));
  std::optional<base::Error> third = caps.OpenConnection("10.0.0.1");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->code(), base::ErrorCode::kResourceExhausted);
  EXPECT_GT(third->retry_after_s(), 0);
  EXPECT_FALSE(caps.OpenConnection("10.0.0.2"));  // another address is not held up
  caps.CloseConnection("10.0.0.1");
  EXPECT_FALSE(caps.OpenConnection("10.0.0.1"));
  EXPECT_EQ(caps.connections(), 3);
}

TEST(CapsTest, ConnectionsInAllAtTheBound) {
  Caps caps({.max_connections = 2, .max_connections_per_address = 100});
  EXPECT_FALSE(caps.OpenConnection("10.0.0.1"));
  EXPECT_FALSE(caps.OpenConnection("10.0.0.2"));
  std::optional<base::Error> third = caps.OpenConnection("10.0.0.3");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->code(), base::ErrorCode::kUnavailable);
  EXPECT_GT(third->retry_after_s(), 0);
  caps.CloseConnection("10.0.0.2");
  EXPECT_FALSE(caps.OpenConnection("10.0.0.3"));
}

TEST(CapsTest, NoPerAddressConnectionCapBehindAProxy) {
  Caps caps({.max_connections = 3, .max_connections_per_address = 0});
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(caps.OpenConnection("10.0.0.1")) << i;
  EXPECT_TRUE(caps.OpenConnection("10.0.0.1"));  // the total still holds
}

TEST(CapsTest, BodyBytesPerAddressAtTheBound) {
  Caps caps({.max_body_bytes_per_address = 1000, .max_body_bytes_in_flight = 1 << 20});
  EXPECT_FALSE(caps.ReserveBody("10.0.0.1", 600));
  EXPECT_FALSE(caps.ReserveBody("10.0.0.1", 400));  // exactly the cap
  std::optional<base::Error> more = caps.ReserveBody("10.0.0.1", 1);
  ASSERT_TRUE(more);
  EXPECT_EQ(more->code(), base::ErrorCode::kResourceExhausted);
  EXPECT_GT(more->retry_after_s(), 0);
  EXPECT_EQ(caps.body_bytes(), 1000u);  // a refusal counts nothing
  EXPECT_FALSE(caps.ReserveBody("10.0.0.2", 1000));
  caps.ReleaseBody("10.0.0.1", 600);
  EXPECT_FALSE(caps.ReserveBody("10.0.0.1", 600));
  EXPECT_TRUE(caps.ReserveBody("10.0.0.1", 1));
}

TEST(CapsTest, BodyBytesInAllAtTheBound) {
  Caps caps({.max_body_bytes_per_address = 1 << 20, .max_body_bytes_in_flight = 1000});
  EXPECT_FALSE(caps.ReserveBody("10.0.0.1", 500));
  EXPECT_FALSE(caps.ReserveBody("10.0.0.2", 500));
  std::optional<base::Error> more = caps.ReserveBody("10.0.0.3", 1);
  ASSERT_TRUE(more);
  EXPECT_EQ(more->code(), base::ErrorCode::kUnavailable);
  caps.ReleaseBody("10.0.0.2", 500);
  EXPECT_FALSE(caps.ReserveBody("10.0.0.3", 500));
  EXPECT_EQ(caps.body_bytes(), 1000u);
}

}  // namespace
}  // namespace http
