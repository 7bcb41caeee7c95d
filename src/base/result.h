// base::Result<T> — a value or an Error, returned by every fallible call across layers.
//
//   base::Result<Project> r = projects.Get(id);
//   if (!r) return r.error();          // propagate
//   const Project& p = *r;
//
// tl::expected is not packaged for Debian 12, so this is our own small expected-like type with
// the same spelling (has_value, value, error, operator*, ->, explicit bool) so it can be swapped
// for std::expected when the toolchain reaches C++23.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace base {

// Stable, user-visible error codes. The API maps each to one HTTP status in one place
// (api::StatusFor); the string form is what clients see in {"error":{"code":…}}.
enum class ErrorCode {
  kInvalidArgument,     // 400 bad_request / invalid_argument
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kMethodNotAllowed,    // 405, with Allow listing the path's methods
  kConflict,            // 409
  kLeaseLost,           // 409, lease expired or superseded
  kPayloadTooLarge,     // 413
  kUnsupportedMediaType,// 415
  kFailedPrecondition,  // 422
  kRequirementUnmet,    // 403 "failed_precondition": the caller lacks what is required of her
                        // (a qualification, a language, an accepted contract)
  kResourceExhausted,   // 429 (throttling, limits)
  kInternal,            // 500
  kUnavailable,         // 503
};

std::string_view ErrorCodeName(ErrorCode code);

// One machine-readable detail of an error: key plus a JSON literal (already encoded).
struct ErrorDetail {
  std::string key;
  std::string json_value;
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error Invalid(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
  static Error Forbidden(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
  static Error Unauthenticated(std::string m) {
    return {ErrorCode::kUnauthenticated, std::move(m)};
  }

  // Adds a detail; value is encoded as a JSON string or number.
  Error& Detail(std::string key, std::string_view value);
  Error& Detail(std::string key, const char* value) { return Detail(std::move(key), std::string_view(value)); }
  Error& Detail(std::string key, int64_t value);
  Error& Detail(std::string key, int value) { return Detail(std::move(key), static_cast<int64_t>(value)); }
  // Adds a detail whose value is already JSON text (object, array, …).
  Error& DetailJson(std::string key, std::string json_text);
  // When to try again, for a refusal that passes (a cap, a throttle): the API sends it as
  // Retry-After. 0: not said (every 429 gets a default there).
  Error& RetryAfter(int64_t seconds) {
    retry_after_s_ = static_cast<int32_t>(seconds < 0 ? 0 : seconds > INT32_MAX ? INT32_MAX : seconds);
    return *this;
  }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<ErrorDetail>& details() const { return details_; }
  int64_t retry_after_s() const { return retry_after_s_; }
  // {"k":v,…} or "{}".
  std::string DetailsJson() const;
  std::string ToString() const;  // "not_found: no such project"

 private:
  ErrorCode code_;
  int32_t retry_after_s_ = 0;  // beside code_, where there was padding: Error does not grow
  std::string message_;
  std::vector<ErrorDetail> details_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result(const T& v) : v_(std::in_place_index<0>, v) {}                 // NOLINT
  Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}           // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}         // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, Result> &&
                                        !std::is_same_v<std::decay_t<U>, Error>>>
  Result(U&& u) : v_(std::in_place_index<0>, T(std::forward<U>(u))) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { assert(!has_value()); return std::get<1>(v_); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(v_)); }
  template <typename U>
  T value_or(U&& fallback) const& { return has_value() ? value() : T(std::forward<U>(fallback)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : error_(std::move(e)), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

using Status = Result<void>;
inline Status Ok() { return {}; }

}  // namespace base

// Propagates an error from an expression returning Result<…>.
#define ASSAY_TRY(expr)                              \
  do {                                               \
    auto assay_try_result_ = (expr);                 \
    if (!assay_try_result_) return std::move(assay_try_result_).error(); \
  } while (0)

// Declares `lhs` from a Result's value or returns its error.
#define ASSAY_ASSIGN_OR_RETURN(lhs, expr) ASSAY_ASSIGN_OR_RETURN_IMPL(ASSAY_CONCAT(assay_r_, __LINE__), lhs, expr)
#define ASSAY_CONCAT_INNER(a, b) a##b
#define ASSAY_CONCAT(a, b) ASSAY_CONCAT_INNER(a, b)
#define ASSAY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp) return std::move(tmp).error();          \
  lhs = std::move(tmp).value()
