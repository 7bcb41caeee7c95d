#include "http/caps.h"

#include <cstdint>

namespace http {
namespace {

// The caps guard against crowds, not against one slow request: a moment later is usually fine.
constexpr int64_t kRetryAfterSeconds = 1;

base::Error ServerFull(std::string message, std::string_view limit_name, int64_t limit) {
  return base::Error(base::ErrorCode::kUnavailable, std::move(message))
      .Detail(std::string(limit_name), limit)
      .RetryAfter(kRetryAfterSeconds);
}

base::Error AddressFull(std::string message, std::string_view limit_name, int64_t limit) {
  return base::Error(base::ErrorCode::kResourceExhausted, std::move(message))
      .Detail(std::string(limit_name), limit)
      .RetryAfter(kRetryAfterSeconds);
}

}  // namespace

std::optional<base::Error> Caps::OpenConnection(const std::string& address_key) {
  std::lock_guard lock(mu_);
  if (connections_ >= limits_.max_connections) {
    return ServerFull("the server holds as many connections as it takes; try again shortly",
                      "max_connections", limits_.max_connections);
  }
  if (limits_.max_connections_per_address > 0) {
    auto [it, added] = by_address_.try_emplace(address_key);
    if (it->second.connections >= limits_.max_connections_per_address) {
      return AddressFull("too many connections from your address; close some first",
                         "max_connections_per_address", limits_.max_connections_per_address);
    }
    ++it->second.connections;
  }
  ++connections_;
  return std::nullopt;
}

void Caps::CloseConnection(const std::string& address_key) {
  std::lock_guard lock(mu_);
  --connections_;
  if (limits_.max_connections_per_address <= 0) return;
  auto it = by_address_.find(address_key);
  if (it == by_address_.end()) return;
  --it->second.connections;
  Tidy(it);
}

std::optional<base::Error> Caps::ReserveBody(const std::string& address_key, size_t bytes) {
  std::lock_guard lock(mu_);
  if (bytes > limits_.max_body_bytes_in_flight - body_bytes_) {
    return ServerFull("the server is reading as many request bodies as it takes; try again shortly",
                      "max_body_bytes_in_flight",
                      static_cast<int64_t>(limits_.max_body_bytes_in_flight));
  }
  auto [it, added] = by_address_.try_emplace(address_key);
  if (bytes > limits_.max_body_bytes_per_address - it->second.body_bytes) {
    Tidy(it);
    return AddressFull(
        "your address has as many request bodies in flight as it may; "
        "try again when one is answered",
        "max_body_bytes_per_address", static_cast<int64_t>(limits_.max_body_bytes_per_address));
  }
  it->second.body_bytes += bytes;
  body_bytes_ += bytes;
  return std::nullopt;
}

void Caps::ReleaseBody(const std::string& address_key, size_t bytes) {
  std::lock_guard lock(mu_);
  body_bytes_ -= bytes;
  auto it = by_address_.find(address_key);
  if (it == by_address_.end()) return;
  it->second.body_bytes -= bytes;
  Tidy(it);
}

void Caps::Tidy(std::unordered_map<std::string, Held>::iterator it) {
  if (it->second.connections == 0 && it->second.body_bytes == 0) by_address_.erase(it);
}

int Caps::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

size_t Caps::body_bytes() const {
  std::lock_guard lock(mu_);
  return body_bytes_;
}

}  // namespace http
