// work::BulkJobs — bulk actions on a selection of a project's items (ids, or a browser filter:
// browse.h): approve or reject their pending submissions (one reason), send them for another
// label, set their overlap, mark them gold (from the consensus, or from one answer), or export
// them. Asking fixes the selection (job_items) and its count — refused when it differs from the
// count the person confirmed — writes an audit row (who, when, what, how many) and queues a job;
// one background thread works jobs a batch per write, each batch and its progress committed
// together, so a restart resumes where the last commit left off and nothing is done twice. The
// job's end is audited too.
//
//   work::BulkJobs bulk(db, clock, ids, work, browser);
//   ASSAY_ASSIGN_OR_RETURN(work::BulkStarted s, bulk.Start(manager, project_id, request));
//   ASSAY_ASSIGN_OR_RETURN(work::Job job, bulk.GetJob(manager, s.job_id));  // done / total
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"
#include "work/browse.h"
#include "work/service.h"

namespace work {

inline constexpr int64_t kMaxBulkItems = 1000000;
inline constexpr int kBulkBatchItems = 200;

struct BulkRequest {
  std::string action;  // approve | reject | requeue | set_overlap | set_gold | export
  std::optional<BrowseQuery> filter;  // the selection: a filter …
  std::vector<std::string> item_ids;  // … or item ids (one of the two)
  std::string reason;                 // reject: at least 20 characters; approve: optional
  std::optional<int64_t> overlap;     // set_overlap: labels each item should get (1..100)
  std::string gold_from = "consensus";  // set_gold: consensus, or a submission id (one item)
  std::optional<int64_t> expected_count;  // the count the person confirmed
  bool dry_run = false;  // only count
};

struct BulkStarted {
  std::string job_id;   // empty on a dry run
  int64_t count = 0;    // items selected
  int64_t submissions = 0;  // approve/reject: pending submissions on them
};

struct Job {
  std::string id;
  std::string project_id;
  std::string action;
  std::string params_json;
  std::string state;  // queued | running | done | failed
  int64_t total = 0, done = 0, changed = 0;
  std::optional<std::string> error;
  std::string created_by, created_by_name;
  int64_t created_at_us = 0;
  std::optional<int64_t> finished_at_us;
};

struct AuditEntry {
  std::string id;
  std::string actor_id, actor_name;
  std::string action;
  int64_t items = 0;
  std::string detail_json;
  std::optional<std::string> job_id;
  int64_t created_at_us = 0;
};

class BulkJobs {
 public:
  BulkJobs(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Service& work, ItemBrowser& browser,
           bool run = true);
  ~BulkJobs();  // stops the runner after the batch in hand
  BulkJobs(const BulkJobs&) = delete;
  BulkJobs& operator=(const BulkJobs&) = delete;

  // Managers (reviewers too for approve and reject).
  base::Result<BulkStarted> Start(const Caller& caller, std::string_view project_id, const BulkRequest& request);
  // Its creator, the project's managers, admins.
  base::Result<Job> GetJob(const Caller& caller, std::string_view job_id);
  base::Result<std::vector<Job>> ListJobs(const Caller& caller, std::string_view project_id, int limit = 50);
  base::Result<std::vector<AuditEntry>> Audit(const Caller& caller, std::string_view project_id, int limit = 100);
  // The export of a job's selection (an export job's download): the project's JSONL export of
  // those items only.
  base::Result<JsonlExport> OpenExport(const Caller& caller, std::string_view job_id);

  // Runs queued jobs to the end on the calling thread (tests, a server without the runner).
  base::Status RunAll();
  // Until no job is queued or running (tests).
  void WaitIdle();

 private:
  base::Result<bool> RunOneBatch();
  void Run();

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  Service& work_;
  ItemBrowser& browser_;
  std::mutex mu_;
  std::condition_variable cv_, idle_;
  bool stop_ = false, woken_ = false, busy_ = false;  // guarded by mu_
  std::thread runner_;
};

}  // namespace work
