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

// The deepest nesting of arrays and objects accepted in JSON from outside (request bodies, tool
// arguments, MCP messages, import lines, model output). Everything that walks JSON recursively
// (dump, env::Value, validation) is safe because nothing deeper is ever parsed.
inline constexpr int kMaxJsonDepth = 128;

std::string CanonicalJson(const nlohmann::json& value);
// JSON text of a value, compact (Dump) or indented by two (DumpPretty). Invalid UTF-8 in a
// string (text that came from outside: a path, a header, a query parameter) is replaced by
// U+FFFD instead of throwing: every dump in assay goes through these two.
std::string Dump(const nlohmann::json& value);
std::string DumpPretty(const nlohmann::json& value);
// InvalidArgument when text nests arrays/objects deeper than max_depth (a linear scan that
// skips strings; it does not validate the rest). Run before any parser that builds a tree.
Status CheckJsonDepth(std::string_view text, int max_depth = kMaxJsonDepth);
// Parses JSON text; the error names the byte offset of the problem. Deeper than kMaxJsonDepth:
// InvalidArgument before any parsing.
Result<nlohmann::json> ParseJson(std::string_view text);
// Encodes a string as a JSON string literal (with quotes).
std::string JsonQuote(std::string_view s);

}  // namespace base
