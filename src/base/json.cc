#include "base/json.h"

#include <nlohmann/json.hpp>

namespace base {

std::string CanonicalJson(const nlohmann::json& value) {
  // nlohmann::json stores objects in std::map, so dump() already sorts keys bytewise.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DumpPretty(const nlohmann::json& value) {
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status CheckJsonDepth(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return Error::Invalid("JSON nested too deeply")
            .Detail("max_depth", max_depth)
            .Detail("byte", static_cast<int64_t>(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Ok();
}

Result<nlohmann::json> ParseJson(std::string_view text) {
  ASSAY_TRY(CheckJsonDepth(text));
  nlohmann::json out = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    // Re-parse with exceptions to recover the position for the message (error path only).
    try {
      nlohmann::json ignored = nlohmann::json::parse(text);
      (void)ignored;
    } catch (const nlohmann::json::parse_error& e) {
      return Error::Invalid("malformed JSON").Detail("byte", static_cast<int64_t>(e.byte))
          .Detail("reason", e.what());
    } catch (const nlohmann::json::exception& e) {
      // A number too large for a double (1E6666) is out_of_range, not a parse_error (found by
      // fuzz/fuzz_json_body; it used to escape as an exception).
      return Error::Invalid("malformed JSON").Detail("reason", e.what());
    }
    return Error::Invalid("malformed JSON");
  }
  return out;
}

std::string JsonQuote(std::string_view s) { return Dump(nlohmann::json(std::string(s))); }

}  // namespace base
