// accounts::Service — who may call: users, argon2id passwords, sign-in with its limits
// (throttle.h), browser sessions, trusted browsers, API tokens with expiry, deactivation.
// Every other service takes the Caller this one authenticates.
//
//   accounts::Service accounts(db, clock, ids);
//   ASSAY_ASSIGN_OR_RETURN(accounts::SignIn s, accounts.Login({email, password, address, device}));
//   ASSAY_ASSIGN_OR_RETURN(accounts::Caller c, accounts.AuthenticateSession(s.session.token));
//   ASSAY_ASSIGN_OR_RETURN(accounts::NewToken t, accounts.CreateApiToken(c, {.name = "ci"}));
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/password.h"
#include "accounts/throttle.h"
#include "accounts/types.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"

namespace accounts {

struct Options {
  int64_t session_ttl_us = 14LL * 24 * 3600 * base::kMicrosPerSecond;
  int64_t device_ttl_us = 365LL * 24 * 3600 * base::kMicrosPerSecond;
  // API tokens: the lifetime a token gets when none is asked for, and the longest one may have.
  int64_t token_default_ttl_us = 90LL * 24 * 3600 * base::kMicrosPerSecond;
  int64_t token_max_ttl_us = 366LL * 24 * 3600 * base::kMicrosPerSecond;
  int max_tokens_per_user = 100;  // live (unrevoked, unexpired) tokens
  // How long a password-reset link an admin issues stays usable (once).
  int64_t reset_link_ttl_us = 24LL * 3600 * base::kMicrosPerSecond;
  int max_concurrent_password_hashes = 2;
  LoginLimits login;
  // Passwords hash with libsodium's minimum limits: tests only, to keep suites fast.
  bool fast_password_hashing_for_tests = false;
};

struct LoginRequest {
  std::string_view email;
  std::string_view password;
  std::string_view address;       // as the server believes it (--trust-proxy)
  std::string_view device_token;  // the assay_device cookie, or ""
};

struct SignIn {
  Session session;
  // A new assay_device cookie value when this browser was not trusted for the account yet.
  std::optional<std::string> new_device_token;
};

struct TokenRequest {
  std::string name;
  std::optional<int64_t> expires_at_us;  // default: now + token_default_ttl_us
  uint8_t scopes = kAllScopes;            // types.h; never more than the creating caller's
};

struct ApiToken {
  std::string id;
  std::string name;
  int64_t created_at_us = 0;
  std::optional<int64_t> expires_at_us;
  std::optional<int64_t> revoked_at_us;
  uint8_t scopes = kAllScopes;
};

// A one-time password-reset link's secret (shown once to the admin who issued it; only its
// sha256 is stored) and whom it is for.
struct ResetLink {
  std::string token;
  User user;
  int64_t expires_at_us = 0;
};

struct UserInfo {
  User user;
  std::optional<int64_t> deactivated_at_us;  // set: deactivated
  bool has_password = false;                 // false: a token-only account
};

struct UserFilter {
  std::string query;  // a piece of the email or name ("" : everyone)
  int limit = 100;    // at most 500
  std::string cursor;  // the last id of the page before
};

struct NewToken {
  ApiToken token;
  std::string secret;  // shown once; only its sha256 is stored
};

class Service {
 public:
  Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Options options = {});

  // Admin: any role. Manager: reviewer or expert. Password ≥ 8 chars, or empty for a
  // token-only account. Email is lowercased; a taken email is Conflict.
  base::Result<User> CreateUser(const Caller& by, std::string_view email, std::string_view password,
                                Role role, std::string_view name = "");
  // The user with this email, created (token-only, this role) if missing. CLI and seeding.
  base::Result<User> EnsureUser(std::string_view email, Role role, std::string_view name = "");
  // Unknown email, wrong password and a deactivated account answer the same Unauthenticated
  // error in similar time. Past a limit of throttle.h: ResourceExhausted with retry_after_s,
  // before any password is checked.
  base::Result<SignIn> Login(const LoginRequest& request);
  base::Status Logout(std::string_view session_token);
  base::Result<Caller> AuthenticateSession(std::string_view session_token);
  base::Result<Caller> AuthenticateBearer(std::string_view api_token);
  base::Result<User> GetMe(const Caller& caller);
  base::Result<User> GetUser(std::string_view user_id);
  base::Result<User> FindUserByEmail(std::string_view email);  // NotFound when none

  // A fresh API token for the caller (shown once). The expiry must be in the future and within
  // token_max_ttl_us; its scopes no wider than the caller's own (a token cannot mint a broader
  // one: PermissionDenied).
  base::Result<NewToken> CreateApiToken(const Caller& caller, const TokenRequest& request = {});
  // The caller's tokens, newest first (revoked and expired ones too, marked).
  base::Result<std::vector<ApiToken>> ListApiTokens(const Caller& caller);
  // The caller's own token (an admin: anyone's). Revoking twice is fine; another's: NotFound.
  base::Status RevokeApiToken(const Caller& caller, std::string_view token_id);
  // Checks the current password; ends every other session and revokes every token.
  base::Status ChangePassword(const Caller& caller, std::string_view current_password,
                              std::string_view new_password, std::string_view keep_session_token = "");
  // Admin only. Deactivating ends the user's sessions and revokes her tokens at once; she can
  // no longer sign in. Reactivating does not bring them back.
  base::Status SetActive(const Caller& admin, std::string_view user_id, bool active);
  // Admin only: the org's users, oldest first, with whether each is active.
  base::Result<std::vector<UserInfo>> ListUsers(const Caller& admin, const UserFilter& filter,
                                                std::string* next_cursor = nullptr);

  // Password-reset links. An admin issues one for a user (any earlier unused one of hers stops
  // working); whoever opens it sets a new password once, before reset_link_ttl_us is over, which
  // ends every session and token of hers. Not for a deactivated account.
  base::Result<ResetLink> IssuePasswordReset(const Caller& admin, std::string_view user_id);
  // The account a live link is for; an unknown, used, superseded or expired one: NotFound.
  base::Result<ResetLink> InspectPasswordReset(std::string_view token);
  base::Status ResetPassword(std::string_view token, std::string_view new_password);

  const Options& options() const { return options_; }

 private:
  // Ends every session (but keep_token_hash) and revokes every token of the user.
  base::Status EndEverything(storage::Conn& c, std::string_view user_id, std::string_view keep_token_hash);

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  Options options_;
  PasswordHasher hasher_;
  LoginThrottle throttle_;
};

// "Ada@Example.org " → "ada@example.org".
std::string NormalizeEmail(std::string_view email);
bool PlausibleEmail(const std::string& normalized_email);

}  // namespace accounts
