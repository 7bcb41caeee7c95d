#include "work/template.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "base/json.h"

namespace work {
namespace {

using json = nlohmann::json;

base::Error Bad(const std::string& field, const std::string& message) {
  base::Error e = base::Error::Invalid(field + ": " + message);
  e.Detail("field", field);
  return e;
}

bool IsInt(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

base::Status CheckBool(const json& c, const char* key, const std::string& f) {
  if (c.contains(key) && !c[key].is_boolean()) return Bad(f + "." + key, "must be true or false");
  return base::Ok();
}

base::Status CheckString(const json& c, const char* key, const std::string& f, bool required) {
  if (!c.contains(key)) {
    if (required) return Bad(f + "." + key, "is required");
    return base::Ok();
  }
  if (!c[key].is_string() || c[key].get_ref<const std::string&>().empty()) {
    return Bad(f + "." + key, "must be a non-empty string");
  }
  return base::Ok();
}

base::Status CheckStringList(const json& c, const char* key, const std::string& f, bool required,
                             size_t max_items = 200) {
  if (!c.contains(key)) {
    if (required) return Bad(f + "." + key, "is required");
    return base::Ok();
  }
  const json& a = c[key];
  if (!a.is_array() || (required && a.empty())) return Bad(f + "." + key, "must be a non-empty array of strings");
  if (a.size() > max_items) return Bad(f + "." + key, "has more than " + std::to_string(max_items) + " entries");
  std::set<std::string> seen;
  for (size_t i = 0; i < a.size(); ++i) {
    std::string fi = f + "." + key + "[" + std::to_string(i) + "]";
    if (!a[i].is_string() || a[i].get_ref<const std::string&>().empty()) return Bad(fi, "must be a non-empty string");
    if (!seen.insert(a[i].get<std::string>()).second) return Bad(fi, "is a duplicate");
  }
  return base::Ok();
}

// min/max integer pair, min < max, span ≤ 1000.
base::Status CheckRange(const json& c, const std::string& f) {
  for (const char* k : {"min", "max"}) {
    if (!c.contains(k)) return Bad(f + "." + k, "is required");
    if (!IsInt(c[k])) return Bad(f + "." + k, "must be an integer");
  }
  int64_t lo = c["min"].get<int64_t>(), hi = c["max"].get<int64_t>();
  if (lo >= hi) return Bad(f + ".max", "must be greater than min");
  if (hi - lo > 1000) return Bad(f + ".max", "scale is wider than 1000 steps");
  return base::Ok();
}

std::vector<std::string> ChoiceValues(const json& c) {
  std::vector<std::string> out;
  for (const json& o : c["options"]) out.push_back(o.is_string() ? o.get<std::string>() : o["value"].get<std::string>());
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> ResponseIds(const json& responses) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < responses.size(); ++i) {
    const json& r = responses[i];
    if (r.is_object() && r.contains("id") && r["id"].is_string()) ids.push_back(r["id"].get<std::string>());
    else ids.push_back(std::string(1, static_cast<char>('a' + i % 26)) + (i >= 26 ? std::to_string(i / 26) : ""));
  }
  return ids;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

base::Status OnlyKeys(const json& obj, std::initializer_list<const char*> keys, const std::string& f) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) return Bad(f + "." + it.key(), "is not a known field");
  }
  return base::Ok();
}

base::Status NonEmptyString(const json& obj, const char* key, const std::string& f, bool allow_empty = false) {
  if (!obj.contains(key)) return Bad(f + "." + key, "is required");
  if (!obj[key].is_string()) return Bad(f + "." + key, "must be a string");
  if (!allow_empty && obj[key].get_ref<const std::string&>().empty()) return Bad(f + "." + key, "must not be empty");
  return base::Ok();
}

// ---- the component table -------------------------------------------------------------------

using CheckFn = base::Status (*)(const json& c, const std::string& f);
using SchemaFn = json (*)(const json& c);
using AnswerFn = base::Status (*)(const json& c, const json& v, const json& data, const std::string& f);

struct Kind {
  std::string_view type;
  bool input;
  std::vector<std::string_view> options;  // keys allowed besides type/name/label/description/required
  CheckFn check;
  SchemaFn schema;      // inputs only
  AnswerFn answer;      // inputs only
  // For displays (and inputs reading a source): what the item data must hold at "source".
  bool source_required;
  Template::Shape shape;
};

base::Status NoCheck(const json&, const std::string&) { return base::Ok(); }

// display ------------------------------------------------------------------------------------
base::Status CheckCode(const json& c, const std::string& f) { return CheckString(c, "language", f, false); }

// choice -------------------------------------------------------------------------------------
base::Status CheckChoice(const json& c, const std::string& f) {
  ASSAY_TRY(CheckBool(c, "multiple", f));
  if (!c.contains("options")) return Bad(f + ".options", "is required");
  const json& o = c["options"];
  if (!o.is_array() || o.empty() || o.size() > 200) return Bad(f + ".options", "must be an array of 1..200 options");
  std::set<std::string> seen;
  for (size_t i = 0; i < o.size(); ++i) {
    std::string fi = f + ".options[" + std::to_string(i) + "]";
    std::string value;
    if (o[i].is_string()) value = o[i].get<std::string>();
    else if (o[i].is_object() && o[i].contains("value") && o[i]["value"].is_string()) value = o[i]["value"].get<std::string>();
    else return Bad(fi, "must be a string or {value, label}");
    if (value.empty()) return Bad(fi, "must not be empty");
    if (!seen.insert(value).second) return Bad(fi, "is a duplicate");
  }
  return base::Ok();
}
json SchemaChoice(const json& c) {
  json values = ChoiceValues(c);
  if (c.value("multiple", false)) {
    return {{"type", "array"}, {"items", {{"type", "string"}, {"enum", values}}}, {"uniqueItems", true}};
  }
  return {{"type", "string"}, {"enum", values}};
}
base::Status AnswerChoice(const json& c, const json& v, const json&, const std::string& f) {
  std::vector<std::string> values = ChoiceValues(c);
  if (!c.value("multiple", false)) {
    if (!v.is_string() || !Contains(values, v.get<std::string>())) return Bad(f, "must be one of the options");
    return base::Ok();
  }
  if (!v.is_array()) return Bad(f, "must be an array of options");
  if (v.empty() && c.value("required", true)) return Bad(f, "choose at least one option");
  std::set<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string fi = f + "[" + std::to_string(i) + "]";
    if (!v[i].is_string() || !Contains(values, v[i].get<std::string>())) return Bad(fi, "must be one of the options");
    if (!seen.insert(v[i].get<std::string>()).second) return Bad(fi, "is a duplicate");
  }
  return base::Ok();
}

// rating -------------------------------------------------------------------------------------
base::Status CheckRating(const json& c, const std::string& f) {
  ASSAY_TRY(CheckRange(c, f));
  if (c.contains("labels")) {
    const json& l = c["labels"];
    bool ok = l.is_array() || l.is_object();
    if (ok && l.is_array()) for (const json& x : l) ok = ok && x.is_string();
    if (ok && l.is_object()) for (const auto& x : l.items()) ok = ok && x.value().is_string();
    if (!ok) return Bad(f + ".labels", "must be an array or object of strings");
  }
  return base::Ok();
}
json SchemaRating(const json& c) {
  return {{"type", "integer"}, {"minimum", c["min"]}, {"maximum", c["max"]}};
}
base::Status AnswerRating(const json& c, const json& v, const json&, const std::string& f) {
  if (!IsInt(v)) return Bad(f, "must be an integer");
  int64_t x = v.get<int64_t>();
  if (x < c["min"].get<int64_t>() || x > c["max"].get<int64_t>()) {
    return Bad(f, "must be between " + base::Dump(c["min"]) + " and " + base::Dump(c["max"]));
  }
  return base::Ok();
}

// pairwise -----------------------------------------------------------------------------------
base::Status CheckPairwise(const json& c, const std::string& f) { return CheckBool(c, "strength", f); }
json SchemaPairwise(const json& c) {
  json props = {{"choice", {{"type", "string"}, {"enum", {"a", "b", "tie"}}}}};
  if (c.value("strength", false)) props["strength"] = {{"type", "integer"}, {"minimum", 1}, {"maximum", 3}};
  return {{"type", "object"}, {"properties", props}, {"required", {"choice"}}, {"additionalProperties", false}};
}
base::Status AnswerPairwise(const json& c, const json& v, const json&, const std::string& f) {
  if (!v.is_object()) return Bad(f, "must be an object {choice, strength?}");
  if (c.value("strength", false)) ASSAY_TRY(OnlyKeys(v, {"choice", "strength"}, f));
  else ASSAY_TRY(OnlyKeys(v, {"choice"}, f));
  if (!v.contains("choice")) return Bad(f + ".choice", "is required");
  const json& ch = v["choice"];
  if (!ch.is_string() || (ch != "a" && ch != "b" && ch != "tie")) return Bad(f + ".choice", "must be a, b or tie");
  if (v.contains("strength")) {
    const json& s = v["strength"];
    if (!IsInt(s) || s.get<int64_t>() < 1 || s.get<int64_t>() > 3) return Bad(f + ".strength", "must be 1, 2 or 3");
  }
  return base::Ok();
}

// ranking ------------------------------------------------------------------------------------
json SchemaRanking(const json&) {
  return {{"type", "array"}, {"items", {{"type", "string"}}}, {"uniqueItems", true}};
}
base::Status AnswerRanking(const json& c, const json& v, const json& data, const std::string& f) {
  const json* responses = LookupPath(data, c["source"].get<std::string>());
  if (!responses || !responses->is_array()) return Bad(f, "the item has no responses to rank");
  std::vector<std::string> ids = ResponseIds(*responses);
  if (!v.is_array()) return Bad(f, "must be an array of response ids, best first");
  std::set<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string fi = f + "[" + std::to_string(i) + "]";
    if (!v[i].is_string() || !Contains(ids, v[i].get<std::string>())) return Bad(fi, "is not a response id");
    if (!seen.insert(v[i].get<std::string>()).second) return Bad(fi, "is a duplicate");
  }
  if (v.size() != ids.size()) return Bad(f, "must rank all " + std::to_string(ids.size()) + " responses");
  return base::Ok();
}

// rubric -------------------------------------------------------------------------------------
base::Status CheckRubric(const json& c, const std::string& f) {
  ASSAY_TRY(CheckBool(c, "comments", f));
  if (!c.contains("criteria")) return Bad(f + ".criteria", "is required");
  const json& cr = c["criteria"];
  if (!cr.is_array() || cr.empty() || cr.size() > 100) return Bad(f + ".criteria", "must be an array of 1..100 criteria");
  std::set<std::string> ids;
  for (size_t i = 0; i < cr.size(); ++i) {
    std::string fi = f + ".criteria[" + std::to_string(i) + "]";
    if (!cr[i].is_object()) return Bad(fi, "must be an object {id, label, description?}");
    ASSAY_TRY(CheckString(cr[i], "id", fi, true));
    ASSAY_TRY(CheckString(cr[i], "label", fi, true));
    ASSAY_TRY(CheckString(cr[i], "description", fi, false));
    if (!ids.insert(cr[i]["id"].get<std::string>()).second) return Bad(fi + ".id", "is a duplicate");
  }
  if (!c.contains("scale") || !c["scale"].is_object()) return Bad(f + ".scale", "is required: {min, max}");
  return CheckRange(c["scale"], f + ".scale");
}
json SchemaRubric(const json& c) {
  json props = json::object();
  json required = json::array();
  for (const json& cr : c["criteria"]) {
    json p = {{"score", {{"type", "integer"}, {"minimum", c["scale"]["min"]}, {"maximum", c["scale"]["max"]}}}};
    if (c.value("comments", false)) p["comment"] = {{"type", "string"}};
    props[cr["id"].get<std::string>()] = {
        {"type", "object"}, {"properties", p}, {"required", {"score"}}, {"additionalProperties", false}};
    required.push_back(cr["id"]);
  }
  return {{"type", "object"}, {"properties", props}, {"required", required}, {"additionalProperties", false}};
}
base::Status AnswerRubric(const json& c, const json& v, const json&, const std::string& f) {
  if (!v.is_object()) return Bad(f, "must be an object {criterion id: {score, comment?}}");
  std::vector<std::string> ids;
  for (const json& cr : c["criteria"]) ids.push_back(cr["id"].get<std::string>());
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!Contains(ids, it.key())) return Bad(f + "." + it.key(), "is not a criterion");
  }
  bool comments = c.value("comments", false);
  int64_t lo = c["scale"]["min"].get<int64_t>(), hi = c["scale"]["max"].get<int64_t>();
  for (const std::string& id : ids) {
    std::string fi = f + "." + id;
    if (!v.contains(id)) return Bad(fi, "is required");
    const json& e = v[id];
    if (!e.is_object()) return Bad(fi, "must be an object {score, comment?}");
    if (comments) ASSAY_TRY(OnlyKeys(e, {"score", "comment"}, fi));
    else ASSAY_TRY(OnlyKeys(e, {"score"}, fi));
    if (!e.contains("score") || !IsInt(e["score"])) return Bad(fi + ".score", "must be an integer");
    int64_t s = e["score"].get<int64_t>();
    if (s < lo || s > hi) return Bad(fi + ".score", "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    if (e.contains("comment") && !e["comment"].is_string()) return Bad(fi + ".comment", "must be a string");
  }
  return base::Ok();
}

// spans --------------------------------------------------------------------------------------
base::Status CheckSpans(const json& c, const std::string& f) {
  ASSAY_TRY(CheckStringList(c, "categories", f, true));
  ASSAY_TRY(CheckStringList(c, "severities", f, false));
  return base::Ok();
}
json SchemaSpans(const json& c) {
  json item_props = {{"start", {{"type", "integer"}, {"minimum", 0}}},
                     {"end", {{"type", "integer"}, {"minimum", 1}}},
                     {"text", {{"type", "string"}}},
                     {"category", {{"type", "string"}, {"enum", c["categories"]}}},
                     {"comment", {{"type", "string"}}}};
  json required = {"start", "end", "text", "category"};
  if (c.contains("severities") && !c["severities"].empty()) {
    item_props["severity"] = {{"type", "string"}, {"enum", c["severities"]}};
    required.push_back("severity");
  }
  return {{"type", "array"},
          {"maxItems", 1000},
          {"items", {{"type", "object"}, {"properties", item_props}, {"required", required}, {"additionalProperties", false}}}};
}
base::Status AnswerSpans(const json& c, const json& v, const json& data, const std::string& f) {
  const json* src = LookupPath(data, c["source"].get<std::string>());
  if (!src || !src->is_string()) return Bad(f, "the item has no source text to mark");
  const std::string& text = src->get_ref<const std::string&>();
  size_t len16 = Utf16Length(text);
  if (!v.is_array()) return Bad(f, "must be an array of spans");
  if (v.size() > 1000) return Bad(f, "has more than 1000 spans");
  std::vector<std::string> categories = c["categories"].get<std::vector<std::string>>();
  std::vector<std::string> severities;
  if (c.contains("severities")) severities = c["severities"].get<std::vector<std::string>>();
  for (size_t i = 0; i < v.size(); ++i) {
    std::string fi = f + "[" + std::to_string(i) + "]";
    const json& s = v[i];
    if (!s.is_object()) return Bad(fi, "must be an object {start, end, text, category, severity, comment?}");
    ASSAY_TRY(OnlyKeys(s, {"start", "end", "text", "category", "severity", "comment"}, fi));
    for (const char* k : {"start", "end"}) {
      if (!s.contains(k) || !IsInt(s[k]) || s[k].get<int64_t>() < 0) return Bad(fi + "." + k, "must be a non-negative integer");
    }
    int64_t start = s["start"].get<int64_t>(), end = s["end"].get<int64_t>();
    if (end <= start) return Bad(fi + ".end", "must be greater than start");
    if (static_cast<size_t>(end) > len16) return Bad(fi + ".end", "is past the end of the source text");
    if (!s.contains("text") || !s["text"].is_string()) return Bad(fi + ".text", "is required");
    std::string slice;
    if (!Utf16Slice(text, start, end, &slice) || slice != s["text"].get<std::string>()) {
      return Bad(fi + ".text", "does not equal the source text at [start, end)");
    }
    if (!s.contains("category") || !s["category"].is_string() || !Contains(categories, s["category"].get<std::string>())) {
      return Bad(fi + ".category", "must be one of the categories");
    }
    if (!severities.empty()) {
      if (!s.contains("severity") || !s["severity"].is_string() || !Contains(severities, s["severity"].get<std::string>())) {
        return Bad(fi + ".severity", "must be one of the severities");
      }
    } else if (s.contains("severity")) {
      return Bad(fi + ".severity", "this template has no severities");
    }
    if (s.contains("comment") && !s["comment"].is_string()) return Bad(fi + ".comment", "must be a string");
  }
  return base::Ok();
}

// rewrite / textarea -------------------------------------------------------------------------
constexpr size_t kMaxTextCodePoints = 100000;
json SchemaText(const json& c) {
  json s = {{"type", "string"}, {"maxLength", c.value("max_length", static_cast<int64_t>(kMaxTextCodePoints))}};
  if (c.contains("min_length")) s["minLength"] = c["min_length"];
  return s;
}
base::Status AnswerRewrite(const json& c, const json& v, const json&, const std::string& f) {
  if (!v.is_string()) return Bad(f, "must be a string");
  if (v.get_ref<const std::string&>().empty() && c.value("required", true)) return Bad(f, "is required");
  if (CodePoints(v.get<std::string>()) > kMaxTextCodePoints) return Bad(f, "is too long");
  return base::Ok();
}
base::Status CheckTextarea(const json& c, const std::string& f) {
  for (const char* k : {"min_length", "max_length"}) {
    if (c.contains(k) && (!IsInt(c[k]) || c[k].get<int64_t>() < 0 || c[k].get<int64_t>() > static_cast<int64_t>(kMaxTextCodePoints))) {
      return Bad(f + "." + k, "must be an integer between 0 and 100000");
    }
  }
  if (c.contains("min_length") && c.contains("max_length") && c["min_length"].get<int64_t>() > c["max_length"].get<int64_t>()) {
    return Bad(f + ".max_length", "must be at least min_length");
  }
  return base::Ok();
}
base::Status AnswerTextarea(const json& c, const json& v, const json&, const std::string& f) {
  if (!v.is_string()) return Bad(f, "must be a string");
  size_t n = CodePoints(v.get<std::string>());
  if (n == 0 && c.value("required", true)) return Bad(f, "is required");
  int64_t lo = c.value("min_length", int64_t{0});
  int64_t hi = c.value("max_length", static_cast<int64_t>(kMaxTextCodePoints));
  if (static_cast<int64_t>(n) < lo) return Bad(f, "must be at least " + std::to_string(lo) + " characters");
  if (static_cast<int64_t>(n) > hi) return Bad(f, "must be at most " + std::to_string(hi) + " characters");
  return base::Ok();
}

// claims -------------------------------------------------------------------------------------
json SchemaClaims(const json&) {
  return {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"claim", {{"type", "string"}, {"minLength", 1}}},
              {"verdict", {{"type", "string"}, {"enum", {"supported", "contradicted", "unverifiable"}}}},
              {"evidence", {{"type", "string"}}}}},
            {"required", {"claim", "verdict", "evidence"}},
            {"additionalProperties", false}}}};
}
base::Status AnswerClaims(const json& c, const json& v, const json&, const std::string& f) {
  if (!v.is_array()) return Bad(f, "must be an array of {claim, verdict, evidence}");
  if (v.empty() && c.value("required", true)) return Bad(f, "list at least one claim");
  if (v.size() > 500) return Bad(f, "has more than 500 claims");
  for (size_t i = 0; i < v.size(); ++i) {
    std::string fi = f + "[" + std::to_string(i) + "]";
    const json& e = v[i];
    if (!e.is_object()) return Bad(fi, "must be an object {claim, verdict, evidence}");
    ASSAY_TRY(OnlyKeys(e, {"claim", "verdict", "evidence"}, fi));
    ASSAY_TRY(NonEmptyString(e, "claim", fi));
    if (!e.contains("verdict") || !e["verdict"].is_string() ||
        (e["verdict"] != "supported" && e["verdict"] != "contradicted" && e["verdict"] != "unverifiable")) {
      return Bad(fi + ".verdict", "must be supported, contradicted or unverifiable");
    }
    ASSAY_TRY(NonEmptyString(e, "evidence", fi, /*allow_empty=*/true));
  }
  return base::Ok();
}

// chat_author --------------------------------------------------------------------------------
json SchemaChatAuthor(const json&) {
  return {{"type", "array"},
          {"minItems", 1},
          {"items",
           {{"type", "object"},
            {"properties", {{"role", {{"type", "string"}, {"enum", {"user", "assistant"}}}}, {"content", {{"type", "string"}, {"minLength", 1}}}}},
            {"required", {"role", "content"}},
            {"additionalProperties", false}}}};
}
base::Status AnswerChatAuthor(const json& c, const json& v, const json&, const std::string& f) {
  if (!v.is_array()) return Bad(f, "must be an array of {role, content}");
  if (v.empty() && c.value("required", true)) return Bad(f, "write at least one message");
  if (v.size() > 200) return Bad(f, "has more than 200 messages");
  for (size_t i = 0; i < v.size(); ++i) {
    std::string fi = f + "[" + std::to_string(i) + "]";
    const json& m = v[i];
    if (!m.is_object()) return Bad(fi, "must be an object {role, content}");
    ASSAY_TRY(OnlyKeys(m, {"role", "content"}, fi));
    if (!m.contains("role") || (m["role"] != "user" && m["role"] != "assistant")) return Bad(fi + ".role", "must be user or assistant");
    ASSAY_TRY(NonEmptyString(m, "content", fi));
  }
  return base::Ok();
}

using S = Template::Shape;
const std::vector<Kind>& Kinds() {
  static const std::vector<Kind> kKinds = {
      // type        input  extra options                          check          schema          answer            source? shape
      {"text",       false, {},                                    NoCheck,       nullptr,        nullptr,          true,  S::kString},
      {"markdown",   false, {},                                    NoCheck,       nullptr,        nullptr,          true,  S::kString},
      {"code",       false, {"language"},                          CheckCode,     nullptr,        nullptr,          true,  S::kString},
      {"chat",       false, {},                                    NoCheck,       nullptr,        nullptr,          true,  S::kArray},
      {"responses",  false, {},                                    NoCheck,       nullptr,        nullptr,          true,  S::kResponses},
      {"choice",     true,  {"options", "multiple"},               CheckChoice,   SchemaChoice,   AnswerChoice,     false, S::kString},
      {"rating",     true,  {"min", "max", "labels"},              CheckRating,   SchemaRating,   AnswerRating,     false, S::kString},
      {"pairwise",   true,  {"strength"},                          CheckPairwise, SchemaPairwise, AnswerPairwise,   false, S::kString},
      {"ranking",    true,  {},                                    NoCheck,       SchemaRanking,  AnswerRanking,    true,  S::kResponses},
      {"rubric",     true,  {"criteria", "scale", "comments"},     CheckRubric,   SchemaRubric,   AnswerRubric,     false, S::kString},
      {"spans",      true,  {"categories", "severities"},          CheckSpans,    SchemaSpans,    AnswerSpans,      true,  S::kString},
      {"rewrite",    true,  {},                                    NoCheck,       SchemaText,     AnswerRewrite,    true,  S::kString},
      {"claims",     true,  {},                                    NoCheck,       SchemaClaims,   AnswerClaims,     false, S::kString},
      {"chat_author",true,  {},                                    NoCheck,       SchemaChatAuthor, AnswerChatAuthor, false, S::kString},
      {"textarea",   true,  {"min_length", "max_length"},          CheckTextarea, SchemaText,     AnswerTextarea,   false, S::kString},
  };
  return kKinds;
}

const Kind* FindKind(std::string_view type) {
  for (const Kind& k : Kinds()) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
}

}  // namespace

struct Template::Impl {
  json components;
  std::vector<const Kind*> kinds;  // parallel to components
  std::vector<Source> sources;
  std::string text;
  std::string schema;
};

const std::string& Template::text() const { return impl_->text; }
const std::string& Template::answer_schema() const { return impl_->schema; }
const std::vector<Template::Source>& Template::RequiredSources() const { return impl_->sources; }

std::vector<std::string_view> Template::ComponentTypes() {
  std::vector<std::string_view> out;
  for (const Kind& k : Kinds()) out.push_back(k.type);
  return out;
}

base::Result<Template> Template::ParseText(std::string_view json_text) {
  auto parsed = base::ParseJson(json_text);
  if (!parsed) {
    base::Error e = base::Error::Invalid("template: " + parsed.error().message());
    e.Detail("field", "template");
    return e;
  }
  return Parse(*parsed);
}

base::Result<Template> Template::Parse(const json& components) {
  if (!components.is_array()) return Bad("template", "must be an array of components");
  if (components.empty()) return Bad("template", "needs at least one component");
  if (components.size() > 100) return Bad("template", "has more than 100 components");
  auto impl = std::make_shared<Impl>();
  std::set<std::string> names;
  json props = json::object();
  json required = json::array();
  bool any_input = false;
  for (size_t i = 0; i < components.size(); ++i) {
    const json& c = components[i];
    std::string f = "template[" + std::to_string(i) + "]";
    if (!c.is_object()) return Bad(f, "must be an object {type, …}");
    if (!c.contains("type") || !c["type"].is_string()) return Bad(f + ".type", "is required");
    const Kind* kind = FindKind(c["type"].get<std::string>());
    if (!kind) return Bad(f + ".type", "unknown component type " + base::Dump(c["type"]));
    for (auto it = c.begin(); it != c.end(); ++it) {
      const std::string& key = it.key();
      bool known = key == "type" || key == "name" || key == "label" || key == "description" ||
                   key == "required" || key == "source" || key == "title";
      for (std::string_view o : kind->options) known = known || key == o;
      if (!known) return Bad(f + "." + key, "is not an option of " + std::string(kind->type));
    }
    for (const char* k : {"label", "description", "title"}) ASSAY_TRY(CheckString(c, k, f, false));
    ASSAY_TRY(CheckString(c, "source", f, kind->source_required));
    if (kind->input) {
      any_input = true;
      if (!c.contains("name") || !c["name"].is_string() || !ValidName(c["name"].get<std::string>())) {
        return Bad(f + ".name", "is required: letters, digits and _, at most 64");
      }
      if (!names.insert(c["name"].get<std::string>()).second) return Bad(f + ".name", "is a duplicate");
      ASSAY_TRY(CheckBool(c, "required", f));
    } else if (c.contains("required")) {
      return Bad(f + ".required", "applies to inputs only");
    }
    ASSAY_TRY(kind->check(c, f));
    if (c.contains("source")) impl->sources.push_back({c["source"].get<std::string>(), kind->shape, f});
    if (kind->input) {
      json s = kind->schema(c);
      if (c.contains("label")) s["title"] = c["label"];
      props[c["name"].get<std::string>()] = s;
      if (c.value("required", true)) required.push_back(c["name"]);
    }
    impl->kinds.push_back(kind);
  }
  if (!any_input) return Bad("template", "needs at least one input component");
  impl->components = components;
  impl->text = base::CanonicalJson(components);
  impl->schema = base::CanonicalJson(json{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                                          {"type", "object"},
                                          {"properties", props},
                                          {"required", required},
                                          {"additionalProperties", false}});
  return Template(std::move(impl));
}

base::Status Template::ValidateAnswer(const json& answer, const json& item_data) const {
  if (!answer.is_object()) return Bad("answer", "must be an object");
  const json& cs = impl_->components;
  std::set<std::string> names;
  for (size_t i = 0; i < cs.size(); ++i) {
    const Kind* kind = impl_->kinds[i];
    if (!kind->input) continue;
    const json& c = cs[i];
    const std::string& name = c["name"].get_ref<const std::string&>();
    names.insert(name);
    std::string f = "answer." + name;
    auto it = answer.find(name);
    if (it == answer.end() || it->is_null()) {
      if (c.value("required", true)) return Bad(f, "is required");
      continue;
    }
    ASSAY_TRY(kind->answer(c, *it, item_data, f));
  }
  for (auto it = answer.begin(); it != answer.end(); ++it) {
    if (!names.count(it.key())) return Bad("answer." + it.key(), "is not an input of this template");
  }
  return base::Ok();
}

namespace {
void AppendStrings(const json& v, std::string& out) {
  if (v.is_string()) {
    if (!out.empty()) out += ' ';
    out += v.get_ref<const std::string&>();
  } else if (v.is_array() || v.is_object()) {
    for (const json& x : v) AppendStrings(x, out);
  }
}
}  // namespace

std::string Template::AnswerText(const json& answer) const {
  std::string out;
  if (!answer.is_object()) return out;
  const json& cs = impl_->components;
  for (size_t i = 0; i < cs.size(); ++i) {
    const std::string_view type = impl_->kinds[i]->type;
    // Choices, ratings, pairwise choices and rankings are labels and ids, not text.
    if (!impl_->kinds[i]->input || type == "choice" || type == "rating" || type == "pairwise" || type == "ranking") {
      continue;
    }
    auto it = answer.find(cs[i]["name"].get_ref<const std::string&>());
    if (it == answer.end()) continue;
    if (type == "spans") {  // the quoted text is the item's; the comments are the expert's
      for (const json& span : *it) {
        if (span.is_object() && span.contains("comment")) AppendStrings(span["comment"], out);
      }
    } else if (type == "rubric") {
      for (const auto& [criterion, score] : it->items()) {
        if (score.is_object() && score.contains("comment")) AppendStrings(score["comment"], out);
      }
    } else {
      AppendStrings(*it, out);
    }
  }
  return out;
}

base::Status Template::ValidateItemData(const json& data) const {
  if (!data.is_object()) return Bad("data", "must be an object");
  for (const Source& s : impl_->sources) {
    std::string f = "data." + s.path;
    const json* v = LookupPath(data, s.path);
    if (!v) return Bad(f, "is missing (" + s.component + " shows it)");
    switch (s.shape) {
      case Shape::kString:
        if (!v->is_string()) return Bad(f, "must be a string");
        break;
      case Shape::kArray:
        if (!v->is_array()) return Bad(f, "must be an array");
        break;
      case Shape::kResponses:
        if (!v->is_array() || v->size() < 2) return Bad(f, "must be an array of at least 2 responses");
        for (size_t i = 0; i < v->size(); ++i) {
          const json& r = (*v)[i];
          bool ok = r.is_string() || (r.is_object() && r.contains("content") && r["content"].is_string());
          if (!ok) return Bad(f + "[" + std::to_string(i) + "]", "must be {id?, model?, content}");
        }
        break;
    }
  }
  return base::Ok();
}

const json* LookupPath(const json& root, std::string_view path) {
  const json* cur = &root;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(key));
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return cur;
}

size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    if ((ch & 0xC0) == 0x80) continue;  // continuation byte
    n += (ch >= 0xF0) ? 2 : 1;          // 4-byte sequences are surrogate pairs
  }
  return n;
}

bool Utf16Slice(std::string_view s, size_t start, size_t end, std::string* out) {
  size_t unit = 0, begin_byte = std::string::npos, end_byte = std::string::npos;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (unit == start) begin_byte = i;
    if (unit == end) {
      end_byte = i;
      break;
    }
    if (i == s.size()) break;
    unit += static_cast<unsigned char>(s[i]) >= 0xF0 ? 2 : 1;
    if (unit > end) return false;  // end falls inside a surrogate pair
  }
  if (begin_byte == std::string::npos || end_byte == std::string::npos) return false;
  *out = std::string(s.substr(begin_byte, end_byte - begin_byte));
  return true;
}

}  // namespace work
