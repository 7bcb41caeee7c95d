#include "work/bulk.h"

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "work/internal.h"

namespace work {
namespace {

constexpr std::string_view kJobColumns =
    "j.id, j.project_id, j.action, j.params, j.state, j.total, j.done, j.changed, j.error, coalesce(j.created_by, ''), "
    "coalesce(CASE WHEN u.name <> '' THEN u.name ELSE u.email END, ''), j.created_at_us, j.finished_at_us";

Job JobFrom(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6), r.Int(7),
          r.OptText(8), r.Text(9), r.Text(10), r.Int(11), r.OptInt(12)};
}

bool ReviewAction(std::string_view a) { return a == "approve" || a == "reject"; }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

base::Status CheckRequest(const BulkRequest& r) {
  if (r.action != "approve" && r.action != "reject" && r.action != "requeue" && r.action != "set_overlap" &&
      r.action != "set_gold" && r.action != "export") {
    return base::Error::Invalid("action must be approve, reject, requeue, set_overlap, set_gold or export")
        .Detail("field", "action");
  }
  if (r.filter.has_value() == !r.item_ids.empty()) {
    return base::Error::Invalid("give either a filter or item_ids").Detail("field", "filter");
  }
  if (static_cast<int64_t>(r.item_ids.size()) > kMaxBulkItems) {
    return base::Error::Invalid("at most 1,000,000 items at once").Detail("field", "item_ids");
  }
  if (r.action == "reject" && static_cast<int64_t>(CodePoints(r.reason)) < kMinRejectReasonChars) {
    return base::Error::Invalid("a rejection needs a reason of at least 20 characters the experts can act on")
        .Detail("field", "reason");
  }
  if (r.reason.size() > 10000) return base::Error::Invalid("the reason is too long").Detail("field", "reason");
  if (r.action == "set_overlap" && (!r.overlap || *r.overlap < 1 || *r.overlap > 100)) {
    return base::Error::Invalid("overlap must be between 1 and 100").Detail("field", "overlap");
  }
  if (r.action == "set_gold" && r.gold_from != "consensus" && r.item_ids.size() != 1) {
    return base::Error::Invalid("gold from one answer is set on one item at a time").Detail("field", "gold_from");
  }
  return base::Ok();
}

// What the audit log keeps of a request: the action's parameters and how the items were chosen.
nlohmann::json RequestDetail(const BulkRequest& r, std::string_view query_string) {
  nlohmann::json d = {{"action", r.action}};
  if (!r.reason.empty()) d["reason"] = r.reason;
  if (r.overlap) d["overlap"] = *r.overlap;
  if (r.action == "set_gold") d["gold_from"] = r.gold_from;
  if (r.filter) d["filter"] = std::string(query_string);
  else d["item_ids"] = r.item_ids.size() <= 20 ? nlohmann::json(r.item_ids) : nlohmann::json(r.item_ids.size());
  return d;
}

// A filter as a query string, for the audit log.
std::string FilterText(const BrowseQuery& q) {
  std::string s;
  auto add = [&](std::string_view k, const std::string& v) { s += (s.empty() ? "" : "&") + std::string(k) + "=" + v; };
  if (!q.q.empty()) add("q", q.q);
  if (q.state) add("state", *q.state);
  if (q.expert_id) add("expert_id", *q.expert_id);
  if (q.gold) add("gold", *q.gold);
  if (q.confidence_lt) add("confidence_lt", std::to_string(*q.confidence_lt));
  if (q.agreement_lt) add("agreement_lt", std::to_string(*q.agreement_lt));
  if (q.label) add("label", *q.label);
  if (q.flagged) add("flagged", "true");
  if (q.field) add("field", *q.field + "&value=" + q.value.value_or(""));
  if (q.from_us) add("from", base::FormatRfc3339(*q.from_us));
  if (q.to_us) add("to", base::FormatRfc3339(*q.to_us));
  return s;
}

}  // namespace

BulkJobs::BulkJobs(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Service& work,
                   ItemBrowser& browser, bool run)
    : db_(db), clock_(clock), ids_(ids), work_(work), browser_(browser) {
  if (run) runner_ = std::thread([this] { Run(); });
}

BulkJobs::~BulkJobs() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (runner_.joinable()) runner_.join();
}

base::Result<BulkStarted> BulkJobs::Start(const Caller& caller, std::string_view project_id, const BulkRequest& r) {
  ASSAY_TRY(CheckRequest(r));
  if (caller.user_id.empty()) return base::Error::Invalid("a bulk action needs an account to record");
  BulkStarted out;
  const std::string job_id = ids_.Next(), audit_id = ids_.Next();
  const int64_t now = clock_.NowMicros();
  const std::string detail = base::Dump(RequestDetail(r, r.filter ? FilterText(*r.filter) : ""));
  auto write = [&](storage::Conn& c) -> base::Status {
    out = {};
    ASSAY_TRY(RequireProjectRole(c, caller, project_id,
                                 ReviewAction(r.action) ? std::initializer_list<std::string_view>{"manager", "reviewer"}
                                                        : std::initializer_list<std::string_view>{"manager"}));
    // The selection, as import positions: from the filter, or the ids (each of this project).
    std::string select;
    storage::Params params;
    if (r.filter) {
      select = "SELECT st.seq FROM item_stats st " + browser_.SelectionWhere(c.dialect(), project_id, *r.filter, params);
    } else {
      select = "SELECT i.seq FROM items i WHERE i.project_id = ? AND i.id IN (";
      params.push_back(std::string(project_id));
      for (size_t i = 0; i < r.item_ids.size(); ++i) {
        select += i ? ", ?" : "?";
        params.push_back(r.item_ids[i]);
      }
      select += ")";
    }
    ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM (" + select + ") AS picked", params));
    out.count = n.Int(0);
    if (!r.filter && out.count != static_cast<int64_t>(r.item_ids.size())) {
      return base::Error::Invalid("some item_ids are not items of this project").Detail("field", "item_ids");
    }
    if (out.count > kMaxBulkItems) {
      return base::Error::Invalid("the selection holds more than 1,000,000 items: narrow the filter").Detail("field", "filter");
    }
    if (r.expected_count && *r.expected_count != out.count) {
      return base::Error::Conflict("the selection now holds " + std::to_string(out.count) + " items, not " +
                                   std::to_string(*r.expected_count) + ": look at it again")
          .Detail("count", out.count);
    }
    if (ReviewAction(r.action)) {
      ASSAY_ASSIGN_OR_RETURN(storage::Row s, c.QueryOne("SELECT count(*) FROM submissions x JOIN items i ON i.id = "
                                                        "x.item_id WHERE i.project_id = ? AND x.state = 'pending' AND "
                                                        "i.seq IN (" + select + ")",
                                                        [&] {
                                                          storage::Params p{std::string(project_id)};
                                                          p.insert(p.end(), params.begin(), params.end());
                                                          return p;
                                                        }()));
      out.submissions = s.Int(0);
    }
    if (r.action == "set_gold" && r.gold_from != "consensus") {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows s, c.Query("SELECT 1 FROM submissions WHERE id = ? AND item_id = ?",
                                                      {r.gold_from, r.item_ids[0]}));
      if (s.empty()) return base::Error::Invalid("gold_from is not an answer to this item").Detail("field", "gold_from");
    }
    if (r.dry_run) return base::Ok();
    out.job_id = job_id;
    nlohmann::json params_json = {{"reason", r.reason}, {"gold_from", r.gold_from}};
    if (r.overlap) params_json["overlap"] = *r.overlap;
    ASSAY_TRY(c.Exec("INSERT INTO jobs (id, project_id, action, params, state, total, created_by, created_at_us) "
                     "VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
                     {job_id, project_id, r.action, base::Dump(params_json), out.count, caller.user_id, now}));
    storage::Params insert = {job_id};
    insert.insert(insert.end(), params.begin(), params.end());
    ASSAY_TRY(c.Exec("INSERT INTO job_items (job_id, n, seq) SELECT ?, row_number() OVER (ORDER BY picked.seq), "
                     "picked.seq FROM (" + select + ") AS picked",
                     insert));
    ASSAY_TRY(c.Exec("INSERT INTO audit_log (id, project_id, actor_id, action, items, detail, job_id, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {audit_id, project_id, caller.user_id, "bulk_" + r.action, out.count, detail, job_id, now}));
    return base::Ok();
  };
  ASSAY_TRY(db_.Write(write));
  if (!out.job_id.empty()) {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  return out;
}

base::Result<Job> BulkJobs::GetJob(const Caller& caller, std::string_view job_id) {
  Job job;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT " + std::string(kJobColumns) +
                                       " FROM jobs j LEFT JOIN users u ON u.id = j.created_by WHERE j.id = ?",
                                   {job_id}));
    if (rows.empty()) return base::Error::NotFound("no such job");
    job = JobFrom(rows[0]);
    if (job.created_by == caller.user_id && !caller.user_id.empty()) return base::Ok();
    if (!RequireProjectRole(c, caller, job.project_id, {"manager"})) return base::Error::NotFound("no such job");
    return base::Ok();
  }));
  return job;
}

base::Result<std::vector<Job>> BulkJobs::ListJobs(const Caller& caller, std::string_view project_id, int limit) {
  std::vector<Job> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    return c.QueryEach("SELECT " + std::string(kJobColumns) +
                           " FROM jobs j LEFT JOIN users u ON u.id = j.created_by WHERE j.project_id = ? "
                           "ORDER BY j.created_at_us DESC, j.id DESC LIMIT ?",
                       {project_id, std::clamp(limit, 1, kMaxPageSize)}, [&](const storage::Row& r) -> base::Status {
                         out.push_back(JobFrom(r));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<std::vector<AuditEntry>> BulkJobs::Audit(const Caller& caller, std::string_view project_id, int limit) {
  std::vector<AuditEntry> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    return c.QueryEach(
        "SELECT a.id, coalesce(a.actor_id, ''), coalesce(CASE WHEN u.name <> '' THEN u.name ELSE u.email END, ''), "
        "a.action, a.items, a.detail, a.job_id, a.created_at_us FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.project_id = ? ORDER BY a.created_at_us DESC, a.id DESC LIMIT ?",
        {project_id, std::clamp(limit, 1, kMaxPageSize)}, [&](const storage::Row& r) -> base::Status {
          out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Text(5), r.OptText(6), r.Int(7)});
          return base::Ok();
        });
  }));
  return out;
}

base::Result<JsonlExport> BulkJobs::OpenExport(const Caller& caller, std::string_view job_id) {
  ASSAY_ASSIGN_OR_RETURN(Job job, GetJob(caller, job_id));
  if (job.action != "export") return base::Error::NotFound("this job has no export");
  return work_.OpenSelectionExport(caller, job.project_id, job.id);
}

base::Result<bool> BulkJobs::RunOneBatch() {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows open,
                         db_.Query("SELECT id, project_id, action, params, total, done, coalesce(created_by, '') "
                                   "FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at_us, id LIMIT 1"));
  if (open.empty()) return false;
  const storage::Row& j = open[0];
  BulkBatch b;
  b.job_id = j.Text(0);
  b.project_id = j.Text(1);
  b.action = j.Text(2);
  b.actor_id = j.Text(6);
  b.first_n = j.Int(5);
  const int64_t total = j.Int(4);
  auto params = base::ParseJson(j.Text(3));
  if (params && params->is_object()) {
    b.reason = params->value("reason", "");
    b.gold_from = params->value("gold_from", "consensus");
    b.overlap = params->value("overlap", int64_t{0});
  }
  if (b.first_n < total && b.action != "export") {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows seqs, db_.Query("SELECT seq FROM job_items WHERE job_id = ? AND n > ? "
                                                         "ORDER BY n LIMIT ?",
                                                         {b.job_id, b.first_n, kBulkBatchItems}));
    for (const storage::Row& r : seqs) b.seqs.push_back(r.Int(0));
    base::Result<int64_t> applied = work_.ApplyBulkBatch(b);
    if (applied) return true;
    // A batch that fails ends the job: what was done stays done, the rest is not started.
    const std::string error = applied.error().message();
    ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec("UPDATE jobs SET state = 'failed', error = ?, finished_at_us = ? WHERE id = ?",
                       {error, clock_.NowMicros(), b.job_id}));
      return base::Ok();
    }));
    return true;
  }
  // Everything done (an export job has nothing to do item by item): finish and audit it.
  const std::string audit_id = ids_.Next();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row cur, c.QueryOne("SELECT state, changed FROM jobs WHERE id = ?", {b.job_id}));
    if (cur.Text(0) == "done" || cur.Text(0) == "failed") return base::Ok();
    const int64_t now = clock_.NowMicros();
    ASSAY_TRY(c.Exec("UPDATE jobs SET state = 'done', done = total, finished_at_us = ? WHERE id = ?", {now, b.job_id}));
    const nlohmann::json detail = {{"changed", cur.Int(1)}, {"total", total}};
    ASSAY_TRY(c.Exec("INSERT INTO audit_log (id, project_id, actor_id, action, items, detail, job_id, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {audit_id, b.project_id, b.actor_id.empty() ? storage::Value() : storage::Value(b.actor_id),
                      "bulk_" + b.action + "_done", cur.Int(1), base::Dump(detail), b.job_id, now}));
    return base::Ok();
  }));
  return true;
}

base::Status BulkJobs::RunAll() {
  for (;;) {
    ASSAY_ASSIGN_OR_RETURN(bool did, RunOneBatch());
    if (!did) return base::Ok();
  }
}

void BulkJobs::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return stop_ || (!busy_ && !woken_); });
}

void BulkJobs::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    woken_ = false;
    busy_ = true;
    lock.unlock();
    base::Result<bool> did = RunOneBatch();
    lock.lock();
    busy_ = false;
    if (did && *did) continue;
    idle_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(5), [this] { return stop_ || woken_; });
  }
  idle_.notify_all();
}

}  // namespace work
