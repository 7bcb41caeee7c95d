// quality scores — what a report says of the answers that are numbers or marked text rather than
// one category: each rubric criterion and each rating as a score (mean, distribution, each
// expert's mean and spread, and each item's mean with the per-expert z-score correction of
// qc::SummarizeRatings), and each spans field's agreement between experts on the same item
// (exact and overlap F1 of qc::CompareSpans, micro-averaged over every pair of experts).
//
//   quality::ScoreCollector scores(template_json);
//   for each submission not rejected: scores.Add(item_index, expert_id, answer_element);
//   scores.Finish(item_ids, external_ids, users, report);   // fills report.scores, report.spans
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace quality {

struct QualityReport;

struct ScoreExpert {
  std::string expert_id, name, email;
  int64_t answers = 0;
  double mean = 0, stddev = 0;  // her scores' mean and spread (her bias, and how much she uses the scale)
};

struct ItemScore {
  std::string item_id;
  std::optional<std::string> external_id;
  int64_t answers = 0;
  double mean = 0;
  double corrected_mean = 0;  // each expert's scores standardised first (qc/ratings.h)
};

// A rating, or one criterion of a rubric.
struct ScoreField {
  std::string field;      // the component's name
  std::string criterion;  // the rubric criterion's id; "" for a rating
  std::string label;      // the criterion's label, or the rating's
  int64_t min = 0, max = 0;
  int64_t answers = 0;
  double mean = 0;                    // NaN without answers
  std::vector<int64_t> distribution;  // answers per score, min … max
  std::vector<ScoreExpert> experts;   // by expert id
  std::vector<ItemScore> items;       // items with an answer, in import order
};

struct SpanField {
  std::string field;
  int64_t items_with_2plus = 0;  // items two or more experts marked (or left unmarked)
  int64_t pairs = 0;             // expert pairs compared
  int64_t spans = 0;             // spans marked in all
  double exact_f1 = 0, overlap_f1 = 0;  // NaN without a pair
};

class ScoreCollector {
 public:
  explicit ScoreCollector(std::string_view template_json);
  ~ScoreCollector();
  ScoreCollector(ScoreCollector&&) noexcept;
  bool empty() const;
  void Add(int32_t item, std::string_view expert_id, const simdjson::dom::element& answer);
  // users: expert id → (name, email).
  void Finish(const std::vector<std::string>& item_ids, const std::vector<std::optional<std::string>>& external_ids,
              const std::unordered_map<std::string, std::pair<std::string, std::string>>& users,
              QualityReport& report) &&;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quality
