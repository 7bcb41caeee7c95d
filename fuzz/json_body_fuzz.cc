// libFuzzer: request bodies as the API parses them — any JSON (base::ParseJson, depth-limited),
// a submit's body and a project's fields (work/requests.h, simdjson), whose template is then
// validated (work/template.h).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/json.h"
#include "work/requests.h"
#include "work/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)base::ParseJson(body);
  (void)work::ParseSubmitBody("assignment", body);
  auto fields = work::ParseProjectFields(body);
  if (fields && fields->template_json) (void)work::Template::ParseText(*fields->template_json);
  return 0;
}
