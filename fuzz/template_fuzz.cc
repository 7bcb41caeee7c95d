// libFuzzer: template validation and the checks derived from it. The input is a template, an
// item's data and an answer, separated by NUL bytes; each part that parses is used.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "work/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  for (int i = 0; i < 2; ++i) {
    const size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    parts.push_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  parts.push_back(in);
  auto tmpl = work::Template::ParseText(parts[0]);
  if (!tmpl) return 0;
  (void)tmpl->answer_schema();
  nlohmann::json item = nlohmann::json::object(), answer = nlohmann::json::object();
  if (parts.size() > 1) {
    if (auto j = base::ParseJson(parts[1])) item = *j;
  }
  if (parts.size() > 2) {
    if (auto j = base::ParseJson(parts[2])) answer = *j;
  }
  (void)tmpl->ValidateItemData(item);
  (void)tmpl->ValidateAnswer(answer, item);
  return 0;
}
