#include "quality/render.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "work/render.h"

namespace quality {
namespace {

// NaN (no data) renders as JSON null.
nlohmann::json Num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

base::Result<std::string> RenderQuality(const QualityView& view, const QualityQuery& q) {
  if (!KnownMethod(q.method)) {
    return base::Error::Invalid("method must be one of mv, ds, ods, glad, mace, wawa").Detail("field", "method");
  }
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
      if (q.identities) {
        worker["expert_id"] = w.expert_id;
        worker["name"] = w.name;
        worker["email"] = w.email;
      } else {
        worker["expert_id"] = work::ExpertPseudonym(r.project_id, w.expert_id);
      }
      workers.push_back(std::move(worker));
    }
    nlohmann::json labels = nlohmann::json::array();
    const size_t begin = std::min(f.labels.size(), static_cast<size_t>(q.offset));
    const size_t end = std::min(f.labels.size(), begin + static_cast<size_t>(std::max(q.limit, 0)));
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
  if (!found) return base::Error::Invalid("no categorical field named " + q.field).Detail("field", "field");
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
                        {"fields", fields}};
  return base::Dump(out);
}

}  // namespace quality
