// Users, password hashing, login throttling, browser sessions and API tokens.
#include <sodium.h>

#include <algorithm>
#include <deque>

#include "base/hash.h"
#include "base/rng.h"
#include "work/service.h"

namespace work {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kReviewer: return "reviewer";
    case Role::kExpert: return "expert";
  }
  return "expert";
}

base::Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kManager, Role::kReviewer, Role::kExpert}) {
    if (RoleName(r) == name) return r;
  }
  base::Error e = base::Error::Invalid("role must be admin, manager, reviewer or expert");
  e.Detail("field", "role");
  return e;
}

// Failed logins per key within a sliding window. Bounded: at most kMaxKeys keys.
struct Service::Throttle {
  static constexpr size_t kMaxKeys = 100000;
  std::mutex mu;
  std::unordered_map<std::string, std::deque<int64_t>> failures;  // guarded by mu

  int Count(const std::string& key, int64_t now_us, int64_t window_us) {
    std::lock_guard lock(mu);
    auto it = failures.find(key);
    if (it == failures.end()) return 0;
    auto& q = it->second;
    while (!q.empty() && q.front() <= now_us - window_us) q.pop_front();
    return static_cast<int>(q.size());
  }
  void Record(const std::string& key, int64_t now_us, int64_t window_us) {
    std::lock_guard lock(mu);
    if (failures.size() >= kMaxKeys) {
      std::erase_if(failures, [&](const auto& kv) {
        return kv.second.empty() || kv.second.back() <= now_us - window_us;
      });
      if (failures.size() >= kMaxKeys) failures.clear();
    }
    auto& q = failures[key];
    q.push_back(now_us);
    if (q.size() > 1000) q.pop_front();
  }
  void Clear(const std::string& key) {
    std::lock_guard lock(mu);
    failures.erase(key);
  }
};

Service::Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids,
                 ServiceOptions options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      options_(options),
      hash_slots_(std::clamp(options.max_concurrent_password_hashes, 1, 64)),
      throttle_(std::make_unique<Throttle>()) {
  if (sodium_init() < 0) std::abort();  // libsodium cannot run: nothing here is safe
}

Service::~Service() = default;

namespace {

std::string NormalizeEmail(std::string_view email) {
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t b = out.find_first_not_of(" \t"), e = out.find_last_not_of(" \t");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

bool PlausibleEmail(const std::string& email) {
  size_t at = email.find('@');
  return email.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string::npos && email.find(' ') == std::string::npos;
}

User UserFromRow(const storage::Row& r) {
  // id, email, name, role, created_at_us
  return {r.Text(0), r.Text(1), r.Text(2), ParseRole(r.Text(3)).value_or(Role::kExpert), r.Int(4)};
}

constexpr std::string_view kUserColumns = "id, email, name, role, created_at_us";

base::Error BadLogin() { return base::Error::Unauthenticated("invalid email or password"); }

}  // namespace

std::string Service::HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = options_.fast_password_hashing_for_tests ? crypto_pwhash_OPSLIMIT_MIN
                                                                    : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = options_.fast_password_hashing_for_tests ? crypto_pwhash_MEMLIMIT_MIN
                                                        : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  hash_slots_.acquire();  // at most N hashes at once: each takes 64 MiB and ~0.1 s
  int rc = crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                                 crypto_pwhash_ALG_ARGON2ID13);
  hash_slots_.release();
  if (rc != 0) return "";
  return out;
}

bool Service::VerifyPassword(const std::string& hash, std::string_view password) {
  hash_slots_.acquire();
  int rc = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size());
  hash_slots_.release();
  return rc == 0;
}

base::Result<User> Service::CreateUser(const Caller& by, std::string_view email_in,
                                       std::string_view password, Role role, std::string_view name) {
  if (by.role != Role::kAdmin &&
      !(by.role == Role::kManager && (role == Role::kExpert || role == Role::kReviewer))) {
    return base::Error::Forbidden("you may not create a user with this role");
  }
  std::string email = NormalizeEmail(email_in);
  if (!PlausibleEmail(email)) return base::Error::Invalid("email is not valid").Detail("field", "email");
  if (!password.empty() && (password.size() < 8 || password.size() > 1024)) {
    return base::Error::Invalid("password must have 8 to 1024 characters").Detail("field", "password");
  }
  if (name.size() > 200) return base::Error::Invalid("name is too long").Detail("field", "name");
  std::optional<std::string> hash;
  if (!password.empty()) {
    hash = HashPassword(password);
    if (hash->empty()) return base::Error::Internal("password hashing failed");
  }
  User user{NewId(), email, std::string(name), role, clock_.NowMicros()};
  base::Status st = db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO users (id, email, name, role, password_hash, created_at_us) VALUES (?, ?, ?, ?, ?, ?)",
                     {user.id, user.email, user.name, RoleName(role), hash, user.created_at_us}));
    return base::Ok();
  });
  if (!st) {
    if (st.error().code() == base::ErrorCode::kConflict) {
      return base::Error::Conflict("a user with this email exists").Detail("field", "email");
    }
    return std::move(st).error();
  }
  return user;
}

base::Result<User> Service::EnsureUser(std::string_view email_in, Role role, std::string_view name) {
  std::string email = NormalizeEmail(email_in);
  if (!PlausibleEmail(email)) return base::Error::Invalid("email is not valid").Detail("field", "email");
  User user;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT " + std::string(kUserColumns) + " FROM users WHERE email = ?", {email}));
    if (!rows.empty()) {
      user = UserFromRow(rows[0]);
      return base::Ok();
    }
    user = User{NewId(), email, std::string(name), role, clock_.NowMicros()};
    ASSAY_TRY(c.Exec("INSERT INTO users (id, email, name, role, password_hash, created_at_us) VALUES (?, ?, ?, ?, NULL, ?)",
                     {user.id, user.email, user.name, RoleName(role), user.created_at_us}));
    return base::Ok();
  }));
  return user;
}

base::Result<Session> Service::Login(std::string_view email_in, std::string_view password,
                                     std::string_view address) {
  const int64_t now = clock_.NowMicros();
  std::string email = NormalizeEmail(email_in);
  std::string account_key = "email:" + email, address_key = "addr:" + std::string(address);
  if (throttle_->Count(account_key, now, options_.login_window_us) >= options_.login_failures_per_account ||
      throttle_->Count(address_key, now, options_.login_window_us) >= options_.login_failures_per_address) {
    return base::Error(base::ErrorCode::kResourceExhausted, "too many failed logins; try again later");
  }
  if (password.size() > 1024) return BadLogin();
  std::call_once(dummy_hash_once_, [&] { dummy_hash_ = HashPassword(base::SecureRandomHex(16)); });

  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT " + std::string(kUserColumns) + ", password_hash FROM users WHERE email = ?", {email}));
  bool ok;
  if (rows.empty() || rows[0].IsNull(5)) {
    (void)VerifyPassword(dummy_hash_, password);  // same work as a real check
    ok = false;
  } else {
    ok = VerifyPassword(rows[0].Text(5), password);
  }
  if (!ok) {
    throttle_->Record(account_key, now, options_.login_window_us);
    throttle_->Record(address_key, now, options_.login_window_us);
    return BadLogin();
  }
  throttle_->Clear(account_key);
  Session s{UserFromRow(rows[0]), base::SecureRandomBase64Url(32), now + options_.session_ttl_us};
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM sessions WHERE user_id = ? AND expires_at_us <= ?", {s.user.id, now}));
    ASSAY_TRY(c.Exec("INSERT INTO sessions (token_hash, user_id, created_at_us, expires_at_us) VALUES (?, ?, ?, ?)",
                     {base::Sha256Hex(s.token), s.user.id, now, s.expires_at_us}));
    return base::Ok();
  }));
  return s;
}

base::Status Service::Logout(std::string_view token) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM sessions WHERE token_hash = ?", {base::Sha256Hex(token)}));
    return base::Ok();
  });
}

base::Result<Caller> Service::AuthenticateSession(std::string_view token) {
  if (token.empty() || token.size() > 256) return base::Error::Unauthenticated("not signed in");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT u.id, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
                                   "WHERE s.token_hash = ? AND s.expires_at_us > ?",
                                   {base::Sha256Hex(token), clock_.NowMicros()}));
  if (rows.empty()) return base::Error::Unauthenticated("session expired or unknown");
  ASSAY_ASSIGN_OR_RETURN(Role role, ParseRole(rows[0].Text(1)));
  return Caller{rows[0].Text(0), role};
}

base::Result<Caller> Service::AuthenticateBearer(std::string_view token) {
  if (token.empty() || token.size() > 256) return base::Error::Unauthenticated("bad token");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT u.id, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id "
                                   "WHERE t.token_hash = ? AND t.revoked_at_us IS NULL",
                                   {base::Sha256Hex(token)}));
  if (rows.empty()) return base::Error::Unauthenticated("unknown or revoked token");
  ASSAY_ASSIGN_OR_RETURN(Role role, ParseRole(rows[0].Text(1)));
  return Caller{rows[0].Text(0), role};
}

base::Result<User> Service::GetMe(const Caller& caller) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?", {caller.user_id}));
  if (rows.empty()) return base::Error::NotFound("no such user");
  return UserFromRow(rows[0]);
}

base::Result<std::string> Service::CreateApiToken(const Caller& caller, std::string_view name) {
  if (caller.user_id.empty()) return base::Error::Invalid("a token needs a user");
  if (name.size() > 200) return base::Error::Invalid("name is too long").Detail("field", "name");
  std::string token = "assay_" + base::SecureRandomBase64Url(32);  // 256 random bits
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO api_tokens (id, token_hash, user_id, name, created_at_us) VALUES (?, ?, ?, ?, ?)",
                     {NewId(), base::Sha256Hex(token), caller.user_id, name, clock_.NowMicros()}));
    return base::Ok();
  }));
  return token;
}

}  // namespace work
