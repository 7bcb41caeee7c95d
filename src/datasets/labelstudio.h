// Label Studio's task JSON (labelstud.io/guide/task_format): tasks in, tasks out.
//
// In: a task {"id"?, "data", "annotations"?, "predictions"?} (or, without "data", the whole
// object is the data; "completions" is the old name of annotations). Its annotations and
// predictions become prior labels with their raw JSON kept; the importer turns a result list
// into this project's answer shape where it can (AnswerFromResults).
// Out: an assay answer becomes a result list (ResultsFromAnswer) — choices, rating, textarea,
// labels (spans), pairwise — and the answer itself rides along as "assay_answer", so a task
// exported by assay imports back to the same answer.
//
//   std::string problem = datasets::ConvertLabelStudioTask(element, &record);
//   nlohmann::json results = datasets::ResultsFromAnswer(template_components, answer);
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "datasets/records.h"

namespace simdjson::dom {
class element;
}

namespace datasets {

// A task's record, or what is wrong with it ("" when fine).
std::string ConvertLabelStudioTask(const simdjson::dom::element& task, Record* out);

// The Label Studio results of an answer, for the template's components (a JSON array).
nlohmann::json ResultsFromAnswer(const nlohmann::json& components, const nlohmann::json& answer);

// The answer a result list gives the template's input fields, or nullopt when none of its
// results names one of them (the caller validates the answer against the template).
std::optional<nlohmann::json> AnswerFromResults(const nlohmann::json& components, const nlohmann::json& results);

}  // namespace datasets
