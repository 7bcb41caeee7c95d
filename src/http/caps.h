// http::Caps — what clients may hold of the server at once: open connections (in all and per
// client address) and request body bytes being read or held until the answer is written (per
// address and in all). The server asks before it accepts a connection and before it reads a
// body, and gives back when they end; a refusal is the error to answer with (429 for one
// address's cap, 503 for the server's, each with a Retry-After). Thread-safe.
//
//   http::Caps caps({.max_connections = 10'000, .max_connections_per_address = 2'000, …});
//   if (auto refused = caps.OpenConnection(AddressKey(peer))) return Refuse(*refused);
//   …
//   caps.CloseConnection(AddressKey(peer));
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/result.h"

namespace http {

struct CapLimits {
  // Connections open at once; past it a new connection is answered 503 and closed before
  // anything of it is read.
  int max_connections = 10'000;
  // Connections open at once from one client address (an IPv6 client counts by its /64); past
  // it 429, likewise. <= 0: not applied.
  int max_connections_per_address = 2'000;
  // Request body bytes being read or held until the answer is written, from one address and in
  // all. A request whose announced body would pass the address's cap gets 429, the total's
  // 503, before any of it is read; a chunked body is counted as it arrives and cut off the
  // same way. A body larger than either cap on its own gets 413. The per-address default
  // leaves room for one import at its 256 MiB route limit beside the small requests.
  size_t max_body_bytes_per_address = size_t{512} << 20;
  size_t max_body_bytes_in_flight = size_t{1} << 30;
};

class Caps {
 public:
  explicit Caps(CapLimits limits) : limits_(limits) {}
  const CapLimits& limits() const { return limits_; }

  // Counts a connection from address_key (AddressKey's form), or says why not.
  std::optional<base::Error> OpenConnection(const std::string& address_key);
  void CloseConnection(const std::string& address_key);
  // Counts body bytes from address_key (more of one body as it arrives, or all of an announced
  // one at once), or says why not; nothing is counted on a refusal.
  std::optional<base::Error> ReserveBody(const std::string& address_key, size_t bytes);
  void ReleaseBody(const std::string& address_key, size_t bytes);

  // What is held now (for tests).
  int connections() const;
  size_t body_bytes() const;

 private:
  struct Held {
    int connections = 0;
    size_t body_bytes = 0;
  };
  // Drops an address's entry once it holds nothing. Called with mu_ held.
  void Tidy(std::unordered_map<std::string, Held>::iterator it);

  const CapLimits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Held> by_address_;  // guarded by mu_
  int connections_ = 0;                               // guarded by mu_
  size_t body_bytes_ = 0;                             // guarded by mu_
};

}  // namespace http
