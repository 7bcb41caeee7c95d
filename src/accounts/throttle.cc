#include "accounts/throttle.h"

#include <algorithm>

namespace accounts {
namespace {

base::Error Refused(std::string message, int64_t wait_us, std::string_view limit) {
  const int64_t seconds = std::max<int64_t>(1, (wait_us + base::kMicrosPerSecond - 1) / base::kMicrosPerSecond);
  return base::Error(base::ErrorCode::kResourceExhausted, std::move(message))
      .Detail("retry_after_s", seconds)
      .Detail("limit", limit)
      .RetryAfter(seconds);
}

}  // namespace

int64_t LoginThrottle::DelayAfter(int failures) const {
  const int over = failures - limits_.free_failures_per_pair;
  if (over < 0) return 0;
  if (over >= 40) return limits_.max_delay_us;
  return std::min(limits_.max_delay_us, limits_.first_delay_us << over);
}

base::Result<Reservation> LoginThrottle::Reserve(storage::Conn& c, const LoginAttempt& a, int64_t now) {
  Reservation r;
  r.pair_key = "pair:" + a.email + "|" + (a.device.empty() ? "addr:" + a.address : "dev:" + a.device);
  ASSAY_ASSIGN_OR_RETURN(
      storage::Row pair,
      c.QueryOne("SELECT count(*), coalesce(max(at_us), 0) FROM login_attempts WHERE key = ? AND at_us > ?",
                 {r.pair_key, now - limits_.pair_memory_us}));
  const int64_t wait_until = pair.Int(1) + DelayAfter(static_cast<int>(pair.Int(0)));
  if (pair.Int(0) > 0 && now < wait_until) {
    return Refused("too many failed sign-ins; wait before trying again", wait_until - now, "account_address");
  }
  const std::string address_key = "addr:" + a.address;
  if (a.device.empty()) {
    ASSAY_ASSIGN_OR_RETURN(
        storage::Row addr,
        c.QueryOne("SELECT count(*), coalesce(min(at_us), 0) FROM login_attempts WHERE key = ? AND at_us > ?",
                   {address_key, now - limits_.address_window_us}));
    if (addr.Int(0) >= limits_.failures_per_address) {
      return Refused("too many failed sign-ins from this address; try again later",
                     addr.Int(1) + limits_.address_window_us - now, "address");
    }
  }
  std::vector<std::string> keys = {r.pair_key, "acct:" + a.email};
  if (a.device.empty()) keys.push_back(address_key);
  for (const std::string& key : keys) {
    r.row_ids.push_back(ids_.Next());
    ASSAY_TRY(c.Exec("INSERT INTO login_attempts (id, key, at_us) VALUES (?, ?, ?)", {r.row_ids.back(), key, now}));
  }
  // Forget what is older than any limit looks back, a few rows per attempt.
  ASSAY_TRY(c.Exec("DELETE FROM login_attempts WHERE id IN (SELECT id FROM login_attempts WHERE at_us < ? LIMIT 64)",
                   {now - std::max(limits_.pair_memory_us, limits_.address_window_us)}));
  return r;
}

base::Status LoginThrottle::Succeeded(storage::Conn& c, const Reservation& r) {
  ASSAY_TRY(c.Exec("DELETE FROM login_attempts WHERE key = ?", {r.pair_key}));
  for (const std::string& id : r.row_ids) ASSAY_TRY(c.Exec("DELETE FROM login_attempts WHERE id = ?", {id}));
  return base::Ok();
}

}  // namespace accounts
