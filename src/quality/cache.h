// quality::ReportCache — project quality reports, shared by every server on one database: each
// server keeps the reports it uses in memory, the database keeps the latest report of each
// project (quality_reports, migration 0008), and one server at a time computes a project's next
// report (a claim on its row), so N servers asking for a stale report cost one recomputation.
//
// Rule: a report is stamped with the project's quality version (work/quality_stamps.h) read in
// the snapshot it was computed from. A request whose version is at most the report's gets it
// fresh: from memory, or the stored one when another server computed a newer one. Otherwise:
// - a report exists (memory or database): answered with stale = true, and the recomputation is
//   queued on this server's background thread (a project at most once, at most
//   kMaxQueuedProjects waiting), which computes only if it wins the claim (else the server that
//   won stores it, and the next request here reads it);
// - nothing anywhere: up to kSyncQualitySubmissions submissions it is computed in the request,
//   once across servers (the claim's holder computes; the others wait up to
//   CacheOptions::wait_for_other for the stored report, else 503 with Retry-After); above that
//   it is queued and answered Unavailable (503, retry).
// Dynamic-overlap projects also refresh after submits once the report in memory lags by
// max(50, 10%) versions (MaybeRefresh). A claim lasts CacheOptions::claim_us: a server that dies
// while computing holds it that long.
//
//   quality::ReportCache cache(db, clock);
//   ASSAY_ASSIGN_OR_RETURN(quality::QualityView v, cache.Get(project_id, version, submissions));
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/clock.h"
#include "base/result.h"
#include "quality/report.h"
#include "storage/db.h"

namespace quality {

inline constexpr int64_t kSyncQualitySubmissions = 200000;
inline constexpr size_t kMaxQueuedProjects = 256;

struct QualityView {
  std::shared_ptr<const QualityReport> report;
  bool stale = false;
};

struct CacheOptions {
  // This server's name on its claims (a random one when empty).
  std::string server_id;
  // How long a claim holds when its server does not finish (dies, hangs).
  int64_t claim_us = 60 * base::kMicrosPerSecond;
  // A request with nothing cached waits this long for another server's computation.
  std::chrono::milliseconds wait_for_other{10000};
};

class ReportCache {
 public:
  // on_computed runs after each report this server computed (not after one it read from the
  // database), outside the cache's lock, on the thread that computed it.
  using OnComputed = std::function<void(const QualityReport&)>;
  ReportCache(storage::Db& db, const base::Clock& clock, OnComputed on_computed = {},
              CacheOptions options = {});
  ~ReportCache();  // stops the background thread
  ReportCache(const ReportCache&) = delete;
  ReportCache& operator=(const ReportCache&) = delete;

  // The report in memory, whatever its version, or null. Never reads the database.
  std::shared_ptr<const QualityReport> Cached(const std::string& project_id);
  // See the rule above; `submissions` matters only when nothing is cached.
  base::Result<QualityView> Get(const std::string& project_id, int64_t version, int64_t submissions);
  // After a submit on a dynamic-overlap project: refresh the skills once they lag enough.
  void MaybeRefresh(const std::string& project_id, int64_t version);
  // Queue a recomputation (once, however often asked before it runs).
  void Refresh(const std::string& project_id);
  // Reports this server computed, and stored ones it read (another server's).
  int64_t computations() const { return computations_.load(); }
  int64_t loads() const { return loads_.load(); }
  // Until no background computation is queued or running (tests).
  void WaitIdle();

 private:
  struct Entry {
    std::shared_ptr<const QualityReport> report;
    bool computing = false;  // a request of this server fetches or computes it now
  };
  void EnqueueLocked(const std::string& project_id);
  // Keeps `report` unless a newer one is in memory; wakes the waiters.
  void Install(const std::string& project_id, std::shared_ptr<const QualityReport> report);
  int64_t MemoryVersion(const std::string& project_id);
  // The stored report when it is newer than `than` (null otherwise, and on a read error).
  std::shared_ptr<const QualityReport> LoadStored(const std::string& project_id, int64_t than);
  // True when this server may compute the report of `version` now: no live claim of another
  // server, and no stored report that new.
  base::Result<bool> Claim(const std::string& project_id, int64_t version);
  // This server's claim on the project, if it holds one, ends.
  base::Status ReleaseClaim(storage::Conn& c, const std::string& project_id);
  // Computes, stores and releases the claim; on_computed after.
  base::Result<std::shared_ptr<const QualityReport>> ComputeClaimed(const std::string& project_id);
  base::Status Store(const QualityReport& report);
  // The report of at least `version` when none is anywhere: computed here if this server wins
  // the claim, else the claimant's, read back once stored.
  base::Result<std::shared_ptr<const QualityReport>> ComputeOnce(const std::string& project_id,
                                                                  int64_t version);
  // The background thread's turn for one project.
  void RefreshNow(const std::string& project_id);
  void Run();

  storage::Db& db_;
  const base::Clock& clock_;
  OnComputed on_computed_;
  const CacheOptions options_;
  std::mutex mu_;
  std::condition_variable cv_, done_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<std::string> queue_;                   // guarded by mu_
  std::unordered_set<std::string> queued_;          // guarded by mu_
  bool busy_ = false, stop_ = false;                // guarded by mu_
  std::atomic<int64_t> computations_{0}, loads_{0};
  std::thread worker_;
};

}  // namespace quality
