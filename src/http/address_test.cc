#include "http/address.h"

#include <gtest/gtest.h>

namespace http {
namespace {

TEST(AddressTest, NormalizesWhatPeersAndProxiesWrite) {
  EXPECT_EQ(NormalizeAddress("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(NormalizeAddress(" 203.0.113.7 "), "203.0.113.7");
  EXPECT_EQ(NormalizeAddress("203.0.113.7:5123"), "203.0.113.7");
  EXPECT_EQ(NormalizeAddress("::ffff:10.0.0.7"), "10.0.0.7");
  EXPECT_EQ(NormalizeAddress("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(NormalizeAddress("[2001:db8::1]:443"), "2001:db8::1");
  EXPECT_EQ(NormalizeAddress("unknown"), "");
  EXPECT_EQ(NormalizeAddress(""), "");
  EXPECT_EQ(NormalizeAddress("1.2.3.4.5"), "");
}

// Only the entry the proxy in front added is believed: anything to its left came from the
// client, who can write any address there.
TEST(AddressTest, TheForwardedClientIsTheRightMostEntry) {
  EXPECT_EQ(ForwardedFor("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ForwardedFor("127.0.0.1, 203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ForwardedFor("203.0.113.7,2001:db8::5"), "2001:db8::5");
  EXPECT_EQ(ForwardedFor("203.0.113.7, garbage"), "");
  EXPECT_EQ(ForwardedFor(""), "");
}

TEST(AddressTest, AnIpv6ClientCountsByItsSlash64) {
  EXPECT_EQ(AddressKey("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(AddressKey("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("2001:db8:1:2:ffff::1"), AddressKey("2001:db8:1:2::9"));
  EXPECT_NE(AddressKey("2001:db8:1:3::1"), AddressKey("2001:db8:1:2::1"));
}

TEST(AddressTest, Loopback) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.8.9.10"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_TRUE(IsLoopbackAddress("::ffff:127.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("::2"));
  EXPECT_FALSE(IsLoopbackAddress(""));
  EXPECT_FALSE(IsLoopbackAddress("localhost"));
}

}  // namespace
}  // namespace http
