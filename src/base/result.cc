#include "base/result.h"

#include "base/json.h"

namespace base {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kLeaseLost: return "lease_lost";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType: return "unsupported_media_type";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kRequirementUnmet: return "failed_precondition";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kUnavailable: return "unavailable";
  }
  return "internal";
}

Error& Error::Detail(std::string key, std::string_view value) {
  details_.push_back({std::move(key), JsonQuote(value)});
  return *this;
}

Error& Error::Detail(std::string key, int64_t value) {
  details_.push_back({std::move(key), std::to_string(value)});
  return *this;
}

Error& Error::DetailJson(std::string key, std::string json_text) {
  details_.push_back({std::move(key), std::move(json_text)});
  return *this;
}

std::string Error::DetailsJson() const {
  std::string out = "{";
  for (size_t i = 0; i < details_.size(); ++i) {
    if (i) out += ',';
    out += JsonQuote(details_[i].key);
    out += ':';
    out += details_[i].json_value;
  }
  out += '}';
  return out;
}

std::string Error::ToString() const {
  std::string s(ErrorCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace base
