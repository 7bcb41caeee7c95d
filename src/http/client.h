// http::Client — a small blocking HTTP/1.1 client with keep-alive, for tests, benchmarks and
// the agent runner. Reconnects once when a kept-alive connection turns out closed.
//
//   http::Client c("127.0.0.1", port);
//   auto r = c.Send("POST", "/api/v1/projects", body, {{"Authorization", "Bearer " + token},
//                                                      {"Content-Type", "application/json"}});
//   if (r && r->status == 201) …
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace http {

struct ClientResponse {
  int status = 0;
  std::vector<Header> headers;  // names lowercase
  std::string body;
  std::string_view GetHeader(std::string_view lowercase_name) const;
};

class Client {
 public:
  Client(std::string host, uint16_t port, int64_t timeout_ms = 30'000);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  base::Result<ClientResponse> Send(std::string_view method, std::string_view target,
                                    std::string_view body = {},
                                    const std::vector<Header>& headers = {});
  void Close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "http://host:port/path" into its parts (for the agent runner's --base-url).
struct Url {
  std::string host;
  uint16_t port = 80;
  std::string path;  // "/v1" or ""
};
base::Result<Url> ParseHttpUrl(std::string_view url);

}  // namespace http
