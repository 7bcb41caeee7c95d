// The project quality report, computed from one read snapshot.
#include "quality/report.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "qc/aggregation.h"
#include "qc/agreement.h"
#include "work/quality_stamps.h"

namespace quality {
namespace {

using work::FieldLabel;
using work::LabelFields;

double Target(int64_t ppm) { return static_cast<double>(ppm) / 1e6; }


struct ItemRow {
  std::string id;
  std::optional<std::string> external_id;
  std::optional<std::string> gold;
  bool decided = false;
  int64_t labels = 0;  // submissions not rejected
};

// The model's aggregate (QualityReport::model).
qc::AggregationResult Model(const qc::LabelTable& table, std::string_view model) {
  qc::EmOptions em;
  em.threads = table.num_tasks() >= 20000 ? 2 : 1;
  if (model == "ods") return qc::OneCoinDawidSkene(table, em);
  if (model == "glad") return qc::Glad(table, qc::GladOptions{});
  if (model == "mace") return qc::Mace(table, qc::MaceOptions{});
  if (model == "wawa") return qc::Wawa(table);
  return qc::DawidSkene(table, em);
}

FieldQuality ComputeField(std::string_view model, const LabelField& field, qc::LabelTableBuilder&& builder,
                          const std::vector<ItemRow>& items,
                          const std::unordered_map<std::string_view, int32_t>& item_index,
                          const std::vector<std::optional<std::string>>& gold_label,
                          const std::unordered_map<std::string, std::pair<std::string, std::string>>& users) {
  FieldQuality out;
  out.field = field;
  for (const auto& g : gold_label) {
    if (g) builder.AddLabelName(*g);
  }
  qc::LabelTable table = std::move(builder).Build();
  for (std::string_view l : table.label_names) out.label_names.emplace_back(l);
  out.percent = std::nan("");
  out.alpha = std::nan("");
  if (table.num_rows() == 0) return out;
  const int32_t T = table.num_tasks(), K = table.num_labels(), W = table.num_workers();
  qc::AggregationResult mv = qc::MajorityVote(table);
  qc::AggregationResult ds = Model(table, model);

  // Items in import order with their votes, from the rows sorted by (task, label).
  std::vector<int32_t> task_item(T);
  for (int32_t t = 0; t < T; ++t) task_item[t] = item_index.at(table.task_names[t]);
  std::vector<int64_t> order(table.num_rows());
  for (int64_t r = 0; r < table.num_rows(); ++r) order[r] = r;
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return std::pair(task_item[table.task[a]], table.label[a]) < std::pair(task_item[table.task[b]], table.label[b]);
  });
  std::vector<int32_t> per_task(T, 0);
  for (int64_t i = 0; i < table.num_rows();) {
    const int32_t t = table.task[order[i]];
    const ItemRow& item = items[task_item[t]];
    ItemLabel l{item.id, item.external_id, mv.label[t], ds.label[t], mv.confidence[t], ds.confidence[t], {}};
    for (; i < table.num_rows() && table.task[order[i]] == t; ++i) {
      const int32_t label = table.label[order[i]];
      if (l.votes.empty() || l.votes.back().first != label) l.votes.push_back({label, 0});
      ++l.votes.back().second;
      ++per_task[t];
    }
    out.labels.push_back(std::move(l));
  }

  // Agreement. Fleiss only when every item with two or more labels has the same number.
  out.percent = qc::PercentAgreement(table);
  out.alpha = qc::KrippendorffAlpha(qc::AlphaInputFromTable(table),
                                    field.ordinal ? qc::Level::kOrdinal : qc::Level::kNominal);
  int32_t common = 0;
  bool constant = true;
  for (int32_t n : per_task) {
    if (n < 2) continue;
    ++out.items_with_2plus;
    if (common == 0) common = n;
    constant = constant && n == common;
  }
  if (constant && out.items_with_2plus > 0) {
    std::vector<int32_t> counts;
    counts.reserve(static_cast<size_t>(out.items_with_2plus) * K);
    for (const ItemLabel& l : out.labels) {
      if (l.votes.size() == 1 && l.votes[0].second < 2) continue;
      size_t base = counts.size();
      counts.resize(base + K, 0);
      for (auto [label, n] : l.votes) counts[base + label] = n;
    }
    out.fleiss = qc::FleissKappa(counts, K).kappa;
  }

  // Workers, with gold accuracy when some labelled item has a gold label for this field.
  qc::GoldLabels gold(T, -1);
  bool any_gold = false;
  for (int32_t t = 0; t < T; ++t) {
    const auto& g = gold_label[task_item[t]];
    if (!g) continue;
    gold[t] = static_cast<int32_t>(std::find(out.label_names.begin(), out.label_names.end(), *g) - out.label_names.begin());
    any_gold = true;
  }
  std::optional<qc::GoldAccuracy> gold_acc;
  if (any_gold) gold_acc = qc::WorkerGoldAccuracy(table, gold);
  std::vector<int64_t> rows_of(W, 0);
  for (int32_t w : table.worker) ++rows_of[w];
  for (int32_t w = 0; w < W; ++w) {
    WorkerQuality q;
    q.expert_id = std::string(table.worker_names[w]);
    if (auto it = users.find(q.expert_id); it != users.end()) std::tie(q.name, q.email) = it->second;
    q.labels = rows_of[w];
    q.accuracy_mv = mv.worker_skill[w];
    // GLAD's skill is an ability on the logit scale: shown as the chance of a right answer on an
    // item of average difficulty, so that every method's accuracy reads as a share.
    q.accuracy_ds = model == "glad" ? 1 / (1 + std::exp(-ds.worker_skill[w])) : ds.worker_skill[w];
    if (gold_acc && gold_acc->scored[w] > 0) {
      q.gold_correct = gold_acc->correct[w];
      q.gold_total = gold_acc->scored[w];
      q.gold_low = gold_acc->interval[w].low;
      q.gold_high = gold_acc->interval[w].high;
    }
    out.workers.push_back(std::move(q));
  }
  std::sort(out.workers.begin(), out.workers.end(),
            [](const WorkerQuality& a, const WorkerQuality& b) { return a.expert_id < b.expert_id; });
  return out;
}

// The whole report from one read snapshot, so the version matches the data.
}  // namespace

bool KnownMethod(std::string_view method) {
  return std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods);
}

base::Status CheckMethod(std::string_view method) {
  if (KnownMethod(method)) return base::Ok();
  std::string names;
  for (std::string_view m : kMethods) names += (names.empty() ? "" : ", ") + std::string(m);
  return base::Error::Invalid("method must be one of " + names).Detail("field", "method");
}

base::Result<std::shared_ptr<QualityReport>> ComputeReport(storage::Db& db, const base::Clock& clock,
                                                           const std::string& project_id, std::string_view model) {
  ASSAY_TRY(CheckMethod(model));
  if (model == "mv") return base::Error::Invalid("majority vote is in every report, not a model").Detail("field", "method");
  auto report = std::make_shared<QualityReport>();
  report->project_id = project_id;
  report->model = std::string(model);
  ASSAY_TRY(db.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row p,
                           c.QueryOne("SELECT overlap, max_overlap, target_confidence_ppm, template "
                                      "FROM projects WHERE id = ?",
                                      {project_id}));
    report->overlap = p.Int(0);
    report->max_overlap = p.IsNull(1) ? p.Int(0) : p.Int(1);
    report->target_confidence = Target(p.Int(2));
    ASSAY_ASSIGN_OR_RETURN(report->version, work::QualityVersion(c, project_id));
    const std::vector<LabelField> fields = LabelFields(p.Text(3));

    std::vector<ItemRow> items;
    ASSAY_TRY(c.QueryEach("SELECT id, external_id, gold, decided FROM items WHERE project_id = ? ORDER BY seq",
                          {project_id}, [&](const storage::Row& r) -> base::Status {
                            items.push_back({r.Text(0), r.OptText(1), r.OptText(2), r.Int(3) != 0, 0});
                            return base::Ok();
                          }));
    std::unordered_map<std::string_view, int32_t> item_index;
    item_index.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) item_index.emplace(items[i].id, static_cast<int32_t>(i));

    simdjson::dom::parser parser;
    std::vector<std::vector<std::optional<std::string>>> gold(fields.size(),
                                                              std::vector<std::optional<std::string>>(items.size()));
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].gold) continue;
      simdjson::dom::element g;
      if (parser.parse(*items[i].gold).get(g) != simdjson::SUCCESS) continue;
      for (size_t f = 0; f < fields.size(); ++f) gold[f][i] = FieldLabel(fields[f], g);
    }

    std::vector<qc::LabelTableBuilder> builders(fields.size());
    ScoreCollector scores(p.Text(3));
    std::unordered_set<std::string> experts;
    ASSAY_TRY(c.QueryEach("SELECT item_id, expert_id, answer FROM submissions WHERE project_id = ? AND state <> 'rejected'",
                          {project_id}, [&](const storage::Row& r) -> base::Status {
                            auto it = item_index.find(r.Text(0));
                            if (it == item_index.end()) return base::Ok();
                            ++items[it->second].labels;
                            ++report->submissions;
                            experts.insert(r.Text(1));
                            simdjson::dom::element answer;
                            if (parser.parse(r.Text(2)).get(answer) != simdjson::SUCCESS) return base::Ok();
                            for (size_t f = 0; f < fields.size(); ++f) {
                              if (auto label = FieldLabel(fields[f], answer)) builders[f].Add(r.Text(0), r.Text(1), *label);
                            }
                            scores.Add(it->second, r.Text(1), answer);
                            return base::Ok();
                          }));
    std::unordered_map<std::string, std::pair<std::string, std::string>> users;
    ASSAY_TRY(c.QueryEach("SELECT id, name, email FROM users WHERE id IN "
                          "(SELECT DISTINCT expert_id FROM submissions WHERE project_id = ?)",
                          {project_id}, [&](const storage::Row& r) -> base::Status {
                            users[r.Text(0)] = {r.Text(1), r.Text(2)};
                            return base::Ok();
                          }));

    report->items = static_cast<int64_t>(items.size());
    const bool dynamic = report->max_overlap > report->overlap;
    for (const ItemRow& i : items) {
      const bool decided = dynamic ? i.decided : i.labels >= report->overlap;
      (decided ? report->items_decided : report->items_open)++;
    }
    for (size_t f = 0; f < fields.size(); ++f) {
      report->fields.push_back(
          ComputeField(model, fields[f], std::move(builders[f]), items, item_index, gold[f], users));
    }
    if (!scores.empty()) {
      std::vector<std::string> ids;
      std::vector<std::optional<std::string>> external_ids;
      ids.reserve(items.size());
      external_ids.reserve(items.size());
      for (const ItemRow& i : items) {
        ids.push_back(i.id);
        external_ids.push_back(i.external_id);
      }
      std::move(scores).Finish(ids, external_ids, users, *report);
    }
    return base::Ok();
  }));
  report->computed_at_us = clock.NowMicros();
  return report;
}


double QualityReport::DsSkill(size_t field, std::string_view expert_id) const {
  if (field >= fields.size()) return kDefaultSkill;
  const std::vector<WorkerQuality>& w = fields[field].workers;
  auto it = std::lower_bound(w.begin(), w.end(), expert_id,
                             [](const WorkerQuality& q, std::string_view id) { return q.expert_id < id; });
  if (it == w.end() || it->expert_id != expert_id || !std::isfinite(it->accuracy_ds)) return kDefaultSkill;
  return it->accuracy_ds;
}

}  // namespace quality
