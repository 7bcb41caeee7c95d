// work::RefreshItemStats — an item's row in item_stats (migration 0007), what the data browser
// filters and sorts on: its labels counted by review state, the consensus of the template's
// first categorical field with its confidence (qc::DecideOverlap, the experts weighted by their
// skills), agreement between the labels, gold matched or missed, flags from skips, the experts'
// time, the last activity and a review risk. Called in the transaction of every change to the
// item's labels (submit, edit, review, skip, bulk action), so the browser's totals are exact.
//
//   ASSAY_TRY(work::RefreshItemStats(c, {project_id, item_id, &label_fields, skills}));
//   std::vector<work::FieldConsensus> cs = work::Consensus(fields, labels, skills);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/db.h"
#include "work/label_fields.h"

namespace work {

// An expert's estimated accuracy on a label field (from the quality report's Dawid–Skene
// skills); an empty function gives everyone kUnknownSkill.
using SkillFn = std::function<double(std::string_view field, std::string_view expert_id)>;
inline constexpr double kUnknownSkill = 0.7;

// One label of an item: who gave it and the answer (JSON text).
struct GivenLabel {
  std::string expert_id;
  std::string answer_json;
};

struct FieldConsensus {
  std::string field;
  std::string component;  // choice | pairwise | rating
  std::string label;      // "" when nobody labelled the field
  double confidence = 0;  // posterior of `label`
  std::optional<double> agreement;  // pairs of labels that agree; none below two labels
  int64_t labels = 0;
  std::vector<std::pair<std::string, int64_t>> votes;  // label → count, most votes first
};

// The consensus of each label field over these labels (rejected ones left out by the caller).
std::vector<FieldConsensus> Consensus(const std::vector<LabelField>& fields, const std::vector<GivenLabel>& labels,
                                      const SkillFn& skill);

// Review risk (item_stats.risk): flagged items first, then a missed gold, then the larger of
// disagreement and uncertainty, each in parts per million.
int64_t RiskPpm(int64_t flags, bool gold_missed, int64_t agreement_ppm, int64_t confidence_ppm);

struct StatsInput {
  std::string_view project_id;
  std::string_view item_id;
  const std::vector<LabelField>* fields = nullptr;  // the project's label fields
  SkillFn skill;
};
// Recomputes the item's item_stats row from its submissions, skips and reviews (inserting it
// when missing) and writes only the columns that changed.
base::Status RefreshItemStats(storage::Conn& c, const StatsInput& in);

// Adds item_stats rows for the project's items that have none (imported after the last one):
// new items, no labels. Returns how many were added.
base::Result<int64_t> AddMissingItemStats(storage::Conn& c, std::string_view project_id);

}  // namespace work
