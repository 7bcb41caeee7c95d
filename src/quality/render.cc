#include "quality/render.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "work/render.h"

namespace quality {
namespace {

// NaN (no data) renders as JSON null.
nlohmann::json Num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

// Who an expert is, as the caller may see it: managers get her id, name and email; reviewers
// judge blind and get work::ExpertPseudonym (the submissions list's), nothing else.
void Identify(nlohmann::json& out, const std::string& project_id, const std::string& expert_id,
              const std::string& name, const std::string& email, bool identities) {
  if (identities) {
    out["expert_id"] = expert_id;
    out["name"] = name;
    out["email"] = email;
  } else {
    out["expert_id"] = work::ExpertPseudonym(project_id, expert_id);
  }
}

// The [begin, end) of a list of n the query's offset and limit keep.
std::pair<size_t, size_t> Page(size_t n, const QualityQuery& q) {
  const size_t begin = std::min(n, static_cast<size_t>(q.offset));
  return {begin, std::min(n, begin + static_cast<size_t>(std::max(q.limit, 0)))};
}

}  // namespace

base::Result<std::string> RenderQuality(const QualityView& view, const QualityQuery& q) {
  ASSAY_TRY(CheckMethod(q.method));
  if (q.offset < 0) return base::Error::Invalid("offset must be 0 or more").Detail("field", "offset");
  const QualityReport& r = *view.report;
  const bool ds = q.method != "mv";  // the report's model
  if (ds && q.method != r.model) {
    return base::Error::Internal("a report of " + r.model + " rendered as " + q.method);
  }
  nlohmann::json fields = nlohmann::json::array();
  bool found = q.field.empty();
  for (const FieldQuality& f : r.fields) {
    if (!q.field.empty() && f.field.name != q.field) continue;
    found = true;
    nlohmann::json workers = nlohmann::json::array();
    for (const WorkerQuality& w : f.workers) {
      nlohmann::json gold = nullptr;
      if (w.gold_total > 0) {
        gold = {{"correct", w.gold_correct}, {"total", w.gold_total}, {"low", w.gold_low}, {"high", w.gold_high}};
      }
      nlohmann::json worker = {{"labels", w.labels}, {"accuracy", Num(ds ? w.accuracy_ds : w.accuracy_mv)}, {"gold", gold}};
      Identify(worker, r.project_id, w.expert_id, w.name, w.email, q.identities);
      workers.push_back(std::move(worker));
    }
    nlohmann::json labels = nlohmann::json::array();
    const auto [begin, end] = Page(f.labels.size(), q);
    for (size_t i = begin; i < end; ++i) {
      const ItemLabel& l = f.labels[i];
      nlohmann::json votes = nlohmann::json::object();
      for (auto [label, n] : l.votes) votes[f.label_names[label]] = n;
      const int32_t label = ds ? l.label_ds : l.label_mv;
      labels.push_back({{"item_id", l.item_id},
                        {"external_id", l.external_id ? nlohmann::json(*l.external_id) : nlohmann::json(nullptr)},
                        {"label", label >= 0 ? nlohmann::json(f.label_names[label]) : nlohmann::json(nullptr)},
                        {"confidence", Num(ds ? l.confidence_ds : l.confidence_mv)},
                        {"votes", votes}});
    }
    fields.push_back({{"field", f.field.name},
                      {"component", f.field.component},
                      {"level", f.field.ordinal ? "ordinal" : "nominal"},
                      {"method", q.method},
                      {"agreement",
                       {{"percent", Num(f.percent)},
                        {"krippendorff_alpha", Num(f.alpha)},
                        {"fleiss_kappa", f.fleiss ? Num(*f.fleiss) : nlohmann::json(nullptr)},
                        {"items_with_2plus", f.items_with_2plus}}},
                      {"workers", workers},
                      {"labels", labels},
                      {"labels_total", f.labels.size()}});
  }
  // Ratings and rubric criteria as scores; spans fields as agreement on marked text.
  nlohmann::json scores = nlohmann::json::array(), spans = nlohmann::json::array();
  for (const ScoreField& f : r.scores) {
    if (!q.field.empty() && f.field != q.field) continue;
    found = true;
    nlohmann::json experts = nlohmann::json::array(), items = nlohmann::json::array();
    for (const ScoreExpert& e : f.experts) {
      nlohmann::json expert = {{"answers", e.answers}, {"mean", Num(e.mean)}, {"stddev", Num(e.stddev)}};
      Identify(expert, r.project_id, e.expert_id, e.name, e.email, q.identities);
      experts.push_back(std::move(expert));
    }
    const auto [begin, end] = Page(f.items.size(), q);
    for (size_t i = begin; i < end; ++i) {
      const ItemScore& s = f.items[i];
      items.push_back({{"item_id", s.item_id},
                       {"external_id", s.external_id ? nlohmann::json(*s.external_id) : nlohmann::json(nullptr)},
                       {"answers", s.answers},
                       {"mean", Num(s.mean)},
                       {"corrected_mean", Num(s.corrected_mean)}});
    }
    scores.push_back({{"field", f.field},
                      {"criterion", f.criterion.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.criterion)},
                      {"label", f.label},
                      {"scale", {{"min", f.min}, {"max", f.max}}},
                      {"answers", f.answers},
                      {"mean", Num(f.mean)},
                      {"distribution", f.distribution},
                      {"experts", experts},
                      {"items", items},
                      {"items_total", f.items.size()}});
  }
  for (const SpanField& f : r.spans) {
    if (!q.field.empty() && f.field != q.field) continue;
    found = true;
    spans.push_back({{"field", f.field},
                     {"items_with_2plus", f.items_with_2plus},
                     {"pairs", f.pairs},
                     {"spans", f.spans},
                     {"exact_f1", Num(f.exact_f1)},
                     {"overlap_f1", Num(f.overlap_f1)}});
  }
  if (!found) return base::Error::Invalid("no field named " + q.field).Detail("field", "field");
  nlohmann::json out = {{"project_id", r.project_id},
                        {"version", r.version},
                        {"computed_at", base::FormatRfc3339(r.computed_at_us)},
                        {"stale", view.stale},
                        {"items", r.items},
                        {"submissions", r.submissions},
                        {"overlap",
                         {{"overlap", r.overlap},
                          {"max_overlap", r.max_overlap},
                          {"target_confidence", r.target_confidence},
                          {"items_decided", r.items_decided},
                          {"items_open", r.items_open}}},
                        {"scores", scores},
                        {"spans", spans},
                        {"fields", fields}};
  return base::Dump(out);
}

}  // namespace quality
