// Client addresses as the server reports and counts them (no Boost: inet_pton/inet_ntop).
// Request::remote_address holds NormalizeAddress's form; the caps count by AddressKey, so that
// an IPv6 client cannot pass a per-address cap by changing the low bits of its address.
//
//   NormalizeAddress("::ffff:10.0.0.7")   → "10.0.0.7"
//   NormalizeAddress("[2001:db8::1]:443") → "2001:db8::1"
//   AddressKey("2001:db8::1:2:3:4")       → "2001:db8::/64"
//   ForwardedFor("203.0.113.7, 10.0.0.2") → "10.0.0.2"   (the entry the proxy in front added)
#pragma once

#include <string>
#include <string_view>

namespace http {

// The canonical text of an IPv4 or IPv6 address, tolerating a port ("1.2.3.4:80",
// "[::1]:80") and surrounding blanks; an IPv4-mapped IPv6 address becomes IPv4. "" when the
// text is not an address.
std::string NormalizeAddress(std::string_view text);
// What a per-address cap counts under: an IPv4 address itself, an IPv6 address's /64.
// The text of anything that is not an address, as it is.
std::string AddressKey(std::string_view address);
// The right-most entry of a comma-separated X-Forwarded-For value (a proxy appends the peer it
// saw; entries further left came from the client and prove nothing), normalized; "" when it
// is not an address.
std::string ForwardedFor(std::string_view header_value);
// Whether an address (as in Request::remote_address) is a loopback one: 127.0.0.0/8 or ::1.
bool IsLoopbackAddress(std::string_view address);

}  // namespace http
