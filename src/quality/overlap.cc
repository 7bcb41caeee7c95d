#include "quality/overlap.h"

#include <simdjson.h>

#include <algorithm>

#include "qc/overlap.h"

namespace quality {

base::Status DecideItem(storage::Conn& c, std::string_view item_id, const std::vector<LabelField>& fields,
                        const work::OverlapSettings& s, const QualityReport* skills) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT expert_id, answer FROM submissions WHERE item_id = ? AND state <> 'rejected'",
                                 {item_id}));
  const int64_t n = static_cast<int64_t>(rows.size());
  if (n < s.overlap) return base::Ok();
  // The cached report's fields are matched by name: the template may have changed since.
  auto skill = [&](const LabelField& f, const std::string& expert) {
    if (!skills) return kDefaultSkill;
    for (size_t i = 0; i < skills->fields.size(); ++i) {
      if (skills->fields[i].field.name == f.name) return skills->DsSkill(i, expert);
    }
    return kDefaultSkill;
  };
  std::vector<std::vector<qc::Vote>> votes(fields.size());
  simdjson::dom::parser parser;
  for (const storage::Row& r : rows) {
    simdjson::dom::element answer;
    if (parser.parse(r.Text(1)).get(answer) != simdjson::SUCCESS) continue;
    for (size_t f = 0; f < fields.size(); ++f) {
      auto label = work::FieldLabel(fields[f], answer);
      if (!label) continue;
      auto at = std::find(fields[f].categories.begin(), fields[f].categories.end(), *label);
      if (at == fields[f].categories.end()) continue;
      votes[f].push_back({static_cast<int32_t>(at - fields[f].categories.begin()), skill(fields[f], r.Text(0))});
    }
  }
  bool enough = true;
  for (size_t f = 0; f < fields.size(); ++f) {
    if (votes[f].empty()) continue;
    qc::OverlapDecision d = qc::DecideOverlap(votes[f], static_cast<int32_t>(fields[f].categories.size()), {},
                                              {s.target, static_cast<int>(s.max_overlap)});
    enough = enough && d.decision == qc::Decision::kEnough;
  }
  if (enough || n >= s.max_overlap) {
    ASSAY_TRY(c.Exec("UPDATE items SET decided = 1 WHERE id = ?", {item_id}));
  } else {
    ASSAY_TRY(c.Exec("UPDATE items SET want = ? WHERE id = ? AND want < ?", {n + 1, item_id, n + 1}));
  }
  return base::Ok();
}

}  // namespace quality
