#include "quality/stored.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace quality {
namespace {

using nlohmann::json;

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double NumOr(const json& v) { return v.is_number() ? v.get<double>() : std::nan(""); }

json WorkerJson(const WorkerQuality& w) {
  return json::array({w.expert_id, w.name, w.email, w.labels, Num(w.accuracy_mv), Num(w.accuracy_ds),
                      w.gold_correct, w.gold_total, Num(w.gold_low), Num(w.gold_high)});
}

WorkerQuality WorkerFrom(const json& a) {
  return {a.at(0).get<std::string>(), a.at(1).get<std::string>(), a.at(2).get<std::string>(),
          a.at(3).get<int64_t>(),     NumOr(a.at(4)),              NumOr(a.at(5)),
          a.at(6).get<int64_t>(),     a.at(7).get<int64_t>(),      NumOr(a.at(8)),
          NumOr(a.at(9))};
}

json LabelJson(const ItemLabel& l) {
  json votes = json::array();
  for (const auto& [label, count] : l.votes) votes.push_back(json::array({label, count}));
  return json::array({l.item_id, l.external_id ? json(*l.external_id) : json(nullptr), l.label_mv, l.label_ds,
                      Num(l.confidence_mv), Num(l.confidence_ds), votes});
}

ItemLabel LabelFrom(const json& a) {
  ItemLabel l;
  l.item_id = a.at(0).get<std::string>();
  if (!a.at(1).is_null()) l.external_id = a.at(1).get<std::string>();
  l.label_mv = a.at(2).get<int32_t>();
  l.label_ds = a.at(3).get<int32_t>();
  l.confidence_mv = NumOr(a.at(4));
  l.confidence_ds = NumOr(a.at(5));
  for (const json& v : a.at(6)) l.votes.emplace_back(v.at(0).get<int32_t>(), v.at(1).get<int32_t>());
  return l;
}

json FieldJson(const FieldQuality& f) {
  json workers = json::array(), labels = json::array();
  for (const WorkerQuality& w : f.workers) workers.push_back(WorkerJson(w));
  for (const ItemLabel& l : f.labels) labels.push_back(LabelJson(l));
  return {{"name", f.field.name},           {"component", f.field.component},
          {"ordinal", f.field.ordinal},     {"categories", f.field.categories},
          {"label_names", f.label_names},   {"percent", Num(f.percent)},
          {"alpha", Num(f.alpha)},          {"fleiss", f.fleiss ? Num(*f.fleiss) : json(nullptr)},
          {"items_with_2plus", f.items_with_2plus}, {"workers", workers},
          {"labels", labels}};
}

FieldQuality FieldFrom(const json& j) {
  FieldQuality f;
  f.field.name = j.at("name").get<std::string>();
  f.field.component = j.at("component").get<std::string>();
  f.field.ordinal = j.at("ordinal").get<bool>();
  f.field.categories = j.at("categories").get<std::vector<std::string>>();
  f.label_names = j.at("label_names").get<std::vector<std::string>>();
  f.percent = NumOr(j.at("percent"));
  f.alpha = NumOr(j.at("alpha"));
  if (!j.at("fleiss").is_null()) f.fleiss = NumOr(j.at("fleiss"));
  f.items_with_2plus = j.at("items_with_2plus").get<int64_t>();
  for (const json& w : j.at("workers")) f.workers.push_back(WorkerFrom(w));
  for (const json& l : j.at("labels")) f.labels.push_back(LabelFrom(l));
  return f;
}

json ScoreJson(const ScoreField& f) {
  json experts = json::array(), items = json::array();
  for (const ScoreExpert& e : f.experts) {
    experts.push_back(json::array({e.expert_id, e.name, e.email, e.answers, Num(e.mean), Num(e.stddev)}));
  }
  for (const ItemScore& i : f.items) {
    items.push_back(json::array({i.item_id, i.external_id ? json(*i.external_id) : json(nullptr), i.answers,
                                 Num(i.mean), Num(i.corrected_mean)}));
  }
  return {{"field", f.field}, {"criterion", f.criterion}, {"label", f.label}, {"min", f.min}, {"max", f.max},
          {"answers", f.answers}, {"mean", Num(f.mean)}, {"distribution", f.distribution},
          {"experts", experts}, {"items", items}};
}

ScoreField ScoreFrom(const json& j) {
  ScoreField f;
  f.field = j.at("field").get<std::string>();
  f.criterion = j.at("criterion").get<std::string>();
  f.label = j.at("label").get<std::string>();
  f.min = j.at("min").get<int64_t>();
  f.max = j.at("max").get<int64_t>();
  f.answers = j.at("answers").get<int64_t>();
  f.mean = NumOr(j.at("mean"));
  f.distribution = j.at("distribution").get<std::vector<int64_t>>();
  for (const json& e : j.at("experts")) {
    f.experts.push_back({e.at(0).get<std::string>(), e.at(1).get<std::string>(), e.at(2).get<std::string>(),
                         e.at(3).get<int64_t>(), NumOr(e.at(4)), NumOr(e.at(5))});
  }
  for (const json& i : j.at("items")) {
    ItemScore s{i.at(0).get<std::string>(), std::nullopt, i.at(2).get<int64_t>(), NumOr(i.at(3)), NumOr(i.at(4))};
    if (!i.at(1).is_null()) s.external_id = i.at(1).get<std::string>();
    f.items.push_back(std::move(s));
  }
  return f;
}

json SpanJson(const SpanField& f) {
  return {{"field", f.field}, {"items_with_2plus", f.items_with_2plus}, {"pairs", f.pairs},
          {"spans", f.spans}, {"exact_f1", Num(f.exact_f1)}, {"overlap_f1", Num(f.overlap_f1)}};
}

SpanField SpanFrom(const json& j) {
  return {j.at("field").get<std::string>(), j.at("items_with_2plus").get<int64_t>(), j.at("pairs").get<int64_t>(),
          j.at("spans").get<int64_t>(), NumOr(j.at("exact_f1")), NumOr(j.at("overlap_f1"))};
}

}  // namespace

std::string StoredReport(const QualityReport& r) {
  json fields = json::array();
  for (const FieldQuality& f : r.fields) fields.push_back(FieldJson(f));
  json scores = json::array(), spans = json::array();
  for (const ScoreField& f : r.scores) scores.push_back(ScoreJson(f));
  for (const SpanField& f : r.spans) spans.push_back(SpanJson(f));
  return base::Dump(json{{"project_id", r.project_id},
                         {"version", r.version},
                         {"computed_at_us", r.computed_at_us},
                         {"items", r.items},
                         {"submissions", r.submissions},
                         {"overlap", r.overlap},
                         {"max_overlap", r.max_overlap},
                         {"target_confidence", r.target_confidence},
                         {"items_decided", r.items_decided},
                         {"items_open", r.items_open},
                         {"fields", fields},
                         {"scores", scores},
                         {"spans", spans}});
}

base::Result<std::shared_ptr<QualityReport>> ParseStoredReport(std::string_view text) {
  ASSAY_ASSIGN_OR_RETURN(json j, base::ParseJson(text));
  auto r = std::make_shared<QualityReport>();
  try {
    r->project_id = j.at("project_id").get<std::string>();
    r->version = j.at("version").get<int64_t>();
    r->computed_at_us = j.at("computed_at_us").get<int64_t>();
    r->items = j.at("items").get<int64_t>();
    r->submissions = j.at("submissions").get<int64_t>();
    r->overlap = j.at("overlap").get<int64_t>();
    r->max_overlap = j.at("max_overlap").get<int64_t>();
    r->target_confidence = j.at("target_confidence").get<double>();
    r->items_decided = j.at("items_decided").get<int64_t>();
    r->items_open = j.at("items_open").get<int64_t>();
    for (const json& f : j.at("fields")) r->fields.push_back(FieldFrom(f));
    // Reports stored before scores and spans were kept have neither.
    for (const json& f : j.value("scores", json::array())) r->scores.push_back(ScoreFrom(f));
    for (const json& f : j.value("spans", json::array())) r->spans.push_back(SpanFrom(f));
  } catch (const json::exception& e) {
    return base::Error::Internal(std::string("a stored quality report is malformed: ") + e.what());
  }
  return r;
}

}  // namespace quality
