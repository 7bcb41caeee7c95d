// work::Template — a project's task template: a JSON array of display and input components
// (docs/api.md, "Template components"). Parse() checks every component; the answer schema
// (JSON Schema) is derived from it; ValidateAnswer() checks a submission against it and names
// the first bad field (details.field, e.g. "answer.rating" or "answer.spans[2].text").
//
//   ASSAY_ASSIGN_OR_RETURN(work::Template t, work::Template::Parse(template_json));
//   ASSAY_TRY(t.ValidateAnswer(answer, item_data));
//
// Each component type is one entry of a table in template.cc (kind, option checks, schema,
// answer check), so a new component is one new entry.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"

namespace work {

class Template {
 public:
  // Checks the template (an array of components); errors name the field ("template[2].max").
  static base::Result<Template> Parse(const nlohmann::json& components);
  static base::Result<Template> ParseText(std::string_view json_text);

  // The template as given (canonical JSON text).
  const std::string& text() const;
  // JSON Schema (draft 2020-12) of an answer, as canonical JSON text.
  const std::string& answer_schema() const;
  // What every item's data must contain for this template: a dotted path and its shape.
  enum class Shape { kString, kArray, kResponses /* array of ≥ 2 {id?, model?, content} */ };
  struct Source {
    std::string path;
    Shape shape;
    std::string component;  // "template[1]"
  };
  const std::vector<Source>& RequiredSources() const;

  base::Status ValidateAnswer(const nlohmann::json& answer, const nlohmann::json& item_data) const;
  // The expert's own text in an answer (text fields, rewrites, claims, chat turns, comments),
  // space-separated: what the browser's full-text search finds in answers.
  std::string AnswerText(const nlohmann::json& answer) const;
  // Every display component's source must resolve in the item's data.
  base::Status ValidateItemData(const nlohmann::json& item_data) const;

  // Every component type, display and input (for docs and tests).
  static std::vector<std::string_view> ComponentTypes();

 private:
  struct Impl;
  explicit Template(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Resolves a dotted path ("context.document") in a JSON object; nullptr if absent.
const nlohmann::json* LookupPath(const nlohmann::json& root, std::string_view dotted_path);

// Length of UTF-8 text in UTF-16 code units (what the browser counts), and the UTF-16 slice
// [start, end) converted back to UTF-8; false if the range is out of bounds or splits a pair.
size_t Utf16Length(std::string_view utf8);
bool Utf16Slice(std::string_view utf8, size_t start, size_t end, std::string* out);

}  // namespace work
