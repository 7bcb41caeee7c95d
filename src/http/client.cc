#include "http/client.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <chrono>
#include <optional>

namespace http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string_view ClientResponse::GetHeader(std::string_view lowercase_name) const {
  for (const Header& h : headers) {
    if (h.name == lowercase_name) return h.value;
  }
  return {};
}

class Client::Impl {
 public:
  Impl(std::string host, uint16_t port, int64_t timeout_ms)
      : host_(std::move(host)), port_(port), timeout_ms_(timeout_ms) {}

  base::Result<ClientResponse> Send(std::string_view method, std::string_view target,
                                    std::string_view body, const std::vector<Header>& headers) {
    // A kept-alive connection may have been closed by the server: retry once on a fresh one,
    // but only when nothing of the response arrived.
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = stream_.has_value();
      if (!stream_) {
        if (auto s = Connect(); !s) return s.error();
      }
      beast::error_code ec;
      auto r = Exchange(method, target, body, headers, ec);
      if (!ec) return r;
      stream_.reset();
      if (!reused) {
        return base::Error(base::ErrorCode::kUnavailable, "HTTP request failed")
            .Detail("reason", ec.message());
      }
    }
    return base::Error(base::ErrorCode::kUnavailable, "HTTP request failed after reconnect");
  }

  void Close() { stream_.reset(); }

 private:
  base::Status Connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return base::Error(base::ErrorCode::kUnavailable, "cannot resolve").Detail("host", host_);
    stream_.emplace(ioc_);
    stream_->socket().connect(*results.begin(), ec);
    if (ec) {
      stream_.reset();
      return base::Error(base::ErrorCode::kUnavailable, "cannot connect")
          .Detail("host", host_)
          .Detail("port", static_cast<int64_t>(port_))
          .Detail("reason", ec.message());
    }
    stream_->socket().set_option(tcp::no_delay(true), ec);
    return base::Ok();
  }

  ClientResponse Exchange(std::string_view method, std::string_view target, std::string_view body,
                          const std::vector<Header>& headers, beast::error_code& ec) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(std::string(method));
    req.target(std::string(target));
    req.version(11);
    req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
    for (const Header& h : headers) req.set(h.name, h.value);
    req.body() = std::string(body);
    req.keep_alive(true);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.prepare_payload();
    }
    ClientResponse out;
    bhttp::write(stream_->socket(), req, ec);
    // A server may answer (413) and close before reading the whole body: read what it said.
    beast::error_code write_ec = ec;
    ec = {};
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ull << 32);
    if (method == "HEAD") parser.skip(true);  // its Content-Length is the GET's; no body follows
    bhttp::read(stream_->socket(), buffer_, parser, ec);
    if (ec) {
      if (write_ec) ec = write_ec;
      return out;
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.push_back({std::move(name), std::string(f.value())});
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) stream_.reset();
    return out;
  }

  std::string host_;
  uint16_t port_;
  int64_t timeout_ms_;
  net::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

Client::Client(std::string host, uint16_t port, int64_t timeout_ms)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout_ms)) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

base::Result<ClientResponse> Client::Send(std::string_view method, std::string_view target,
                                          std::string_view body,
                                          const std::vector<Header>& headers) {
  return impl_->Send(method, target, body, headers);
}

void Client::Close() { impl_->Close(); }

base::Result<Url> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return base::Error::Invalid("only http:// URLs are supported").Detail("url", url);
  }
  url.remove_prefix(kScheme.size());
  size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  Url out;
  out.path = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  size_t colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view p = authority.substr(colon + 1);
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || ptr != p.data() + p.size() || port == 0 || port > 65535) {
      return base::Error::Invalid("bad port in URL").Detail("url", url);
    }
    out.port = static_cast<uint16_t>(port);
  }
  if (out.host.empty()) return base::Error::Invalid("URL has no host");
  return out;
}

}  // namespace http
