// Canonical JSON and parsing helpers over nlohmann::json.
//
// Canonical form (used for state hashes and idempotency comparisons): object keys sorted by
// byte order, no insignificant whitespace, UTF-8 kept as is, integers as integers, other numbers
// in nlohmann's shortest round-trip form.
//
//   ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, base::ParseJson(body));
//   std::string canon = base::CanonicalJson(j);
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace base {

std::string CanonicalJson(const nlohmann::json& value);
// Parses JSON text; the error names the byte offset of the problem.
Result<nlohmann::json> ParseJson(std::string_view text);
// Encodes a string as a JSON string literal (with quotes).
std::string JsonQuote(std::string_view s);

}  // namespace base
