// work::CompareToGold — an answer beside its item's gold answer, field by field, the way a
// reviewer reads it: a choice, rating, ranking or rubric compares its values; a pairwise
// preference compares the choice, and its strength only as a note; free text (textareas,
// rewrites), spans and claims are shown side by side, not scored. Fields gold does not give are
// left out.
//
//   for (const work::GoldField& f : work::CompareToGold(template_json, gold_json, answer_json)) …
#pragma once

#include <string_view>
#include <vector>

#include "work/browse.h"

namespace work {

std::vector<GoldField> CompareToGold(std::string_view template_json, std::string_view gold_json,
                                     std::string_view answer_json);

}  // namespace work
