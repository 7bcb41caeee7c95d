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

// A lease on its way: what AcquireLeaseAsync decided before the write and what the gate read
// (ReadLeaseGate), kept until the write has run; `out` is its answer.
struct Service::LeaseRequest {
  Caller caller;
  std::string project_id, after, new_id, new_token;
  bool sweep = false;  // decided once: a re-run of the write must not lose the sweep
  // From the gate (ReadLeaseGate):
  int64_t lease_us = 0;
  Display display;
  std::optional<base::Error> no_new_lease;
  // The pick: an SQL expression for the next item's id (the candidates in order, one scalar
  // subquery each, in a coalesce), with and without SKIP LOCKED; its parameters; and the cap the
  // chosen item's count must stay under. Items others are taking are skipped first in every
  // candidate; only when none finds an item does the lease wait for them.
  std::string pick, pick_skip_locked;
  storage::Params pick_params;
  int64_t max_overlap = 0;
  std::optional<Lease> out;
};

namespace {

// Her live lease other than `after`, the oldest (there are at most two).
constexpr std::string_view kLiveLeaseSelect =
    "SELECT a.id, a.lease_token, a.lease_expires_at_us, a.item_id, i.data FROM assignments a "
    "JOIN items i ON i.id = a.item_id WHERE a.expert_id = ? AND a.project_id = ? AND a.state = 'leased' "
    "AND a.lease_expires_at_us > ? AND a.id <> ? ORDER BY a.leased_at_us, a.id LIMIT 1";

// Raises the picked item's count if it is still below the cap (an item sent for another label:
// below what it wants). The picks lock the item they return, so this always holds on
// PostgreSQL, and on SQLite's one writer; it stays as the last word on overlap.
constexpr std::string_view kTakeWhere = "AND (taken < want OR taken < ?) ";

}  // namespace

base::Result<std::optional<Lease>> Service::AcquireLease(const Caller& caller, std::string_view project_id,
                                                         std::string_view after) {
  return Await<std::optional<Lease>>([&](Done<std::optional<Lease>> done) {
    AcquireLeaseAsync(caller, project_id, after, std::move(done));
  });
}

base::Status Service::ReadLeaseGate(storage::Conn& c, LeaseRequest& req, bool lock) {
  const Caller& caller = req.caller;
  const std::string& project_id = req.project_id;
  const int64_t read_at_us = clock_.NowMicros();
  // Her membership, the project's settings, her status and whether the items have classes in one
  // statement. With `lock` it locks her membership row: that serializes one expert's leases
  // (concurrent leasers lock instead of conflicting; storage::Conn's row locks).
  std::string sql =
      "SELECT m.role, p.overlap, p.lease_seconds, p.max_overlap, p.requirements, p.contract_id, p.daily_cap, "
      "p.max_share_ppm, p.template, p.hide_models, p.shuffle_responses, p.items_committed_seq, "
      "(SELECT e.status FROM expert_profiles e WHERE e.user_id = m.user_id), "
      "EXISTS (SELECT 1 FROM item_requirement_classes k WHERE k.project_id = p.id)";
  storage::Params params;
  if (!req.after.empty()) {
    sql += ", EXISTS (SELECT 1 FROM assignments a WHERE a.id = ? AND a.expert_id = m.user_id AND a.project_id = p.id)";
    params.push_back(req.after);
  }
  sql += " FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = ? WHERE p.id = ?";
  if (lock) sql += db_.RowLockClause("m", false);
  params.insert(params.end(), {caller.user_id, project_id});
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(sql, params));
  if (rows.empty() || rows[0].Text(0) != "expert" || caller.role == Role::kAdmin) {
    // Not hers to lease from: the precise answer (no such project, or not with her role).
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"expert"}, /*allow_admin=*/false));
    return base::Error::NotFound("no such project");  // her membership changed in between
  }
  const storage::Row& p = rows[0];
  const int64_t overlap = p.Int(1);
  req.lease_us = p.Int(2) * base::kMicrosPerSecond;
  const int64_t max_overlap = p.IsNull(3) ? overlap : std::max(overlap, p.Int(3));
  req.max_overlap = max_overlap;
  const int64_t visible_seq = p.Int(11);
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> tmpl, TemplateFor(project_id, p.Text(8)));
  req.display = Display{p.Int(9) != 0, p.Int(10) != 0, tmpl->response_paths};
  ProjectGate gate{project_id, p.OptText(4), p.OptText(5), p.OptInt(6), p.OptInt(7), max_overlap, p.Text(12),
                   p.Int(13) != 0};
  ASSAY_ASSIGN_OR_RETURN(Route route, RouteExpert(c, caller, gate, read_at_us));
  // A spent budget stops new work, not the work she holds.
  if (pay_observer_ && !route.no_new_lease) {
    route.no_new_lease = pay_observer_->LeaseRefusal(c, gate.project_id, read_at_us);
  }
  if (!req.after.empty() && p.Int(14) == 0) return base::Error::NotFound("no such assignment").Detail("field", "after");
  req.no_new_lease = std::move(route.no_new_lease);

  // The pick: least-covered items first, in import order; never one this expert already had,
  // one an import still running holds (items.h: seq above the visible mark) or one awaiting its
  // responses. With dynamic overlap (quality_observer.h): only undecided items, up to the labels
  // they want now. With item classes (routing.cc): the classes she meets, the scarcest first.
  // Items a manager sent for another label or gave a larger overlap than the project's (bulk.h:
  // items.want above both what they hold and max_overlap) come before all of these, in import
  // order (index items_wanted). One scalar subquery per candidate, tried in order by coalesce
  // (which stops at the first that finds an item), so the pick is one statement.
  const bool dynamic = max_overlap != overlap;
  std::vector<std::string> picks, picks_skip_locked;
  req.pick_params.clear();
  auto add_candidate = [&](const std::optional<std::string>& cls, bool any_class, bool requeued) {
    std::string sql = "(SELECT i.id FROM items i WHERE i.project_id = ? AND i.seq <= ? AND i.awaiting_responses = 0 ";
    req.pick_params.insert(req.pick_params.end(), {project_id, visible_seq});
    if (!any_class) {
      sql += cls ? "AND i.req_class = ? " : "AND i.req_class IS NULL ";
      if (cls) req.pick_params.push_back(*cls);
    }
    if (requeued) {
      sql += "AND i.want > i.taken AND i.want > ? ";
      req.pick_params.push_back(max_overlap);
    } else if (dynamic) {
      sql += "AND i.decided = 0 AND i.taken < ? AND i.taken < CASE WHEN i.want > ? THEN i.want ELSE ? END ";
      req.pick_params.insert(req.pick_params.end(), {max_overlap, overlap, overlap});
    } else {
      sql += "AND i.taken < ? ";
      req.pick_params.push_back(overlap);
    }
    sql += "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.expert_id = ?) ";
    sql += requeued ? "ORDER BY i.seq LIMIT 1" : "ORDER BY i.taken, i.seq LIMIT 1";
    req.pick_params.push_back(caller.user_id);
    picks.push_back(sql + db_.RowLockClause("i", false) + ")");
    picks_skip_locked.push_back(sql + db_.RowLockClause("i", true) + ")");
  };
  for (bool requeued : {true, false}) {
    if (route.classes.empty()) {
      add_candidate(std::nullopt, /*any_class=*/true, requeued);
    } else {
      for (const std::optional<std::string>& cls : route.classes) add_candidate(cls, false, requeued);
    }
  }
  auto coalesce = [](const std::vector<std::string>& subqueries) {
    std::string sql = "coalesce(";
    for (size_t i = 0; i < subqueries.size(); ++i) sql += (i ? ", " : "") + subqueries[i];
    return sql + ")";
  };
  req.pick = coalesce(picks);
  req.pick_skip_locked = coalesce(picks_skip_locked);
  return base::Ok();
}

void Service::AcquireLeaseAsync(const Caller& caller, std::string_view project_id, std::string_view after,
                                Done<std::optional<Lease>> done) {
  auto st = std::make_shared<LeaseRequest>();
  st->caller = caller;
  st->project_id = std::string(project_id);
  st->after = std::string(after);
  // Made outside the write, which may run again and reuses them.
  st->new_id = NewId();
  st->new_token = base::SecureRandomHex(16);
  st->sweep = ShouldSweepLeases(st->project_id, clock_.NowMicros());
  // SQLite: the gate on a reader, outside the one serial writer. PostgreSQL: in the write, as
  // its first statement, which takes the membership row's lock the write needs anyway — one
  // transaction and one round trip instead of a read transaction of its own.
  const bool gate_in_write = db_.dialect() == storage::Dialect::kPostgres;
  if (!gate_in_write) {
    base::Status gate = db_.Read([&](storage::Conn& c) { return ReadLeaseGate(c, *st, /*lock=*/false); });
    if (!gate) return done(std::move(gate).error());
  }
  auto write = [this, st, gate_in_write](storage::Conn& c) -> base::Status {
    const Caller& caller = st->caller;
    const std::string& project_id = st->project_id;
    std::optional<Lease>& out = st->out;
    out.reset();
    ASSAY_TRY(c.UseRowLocking());
    if (gate_in_write) ASSAY_TRY(ReadLeaseGate(c, *st, /*lock=*/true));
    const int64_t now = clock_.NowMicros();
    const int64_t expires = now + st->lease_us;
    // At most two live leases per expert and project (the task on screen and one prefetched):
    // a live one other than `after` is the answer, so retries are safe; a new lease only when
    // every live one is `after`, so there are never more than two.
    const storage::Params live_params = {caller.user_id, project_id, now, st->after};
    auto answer_live = [&](const storage::Row& r) {
      out = Lease{r.Text(0), r.Text(1), r.Int(2), project_id, r.Text(3), r.Text(4), st->display};
    };
    // PostgreSQL: the live lease, the pick and the new assignment in one statement (its CTEs):
    // the pick only when there is no live lease, the assignment only when the pick took an item.
    // Its snapshot is newer than the membership lock, so it sees what her previous call wrote.
    // SQLite (no data-modifying CTEs; each statement costs no round trip): the same, one by one.
    const bool one_statement = db_.dialect() == storage::Dialect::kPostgres && !st->no_new_lease;
    if (!one_statement) {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows live, c.Query(kLiveLeaseSelect, live_params));
      if (!live.empty()) {
        answer_live(live[0]);
        return base::Ok();
      }
      if (st->no_new_lease) return *st->no_new_lease;  // her cap or share: nothing new today
    }
    auto take_sql = [&](const std::string& pick) {
      std::string sql = "UPDATE items SET taken = taken + 1 WHERE id = " + pick + " " + std::string(kTakeWhere) +
                        "RETURNING id, data";
      if (!one_statement) return sql;
      return "WITH live AS (" + std::string(kLiveLeaseSelect) +
             "), picked AS (UPDATE items SET taken = taken + 1 WHERE id = CASE WHEN EXISTS (SELECT 1 FROM live) "
             "THEN NULL ELSE " + pick + " END " + std::string(kTakeWhere) + "RETURNING id, data), "
             "leased AS (INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, "
             "leased_at_us, lease_expires_at_us) SELECT ?, ?, picked.id, ?, 'leased', ?, ?, ? FROM picked) "
             "SELECT 1, live.id, live.lease_token, live.lease_expires_at_us, live.item_id, live.data FROM live "
             "UNION ALL SELECT 0, NULL, NULL, NULL, picked.id, picked.data FROM picked";
    };
    storage::Params params;
    if (one_statement) params = live_params;
    params.insert(params.end(), st->pick_params.begin(), st->pick_params.end());
    params.push_back(st->max_overlap);
    if (one_statement) {
      params.insert(params.end(), {st->new_id, project_id, caller.user_id, st->new_token, now, expires});
    }
    const std::string sql = take_sql(st->pick), sql_skip_locked = take_sql(st->pick_skip_locked);
    // Expired leases go back to the pool: swept at most once a second per project, and always
    // before answering that nothing is left.
    bool swept = false;
    if (st->sweep) {
      ASSAY_TRY(ExpireLeases(c, project_id, now));
      swept = true;
    }
    for (;;) {
      // Items others are taking are skipped first; only when that finds nothing, wait for them.
      ASSAY_ASSIGN_OR_RETURN(storage::Rows taken, c.Query(sql_skip_locked, params));
      if (taken.empty() && sql_skip_locked != sql) {
        ASSAY_ASSIGN_OR_RETURN(taken, c.Query(sql, params));
      }
      if (!taken.empty()) {
        const storage::Row& r = taken[0];
        if (one_statement) {
          if (r.Int(0) == 1) {
            out = Lease{r.Text(1), r.Text(2), r.Int(3), project_id, r.Text(4), r.Text(5), st->display};
          } else {
            out = Lease{st->new_id, st->new_token, expires, project_id, r.Text(4), r.Text(5), st->display};
          }
          return base::Ok();
        }
        Lease lease{st->new_id, st->new_token, expires, project_id, r.Text(0), r.Text(1), st->display};
        ASSAY_TRY(c.Exec("INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, leased_at_us, "
                         "lease_expires_at_us) VALUES (?, ?, ?, ?, 'leased', ?, ?, ?)",
                         {lease.assignment_id, project_id, lease.item_id, caller.user_id, lease.lease_token, now,
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

// A submit on its way: the request, what ReadSubmitContext read and checked, kept until the
// write has run; `result` and `version` are its answer.
struct Service::SubmitRequestState {
  Caller caller;
  SubmitRequest req;
  nlohmann::json answer;  // parsed once, before the write
  // From ReadSubmitContext:
  std::string project_id, item_id;
  std::string answer_hash;
  std::string answer_text;  // the expert's own text, for the browser's search (search.h)
  int64_t item_seq = 0;
  OverlapSettings overlap;
  std::shared_ptr<const ProjectTemplate> tmpl;
  std::string new_id;  // made outside the write; a re-run of the write reuses it
  SubmitResult result;
  int64_t version = 0;
};

base::Status Service::ReadSubmitContext(storage::Conn& c, SubmitRequestState& st, bool lock) {
  // The assignment with its project and item. Column 8: the assignment a submission with this
  // client id belongs to, if any: one used on another assignment is refused here (on SQLite, on
  // a reader: in the write it would fail after taking the lease, which rolls back and re-runs
  // the writer's whole batch). With `lock` (PostgreSQL, in the write) it locks the assignment
  // and the item: submits of one assignment, and of one item (whose labels a submit may count),
  // queue on those rows instead of conflicting and re-running (storage::Conn's row locks).
  std::string sql =
      "SELECT a.expert_id, a.project_id, a.item_id, p.template, i.data, p.overlap, p.max_overlap, "
      "p.target_confidence_ppm, (SELECT s.assignment_id FROM submissions s WHERE s.expert_id = ? AND "
      "s.client_submission_id = ?), i.seq FROM assignments a JOIN projects p ON p.id = a.project_id "
      "JOIN items i ON i.id = a.item_id WHERE a.id = ? AND a.expert_id = ?";  // only her own rows are locked
  if (lock) sql += db_.RowLockClause("a, i", false);
  const SubmitRequest& req = st.req;
  ASSAY_ASSIGN_OR_RETURN(storage::Rows ctx, c.Query(sql, {st.caller.user_id, req.client_submission_id, req.assignment_id,
                                                          st.caller.user_id}));
  if (ctx.empty()) return base::Error::NotFound("no such assignment");
  const storage::Row& r = ctx[0];
  if (!r.IsNull(8) && r.Text(8) != req.assignment_id) return ReusedClientId();
  st.project_id = r.Text(1);
  st.item_id = r.Text(2);
  ASSAY_ASSIGN_OR_RETURN(st.tmpl, TemplateFor(st.project_id, r.Text(3)));
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json data, base::ParseJson(r.Text(4)));
  ASSAY_TRY(st.tmpl->parsed.ValidateAnswer(st.answer, data));
  st.answer_hash = base::Sha256Hex(base::CanonicalJson(st.answer));
  st.answer_text = st.tmpl->parsed.AnswerText(st.answer);
  st.item_seq = r.Int(9);
  st.overlap = OverlapSettings{r.Int(5), r.IsNull(6) ? r.Int(5) : r.Int(6), static_cast<double>(r.Int(7)) / 1e6};
  return base::Ok();
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
  auto st = std::make_shared<SubmitRequestState>();
  st->caller = caller;
  st->req = req;
  st->new_id = NewId();
  // SQLite: the context on a reader, outside the one serial writer. PostgreSQL: in the write, as
  // its first statement, which takes the row locks the write needs anyway.
  const bool context_in_write = db_.dialect() == storage::Dialect::kPostgres;
  base::Status valid = [&]() -> base::Status {
    auto answer = base::ParseJson(req.answer_json);
    if (!answer) return base::Error::Invalid("answer is not valid JSON: " + answer.error().message()).Detail("field", "answer");
    st->answer = std::move(answer).value();
    if (context_in_write) return base::Ok();
    return db_.Read([&](storage::Conn& c) { return ReadSubmitContext(c, *st, /*lock=*/false); });
  }();
  if (!valid) return done(std::move(valid).error());

  auto write = [this, st, context_in_write](storage::Conn& c) -> base::Status {
    const Caller& caller = st->caller;
    const SubmitRequest& req = st->req;
    SubmitResult& result = st->result;
    result = {};
    if (context_in_write) {
      ASSAY_TRY(c.UseRowLocking());
      ASSAY_TRY(ReadSubmitContext(c, *st, /*lock=*/true));
    } else {
      ASSAY_TRY(c.LockRows("SELECT 1 FROM assignments a JOIN items i ON i.id = a.item_id WHERE a.id = ?",
                           {req.assignment_id}));
    }
    const std::string& project_id = st->project_id;
    const std::string& item_id = st->item_id;
    const base::Error reused = ReusedClientId();
    const int64_t now = clock_.NowMicros();
    Submission s{st->new_id, req.assignment_id, item_id, project_id, caller.user_id, req.client_submission_id,
                 req.answer_json, req.active_ms, now, "pending", std::nullopt};
    // The usual case: the caller's live lease with this token becomes submitted, her submission
    // is added and the report's version moves (one of the project's stamp rows, so concurrent
    // submits of the project do not queue on one row; quality_stamps.h). The lease was live, so
    // no submission of this assignment exists yet: a row with this client id is another
    // submission's (rolled back with the lease change).
    const storage::Params take_params = {now, req.assignment_id, caller.user_id, req.lease_token, now};
    const storage::Params add_params = {s.id, s.assignment_id, s.project_id, s.item_id, s.expert_id,
                                        s.client_submission_id, s.answer_json, st->answer_hash, s.active_ms, now};
    constexpr std::string_view kTake =
        "UPDATE assignments SET state = 'submitted', finished_at_us = ? WHERE id = ? AND expert_id = ? "
        "AND state = 'leased' AND lease_token = ? AND lease_expires_at_us > ?";
    constexpr std::string_view kAddColumns =
        "INSERT INTO submissions (id, assignment_id, project_id, item_id, expert_id, client_submission_id, "
        "answer, answer_hash, active_ms, submitted_at_us) ";
    constexpr std::string_view kAddValues = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    constexpr std::string_view kAddConflict = " ON CONFLICT (expert_id, client_submission_id) DO NOTHING";
    bool taken = false, added = false;
    if (c.dialect() == storage::Dialect::kPostgres) {
      // All three in one statement (data-modifying CTEs): each step only when the one before it
      // changed a row. The stamp is BumpQualityStamp's upsert.
      storage::Params params = take_params;
      params.insert(params.end(), add_params.begin(), add_params.end());
      params.push_back(QualityShard(item_id));
      ASSAY_ASSIGN_OR_RETURN(
          storage::Rows rows,
          c.Query("WITH taken AS (" + std::string(kTake) + " RETURNING 1), added AS (" + std::string(kAddColumns) +
                      "SELECT v.* FROM (VALUES " + std::string(kAddValues) + ") v WHERE EXISTS (SELECT 1 FROM taken)" +
                      std::string(kAddConflict) + " RETURNING project_id), stamped AS (INSERT INTO quality_stamps "
                      "(project_id, shard, changes) SELECT added.project_id, ?, 1 FROM added ON CONFLICT "
                      "(project_id, shard) DO UPDATE SET changes = quality_stamps.changes + 1) "
                      "SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM added)",
                  params));
      taken = rows[0].Int(0) == 1;
      added = rows[0].Int(1) == 1;
    } else {
      ASSAY_ASSIGN_OR_RETURN(int64_t n, c.Exec(kTake, take_params));
      taken = n == 1;
      if (taken) {
        ASSAY_ASSIGN_OR_RETURN(n, c.Exec(std::string(kAddColumns) + "VALUES " + std::string(kAddValues) +
                                             std::string(kAddConflict), add_params));
        added = n == 1;
        if (added) ASSAY_TRY(BumpQualityStamp(c, project_id, item_id));
      }
    }
    if (!taken) {
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
    if (!added) return reused;
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
