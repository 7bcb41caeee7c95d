#include "http/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace http {
namespace {

constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

struct Parsed {
  bool v6 = false;
  unsigned char bytes[16] = {};  // v4: the first 4
};

std::optional<Parsed> Parse(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '[') {  // "[v6]" or "[v6]:port"
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // "v4:port"
    text = text.substr(0, text.find(':'));
  }
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  const std::string z(text);
  Parsed p;
  if (inet_pton(AF_INET, z.c_str(), p.bytes) == 1) return p;
  if (inet_pton(AF_INET6, z.c_str(), p.bytes) != 1) return std::nullopt;
  if (std::memcmp(p.bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memmove(p.bytes, p.bytes + 12, 4);
    std::memset(p.bytes + 4, 0, 12);
    return p;
  }
  p.v6 = true;
  return p;
}

std::string Text(const Parsed& p) {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(p.v6 ? AF_INET6 : AF_INET, p.bytes, out, sizeof out);
  return out;
}

}  // namespace

std::string NormalizeAddress(std::string_view text) {
  std::optional<Parsed> p = Parse(text);
  return p ? Text(*p) : std::string();
}

std::string AddressKey(std::string_view address) {
  std::optional<Parsed> p = Parse(address);
  if (!p) return std::string(address);
  if (!p->v6) return Text(*p);
  std::memset(p->bytes + 8, 0, 8);
  return Text(*p) + "/64";
}

std::string ForwardedFor(std::string_view header_value) {
  const size_t comma = header_value.rfind(',');
  return NormalizeAddress(comma == std::string_view::npos ? header_value
                                                          : header_value.substr(comma + 1));
}

bool IsLoopbackAddress(std::string_view address) {
  std::optional<Parsed> p = Parse(address);
  if (!p) return false;
  if (!p->v6) return p->bytes[0] == 127;
  static constexpr unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(p->bytes, kLoopback, 16) == 0;
}

}  // namespace http
