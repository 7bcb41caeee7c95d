#include "quality/service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "quality/overlap.h"
#include "work/quality_stamps.h"
#include "work/service.h"

namespace quality {

Service::Service(storage::Db& db, const base::Clock& clock, people::Service* people, CacheOptions cache_options)
    : db_(db),
      clock_(clock),
      people_(people),
      cache_(db, clock, [this](const QualityReport& r) { ApplyGoldRules(r); }, std::move(cache_options)) {
  GoldRulesChanged();
}

void Service::GoldRulesChanged() {
  if (!people_) return;
  auto rules = people_->GoldRuleQualifications();
  gold_rules_ = rules && !rules->empty();
}

void Service::ApplyGoldRules(const QualityReport& report) {
  if (!people_ || !gold_rules_) return;
  auto rules = people_->GoldRuleQualifications();
  if (!rules) return;
  std::set<std::string> here;  // the experts with gold answers in this project
  for (const FieldQuality& f : report.fields) {
    for (const WorkerQuality& w : f.workers) {
      if (w.gold_total > 0) here.insert(w.expert_id);
    }
  }
  std::lock_guard lock(gold_mu_);
  // Her gold answers (correct, total) over the projects a rule covers ("": all), as of each one's
  // latest report: read once per expert and scope, however many rules share that scope.
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> sums;
  auto gold_of = [&](const std::string& expert,
                     const std::string& scope) -> std::optional<std::pair<int64_t, int64_t>> {
    if (auto it = sums.find({expert, scope}); it != sums.end()) return it->second;
    auto rows = db_.Query("SELECT coalesce(sum(correct), 0), coalesce(sum(total), 0) FROM quality_gold "
                          "WHERE expert_id = ? AND (? = '' OR project_id = ?)",
                          {expert, scope, scope});
    if (!rows || rows->empty()) return std::nullopt;  // not kept: the next rule asks again
    return sums[{expert, scope}] = {(*rows)[0].Int(0), (*rows)[0].Int(1)};
  };
  for (const people::Qualification& q : *rules) {
    const std::optional<std::string>& only = q.gold_rule->project_id;
    if (only && *only != report.project_id) continue;
    for (const std::string& expert : here) {
      const std::optional<std::pair<int64_t, int64_t>> gold = gold_of(expert, only.value_or(""));
      if (!gold) continue;
      (void)people_->ApplyGoldAccuracy(q.id, expert, gold->first, gold->second);
    }
  }
}

base::Result<std::shared_ptr<const QualityReport>> Service::ModelReport(const std::string& project_id,
                                                                        const std::string& method, int64_t version) {
  const auto key = std::pair(project_id, method);
  {
    std::lock_guard lock(models_.mu);
    if (auto it = models_.latest.find(key); it != models_.latest.end() && it->second.report->version == version) {
      it->second.used = ++models_.tick;
      return it->second.report;
    }
  }
  // Computed outside the lock: two askers of one new version may both compute it; the later wins.
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<QualityReport> computed, ComputeReport(db_, clock_, project_id, method));
  std::lock_guard lock(models_.mu);
  auto& slot = models_.latest[key];
  if (!slot.report || slot.report->version <= computed->version) slot.report = computed;
  slot.used = ++models_.tick;
  while (models_.latest.size() > kModelReports) {
    auto oldest = std::min_element(models_.latest.begin(), models_.latest.end(),
                                   [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    models_.latest.erase(oldest);
  }
  return std::shared_ptr<const QualityReport>(computed);
}

base::Result<ProjectQuality> Service::Report(const accounts::Caller& caller, std::string_view project_id,
                                             std::string_view method) {
  ASSAY_TRY(CheckMethod(method));
  int64_t version = 0, submissions = 0;
  std::string role;
  const bool model = method != "mv" && method != "ds";
  const bool cached = model || static_cast<bool>(cache_.Cached(std::string(project_id)));
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(role, work::ProjectRole(c, caller, project_id));
    // Experts see no one's skills: for them the report does not exist.
    if (role == "expert") return base::Error::NotFound("no such project");
    ASSAY_ASSIGN_OR_RETURN(version, work::QualityVersion(c, project_id));
    if (!cached) {
      ASSAY_ASSIGN_OR_RETURN(storage::Row n,
                             c.QueryOne("SELECT count(*) FROM submissions WHERE project_id = ?", {project_id}));
      submissions = n.Int(0);
    }
    return base::Ok();
  }));
  const bool identities = role == "manager" || role == "admin";
  if (model) {
    ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const QualityReport> r,
                           ModelReport(std::string(project_id), std::string(method), version));
    return ProjectQuality{QualityView{std::move(r), false}, identities};
  }
  ASSAY_ASSIGN_OR_RETURN(QualityView view, cache_.Get(std::string(project_id), version, submissions));
  return ProjectQuality{std::move(view), identities};
}

base::Status Service::DecideItem(storage::Conn& c, const std::string& project_id, std::string_view item_id,
                                 const std::vector<work::LabelField>& fields, const work::OverlapSettings& settings) {
  std::shared_ptr<const QualityReport> skills = cache_.Cached(project_id);
  return quality::DecideItem(c, item_id, fields, settings, skills.get());
}

void Service::Submitted(const std::string& project_id, int64_t version, bool dynamic_overlap) {
  if (dynamic_overlap || gold_rules_) cache_.MaybeRefresh(project_id, version);
}

work::SkillFn Service::Skills(const std::string& project_id) {
  std::shared_ptr<const QualityReport> report = cache_.Cached(project_id);
  if (!report) return {};
  return [report](std::string_view field, std::string_view expert_id) {
    for (size_t i = 0; i < report->fields.size(); ++i) {
      if (report->fields[i].field.name == field) return report->DsSkill(i, expert_id);
    }
    return kDefaultSkill;
  };
}

void Service::Reviewed(const std::string& project_id) {
  if (gold_rules_) cache_.Refresh(project_id);
}

}  // namespace quality
