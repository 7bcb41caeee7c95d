#include "base/json.h"

#include <nlohmann/json.hpp>

namespace base {

std::string CanonicalJson(const nlohmann::json& value) {
  // nlohmann::json stores objects in std::map, so dump() already sorts keys bytewise.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<nlohmann::json> ParseJson(std::string_view text) {
  nlohmann::json out = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    // Re-parse with exceptions to recover the position for the message (error path only).
    try {
      nlohmann::json ignored = nlohmann::json::parse(text);
      (void)ignored;
    } catch (const nlohmann::json::parse_error& e) {
      return Error::Invalid("malformed JSON").Detail("byte", static_cast<int64_t>(e.byte))
          .Detail("reason", e.what());
    }
    return Error::Invalid("malformed JSON");
  }
  return out;
}

std::string JsonQuote(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace);
}

}  // namespace base
