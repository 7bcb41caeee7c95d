// base::CsvQuote — one CSV field (RFC 4180): as it is, or quoted with its quotes doubled when it
// holds a comma, a quote or a line break. Every CSV writer (exports, statements, reports) uses it.
//
//   out += base::CsvQuote(name) + "," + base::CsvQuote(note) + "\n";
#pragma once

#include <string>
#include <string_view>

namespace base {

inline std::string CsvQuote(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace base
