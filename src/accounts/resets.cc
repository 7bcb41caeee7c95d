// One-time password-reset links an admin issues (accounts/service.h).
#include "accounts/service.h"
#include "base/hash.h"
#include "base/rng.h"

namespace accounts {
namespace {

constexpr size_t kResetTokenBytes = 32;
constexpr size_t kMaxSecretBytes = 256;
constexpr size_t kMaxPasswordBytes = 1024;

base::Error DeadLink() {
  return base::Error::NotFound("this reset link is not valid: it was used, it expired, or a newer one was issued")
      .Detail("field", "token");
}

}  // namespace

base::Result<ResetLink> Service::IssuePasswordReset(const Caller& admin, std::string_view user_id) {
  if (admin.role != Role::kAdmin) return base::Error::Forbidden("only an admin issues password-reset links");
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT deactivated_at_us FROM users WHERE id = ?", {user_id}));
  if (rows.empty()) return base::Error::NotFound("no such user");
  if (!rows[0].IsNull(0)) {
    return base::Error(base::ErrorCode::kFailedPrecondition, "this account is deactivated: reactivate it first");
  }
  ASSAY_ASSIGN_OR_RETURN(User user, GetUser(user_id));
  const int64_t now = clock_.NowMicros();
  ResetLink link{base::SecureRandomBase64Url(kResetTokenBytes), user, now + options_.reset_link_ttl_us};
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    // The newest link is the only one that works.
    ASSAY_TRY(c.Exec("UPDATE password_resets SET used_at_us = ? WHERE user_id = ? AND used_at_us IS NULL",
                     {now, user_id}));
    ASSAY_TRY(c.Exec("INSERT INTO password_resets (token_hash, user_id, created_by, created_at_us, expires_at_us) "
                     "VALUES (?, ?, ?, ?, ?)",
                     {base::Sha256Hex(link.token), user_id,
                      admin.user_id.empty() ? std::optional<std::string>() : std::optional(admin.user_id), now,
                      link.expires_at_us}));
    return base::Ok();
  }));
  return link;
}

base::Result<ResetLink> Service::InspectPasswordReset(std::string_view token) {
  if (token.empty() || token.size() > kMaxSecretBytes) return DeadLink();
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT r.user_id, r.expires_at_us FROM password_resets r "
                                   "JOIN users u ON u.id = r.user_id WHERE r.token_hash = ? "
                                   "AND r.used_at_us IS NULL AND r.expires_at_us > ? AND u.deactivated_at_us IS NULL",
                                   {base::Sha256Hex(token), clock_.NowMicros()}));
  if (rows.empty()) return DeadLink();
  ASSAY_ASSIGN_OR_RETURN(User user, GetUser(rows[0].Text(0)));
  return ResetLink{"", user, rows[0].Int(1)};
}

base::Status Service::ResetPassword(std::string_view token, std::string_view new_password) {
  if (new_password.size() < 8 || new_password.size() > kMaxPasswordBytes) {
    return base::Error::Invalid("the new password must have 8 to 1024 characters").Detail("field", "new_password");
  }
  ASSAY_ASSIGN_OR_RETURN(ResetLink link, InspectPasswordReset(token));
  const std::string hash = hasher_.Hash(new_password);
  if (hash.empty()) return base::Error::Internal("password hashing failed");
  return db_.Write([&](storage::Conn& c) -> base::Status {
    const int64_t now = clock_.NowMicros();
    // Used once: of two uses at the same moment, one finds it used.
    ASSAY_ASSIGN_OR_RETURN(int64_t used,
                           c.Exec("UPDATE password_resets SET used_at_us = ? WHERE token_hash = ? "
                                  "AND used_at_us IS NULL AND expires_at_us > ?",
                                  {now, base::Sha256Hex(token), now}));
    if (used != 1) return DeadLink();
    ASSAY_TRY(c.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {hash, link.user.id}));
    return EndEverything(c, link.user.id, "");
  });
}

}  // namespace accounts
