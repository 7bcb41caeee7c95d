#include "quality/cache.h"

#include <algorithm>

#include "base/rng.h"
#include "quality/stored.h"
#include "work/quality_stamps.h"

namespace quality {
namespace {

constexpr std::chrono::milliseconds kPollOther{50};

base::Error BeingComputed(std::string where) {
  return base::Error(base::ErrorCode::kUnavailable, "the quality report is being computed" + where + "; retry shortly")
      .RetryAfter(1);
}

}  // namespace

ReportCache::ReportCache(storage::Db& db, const base::Clock& clock, OnComputed on_computed, CacheOptions options)
    : db_(db), clock_(clock), on_computed_(std::move(on_computed)), options_([&] {
        if (options.server_id.empty()) options.server_id = base::SecureRandomHex(8);
        return options;
      }()) {}

ReportCache::~ReportCache() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::shared_ptr<const QualityReport> ReportCache::Cached(const std::string& project_id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(project_id);
  return it == entries_.end() ? nullptr : it->second.report;
}

int64_t ReportCache::MemoryVersion(const std::string& project_id) {
  std::shared_ptr<const QualityReport> r = Cached(project_id);
  return r ? r->version : -1;
}

void ReportCache::Install(const std::string& project_id, std::shared_ptr<const QualityReport> report) {
  // Called with mu_ held. A newer report (by version) is never replaced by an older one.
  Entry& e = entries_[project_id];
  if (report && (!e.report || e.report->version <= report->version)) e.report = std::move(report);
  done_.notify_all();
}

base::Result<QualityView> ReportCache::Get(const std::string& project_id, int64_t version, int64_t submissions) {
  std::unique_lock lock(mu_);
  for (;;) {
    Entry& e = entries_[project_id];
    // >=: the report may come from a snapshot taken after this request read the version.
    if (e.report && e.report->version >= version) return QualityView{e.report, false};
    if (!e.computing) break;
    done_.wait(lock);  // another request of this server fetches or computes it
  }
  entries_[project_id].computing = true;
  const int64_t have = entries_[project_id].report ? entries_[project_id].report->version : -1;
  lock.unlock();
  // Another server may have stored a newer one.
  std::shared_ptr<const QualityReport> stored = LoadStored(project_id, have);
  base::Result<std::shared_ptr<const QualityReport>> computed = std::shared_ptr<const QualityReport>();
  const bool anything = have >= 0 || stored;
  if (!anything && submissions <= kSyncQualitySubmissions) computed = ComputeOnce(project_id, version);
  lock.lock();
  entries_[project_id].computing = false;
  Install(project_id, stored);
  if (computed && *computed) Install(project_id, *computed);
  const Entry& e = entries_[project_id];
  if (e.report && e.report->version >= version) return QualityView{e.report, false};
  if (e.report) {
    EnqueueLocked(project_id);
    return QualityView{e.report, true};
  }
  if (!computed) return std::move(computed).error();
  EnqueueLocked(project_id);
  return BeingComputed("");
}

void ReportCache::MaybeRefresh(const std::string& project_id, int64_t version) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(project_id);
  const int64_t cached = it == entries_.end() || !it->second.report ? 0 : it->second.report->version;
  if (version - cached >= std::max<int64_t>(50, cached / 10)) EnqueueLocked(project_id);
}

void ReportCache::Refresh(const std::string& project_id) {
  std::lock_guard lock(mu_);
  EnqueueLocked(project_id);
}

void ReportCache::WaitIdle() {
  std::unique_lock lock(mu_);
  done_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void ReportCache::EnqueueLocked(const std::string& project_id) {
  if (queued_.count(project_id) || queued_.size() >= kMaxQueuedProjects) return;
  queued_.insert(project_id);
  queue_.push_back(project_id);
  if (!worker_.joinable()) worker_ = std::thread([this] { Run(); });
  cv_.notify_one();
}

std::shared_ptr<const QualityReport> ReportCache::LoadStored(const std::string& project_id, int64_t than) {
  // One read: the report's text comes (and is parsed) only when it is newer.
  auto text = db_.Query("SELECT report FROM quality_reports WHERE project_id = ? AND report IS NOT NULL "
                        "AND version > ?",
                        {project_id, than});
  if (!text || text->empty()) return nullptr;
  auto report = ParseStoredReport((*text)[0].Text(0));
  if (!report) return nullptr;
  loads_.fetch_add(1);
  return *report;
}

base::Result<bool> ReportCache::Claim(const std::string& project_id, int64_t version) {
  int64_t claimed = 0;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(
        claimed,
        c.Exec("INSERT INTO quality_reports (project_id, version, computed_at_us, report, claimed_by, "
               "claimed_until_us) VALUES (?, -1, 0, NULL, ?, ?) ON CONFLICT (project_id) DO UPDATE SET "
               "claimed_by = excluded.claimed_by, claimed_until_us = excluded.claimed_until_us "
               "WHERE (quality_reports.claimed_until_us IS NULL OR quality_reports.claimed_until_us <= ?) "
               "AND quality_reports.version < ?",
               {project_id, options_.server_id, now + options_.claim_us, now, version}));
    return base::Ok();
  }));
  return claimed == 1;
}

base::Status ReportCache::ReleaseClaim(storage::Conn& c, const std::string& project_id) {
  ASSAY_TRY(c.Exec("UPDATE quality_reports SET claimed_by = NULL, claimed_until_us = NULL "
                   "WHERE project_id = ? AND claimed_by = ?",
                   {project_id, options_.server_id}));
  return base::Ok();
}

base::Status ReportCache::Store(const QualityReport& report) {
  const std::string text = StoredReport(report);
  // Each expert's gold answers over every field, for qualifications by gold accuracy.
  std::unordered_map<std::string, std::pair<int64_t, int64_t>> gold;
  for (const FieldQuality& f : report.fields) {
    for (const WorkerQuality& w : f.workers) {
      if (w.gold_total == 0) continue;
      gold[w.expert_id].first += w.gold_correct;
      gold[w.expert_id].second += w.gold_total;
    }
  }
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(int64_t stored,
                           c.Exec("UPDATE quality_reports SET version = ?, computed_at_us = ?, report = ? "
                                  "WHERE project_id = ? AND version < ?",
                                  {report.version, report.computed_at_us, text, report.project_id, report.version}));
    ASSAY_TRY(ReleaseClaim(c, report.project_id));
    if (stored == 0) return base::Ok();  // a newer one is there
    ASSAY_TRY(c.Exec("DELETE FROM quality_gold WHERE project_id = ?", {report.project_id}));
    for (const auto& [expert, counts] : gold) {
      ASSAY_TRY(c.Exec("INSERT INTO quality_gold (project_id, expert_id, correct, total) VALUES (?, ?, ?, ?)",
                       {report.project_id, expert, counts.first, counts.second}));
    }
    return base::Ok();
  });
}

base::Result<std::shared_ptr<const QualityReport>> ReportCache::ComputeClaimed(const std::string& project_id) {
  auto report = ComputeReport(db_, clock_, project_id);
  computations_.fetch_add(1);
  base::Status stored = report ? Store(**report) : base::Status(report.error());
  if (!stored) {  // let another server try at once rather than after the claim runs out
    (void)db_.Write([&](storage::Conn& c) { return ReleaseClaim(c, project_id); });
  }
  if (!report) return report.error();
  if (on_computed_) on_computed_(**report);
  return std::shared_ptr<const QualityReport>(*report);
}

base::Result<std::shared_ptr<const QualityReport>> ReportCache::ComputeOnce(const std::string& project_id,
                                                                            int64_t version) {
  const auto deadline = std::chrono::steady_clock::now() + options_.wait_for_other;
  for (;;) {
    ASSAY_ASSIGN_OR_RETURN(bool mine, Claim(project_id, version));
    if (mine) return ComputeClaimed(project_id);
    std::shared_ptr<const QualityReport> stored = LoadStored(project_id, version - 1);
    if (stored) return stored;
    if (std::chrono::steady_clock::now() >= deadline) return BeingComputed(" on another server");
    // Another server holds the claim: look again shortly (its report lands in the database).
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, kPollOther, [&] { return stop_; })) return BeingComputed("");
  }
}

void ReportCache::RefreshNow(const std::string& project_id) {
  int64_t want = 0;
  base::Status read = db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(want, work::QualityVersion(c, project_id));
    return base::Ok();
  });
  if (!read) return;  // the database is away: the next request or refresh tries again
  const int64_t in_memory = MemoryVersion(project_id);
  std::shared_ptr<const QualityReport> stored = LoadStored(project_id, in_memory);
  std::shared_ptr<const QualityReport> computed;
  const int64_t have = std::max(stored ? stored->version : -1, in_memory);
  if (have < want) {
    auto mine = Claim(project_id, want);
    // Not mine: another server is computing it; the next request or refresh here reads it.
    if (mine && *mine) computed = ComputeClaimed(project_id).value_or(nullptr);
  }
  std::lock_guard lock(mu_);
  Install(project_id, stored);
  Install(project_id, computed);
}

void ReportCache::Run() {
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
    RefreshNow(project_id);
    lock.lock();
    entries_[project_id].computing = false;
    busy_ = false;
    done_.notify_all();
  }
}

}  // namespace quality
