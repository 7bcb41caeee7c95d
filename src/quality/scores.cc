#include "quality/scores.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "qc/ratings.h"
#include "qc/spans.h"
#include "quality/report.h"

namespace quality {

struct ScoreCollector::Impl {
  struct Scored {
    ScoreField out;
    std::vector<int32_t> item, worker;
    std::vector<double> score;
  };
  struct Marked {
    SpanField out;
    std::map<std::string, int32_t> categories;
    // item → each expert's spans on it
    std::map<int32_t, std::vector<std::pair<int32_t, std::vector<qc::Span>>>> by_item;
  };
  std::vector<Scored> scored;
  std::vector<Marked> marked;
  std::unordered_map<std::string, int32_t> worker_index;
  std::vector<std::string> worker_ids;

  int32_t Worker(std::string_view id) {
    auto [it, added] = worker_index.try_emplace(std::string(id), static_cast<int32_t>(worker_ids.size()));
    if (added) worker_ids.emplace_back(id);
    return it->second;
  }
};

namespace {

std::optional<double> Number(simdjson::dom::element e) {
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) return d;
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  return std::nullopt;
}

}  // namespace

ScoreCollector::ScoreCollector(std::string_view template_json) : impl_(std::make_unique<Impl>()) {
  auto parsed = base::ParseJson(template_json);
  if (!parsed || !parsed->is_array()) return;
  for (const nlohmann::json& c : *parsed) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    const std::string type = c.value("type", ""), name = c["name"].get<std::string>();
    if (type == "rating") {
      Impl::Scored s;
      s.out.field = name;
      s.out.label = c.value("label", name);
      s.out.min = c.value("min", int64_t{1});
      s.out.max = c.value("max", int64_t{5});
      impl_->scored.push_back(std::move(s));
    } else if (type == "rubric" && c.contains("criteria") && c["criteria"].is_array()) {
      const nlohmann::json scale = c.value("scale", nlohmann::json::object());
      for (const nlohmann::json& cr : c["criteria"]) {
        if (!cr.is_object() || !cr.contains("id") || !cr["id"].is_string()) continue;
        Impl::Scored s;
        s.out.field = name;
        s.out.criterion = cr["id"].get<std::string>();
        s.out.label = cr.value("label", s.out.criterion);
        s.out.min = scale.value("min", int64_t{1});
        s.out.max = scale.value("max", int64_t{5});
        impl_->scored.push_back(std::move(s));
      }
    } else if (type == "spans") {
      Impl::Marked m;
      m.out.field = name;
      for (const nlohmann::json& cat : c.value("categories", nlohmann::json::array())) {
        if (cat.is_string()) m.categories.emplace(cat.get<std::string>(), static_cast<int32_t>(m.categories.size()));
      }
      impl_->marked.push_back(std::move(m));
    }
  }
}

ScoreCollector::~ScoreCollector() = default;
ScoreCollector::ScoreCollector(ScoreCollector&&) noexcept = default;

bool ScoreCollector::empty() const { return impl_->scored.empty() && impl_->marked.empty(); }

void ScoreCollector::Add(int32_t item, std::string_view expert_id, const simdjson::dom::element& answer) {
  if (empty()) return;
  const int32_t worker = impl_->Worker(expert_id);
  for (Impl::Scored& s : impl_->scored) {
    simdjson::dom::element v;
    if (answer[s.out.field].get(v) != simdjson::SUCCESS) continue;
    if (!s.out.criterion.empty() && v[s.out.criterion]["score"].get(v) != simdjson::SUCCESS) continue;
    const std::optional<double> score = Number(v);
    if (!score) continue;
    s.item.push_back(item);
    s.worker.push_back(worker);
    s.score.push_back(*score);
  }
  for (Impl::Marked& m : impl_->marked) {
    simdjson::dom::array spans;
    if (answer[m.out.field].get_array().get(spans) != simdjson::SUCCESS) continue;
    std::vector<qc::Span> mine;
    for (simdjson::dom::element s : spans) {
      int64_t start, end;
      std::string_view category;
      if (s["start"].get_int64().get(start) || s["end"].get_int64().get(end) ||
          s["category"].get_string().get(category)) {
        continue;
      }
      auto [it, added] = m.categories.try_emplace(std::string(category), static_cast<int32_t>(m.categories.size()));
      mine.push_back({start, end, it->second});
    }
    m.out.spans += static_cast<int64_t>(mine.size());
    m.by_item[item].emplace_back(worker, std::move(mine));
  }
}

void ScoreCollector::Finish(const std::vector<std::string>& item_ids,
                            const std::vector<std::optional<std::string>>& external_ids,
                            const std::unordered_map<std::string, std::pair<std::string, std::string>>& users,
                            QualityReport& report) && {
  const auto num_items = static_cast<int32_t>(item_ids.size());
  const auto num_workers = static_cast<int32_t>(impl_->worker_ids.size());
  for (Impl::Scored& s : impl_->scored) {
    ScoreField& out = s.out;
    out.answers = static_cast<int64_t>(s.score.size());
    out.mean = std::nan("");
    out.distribution.assign(static_cast<size_t>(std::max<int64_t>(0, out.max - out.min + 1)), 0);
    if (!s.score.empty()) {
      double sum = 0;
      for (double x : s.score) {
        sum += x;
        const int64_t bin = std::llround(x) - out.min;
        if (bin >= 0 && bin < static_cast<int64_t>(out.distribution.size())) ++out.distribution[bin];
      }
      out.mean = sum / static_cast<double>(s.score.size());
      const qc::RatingSummary r = qc::SummarizeRatings(s.item, s.worker, s.score, num_items, num_workers);
      for (int32_t i = 0; i < num_items; ++i) {
        if (r.count[i] == 0) continue;
        out.items.push_back({item_ids[i], external_ids[i], r.count[i], r.mean[i], r.corrected_mean[i]});
      }
      std::vector<int64_t> answers(num_workers, 0);
      for (int32_t w : s.worker) ++answers[w];
      for (int32_t w = 0; w < num_workers; ++w) {
        if (answers[w] == 0) continue;
        ScoreExpert e{impl_->worker_ids[w], "", "", answers[w], r.worker_mean[w], r.worker_stddev[w]};
        if (auto it = users.find(e.expert_id); it != users.end()) std::tie(e.name, e.email) = it->second;
        out.experts.push_back(std::move(e));
      }
      std::sort(out.experts.begin(), out.experts.end(),
                [](const ScoreExpert& a, const ScoreExpert& b) { return a.expert_id < b.expert_id; });
    }
    report.scores.push_back(std::move(out));
  }
  for (Impl::Marked& m : impl_->marked) {
    qc::SpanCounts exact, overlap;
    for (const auto& [item, experts] : m.by_item) {
      if (experts.size() < 2) continue;
      ++m.out.items_with_2plus;
      for (size_t a = 0; a < experts.size(); ++a) {
        for (size_t b = a + 1; b < experts.size(); ++b) {
          ++m.out.pairs;
          exact += qc::CompareSpans(experts[a].second, experts[b].second, qc::SpanMatch::kExact);
          overlap += qc::CompareSpans(experts[a].second, experts[b].second, qc::SpanMatch::kOverlap);
        }
      }
    }
    m.out.exact_f1 = m.out.pairs ? exact.F1() : std::nan("");
    m.out.overlap_f1 = m.out.pairs ? overlap.F1() : std::nan("");
    report.spans.push_back(std::move(m.out));
  }
}

}  // namespace quality
