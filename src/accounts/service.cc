// Users, sign-in, sessions, trusted browsers and API tokens.
#include "accounts/service.h"

#include <algorithm>

#include "base/hash.h"
#include "base/rng.h"

namespace accounts {
namespace {

constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMaxSecretBytes = 256;  // a cookie or token longer than this is no ours

User UserFromRow(const storage::Row& r) {
  // id, email, name, role, created_at_us
  return {r.Text(0), r.Text(1), r.Text(2), ParseRole(r.Text(3)).value_or(Role::kExpert), r.Int(4)};
}

constexpr std::string_view kUserColumns = "id, email, name, role, created_at_us";

base::Error BadLogin() { return base::Error::Unauthenticated("invalid email or password"); }

base::Result<Caller> CallerFromRow(const storage::Row& r) {
  ASSAY_ASSIGN_OR_RETURN(Role role, ParseRole(r.Text(1)));
  return Caller{r.Text(0), role};
}

// api_tokens.scopes: "all" (tokens made before scopes) or names joined by commas.
uint8_t StoredScopes(const std::string& text) {
  if (text == "all") return kAllScopes;
  std::vector<std::string> names;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    names.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return ParseScopes(names).value_or(kScopeRead);  // unreadable: the least
}

std::string ScopesText(uint8_t scopes) {
  std::string out;
  for (const std::string& n : ScopeNames(scopes)) out += (out.empty() ? "" : ",") + n;
  return out;
}

ApiToken TokenFromRow(const storage::Row& r) {
  // id, name, created_at_us, expires_at_us, revoked_at_us, scopes
  return {r.Text(0), r.Text(1), r.Int(2), r.OptInt(3), r.OptInt(4), StoredScopes(r.Text(5))};
}

}  // namespace

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

Service::Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Options options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      options_(options),
      hasher_(options.max_concurrent_password_hashes, options.fast_password_hashing_for_tests),
      throttle_(options.login, ids) {}

base::Result<User> Service::CreateUser(const Caller& by, std::string_view email_in,
                                       std::string_view password, Role role, std::string_view name) {
  if (by.role != Role::kAdmin &&
      !(by.role == Role::kManager && (role == Role::kExpert || role == Role::kReviewer))) {
    return base::Error::Forbidden("you may not create a user with this role");
  }
  std::string email = NormalizeEmail(email_in);
  if (!PlausibleEmail(email)) return base::Error::Invalid("email is not valid").Detail("field", "email");
  if (!password.empty() && (password.size() < 8 || password.size() > kMaxPasswordBytes)) {
    return base::Error::Invalid("password must have 8 to 1024 characters").Detail("field", "password");
  }
  if (name.size() > 200) return base::Error::Invalid("name is too long").Detail("field", "name");
  std::optional<std::string> hash;
  if (!password.empty()) {
    hash = hasher_.Hash(password);
    if (hash->empty()) return base::Error::Internal("password hashing failed");
  }
  User user{ids_.Next(), email, std::string(name), role, clock_.NowMicros()};
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
  const std::string new_id = ids_.Next();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT " + std::string(kUserColumns) + " FROM users WHERE email = ?", {email}));
    if (!rows.empty()) {
      user = UserFromRow(rows[0]);
      return base::Ok();
    }
    user = User{new_id, email, std::string(name), role, clock_.NowMicros()};
    ASSAY_TRY(c.Exec("INSERT INTO users (id, email, name, role, password_hash, created_at_us) VALUES (?, ?, ?, ?, NULL, ?)",
                     {user.id, user.email, user.name, RoleName(role), user.created_at_us}));
    return base::Ok();
  }));
  return user;
}

base::Result<SignIn> Service::Login(const LoginRequest& req) {
  const int64_t now = clock_.NowMicros();
  const std::string email = NormalizeEmail(req.email);
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT " + std::string(kUserColumns) +
                                       ", password_hash, deactivated_at_us FROM users WHERE email = ?",
                                   {email}));
  // A browser that signed in to this very account before is judged by its own failures.
  std::string device;
  if (!rows.empty() && !req.device_token.empty() && req.device_token.size() <= kMaxSecretBytes) {
    const std::string hash = base::Sha256Hex(req.device_token);
    ASSAY_ASSIGN_OR_RETURN(storage::Rows d, db_.Query("SELECT 1 FROM trusted_devices WHERE token_hash = ? "
                                                      "AND user_id = ? AND expires_at_us > ?",
                                                      {hash, rows[0].Text(0), now}));
    if (!d.empty()) device = hash.substr(0, 32);
  }
  // Counted before the password is checked: concurrent guesses cannot all get through.
  Reservation reservation;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(reservation, throttle_.Reserve(c, {email, std::string(req.address), device}, now));
    return base::Ok();
  }));
  bool ok = false;
  if (req.password.size() > kMaxPasswordBytes || rows.empty() || rows[0].IsNull(5)) {
    hasher_.VerifyDummy(req.password.substr(0, kMaxPasswordBytes));  // the same work as a real check
  } else {
    ok = hasher_.Verify(rows[0].Text(5), req.password) && rows[0].IsNull(6);
  }
  if (!ok) return BadLogin();
  SignIn out{Session{UserFromRow(rows[0]), base::SecureRandomBase64Url(32), now + options_.session_ttl_us},
             std::nullopt};
  if (device.empty()) out.new_device_token = base::SecureRandomBase64Url(32);
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(throttle_.Succeeded(c, reservation));
    const std::string& user_id = out.session.user.id;
    ASSAY_TRY(c.Exec("DELETE FROM sessions WHERE user_id = ? AND expires_at_us <= ?", {user_id, now}));
    ASSAY_TRY(c.Exec("INSERT INTO sessions (token_hash, user_id, created_at_us, expires_at_us) VALUES (?, ?, ?, ?)",
                     {base::Sha256Hex(out.session.token), user_id, now, out.session.expires_at_us}));
    if (out.new_device_token) {
      ASSAY_TRY(c.Exec("DELETE FROM trusted_devices WHERE user_id = ? AND expires_at_us <= ?", {user_id, now}));
      ASSAY_TRY(c.Exec("INSERT INTO trusted_devices (token_hash, user_id, created_at_us, expires_at_us) "
                       "VALUES (?, ?, ?, ?)",
                       {base::Sha256Hex(*out.new_device_token), user_id, now, now + options_.device_ttl_us}));
    }
    return base::Ok();
  }));
  return out;
}

base::Status Service::Logout(std::string_view token) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM sessions WHERE token_hash = ?", {base::Sha256Hex(token)}));
    return base::Ok();
  });
}

base::Result<Caller> Service::AuthenticateSession(std::string_view token) {
  if (token.empty() || token.size() > kMaxSecretBytes) return base::Error::Unauthenticated("not signed in");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT u.id, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
                                   "WHERE s.token_hash = ? AND s.expires_at_us > ? AND u.deactivated_at_us IS NULL",
                                   {base::Sha256Hex(token), clock_.NowMicros()}));
  if (rows.empty()) return base::Error::Unauthenticated("session expired or unknown");
  return CallerFromRow(rows[0]);
}

base::Result<Caller> Service::AuthenticateBearer(std::string_view token) {
  if (token.empty() || token.size() > kMaxSecretBytes) return base::Error::Unauthenticated("bad token");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT u.id, u.role, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id "
                                   "WHERE t.token_hash = ? AND t.revoked_at_us IS NULL "
                                   "AND (t.expires_at_us IS NULL OR t.expires_at_us > ?) "
                                   "AND u.deactivated_at_us IS NULL",
                                   {base::Sha256Hex(token), clock_.NowMicros()}));
  if (rows.empty()) return base::Error::Unauthenticated("unknown, expired or revoked token");
  ASSAY_ASSIGN_OR_RETURN(Caller caller, CallerFromRow(rows[0]));
  caller.scopes = StoredScopes(rows[0].Text(2));
  return caller;
}

base::Result<User> Service::GetUser(std::string_view user_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?", {user_id}));
  if (rows.empty()) return base::Error::NotFound("no such user");
  return UserFromRow(rows[0]);
}

base::Result<User> Service::GetMe(const Caller& caller) { return GetUser(caller.user_id); }

base::Result<User> Service::FindUserByEmail(std::string_view email) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, db_.Query("SELECT " + std::string(kUserColumns) +
                                                           " FROM users WHERE email = ?",
                                                       {NormalizeEmail(email)}));
  if (rows.empty()) return base::Error::NotFound("no user with this email");
  return UserFromRow(rows[0]);
}

base::Result<NewToken> Service::CreateApiToken(const Caller& caller, const TokenRequest& req) {
  if (caller.user_id.empty()) return base::Error::Invalid("a token needs a user");
  if (req.name.size() > 200) return base::Error::Invalid("name is too long").Detail("field", "name");
  const int64_t now = clock_.NowMicros();
  const int64_t expires = req.expires_at_us.value_or(now + options_.token_default_ttl_us);
  if (expires <= now) return base::Error::Invalid("expires_at must be in the future").Detail("field", "expires_at");
  if (expires > now + options_.token_max_ttl_us) {
    return base::Error::Invalid("expires_at is too far ahead")
        .Detail("field", "expires_at")
        .Detail("max_days", options_.token_max_ttl_us / (24 * 3600 * base::kMicrosPerSecond));
  }
  if (req.scopes == 0 || (req.scopes & ~kAllScopes) != 0) {
    return base::Error::Invalid("scopes needs at least one of read, work, manage").Detail("field", "scopes");
  }
  if ((req.scopes & ~caller.scopes) != 0) {
    return base::Error::Forbidden("a token cannot make a token with wider scopes than its own")
        .Detail("field", "scopes")
        .Detail("allowed", ScopesText(caller.scopes));
  }
  NewToken out{{ids_.Next(), req.name, now, expires, std::nullopt, req.scopes},
               "assay_" + base::SecureRandomBase64Url(32)};
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row live,
                           c.QueryOne("SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at_us IS NULL "
                                      "AND (expires_at_us IS NULL OR expires_at_us > ?)",
                                      {caller.user_id, now}));
    if (live.Int(0) >= options_.max_tokens_per_user) {
      return base::Error(base::ErrorCode::kResourceExhausted, "too many live tokens: revoke one first")
          .Detail("limit", options_.max_tokens_per_user);
    }
    ASSAY_TRY(c.Exec("INSERT INTO api_tokens (id, token_hash, user_id, name, created_at_us, expires_at_us, scopes) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {out.token.id, base::Sha256Hex(out.secret), caller.user_id, req.name, now, expires,
                      ScopesText(req.scopes)}));
    return base::Ok();
  }));
  return out;
}

base::Result<std::vector<ApiToken>> Service::ListApiTokens(const Caller& caller) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT id, name, created_at_us, expires_at_us, revoked_at_us, scopes FROM api_tokens "
                                   "WHERE user_id = ? ORDER BY created_at_us DESC, id DESC LIMIT 500",
                                   {caller.user_id}));
  std::vector<ApiToken> out;
  for (const storage::Row& r : rows) out.push_back(TokenFromRow(r));
  return out;
}

base::Status Service::RevokeApiToken(const Caller& caller, std::string_view token_id) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT user_id FROM api_tokens WHERE id = ?", {token_id}));
    if (rows.empty() || (rows[0].Text(0) != caller.user_id && caller.role != Role::kAdmin)) {
      return base::Error::NotFound("no such token");
    }
    ASSAY_TRY(c.Exec("UPDATE api_tokens SET revoked_at_us = ? WHERE id = ? AND revoked_at_us IS NULL",
                     {clock_.NowMicros(), token_id}));
    return base::Ok();
  });
}

base::Status Service::EndEverything(storage::Conn& c, std::string_view user_id, std::string_view keep_token_hash) {
  ASSAY_TRY(c.Exec("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", {user_id, keep_token_hash}));
  ASSAY_TRY(c.Exec("UPDATE api_tokens SET revoked_at_us = ? WHERE user_id = ? AND revoked_at_us IS NULL",
                   {clock_.NowMicros(), user_id}));
  return base::Ok();
}

base::Status Service::ChangePassword(const Caller& caller, std::string_view current, std::string_view next,
                                     std::string_view keep_session_token) {
  if (next.size() < 8 || next.size() > kMaxPasswordBytes) {
    return base::Error::Invalid("the new password must have 8 to 1024 characters").Detail("field", "new_password");
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT password_hash FROM users WHERE id = ?", {caller.user_id}));
  if (rows.empty()) return base::Error::NotFound("no such user");
  // Guesses at the current password from a stolen session are limited like sign-ins.
  Reservation reservation;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(reservation,
                           throttle_.Reserve(c, {"user:" + caller.user_id, "session", "password-change"},
                                             clock_.NowMicros()));
    return base::Ok();
  }));
  const storage::Row& u = rows[0];
  if (u.IsNull(0) ? !current.empty() : !hasher_.Verify(u.Text(0), current)) {
    return base::Error::Forbidden("the current password is not right").Detail("field", "current_password");
  }
  const std::string hash = hasher_.Hash(next);
  if (hash.empty()) return base::Error::Internal("password hashing failed");
  const std::string keep = keep_session_token.empty() ? "" : base::Sha256Hex(keep_session_token);
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(throttle_.Succeeded(c, reservation));
    ASSAY_TRY(c.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {hash, caller.user_id}));
    return EndEverything(c, caller.user_id, keep);
  });
}

base::Status Service::SetActive(const Caller& admin, std::string_view user_id, bool active) {
  if (admin.role != Role::kAdmin) return base::Error::Forbidden("only an admin may deactivate a user");
  if (!active && admin.user_id == user_id) return base::Error::Invalid("you cannot deactivate yourself");
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(
        int64_t changed,
        c.Exec(active ? "UPDATE users SET deactivated_at_us = NULL WHERE id = ?"
                      : "UPDATE users SET deactivated_at_us = coalesce(deactivated_at_us, ?) WHERE id = ?",
               active ? storage::Params{user_id} : storage::Params{clock_.NowMicros(), user_id}));
    if (changed == 0) return base::Error::NotFound("no such user");
    if (!active) ASSAY_TRY(EndEverything(c, user_id, ""));
    return base::Ok();
  });
}

base::Result<std::vector<UserInfo>> Service::ListUsers(const Caller& admin, const UserFilter& filter,
                                                       std::string* next_cursor) {
  if (admin.role != Role::kAdmin) return base::Error::Forbidden("only an admin lists the users");
  if (filter.query.size() > 200) return base::Error::Invalid("q is too long").Detail("field", "q");
  const int limit = std::clamp(filter.limit <= 0 ? 100 : filter.limit, 1, 500);
  // Matched as a plain piece of text: LIKE's own wildcards in it are escaped.
  std::string pattern = "%";
  for (char ch : NormalizeEmail(filter.query)) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += "%";
  ASSAY_ASSIGN_OR_RETURN(
      storage::Rows rows,
      db_.Query("SELECT " + std::string(kUserColumns) + ", deactivated_at_us, password_hash IS NOT NULL FROM users "
                "WHERE (lower(email) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\') AND id > ? "
                "ORDER BY id LIMIT ?",
                {pattern, pattern, filter.cursor, limit + 1}));
  std::vector<UserInfo> out;
  for (const storage::Row& r : rows) out.push_back({UserFromRow(r), r.OptInt(5), r.Int(6) != 0});
  if (next_cursor) next_cursor->clear();
  if (static_cast<int>(out.size()) > limit) {
    out.pop_back();
    if (next_cursor) *next_cursor = out.back().user.id;
  }
  return out;
}

}  // namespace accounts
