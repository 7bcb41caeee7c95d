// http::Request / http::Response — plain structs the API layer works with. No Boost here:
// only src/http/server.cc sees Beast.
//
//   http::Response r = http::Response::Json(201, R"({"id":"…"})");
//   r.SetHeader("Location", "/api/v1/projects/…");
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace http {

struct Header {
  std::string name;   // lowercase in requests
  std::string value;
};

struct Request {
  std::string method;        // "GET", "POST", …
  std::string target;        // "/api/v1/projects?limit=5"
  // "/api/v1/projects" as sent, still percent-encoded: route on its segments, then decode
  // each (so "a%2Fb" stays one segment). The server refuses a path that decodes to a control
  // byte (NUL included) with 400.
  std::string path;
  std::string query;         // "limit=5" (raw)
  std::vector<Header> headers;
  std::string body;
  // The client's address: the socket peer, or with ServerOptions::trust_proxy the right-most
  // X-Forwarded-For entry (http/address.h: NormalizeAddress's form).
  std::string remote_address;
  std::string request_id;
  bool secure = false;       // served over https (directly or via a trusted proxy)
  int64_t received_at_us = 0;
  // The handler's record of its decision at header time (Handler::Admit), for Handle.
  std::shared_ptr<void> admission;

  // The header's value, or "" when absent. `lowercase_name` must be lowercase.
  std::string_view GetHeader(std::string_view lowercase_name) const;
  // The first value of a query parameter, percent-decoded.
  std::optional<std::string> QueryParam(std::string_view key) const;
  // Media type without parameters, lowercase: "application/json".
  std::string ContentType() const;
};

// Writes one chunk of a streamed body; returns false when the client has gone away.
using ChunkSink = std::function<bool(std::string_view)>;
// Produces a streamed body by calling the sink; runs on a worker thread after the headers are
// sent, so an error can only end the stream early (it is logged).
using BodyProducer = std::function<base::Status(const ChunkSink&)>;

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  BodyProducer stream;  // when set, the body is sent chunked from it and `body` is ignored

  static Response Json(int status, std::string json_body);
  static Response Text(int status, std::string text, std::string content_type = "text/plain; charset=utf-8");
  static Response Empty(int status);
  void SetHeader(std::string name, std::string value);
  std::string_view GetHeader(std::string_view name) const;  // case-insensitive
};

std::string PercentDecode(std::string_view s, bool plus_as_space);
std::string_view StatusReason(int status);

}  // namespace http
