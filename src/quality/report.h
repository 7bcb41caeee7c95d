// quality::QualityReport — a project's quality from one read snapshot: per categorical input
// field of the template (work/label_fields.h), the aggregated label of every item (majority vote
// and a model: Dawid–Skene by default, or one-coin DS, GLAD, MACE or Wawa on request; src/qc), agreement (percent, Krippendorff's alpha at the field's level,
// Fleiss' kappa when every item has the same number of labels) and each expert's skill
// (agreement with the aggregate, gold accuracy with a Wilson interval).
//
//   ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<quality::QualityReport> r,
//                          quality::ComputeReport(db, clock, project_id));
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "storage/db.h"
#include "quality/scores.h"
#include "work/label_fields.h"

namespace quality {

using work::LabelField;

// Skill of an expert a report does not know yet (qc::Vote's default).
inline constexpr double kDefaultSkill = 0.7;

// The aggregation methods a report offers: majority vote always, and one model per report
// (QualityReport::model): "ds" (Dawid–Skene) in the cached report, the others computed on request.
inline constexpr std::string_view kMethods[] = {"mv", "ds", "ods", "glad", "mace", "wawa"};
bool KnownMethod(std::string_view method);
// OK, or InvalidArgument on the field "method" naming every method of kMethods.
base::Status CheckMethod(std::string_view method);

struct WorkerQuality {
  std::string expert_id, name, email;
  int64_t labels = 0;
  double accuracy_mv = 0;  // share of the expert's labels equal to the majority vote
  // The model's skill (QualityReport::model): DS and one-coin DS expected accuracy, GLAD's
  // chance of a right answer on an item of average difficulty (σ of its ability), MACE's
  // probability of not spamming, Wawa's agreement with its weighted vote.
  double accuracy_ds = 0;
  int64_t gold_correct = 0, gold_total = 0;
  double gold_low = 0, gold_high = 0;  // Wilson 95% interval; meaningful when gold_total > 0
};

struct ItemLabel {
  std::string item_id;
  std::optional<std::string> external_id;
  int32_t label_mv = -1, label_ds = -1;  // ids into FieldQuality::label_names (ds: the model's)
  double confidence_mv = 0, confidence_ds = 0;
  std::vector<std::pair<int32_t, int32_t>> votes;  // (label id, count)
};

struct FieldQuality {
  LabelField field;
  std::vector<std::string> label_names;
  double percent = 0, alpha = 0;  // NaN when no item has two labels
  std::optional<double> fleiss;   // set when every item with 2+ labels has the same number
  int64_t items_with_2plus = 0;
  std::vector<WorkerQuality> workers;  // by expert id
  std::vector<ItemLabel> labels;       // items with a label, in import order
};

struct QualityReport {
  std::string project_id;
  std::string model = "ds";  // the method behind label_ds, confidence_ds and accuracy_ds
  int64_t version = 0;
  int64_t computed_at_us = 0;
  int64_t items = 0, submissions = 0;  // submissions not rejected
  int64_t overlap = 0, max_overlap = 0;
  double target_confidence = 0;
  int64_t items_decided = 0, items_open = 0;
  std::vector<FieldQuality> fields;
  std::vector<ScoreField> scores;  // each rating and each rubric criterion (scores.h)
  std::vector<SpanField> spans;    // each spans field
  double DsSkill(size_t field, std::string_view expert_id) const;  // kDefaultSkill when unknown
};

// The whole report from one read snapshot, so its version matches its data. model: a method of
// kMethods other than "mv".
base::Result<std::shared_ptr<QualityReport>> ComputeReport(storage::Db& db, const base::Clock& clock,
                                                           const std::string& project_id,
                                                           std::string_view model = "ds");

}  // namespace quality
