// The work loop: leases, submit, return, renew.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

#include "base/hash.h"
#include "base/json.h"
#include "base/rng.h"
#include "work/internal.h"
#include "work/search.h"
#include "work/quality_stamps.h"
#include "work/service.h"

namespace work {
namespace {

constexpr int64_t kMaxActiveMs = 30LL * 24 * 3600 * 1000;

base::Error ReusedClientId() {
  return base::Error::Conflict("client_submission_id was already used for a different submission")
      .Detail("field", "client_submission_id");
}

base::Error LeaseLost(std::string message) { return base::Error(base::ErrorCode::kLeaseLost, std::move(message)); }

bool TokenMatches(const std::string& stored, std::string_view given) {
  return stored.size() == given.size() && base::ConstantTimeEquals(stored, given);
}

// Marks the project's leases that ran out as expired and gives their items back to the pool.
base::Status ExpireLeases(storage::Conn& c, std::string_view project_id, int64_t now_us) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows expired,
                         c.Query("UPDATE assignments SET state = 'expired', finished_at_us = lease_expires_at_us "
                                 "WHERE project_id = ? AND state = 'leased' AND lease_expires_at_us <= ? RETURNING item_id",
                                 {project_id, now_us}));
  for (const storage::Row& r : expired) {
    ASSAY_TRY(c.Exec("UPDATE items SET taken = taken - 1 WHERE id = ?", {r.Text(0)}));
  }
  return base::Ok();
}

struct LiveAssignment {
  std::string project_id, item_id, expert_id, state, lease_token;
  int64_t expires_at_us = 0;
};

// The caller's assignment with a lease that is still live and whose token matches.
base::Result<LiveAssignment> RequireLiveLease(storage::Conn& c, const Caller& caller, std::string_view assignment_id,
                                              std::string_view lease_token, int64_t now_us) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT project_id, item_id, expert_id, state, lease_token, lease_expires_at_us "
                                 "FROM assignments WHERE id = ?",
                                 {assignment_id}));
  if (rows.empty() || rows[0].Text(2) != caller.user_id) return base::Error::NotFound("no such assignment");
  LiveAssignment a{rows[0].Text(0), rows[0].Text(1), rows[0].Text(2), rows[0].Text(3), rows[0].Text(4), rows[0].Int(5)};
  if (a.state == "submitted") return base::Error::Conflict("this assignment was already submitted");
  if (a.state != "leased") return LeaseLost("the lease was " + a.state);
  if (!TokenMatches(a.lease_token, lease_token)) return LeaseLost("the lease token is not the current one");
  if (a.expires_at_us <= now_us) return LeaseLost("the lease expired");
  return a;
}

}  // namespace

base::Result<std::optional<Lease>> Service::AcquireLease(const Caller& caller, std::string_view project_id,
                                                         std::string_view after) {
  return Await<std::optional<Lease>>([&](Done<std::optional<Lease>> done) {
    AcquireLeaseAsync(caller, project_id, after, std::move(done));
  });
}

void Service::AcquireLeaseAsync(const Caller& caller, std::string_view project_id, std::string_view after,
                                Done<std::optional<Lease>> done) {
  // Access, settings and whether she may take this work are read outside the writer, the one
  // serial resource.
  int64_t overlap = 0, lease_us = 0, max_overlap = 0, visible_seq = 0;
  Route route;
  Display display;
  const int64_t read_at_us = clock_.NowMicros();
  base::Status access = db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"expert"}, /*allow_admin=*/false));
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT overlap, lease_seconds, max_overlap, requirements, "
                                                      "contract_id, daily_cap, max_share_ppm, template, hide_models, "
                                                      "shuffle_responses, items_committed_seq FROM projects WHERE id = ?",
                                                      {project_id}));
    overlap = p.Int(0);
    visible_seq = p.Int(10);
    lease_us = p.Int(1) * base::kMicrosPerSecond;
    max_overlap = p.IsNull(2) ? overlap : std::max(overlap, p.Int(2));
    ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> tmpl, TemplateFor(std::string(project_id), p.Text(7)));
    display = Display{p.Int(8) != 0, p.Int(9) != 0, tmpl->response_paths};
    ProjectGate gate{std::string(project_id), p.OptText(3), p.OptText(4), p.OptInt(5), p.OptInt(6), max_overlap};
    ASSAY_ASSIGN_OR_RETURN(route, RouteExpert(c, caller, gate, read_at_us));
    // A spent budget stops new work, not the work she holds.
    if (pay_observer_ && !route.no_new_lease) {
      route.no_new_lease = pay_observer_->LeaseRefusal(c, gate.project_id, read_at_us);
    }
    if (after.empty()) return base::Ok();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows held, c.Query("SELECT 1 FROM assignments WHERE id = ? AND expert_id = ? "
                                                       "AND project_id = ?", {after, caller.user_id, project_id}));
    if (held.empty()) return base::Error::NotFound("no such assignment").Detail("field", "after");
    return base::Ok();
  });
  if (!access) return done(std::move(access).error());
  // One way to pick the next item: its SQL with and without SKIP LOCKED, and its parameters.
  struct Candidate {
    std::string sql, sql_skip_locked;
    storage::Params params;
  };
  // What the write needs, kept until it has run; `out` is its answer.
  struct State {
    Caller caller;
    std::string project_id, after, new_id, new_token;
    bool sweep = false;  // decided once: a re-run of the write must not lose the sweep
    std::vector<Candidate> candidates;  // tried in order
    std::optional<base::Error> no_new_lease;
    int64_t lease_us = 0;
    Display display;
    std::optional<Lease> out;
  };
  auto st = std::make_shared<State>();
  st->caller = caller;
  st->project_id = std::string(project_id);
  st->after = std::string(after);
  st->lease_us = lease_us;
  st->new_id = NewId();
  st->new_token = base::SecureRandomHex(16);
  st->sweep = ShouldSweepLeases(st->project_id, clock_.NowMicros());
  st->no_new_lease = std::move(route.no_new_lease);
  st->display = std::move(display);
  // Least-covered items first, in import order; never one this expert already had, one an import
  // still running holds (items.h: seq above the visible mark) or one awaiting its responses. With
  // dynamic overlap (quality_observer.h): only undecided items, up to the labels they want now.
  // With item classes (routing.cc): the classes she meets, the scarcest first. The chosen item's
  // count goes up in the same statement. Built once, outside the writer (the one serial
  // resource), like the new lease's id and token: the write may run again, and reuses them.
  const bool dynamic = max_overlap != overlap;
  auto take_sql = [&](std::string_view class_filter, std::string_view lock) {
    std::string sql = "UPDATE items SET taken = taken + 1 WHERE id = (SELECT i.id FROM items i WHERE i.project_id = ? "
                      "AND i.seq <= ? AND i.awaiting_responses = 0 ";
    sql += class_filter;
    sql += dynamic ? "AND i.decided = 0 AND i.taken < ? AND i.taken < CASE WHEN i.want > ? THEN i.want ELSE ? END "
                   : "AND i.taken < ? ";
    sql += "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.expert_id = ?) "
           "ORDER BY i.taken, i.seq LIMIT 1";
    sql += lock;
    return sql + ") AND taken < ? RETURNING id, data";
  };
  // Items a manager sent for another label or gave a larger overlap than the project's (bulk.h:
  // items.want above both what they hold and max_overlap) come first, in import order (index
  // items_wanted). Below the project's cap the queries after these find them.
  auto requeued_sql = [&](std::string_view class_filter, std::string_view lock) {
    std::string sql = "UPDATE items SET taken = taken + 1 WHERE id = (SELECT i.id FROM items i WHERE i.project_id = ? "
                      "AND i.seq <= ? AND i.awaiting_responses = 0 ";
    sql += class_filter;
    sql += "AND i.want > i.taken AND i.want > ? AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.expert_id = ?) "
           "ORDER BY i.seq LIMIT 1";
    sql += lock;
    return sql + ") AND taken < want RETURNING id, data";
  };
  auto add_candidate = [&](const std::optional<std::string>& cls, bool any_class, bool requeued) {
    const std::string filter = any_class ? "" : cls ? "AND i.req_class = ? " : "AND i.req_class IS NULL ";
    storage::Params params = {st->project_id, visible_seq};
    if (!any_class && cls) params.push_back(*cls);
    if (requeued) {
      params.push_back(max_overlap);
      params.push_back(caller.user_id);
      st->candidates.push_back({requeued_sql(filter, db_.RowLockClause("i", false)),
                                requeued_sql(filter, db_.RowLockClause("i", true)), std::move(params)});
      return;
    }
    if (dynamic) {
      params.insert(params.end(), {max_overlap, overlap, overlap});
    } else {
      params.push_back(overlap);
    }
    params.insert(params.end(), {caller.user_id, max_overlap});
    st->candidates.push_back({take_sql(filter, db_.RowLockClause("i", false)),
                              take_sql(filter, db_.RowLockClause("i", true)), std::move(params)});
  };
  for (bool requeued : {true, false}) {
    if (route.classes.empty()) {
      add_candidate(std::nullopt, /*any_class=*/true, requeued);
    } else {
      for (const std::optional<std::string>& cls : route.classes) add_candidate(cls, false, requeued);
    }
  }
  auto write = [this, st](storage::Conn& c) -> base::Status {
    const Caller& caller = st->caller;
    const std::string& project_id = st->project_id;
    std::optional<Lease>& out = st->out;
    out.reset();
    // Concurrent leasers lock instead of conflicting (PostgreSQL; storage::Conn's row locks): the
    // expert's membership row serializes one expert's calls, and the candidate query's lock
    // clause (SKIP LOCKED first) hands each caller a different item.
    ASSAY_TRY(c.LockRows("SELECT 1 FROM project_members WHERE project_id = ? AND user_id = ?", {project_id, caller.user_id}));
    const int64_t now = clock_.NowMicros();
    // At most two live leases per expert and project (the task on screen and one prefetched):
    // a live one other than `after` is the answer, so retries are safe; a new lease only when
    // every live one is `after`, so there are never more than two.
    ASSAY_ASSIGN_OR_RETURN(storage::Rows live,
                           c.Query("SELECT a.id, a.lease_token, a.lease_expires_at_us, a.item_id, i.data "
                                   "FROM assignments a JOIN items i ON i.id = a.item_id WHERE a.expert_id = ? "
                                   "AND a.project_id = ? AND a.state = 'leased' AND a.lease_expires_at_us > ? "
                                   "ORDER BY a.leased_at_us, a.id LIMIT 2",
                                   {caller.user_id, project_id, now}));
    for (const storage::Row& r : live) {
      if (r.Text(0) == st->after) continue;
      out = Lease{r.Text(0), r.Text(1), r.Int(2), project_id, r.Text(3), r.Text(4), st->display};
      return base::Ok();
    }
    if (st->no_new_lease) return *st->no_new_lease;  // her cap or share: nothing new today
    // Expired leases go back to the pool: swept at most once a second per project, and always
    // before answering that nothing is left.
    bool swept = false;
    if (st->sweep) {
      ASSAY_TRY(ExpireLeases(c, project_id, now));
      swept = true;
    }
    for (;;) {
      for (const Candidate& cand_sql : st->candidates) {
        ASSAY_ASSIGN_OR_RETURN(storage::Rows cand, c.Query(cand_sql.sql_skip_locked, cand_sql.params));
        if (cand.empty() && cand_sql.sql_skip_locked != cand_sql.sql) {
          // before moving on, wait for the items others hold
          ASSAY_ASSIGN_OR_RETURN(cand, c.Query(cand_sql.sql, cand_sql.params));
        }
        if (cand.empty()) continue;
        const std::string& item_id = cand[0].Text(0);
        Lease lease{st->new_id, st->new_token, now + st->lease_us, project_id, item_id, cand[0].Text(1), st->display};
        ASSAY_TRY(c.Exec("INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, leased_at_us, "
                         "lease_expires_at_us) VALUES (?, ?, ?, ?, 'leased', ?, ?, ?)",
                         {lease.assignment_id, project_id, item_id, caller.user_id, lease.lease_token, now,
                          lease.expires_at_us}));
        out = std::move(lease);
        return base::Ok();
      }
      if (swept) return base::Ok();
      ASSAY_TRY(ExpireLeases(c, project_id, now));
      swept = true;
    }
  };
  db_.WriteAsync(std::move(write), [st, done = std::move(done)](base::Status written) {
    if (!written) return done(std::move(written).error());
    done(std::move(st->out));
  });
}

bool Service::ShouldSweepLeases(std::string_view project_id, int64_t now_us) {
  std::lock_guard lock(sweep_mu_);
  if (last_sweep_us_.size() > 4096) last_sweep_us_.clear();
  auto [it, inserted] = last_sweep_us_.try_emplace(std::string(project_id), now_us);
  if (inserted) return true;
  if (now_us - it->second < base::kMicrosPerSecond && now_us >= it->second) return false;
  it->second = now_us;
  return true;
}

base::Result<Assignment> Service::GetAssignment(const Caller& caller, std::string_view assignment_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         db_.Query("SELECT a.id, a.project_id, a.item_id, a.expert_id, a.state, a.leased_at_us, "
                                   "a.lease_expires_at_us, a.finished_at_us, i.data, p.template, p.hide_models, "
                                   "p.shuffle_responses FROM assignments a JOIN items i ON i.id = a.item_id "
                                   "JOIN projects p ON p.id = a.project_id WHERE a.id = ?",
                                   {assignment_id}));
  if (rows.empty()) return base::Error::NotFound("no such assignment");
  const storage::Row& r = rows[0];
  if (r.Text(3) != caller.user_id && caller.role != Role::kAdmin) return base::Error::NotFound("no such assignment");
  Assignment a{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6), r.OptInt(7), r.Text(8)};
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> tmpl, TemplateFor(a.project_id, r.Text(9)));
  a.display = Display{r.Int(10) != 0, r.Int(11) != 0, tmpl->response_paths};
  if (a.state == "leased" && a.lease_expires_at_us <= clock_.NowMicros()) a.state = "expired";
  return a;
}

base::Result<int64_t> Service::RenewLease(const Caller& caller, std::string_view assignment_id,
                                          std::string_view lease_token) {
  int64_t expires = 0;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(LiveAssignment a, RequireLiveLease(c, caller, assignment_id, lease_token, now));
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT lease_seconds FROM projects WHERE id = ?", {a.project_id}));
    expires = now + p.Int(0) * base::kMicrosPerSecond;
    ASSAY_TRY(c.Exec("UPDATE assignments SET lease_expires_at_us = ? WHERE id = ?", {expires, assignment_id}));
    return base::Ok();
  }));
  return expires;
}

base::Status Service::ReturnAssignment(const Caller& caller, std::string_view assignment_id,
                                       std::string_view lease_token, std::string_view reason,
                                       std::string_view note) {
  if (!reason.empty() && std::find(std::begin(kSkipReasons), std::end(kSkipReasons), reason) == std::end(kSkipReasons)) {
    return base::Error::Invalid("reason must be outside_expertise, broken_item or other").Detail("field", "reason");
  }
  if (note.size() > 2000) return base::Error::Invalid("the note is longer than 2,000 characters").Detail("field", "note");
  if (reason.empty() && !note.empty()) return base::Error::Invalid("a note goes with a reason").Detail("field", "reason");
  const std::string skip_id = reason.empty() ? "" : NewId();
  return db_.Write([&](storage::Conn& c) -> base::Status {
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(LiveAssignment a, RequireLiveLease(c, caller, assignment_id, lease_token, now));
    ASSAY_TRY(c.Exec("UPDATE assignments SET state = 'returned', finished_at_us = ? WHERE id = ?", {now, assignment_id}));
    ASSAY_TRY(c.Exec("UPDATE items SET taken = taken - 1 WHERE id = ?", {a.item_id}));
    if (reason.empty()) return base::Ok();
    ASSAY_TRY(c.Exec("INSERT INTO skips (id, assignment_id, project_id, item_id, expert_id, reason, note, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {skip_id, assignment_id, a.project_id, a.item_id, caller.user_id, reason, note, now}));
    return RefreshStats(c, a.project_id, a.item_id);
  });
}

base::Result<SubmitResult> Service::Submit(const Caller& caller, const SubmitRequest& req) {
  return Await<SubmitResult>([&](Done<SubmitResult> done) { SubmitAsync(caller, req, std::move(done)); });
}

void Service::SubmitAsync(const Caller& caller, const SubmitRequest& req, Done<SubmitResult> done) {
  if (req.client_submission_id.empty() || req.client_submission_id.size() > 200) {
    return done(base::Error::Invalid("client_submission_id must have 1 to 200 characters")
                    .Detail("field", "client_submission_id"));
  }
  if (req.active_ms < 0 || req.active_ms > kMaxActiveMs) {
    return done(base::Error::Invalid("active_ms must be between 0 and 30 days").Detail("field", "active_ms"));
  }
  if (req.lease_token.empty()) return done(base::Error::Invalid("lease_token is required").Detail("field", "lease_token"));
  // What the write needs, kept until it has run; `result` and `version` are its answer.
  struct State {
    Caller caller;
    SubmitRequest req;
    std::string answer_hash;
    std::string answer_text;  // the expert's own text, for the browser's search (search.h)
    int64_t item_seq = 0;
    std::string new_id;  // made outside the writer; a re-run of the write reuses it
    OverlapSettings overlap;
    std::shared_ptr<const ProjectTemplate> tmpl;
    SubmitResult result;
    int64_t version = 0;
  };
  auto st = std::make_shared<State>();
  // Validate outside the writer: it is the one serial resource.
  base::Status valid = [&]() -> base::Status {
    // Column 8: the assignment a submission with this client id belongs to, if any. One used on
    // another assignment is refused here, on a reader: in the write it would fail after taking the
    // lease, which rolls back and re-runs the writer's whole batch.
    ASSAY_ASSIGN_OR_RETURN(storage::Rows ctx,
                           db_.Query("SELECT a.expert_id, a.project_id, a.item_id, p.template, i.data, p.overlap, "
                                     "p.max_overlap, p.target_confidence_ppm, (SELECT s.assignment_id FROM submissions s "
                                     "WHERE s.expert_id = ? AND s.client_submission_id = ?), i.seq FROM assignments a "
                                     "JOIN projects p ON p.id = a.project_id JOIN items i ON i.id = a.item_id WHERE a.id = ?",
                                     {caller.user_id, req.client_submission_id, req.assignment_id}));
    if (ctx.empty() || ctx[0].Text(0) != caller.user_id) return base::Error::NotFound("no such assignment");
    if (!ctx[0].IsNull(8) && ctx[0].Text(8) != req.assignment_id) return ReusedClientId();
    auto answer = base::ParseJson(req.answer_json);
    if (!answer) return base::Error::Invalid("answer is not valid JSON: " + answer.error().message()).Detail("field", "answer");
    ASSAY_ASSIGN_OR_RETURN(st->tmpl, TemplateFor(ctx[0].Text(1), ctx[0].Text(3)));
    ASSAY_ASSIGN_OR_RETURN(nlohmann::json data, base::ParseJson(ctx[0].Text(4)));
    ASSAY_TRY(st->tmpl->parsed.ValidateAnswer(*answer, data));
    st->answer_hash = base::Sha256Hex(base::CanonicalJson(*answer));
    st->answer_text = st->tmpl->parsed.AnswerText(*answer);
    st->item_seq = ctx[0].Int(9);
    st->overlap = OverlapSettings{ctx[0].Int(5), ctx[0].IsNull(6) ? ctx[0].Int(5) : ctx[0].Int(6),
                                  static_cast<double>(ctx[0].Int(7)) / 1e6};
    return base::Ok();
  }();
  if (!valid) return done(std::move(valid).error());
  st->caller = caller;
  st->req = req;
  st->new_id = NewId();

  auto write = [this, st](storage::Conn& c) -> base::Status {
    const Caller& caller = st->caller;
    const SubmitRequest& req = st->req;
    SubmitResult& result = st->result;
    result = {};
    // Submits of one assignment, and of one item (whose labels a submit may count), queue on
    // those rows instead of conflicting and re-running (PostgreSQL; storage::Conn's row locks).
    ASSAY_TRY(c.LockRows("SELECT 1 FROM assignments a JOIN items i ON i.id = a.item_id WHERE a.id = ?", {req.assignment_id}));
    const base::Error reused = ReusedClientId();
    const int64_t now = clock_.NowMicros();
    // The usual case in one statement: the caller's live lease with this token becomes submitted.
    ASSAY_ASSIGN_OR_RETURN(storage::Rows taken,
                           c.Query("UPDATE assignments SET state = 'submitted', finished_at_us = ? WHERE id = ? "
                                   "AND expert_id = ? AND state = 'leased' AND lease_token = ? AND lease_expires_at_us > ? "
                                   "RETURNING project_id, item_id",
                                   {now, req.assignment_id, caller.user_id, req.lease_token, now}));
    if (taken.empty()) {
      // Why not: the precise error, or a retry of a submit that went through (its lease is gone):
      // answer that submission.
      base::Result<LiveAssignment> live = RequireLiveLease(c, caller, req.assignment_id, req.lease_token, now);
      if (live) return base::Error::Internal("live lease not taken by submit");
      ASSAY_ASSIGN_OR_RETURN(storage::Rows prior,
                             c.Query("SELECT id, assignment_id, answer_hash FROM submissions "
                                     "WHERE expert_id = ? AND client_submission_id = ?",
                                     {caller.user_id, req.client_submission_id}));
      if (prior.empty()) return std::move(live).error();
      if (prior[0].Text(1) != req.assignment_id || prior[0].Text(2) != st->answer_hash) return reused;
      ASSAY_ASSIGN_OR_RETURN(result.submission, internal::LoadSubmission(c, prior[0].Text(0)));
      result.created = false;
      return base::Ok();
    }
    const std::string& project_id = taken[0].Text(0);
    const std::string& item_id = taken[0].Text(1);
    Submission s{st->new_id, req.assignment_id, item_id, project_id, caller.user_id, req.client_submission_id,
                 req.answer_json, req.active_ms, now, "pending", std::nullopt};
    // The lease was live, so no submission of this assignment exists yet: a row with this client
    // id is another submission's (rolled back with the lease change above).
    ASSAY_ASSIGN_OR_RETURN(
        int64_t inserted,
        c.Exec("INSERT INTO submissions (id, assignment_id, project_id, item_id, expert_id, client_submission_id, "
               "answer, answer_hash, active_ms, submitted_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (expert_id, client_submission_id) DO NOTHING",
               {s.id, s.assignment_id, s.project_id, s.item_id, s.expert_id, s.client_submission_id, s.answer_json,
                st->answer_hash, s.active_ms, now}));
    if (inserted != 1) return reused;
    // The report's version: one of the project's stamp rows, so concurrent submits of the
    // project do not queue on one row (quality_stamps.h); the sum only when someone reads it.
    ASSAY_TRY(BumpQualityStamp(c, project_id, item_id));
    st->version = 0;
    if (quality_observer_ && quality_observer_->WantsVersion(st->overlap.dynamic())) {
      ASSAY_ASSIGN_OR_RETURN(st->version, QualityVersion(c, project_id));
    }
    if (st->overlap.dynamic()) {
      if (quality_observer_) {
        ASSAY_TRY(quality_observer_->DecideItem(c, project_id, item_id, st->tmpl->label_fields, st->overlap));
      } else {
        ASSAY_TRY(c.Exec("UPDATE items SET decided = 1 WHERE id = ? AND taken >= ?", {item_id, st->overlap.max_overlap}));
      }
    }
    ASSAY_TRY(RefreshStats(c, project_id, item_id, st->tmpl->label_fields));
    ASSAY_TRY(IndexText(c, project_id, st->item_seq, st->answer_text));
    result.submission = std::move(s);
    result.created = true;
    return base::Ok();
  };
  db_.WriteAsync(std::move(write), [this, st, done = std::move(done)](base::Status written) {
    if (!written) return done(std::move(written).error());
    if (st->result.created && quality_observer_) {
      quality_observer_->Submitted(st->result.submission.project_id, st->version, st->overlap.dynamic());
    }
    done(std::move(st->result));
  });
}

}  // namespace work
