// libFuzzer: bytes as they arrive on a connection, through the same Beast request parser and
// limits the server uses (http/server.cc: 16 KiB of headers, the route's body limit), then what
// the server does with the parsed head: the path's control-byte check, percent-decoding of the
// path and query, the forwarded address (--trust-proxy) and its address key.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/address.h"
#include "http/message.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_done()) {
    const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec) return 0;
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (!parser.is_header_done()) return 0;
  const auto& msg = parser.get();
  http::Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  const size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (const auto& field : msg) req.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  (void)http::PercentDecode(req.path, false);
  (void)req.QueryParam("limit");
  (void)req.ContentType();
  const std::string client = http::ForwardedFor(req.GetHeader("x-forwarded-for"));
  if (!client.empty()) (void)http::AddressKey(http::NormalizeAddress(client));
  return 0;
}
