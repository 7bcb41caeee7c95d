// accounts::LoginThrottle — how many password guesses anyone gets, counted in the database so
// that concurrent attempts and other servers see the same numbers.
//
// An attempt is reserved before its password hash is verified, in one write transaction: the
// reservation counts as a failure at once, so however many attempts arrive together, no more
// are checked than the limits allow. A success releases its reservation and clears its pair.
//
// Limits (LoginLimits):
// - per pair (account, and the address — or the trusted browser, see below): the first
//   free_failures_per_pair failures cost nothing; each further one doubles a wait from
//   first_delay_us up to max_delay_us before the pair may try again. Failures are remembered for
//   pair_memory_us. An attempt inside the wait is refused (ResourceExhausted, retry_after_s).
// - per address (all accounts): failures_per_address within address_window_us; past it, the
//   address is refused until the oldest failure leaves the window.
// - never per account alone: failures on an account from other addresses do not refuse anyone
//   (that would let a stranger lock the owner out); they are only counted (acct: rows).
// A trusted browser (one that signed in to this account before: its assay_device cookie) is
// judged by its own pair only, so a user behind a busy proxy is not locked out by neighbours.
//
//   ASSAY_ASSIGN_OR_RETURN(Reservation r, throttle.Reserve(conn, attempt, now));
//   … verify the password …   then on success: throttle.Succeeded(conn, r);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"

namespace accounts {

struct LoginLimits {
  int free_failures_per_pair = 5;
  int64_t first_delay_us = 1 * base::kMicrosPerSecond;
  int64_t max_delay_us = 15LL * 60 * base::kMicrosPerSecond;
  int64_t pair_memory_us = 24LL * 3600 * base::kMicrosPerSecond;
  int failures_per_address = 50;
  int64_t address_window_us = 15LL * 60 * base::kMicrosPerSecond;
};

struct LoginAttempt {
  std::string email;    // normalized
  std::string address;  // the client's address as the server believes it (--trust-proxy)
  std::string device;   // a trusted browser's id for this account, or ""
};

struct Reservation {
  std::vector<std::string> row_ids;  // this attempt's rows (pair first)
  std::string pair_key;
};

class LoginThrottle {
 public:
  LoginThrottle(LoginLimits limits, base::Uuid7Generator& ids) : limits_(limits), ids_(ids) {}
  // Refuses (ResourceExhausted with details retry_after_s and limit) or reserves the attempt.
  // Run inside a write transaction.
  base::Result<Reservation> Reserve(storage::Conn& c, const LoginAttempt& attempt, int64_t now_us);
  // The password was right: the reservation was no failure, and the pair starts over.
  base::Status Succeeded(storage::Conn& c, const Reservation& r);
  // The wait a pair with `failures` remembered failures has before its next attempt.
  int64_t DelayAfter(int failures) const;
  const LoginLimits& limits() const { return limits_; }

 private:
  LoginLimits limits_;
  base::Uuid7Generator& ids_;
};

}  // namespace accounts
