// Project quality report, its cache, and the dynamic-overlap decision after a submit.
#include "work/quality.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "qc/aggregation.h"
#include "qc/agreement.h"
#include "qc/overlap.h"
#include "work/service.h"

namespace work {
namespace {

std::string_view FieldComponent(const nlohmann::json& c) {
  const std::string type = c.value("type", "");
  if (type == "choice" && !c.value("multiple", false)) return "choice";
  if (type == "pairwise") return "pairwise";
  if (type == "rating") return "rating";
  return "";
}

// The label an answer gives the field: choice value, pairwise choice, rating as integer text.
std::optional<std::string> FieldLabel(const LabelField& f, simdjson::dom::element answer) {
  simdjson::dom::element v;
  if (answer[f.name].get(v) != simdjson::SUCCESS) return std::nullopt;
  if (f.component == "pairwise" && v[std::string_view("choice")].get(v) != simdjson::SUCCESS) return std::nullopt;
  if (f.component == "rating") {
    int64_t n;
    if (v.get_int64().get(n) != simdjson::SUCCESS) return std::nullopt;
    return std::to_string(n);
  }
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

double Target(int64_t ppm) { return static_cast<double>(ppm) / 1e6; }

// NaN (no data) renders as JSON null.
nlohmann::json Num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

struct ItemRow {
  std::string id;
  std::optional<std::string> external_id;
  std::optional<std::string> gold;
  bool decided = false;
  int64_t labels = 0;  // submissions not rejected
};

FieldQuality ComputeField(const LabelField& field, qc::LabelTableBuilder&& builder, const std::vector<ItemRow>& items,
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
  qc::EmOptions em;
  em.threads = T >= 20000 ? 2 : 1;
  qc::AggregationResult ds = qc::DawidSkene(table, em);

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
    q.accuracy_ds = ds.worker_skill[w];
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
base::Result<std::shared_ptr<QualityReport>> ComputeReport(storage::Db& db, const base::Clock& clock,
                                                           const std::string& project_id) {
  auto report = std::make_shared<QualityReport>();
  report->project_id = project_id;
  ASSAY_TRY(db.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row p,
                           c.QueryOne("SELECT overlap, max_overlap, target_confidence_ppm, template, quality_version "
                                      "FROM projects WHERE id = ?",
                                      {project_id}));
    report->overlap = p.Int(0);
    report->max_overlap = p.IsNull(1) ? p.Int(0) : p.Int(1);
    report->target_confidence = Target(p.Int(2));
    report->version = p.Int(4);
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
      report->fields.push_back(ComputeField(fields[f], std::move(builders[f]), items, item_index, gold[f], users));
    }
    return base::Ok();
  }));
  report->computed_at_us = clock.NowMicros();
  return report;
}

}  // namespace

std::vector<LabelField> LabelFields(std::string_view template_json) {
  std::vector<LabelField> out;
  nlohmann::json t = nlohmann::json::parse(template_json, nullptr, false);
  if (!t.is_array()) return out;
  for (const nlohmann::json& c : t) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    std::string_view component = FieldComponent(c);
    if (component.empty()) continue;
    LabelField f{c["name"].get<std::string>(), std::string(component), component == "rating", {}};
    if (component == "pairwise") f.categories = {"a", "b", "tie"};
    if (component == "rating") {
      for (int64_t v = c.value("min", int64_t{0}); v <= c.value("max", int64_t{0}); ++v) f.categories.push_back(std::to_string(v));
    }
    if (component == "choice") {
      for (const nlohmann::json& o : c.value("options", nlohmann::json::array())) {
        f.categories.push_back(o.is_string() ? o.get<std::string>() : o.value("value", ""));
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

double QualityReport::DsSkill(size_t field, std::string_view expert_id) const {
  if (field >= fields.size()) return kDefaultSkill;
  const std::vector<WorkerQuality>& w = fields[field].workers;
  auto it = std::lower_bound(w.begin(), w.end(), expert_id,
                             [](const WorkerQuality& q, std::string_view id) { return q.expert_id < id; });
  if (it == w.end() || it->expert_id != expert_id || !std::isfinite(it->accuracy_ds)) return kDefaultSkill;
  return it->accuracy_ds;
}

base::Status DecideItem(storage::Conn& c, std::string_view item_id, const std::vector<LabelField>& fields,
                        const OverlapSettings& s, const QualityReport* skills) {
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
      auto label = FieldLabel(fields[f], answer);
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

// ---- the cache ------------------------------------------------------------------------------

class Service::QualityCache {
 public:
  QualityCache(storage::Db& db, const base::Clock& clock) : db_(db), clock_(clock) {}
  ~QualityCache() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  std::shared_ptr<const QualityReport> Cached(const std::string& project_id) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(project_id);
    return it == entries_.end() ? nullptr : it->second.report;
  }

  // See the cache rule in quality.h.
  base::Result<QualityView> Get(const std::string& project_id, int64_t version, int64_t submissions) {
    std::unique_lock lock(mu_);
    for (;;) {
      Entry& e = entries_[project_id];
      if (e.report) {
        // >=: the report may come from a snapshot taken after this request read the version.
        if (e.report->version >= version) return QualityView{e.report, false};
        EnqueueLocked(project_id);
        return QualityView{e.report, true};
      }
      if (submissions > kSyncQualitySubmissions) {
        EnqueueLocked(project_id);
        return base::Error(base::ErrorCode::kUnavailable, "the quality report is being computed; retry shortly");
      }
      if (!e.computing) break;
      done_.wait(lock);  // another request or the worker computes it
    }
    entries_[project_id].computing = true;
    lock.unlock();
    auto report = ComputeReport(db_, clock_, project_id);
    lock.lock();
    Finish(project_id, report);
    if (!report) return report.error();
    return QualityView{*report, false};
  }

  // After a submit on a dynamic-overlap project: refresh the skills once they lag enough.
  void MaybeRefresh(const std::string& project_id, int64_t version) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(project_id);
    const int64_t cached = it == entries_.end() || !it->second.report ? 0 : it->second.report->version;
    if (version - cached >= std::max<int64_t>(50, cached / 10)) EnqueueLocked(project_id);
  }

  int64_t computations() const { return computations_.load(); }

  void WaitIdle() {
    std::unique_lock lock(mu_);
    done_.wait(lock, [&] { return queue_.empty() && !busy_; });
  }

 private:
  struct Entry {
    std::shared_ptr<const QualityReport> report;
    bool computing = false;
  };

  void EnqueueLocked(const std::string& project_id) {
    if (queued_.count(project_id) || queued_.size() >= kMaxQueuedProjects) return;
    queued_.insert(project_id);
    queue_.push_back(project_id);
    if (!worker_.joinable()) worker_ = std::thread([this] { Run(); });
    cv_.notify_one();
  }

  void Finish(const std::string& project_id, const base::Result<std::shared_ptr<QualityReport>>& report) {
    Entry& e = entries_[project_id];
    e.computing = false;
    ++computations_;
    // A newer report (by version) is never replaced by an older one.
    if (report && (!e.report || e.report->version <= (*report)->version)) e.report = *report;
    done_.notify_all();
  }

  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      std::string project_id = std::move(queue_.front());
      queue_.pop_front();
      queued_.erase(project_id);
      Entry& e = entries_[project_id];
      if (e.computing) {  // a request is computing it right now
        done_.notify_all();
        continue;
      }
      e.computing = true;
      busy_ = true;
      lock.unlock();
      auto report = ComputeReport(db_, clock_, project_id);
      lock.lock();
      busy_ = false;
      Finish(project_id, report);
    }
  }

  storage::Db& db_;
  const base::Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_, done_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<std::string> queue_;                   // guarded by mu_
  std::unordered_set<std::string> queued_;          // guarded by mu_
  bool busy_ = false, stop_ = false;                // guarded by mu_
  std::atomic<int64_t> computations_{0};
  std::thread worker_;
};

Service::QualityCache& Service::Quality() {
  std::call_once(quality_once_, [&] { quality_ = std::make_shared<QualityCache>(db_, clock_); });
  return *quality_;
}

int64_t Service::QualityComputations() { return Quality().computations(); }
void Service::WaitForQualityIdle() { Quality().WaitIdle(); }
std::shared_ptr<const QualityReport> Service::CachedQuality(const std::string& project_id) {
  return Quality().Cached(project_id);
}
void Service::RefreshQualityIfBehind(const std::string& project_id, int64_t version) {
  Quality().MaybeRefresh(project_id, version);
}

base::Result<QualityView> Service::ProjectQuality(const Caller& caller, std::string_view project_id) {
  int64_t version = 0, submissions = 0;
  bool cached = static_cast<bool>(Quality().Cached(std::string(project_id)));
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role, internal::ProjectRole(c, caller, project_id));
    // Experts see no one's skills: for them the report does not exist.
    if (role == "expert") return base::Error::NotFound("no such project");
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT quality_version FROM projects WHERE id = ?", {project_id}));
    version = p.Int(0);
    if (!cached) {
      ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM submissions WHERE project_id = ?", {project_id}));
      submissions = n.Int(0);
    }
    return base::Ok();
  }));
  return Quality().Get(std::string(project_id), version, submissions);
}

// ---- rendering ------------------------------------------------------------------------------

base::Result<std::string> RenderQuality(const QualityView& view, const QualityQuery& q) {
  if (q.method != "ds" && q.method != "mv") return base::Error::Invalid("method must be ds or mv").Detail("field", "method");
  if (q.offset < 0) return base::Error::Invalid("offset must be 0 or more").Detail("field", "offset");
  const QualityReport& r = *view.report;
  const bool ds = q.method == "ds";
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
      workers.push_back({{"expert_id", w.expert_id}, {"name", w.name}, {"email", w.email}, {"labels", w.labels},
                         {"accuracy", Num(ds ? w.accuracy_ds : w.accuracy_mv)}, {"gold", gold}});
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
  return out.dump();
}

}  // namespace work
