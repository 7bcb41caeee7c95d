// Project quality: per categorical input field of the template, the aggregated label of every
// item (majority vote and Dawid–Skene, src/qc), agreement (percent, Krippendorff's alpha at the
// field's level, Fleiss' kappa when every item has the same number of labels) and each expert's
// skill (agreement with the aggregate, gold accuracy with a Wilson interval). Also the
// dynamic-overlap decision the submit path uses to stop leasing an item.
//
//   ASSAY_ASSIGN_OR_RETURN(work::QualityView v, svc.ProjectQuality(manager, project_id));
//   std::string body = work::RenderQuality(v, {.method = "ds", .limit = 100});
//
// Cache rule (QualityCache, one per Service): a report is stamped with the project's
// quality_version (bumped by submit, review, import and project changes) and computed from one
// read snapshot. A request whose version equals the cached one gets the cached report; a stale
// one gets the cached report with stale = true and queues a recomputation on the one background
// thread (a project is queued at most once; at most kMaxQueuedProjects wait). With nothing
// cached the request computes synchronously (concurrent requests for the same project wait for
// that one computation) when the project has at most kSyncQualitySubmissions submissions, and
// otherwise queues it and answers Unavailable (503, retry). Dynamic-overlap projects also queue a
// refresh after submits once the cached skills lag by max(50, 10%) versions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/db.h"

namespace work {

inline constexpr int64_t kSyncQualitySubmissions = 200000;
inline constexpr size_t kMaxQueuedProjects = 256;
// Skill of an expert the cached report does not know yet (qc::Vote's default).
inline constexpr double kDefaultSkill = 0.7;

// A template input whose answer is one category: choice (single), pairwise (a|b|tie), rating.
struct LabelField {
  std::string name;
  std::string component;                // "choice" | "pairwise" | "rating"
  bool ordinal = false;                 // rating: Krippendorff's alpha at the ordinal level
  std::vector<std::string> categories;  // every possible label, in the template's order
};
// The categorical fields of a template (canonical JSON text), in template order.
std::vector<LabelField> LabelFields(std::string_view template_json);

struct WorkerQuality {
  std::string expert_id, name, email;
  int64_t labels = 0;
  double accuracy_mv = 0;  // share of the expert's labels equal to the majority vote
  double accuracy_ds = 0;  // Dawid–Skene expected accuracy
  int64_t gold_correct = 0, gold_total = 0;
  double gold_low = 0, gold_high = 0;  // Wilson 95% interval; meaningful when gold_total > 0
};

struct ItemLabel {
  std::string item_id;
  std::optional<std::string> external_id;
  int32_t label_mv = -1, label_ds = -1;  // ids into FieldQuality::label_names
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
  int64_t version = 0;
  int64_t computed_at_us = 0;
  int64_t items = 0, submissions = 0;  // submissions not rejected
  int64_t overlap = 0, max_overlap = 0;
  double target_confidence = 0;
  int64_t items_decided = 0, items_open = 0;
  std::vector<FieldQuality> fields;
  double DsSkill(size_t field, std::string_view expert_id) const;  // kDefaultSkill when unknown
};

struct QualityView {
  std::shared_ptr<const QualityReport> report;
  bool stale = false;
};

struct QualityQuery {
  std::string field;          // empty: every field
  std::string method = "ds";  // "ds" | "mv": which aggregate "labels" and "accuracy" show
  int limit = 100;            // of each field's labels list
  int64_t offset = 0;
};
// The JSON of docs/api.md ("Quality"). An unknown field or method is InvalidArgument.
base::Result<std::string> RenderQuality(const QualityView& view, const QualityQuery& query);

// Dynamic overlap of a project: on when max_overlap > overlap.
struct OverlapSettings {
  int64_t overlap = 1, max_overlap = 1;
  double target = 0.95;
  bool dynamic() const { return max_overlap > overlap; }
};
// Runs inside the write transaction of a submit on a dynamic-overlap project. From the item's
// labels so far (rejected ones excluded) and the experts' skills in `skills` (the cached report,
// may be null: kDefaultSkill), decides with qc::DecideOverlap per field: once the item has
// `overlap` labels it is decided when every field's best label reached the target (fields nobody
// answered are ignored; a template without categorical fields decides at `overlap` labels) or
// when it has max_overlap labels; otherwise it wants one more label (items.want).
base::Status DecideItem(storage::Conn& c, std::string_view item_id, const std::vector<LabelField>& fields,
                        const OverlapSettings& settings, const QualityReport* skills);

}  // namespace work
