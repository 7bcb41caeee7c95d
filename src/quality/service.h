// quality::Service — project quality for the API and dynamic overlap for the work loop: the
// project report from the cache (cache.h) for the project's managers and reviewers (reviewers
// see experts under pseudonyms), and work::QualityObserver over the cached skills.
//
// Qualifications granted by gold accuracy (people::Service::ApplyGoldAccuracy) follow the
// reports: while any exists, every submit and review queues the project's report (submits once
// the cached one lags by max(50, 10%) labels, as for dynamic overlap), and each report a server
// computes hands every expert in it her gold answers right and scored, summed over the projects
// the rule covers from quality_gold (each project's latest stored report, whichever server
// computed it).
//
//   quality::Service quality(db, clock, &people);
//   work.SetQualityObserver(&quality);
//   ASSAY_ASSIGN_OR_RETURN(quality::ProjectQuality q, quality.Report(manager, project_id));
#pragma once

#include <string>
#include <string_view>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "accounts/types.h"
#include "people/service.h"
#include "base/clock.h"
#include "base/result.h"
#include "quality/cache.h"
#include "storage/db.h"
#include "work/quality_observer.h"

namespace quality {

struct ProjectQuality {
  QualityView view;
  bool identities = false;  // the caller may see who the experts are (managers, admins)
};

class Service final : public work::QualityObserver {
 public:
  Service(storage::Db& db, const base::Clock& clock, people::Service* people = nullptr,
          CacheOptions cache_options = {});

  // The project's report (manager or reviewer member, or admin; experts get NotFound), from the
  // cache by the rule in cache.h. With a model other than Dawid–Skene (method "ods", "glad",
  // "mace" or "wawa"; "mv" and "ds" are in every report) the report of the current version is
  // computed on request and kept for the next asker until a label changes (ModelReports).
  base::Result<ProjectQuality> Report(const accounts::Caller& caller, std::string_view project_id,
                                      std::string_view method = "ds");

  // The latest report this process computed for the project, whatever its version, or null
  // (no access check: for the layers above, e.g. quality bonuses in src/money).
  std::shared_ptr<const QualityReport> CachedReport(const std::string& project_id) { return cache_.Cached(project_id); }

  // work::QualityObserver
  base::Status DecideItem(storage::Conn& c, const std::string& project_id, std::string_view item_id,
                          const std::vector<work::LabelField>& fields,
                          const work::OverlapSettings& settings) override;
  bool WantsVersion(bool dynamic_overlap) const override { return dynamic_overlap || gold_rules_; }
  void Submitted(const std::string& project_id, int64_t version, bool dynamic_overlap) override;
  void Reviewed(const std::string& project_id) override;
  // The cached report's Dawid–Skene skills (work's browser weighs labels by them).
  work::SkillFn Skills(const std::string& project_id) override;
  // The qualifications with gold rules changed (people::Service says so).
  void GoldRulesChanged();

  // Reports this server computed so far, stored ones it read, and a wait until no background
  // computation is queued (tests).
  int64_t computations() const { return cache_.computations(); }
  int64_t loads() const { return cache_.loads(); }
  void WaitIdle() { cache_.WaitIdle(); }

 private:
  void ApplyGoldRules(const QualityReport& report);

  // Reports by another model, by (project, method): the newest computed, whatever its version;
  // at most kModelReports of them (a report holds every item's label), the least recently asked
  // for dropped first.
  static constexpr size_t kModelReports = 8;
  struct ModelReports {
    std::mutex mu;
    struct Entry {
      std::shared_ptr<const QualityReport> report;
      int64_t used = 0;  // `tick` when last asked for
    };
    std::map<std::pair<std::string, std::string>, Entry> latest;
    int64_t tick = 0;
  };
  base::Result<std::shared_ptr<const QualityReport>> ModelReport(const std::string& project_id,
                                                                 const std::string& method, int64_t version);

  storage::Db& db_;
  const base::Clock& clock_;
  people::Service* people_;
  ModelReports models_;
  std::atomic<bool> gold_rules_{false};
  std::mutex gold_mu_;  // one ApplyGoldRules at a time
  ReportCache cache_;  // last: its thread stops first
};

}  // namespace quality
