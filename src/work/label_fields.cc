#include "work/label_fields.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "people/languages.h"

namespace work {
namespace {

std::string_view FieldComponent(const nlohmann::json& c) {
  const std::string type = c.value("type", "");
  if (type == "choice" && !c.value("multiple", false)) return "choice";
  if (type == "pairwise") return "pairwise";
  if (type == "rating") return "rating";
  return "";
}

}  // namespace

std::vector<LabelField> LabelFields(std::string_view template_json) {
  std::vector<LabelField> out;
  base::Result<nlohmann::json> parsed = base::ParseJson(template_json);
  if (!parsed || !parsed->is_array()) return out;
  const nlohmann::json& t = *parsed;
  for (const nlohmann::json& c : t) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    std::string_view component = FieldComponent(c);
    if (component.empty()) continue;
    LabelField f{c["name"].get<std::string>(), std::string(component), component == "rating", {}};
    if (component == "pairwise") f.categories = {"a", "b", "tie"};
    if (component == "rating") {
      for (int64_t v = c.value("min", int64_t{0}); v <= c.value("max", int64_t{0}); ++v) {
        f.categories.push_back(std::to_string(v));
      }
    }
    if (component == "choice") {
      for (const nlohmann::json& o : c.value("options", nlohmann::json::array())) {
        f.categories.push_back(o.is_string() ? o.get<std::string>() : o.value("value", ""));
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<std::string> FieldLabel(const LabelField& f, const simdjson::dom::element& answer) {
  simdjson::dom::element v;
  if (answer[f.name].get(v) != simdjson::SUCCESS) return std::nullopt;
  if (f.component == "pairwise" && v[std::string_view("choice")].get(v) != simdjson::SUCCESS) return std::nullopt;
  if (f.component == "rating") {
    int64_t n;
    if (v.get_int64().get(n) != simdjson::SUCCESS) return std::nullopt;
    return std::to_string(n);
  }
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return people::Nfc(s);  // the same text typed in another normal form is the same label
}

}  // namespace work
