// work::LabelField — the inputs of a template whose answer is one category (choice, pairwise,
// rating): what agreement, aggregation and dynamic overlap are computed on.
//
//   for (const work::LabelField& f : work::LabelFields(project.template_json)) …
//   std::optional<std::string> label = work::FieldLabel(f, answer_element);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace work {

struct LabelField {
  std::string name;
  std::string component;                // "choice" | "pairwise" | "rating"
  bool ordinal = false;                 // rating: Krippendorff's alpha at the ordinal level
  std::vector<std::string> categories;  // every possible label, in the template's order
};
// The categorical fields of a template (canonical JSON text), in template order.
std::vector<LabelField> LabelFields(std::string_view template_json);
// The label an answer gives the field: choice value, pairwise choice, rating as integer text.
std::optional<std::string> FieldLabel(const LabelField& field, const simdjson::dom::element& answer);

// Dynamic overlap of a project: on when max_overlap > overlap.
struct OverlapSettings {
  int64_t overlap = 1, max_overlap = 1;
  double target = 0.95;
  bool dynamic() const { return max_overlap > overlap; }
};

}  // namespace work
