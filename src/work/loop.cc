// The work loop: leases, submit, return, renew, review, lists, stats and export.
#include <nlohmann/json.hpp>

#include "base/hash.h"
#include "base/json.h"
#include "base/rng.h"
#include "work/render.h"
#include "work/service.h"

namespace work {
namespace {

constexpr int64_t kMaxActiveMs = 30LL * 24 * 3600 * 1000;

constexpr std::string_view kSubmissionSelect =
    "SELECT s.id, s.assignment_id, s.item_id, s.project_id, s.expert_id, s.client_submission_id, s.answer, "
    "s.active_ms, s.submitted_at_us, s.state, r.id, r.reviewer_id, r.verdict, r.reason, r.created_at_us "
    "FROM submissions s LEFT JOIN reviews r ON r.id = "
    "(SELECT r2.id FROM reviews r2 WHERE r2.submission_id = s.id ORDER BY r2.created_at_us DESC, r2.id DESC LIMIT 1) ";
// kSubmissionSelect with who submitted and the item's external id after its columns (15-17),
// in one query instead of one per row.
std::string SubmissionWithContextSelect() {
  std::string sql(kSubmissionSelect);
  sql.insert(sql.find(" FROM submissions s "), ", u.email, u.name, i.external_id");
  return sql + "LEFT JOIN users u ON u.id = s.expert_id LEFT JOIN items i ON i.id = s.item_id ";
}

Submission SubmissionFromRow(const storage::Row& r) {
  Submission s{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Int(7), r.Int(8),
               r.Text(9), std::nullopt};
  if (!r.IsNull(10)) s.review = Review{r.Text(10), s.id, r.Text(11), r.Text(12), r.Text(13), r.Int(14)};
  return s;
}

base::Result<Submission> LoadSubmission(storage::Conn& c, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kSubmissionSelect) + "WHERE s.id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such submission");
  return SubmissionFromRow(rows[0]);
}

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

std::string TrimmedReason(std::string_view reason) {
  size_t b = reason.find_first_not_of(" \t\r\n"), e = reason.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(reason.substr(b, e - b + 1));
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
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
  // Access and project settings are read outside the writer, the one serial resource.
  int64_t overlap = 0, lease_us = 0, max_overlap = 0;
  base::Status access = db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(internal::RequireProjectRole(c, caller, project_id, {"expert"}, /*allow_admin=*/false));
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT overlap, lease_seconds, max_overlap FROM projects WHERE id = ?",
                                                      {project_id}));
    overlap = p.Int(0);
    lease_us = p.Int(1) * base::kMicrosPerSecond;
    max_overlap = p.IsNull(2) ? overlap : std::max(overlap, p.Int(2));
    if (after.empty()) return base::Ok();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows held, c.Query("SELECT 1 FROM assignments WHERE id = ? AND expert_id = ? "
                                                       "AND project_id = ?", {after, caller.user_id, project_id}));
    if (held.empty()) return base::Error::NotFound("no such assignment").Detail("field", "after");
    return base::Ok();
  });
  if (!access) return done(std::move(access).error());
  // What the write needs, kept until it has run; `out` is its answer.
  struct State {
    Caller caller;
    std::string project_id, after, candidate_sql, candidate_sql_skip_locked, new_id, new_token;
    bool sweep = false;  // decided once: a re-run of the write must not lose the sweep
    storage::Params candidate_params;
    int64_t lease_us = 0;
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
  // Least-covered items first, in import order; never one this expert already had. With
  // dynamic overlap (quality.h): only undecided items, up to the labels they want now. The
  // chosen item's count goes up in the same statement. Built once, outside the writer (the one
  // serial resource), like the new lease's id and token: the write may run again, and reuses them.
  const bool dynamic = max_overlap != overlap;
  auto take_sql = [&](std::string_view lock) {
    std::string sql = "UPDATE items SET taken = taken + 1 WHERE id = (SELECT i.id FROM items i WHERE i.project_id = ? ";
    sql += dynamic ? "AND i.decided = 0 AND i.taken < ? AND i.taken < CASE WHEN i.want > ? THEN i.want ELSE ? END "
                   : "AND i.taken < ? ";
    sql += "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.expert_id = ?) "
           "ORDER BY i.taken, i.seq LIMIT 1";
    sql += lock;
    return sql + ") AND taken < ? RETURNING id, data";
  };
  st->candidate_sql = take_sql(db_.RowLockClause("i", false));
  st->candidate_sql_skip_locked = take_sql(db_.RowLockClause("i", true));
  st->candidate_params = dynamic ? storage::Params{st->project_id, max_overlap, overlap, overlap, caller.user_id, max_overlap}
                                 : storage::Params{st->project_id, overlap, caller.user_id, max_overlap};
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
      out = Lease{r.Text(0), r.Text(1), r.Int(2), project_id, r.Text(3), r.Text(4)};
      return base::Ok();
    }
    // Expired leases go back to the pool: swept at most once a second per project, and always
    // before answering that nothing is left.
    bool swept = false;
    if (st->sweep) {
      ASSAY_TRY(ExpireLeases(c, project_id, now));
      swept = true;
    }
    bool skip_locked = st->candidate_sql_skip_locked != st->candidate_sql;
    for (;;) {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows cand, c.Query(skip_locked ? st->candidate_sql_skip_locked : st->candidate_sql,
                                                         st->candidate_params));
      if (cand.empty() && skip_locked) {  // before answering "none left", wait for the items others hold
        skip_locked = false;
        continue;
      }
      if (cand.empty()) {
        if (swept) return base::Ok();
        ASSAY_TRY(ExpireLeases(c, project_id, now));
        swept = true;
        continue;
      }
      const std::string& item_id = cand[0].Text(0);
      Lease lease{st->new_id, st->new_token, now + st->lease_us, project_id, item_id, cand[0].Text(1)};
      ASSAY_TRY(c.Exec("INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, leased_at_us, "
                       "lease_expires_at_us) VALUES (?, ?, ?, ?, 'leased', ?, ?, ?)",
                       {lease.assignment_id, project_id, item_id, caller.user_id, lease.lease_token, now,
                        lease.expires_at_us}));
      out = std::move(lease);
      return base::Ok();
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
                                   "a.lease_expires_at_us, a.finished_at_us, i.data FROM assignments a "
                                   "JOIN items i ON i.id = a.item_id WHERE a.id = ?",
                                   {assignment_id}));
  if (rows.empty()) return base::Error::NotFound("no such assignment");
  const storage::Row& r = rows[0];
  if (r.Text(3) != caller.user_id && caller.role != Role::kAdmin) return base::Error::NotFound("no such assignment");
  Assignment a{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6), r.OptInt(7), r.Text(8)};
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
                                       std::string_view lease_token) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(LiveAssignment a, RequireLiveLease(c, caller, assignment_id, lease_token, now));
    ASSAY_TRY(c.Exec("UPDATE assignments SET state = 'returned', finished_at_us = ? WHERE id = ?", {now, assignment_id}));
    ASSAY_TRY(c.Exec("UPDATE items SET taken = taken - 1 WHERE id = ?", {a.item_id}));
    return base::Ok();
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
    std::string new_id;  // made outside the writer; a re-run of the write reuses it
    OverlapSettings overlap;
    std::shared_ptr<const ProjectTemplate> tmpl;
    std::shared_ptr<const QualityReport> skills;
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
                                     "WHERE s.expert_id = ? AND s.client_submission_id = ?) FROM assignments a "
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
    st->overlap = OverlapSettings{ctx[0].Int(5), ctx[0].IsNull(6) ? ctx[0].Int(5) : ctx[0].Int(6),
                                  static_cast<double>(ctx[0].Int(7)) / 1e6};
    if (st->overlap.dynamic()) st->skills = CachedQuality(ctx[0].Text(1));
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
      ASSAY_ASSIGN_OR_RETURN(result.submission, LoadSubmission(c, prior[0].Text(0)));
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
    ASSAY_ASSIGN_OR_RETURN(storage::Row v, c.QueryOne("UPDATE projects SET quality_version = quality_version + 1 "
                                                      "WHERE id = ? RETURNING quality_version", {project_id}));
    st->version = v.Int(0);
    if (st->overlap.dynamic()) ASSAY_TRY(DecideItem(c, item_id, st->tmpl->label_fields, st->overlap, st->skills.get()));
    result.submission = std::move(s);
    result.created = true;
    return base::Ok();
  };
  db_.WriteAsync(std::move(write), [this, st, done = std::move(done)](base::Status written) {
    if (!written) return done(std::move(written).error());
    if (st->result.created && st->overlap.dynamic()) RefreshQualityIfBehind(st->result.submission.project_id, st->version);
    done(std::move(st->result));
  });
}

base::Result<Submission> Service::GetSubmission(const Caller& caller, std::string_view submission_id) {
  Submission s;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(s, LoadSubmission(c, submission_id));
    if (s.expert_id == caller.user_id) return base::Ok();
    if (!internal::RequireProjectRole(c, caller, s.project_id, {"manager", "reviewer"})) {
      return base::Error::NotFound("no such submission");
    }
    return base::Ok();
  }));
  return s;
}

base::Result<Page<Submission>> Service::ListSubmissions(const Caller& caller, std::string_view project_id,
                                                        const SubmissionFilter& filter, int limit,
                                                        std::string_view cursor) {
  if (filter.state && *filter.state != "pending" && *filter.state != "approved" && *filter.state != "rejected") {
    return base::Error::Invalid("state must be pending, approved or rejected").Detail("field", "state");
  }
  limit = std::clamp(limit <= 0 ? 100 : limit, 1, kMaxPageSize);
  Page<Submission> page;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role,
                           internal::RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    std::string state = filter.state.value_or(""), expert = filter.expert_id.value_or("");
    std::string item = filter.item_id.value_or("");
    // Ids are UUIDv7, so id order is submission order; the cursor is the last id seen.
    const std::string order = filter.oldest_first ? "AND (? = '' OR s.id > ?) ORDER BY s.id ASC LIMIT ?"
                                                  : "AND (? = '' OR s.id < ?) ORDER BY s.id DESC LIMIT ?";
    // Managers see who submitted and on which item; reviewers judge the work blind.
    const bool with_context = role == "manager" || role == "admin";
    ASSAY_TRY(c.QueryEach((with_context ? SubmissionWithContextSelect() : std::string(kSubmissionSelect)) +
                              "WHERE s.project_id = ? AND (? = '' OR s.state = ?) AND (? = '' OR s.expert_id = ?) "
                              "AND (? = '' OR s.item_id = ?) " +
                              order,
                          {project_id, state, state, expert, expert, item, item, cursor, cursor, limit + 1},
                          [&](const storage::Row& r) -> base::Status {
                            Submission& s = page.items.emplace_back(SubmissionFromRow(r));
                            if (with_context) s.context = Submission::Context{r.Text(15), r.Text(16), r.OptText(17)};
                            return base::Ok();
                          }));
    return base::Ok();
  }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = page.items.back().id;
  }
  return page;
}

base::Result<Review> Service::ReviewSubmission(const Caller& caller, std::string_view submission_id,
                                               std::string_view verdict, std::string_view reason_in) {
  if (verdict != "approve" && verdict != "reject") {
    return base::Error::Invalid("verdict must be approve or reject").Detail("field", "verdict");
  }
  std::string reason = TrimmedReason(reason_in);
  if (reason.size() > 10000) return base::Error::Invalid("reason is too long").Detail("field", "reason");
  if (verdict == "reject" && static_cast<int64_t>(CodePoints(reason)) < kMinRejectReasonChars) {
    return base::Error::Invalid("a rejection needs a reason of at least 20 characters the expert can act on")
        .Detail("field", "reason");
  }
  Review review;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Submission s, LoadSubmission(c, submission_id));
    auto role = internal::RequireProjectRole(c, caller, s.project_id, {"manager", "reviewer"});
    if (!role) {
      if (s.expert_id == caller.user_id) return base::Error::Forbidden("you cannot review your own submission");
      return base::Error::NotFound("no such submission");
    }
    if (s.expert_id == caller.user_id) return base::Error::Forbidden("you cannot review your own submission");
    review = Review{NewId(), s.id, caller.user_id, std::string(verdict), reason, clock_.NowMicros()};
    std::optional<std::string> reviewer;
    if (!caller.user_id.empty()) reviewer = caller.user_id;
    if (!reviewer) return base::Error::Invalid("a review needs a reviewer account");
    ASSAY_TRY(c.Exec("INSERT INTO reviews (id, submission_id, reviewer_id, verdict, reason, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     {review.id, review.submission_id, review.reviewer_id, review.verdict, review.reason,
                      review.created_at_us}));
    ASSAY_TRY(c.Exec("UPDATE submissions SET state = ? WHERE id = ?",
                     {verdict == "approve" ? "approved" : "rejected", s.id}));
    ASSAY_TRY(c.Exec("UPDATE projects SET quality_version = quality_version + 1 WHERE id = ?", {s.project_id}));
    return base::Ok();
  }));
  return review;
}

base::Result<Page<Submission>> Service::MySubmissions(const Caller& caller, int limit, std::string_view cursor) {
  limit = std::clamp(limit <= 0 ? 100 : limit, 1, kMaxPageSize);
  Page<Submission> page;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach(std::string(kSubmissionSelect) +
                           "WHERE s.expert_id = ? AND (? = '' OR s.id < ?) ORDER BY s.id DESC LIMIT ?",
                       {caller.user_id, cursor, cursor, limit + 1}, [&](const storage::Row& r) -> base::Status {
                         page.items.push_back(SubmissionFromRow(r));
                         return base::Ok();
                       });
  }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = page.items.back().id;
  }
  return page;
}

base::Result<std::vector<ExpertProjectStats>> Service::MyStats(const Caller& caller) {
  std::vector<ExpertProjectStats> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach(
        "SELECT p.id, p.name, count(s.id), "
        "coalesce(sum(CASE WHEN s.state = 'approved' THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN s.state = 'rejected' THEN 1 ELSE 0 END), 0), coalesce(sum(s.active_ms), 0) "
        "FROM projects p LEFT JOIN submissions s ON s.project_id = p.id AND s.expert_id = ? "
        "WHERE p.id IN (SELECT project_id FROM project_members WHERE user_id = ?) "
        "OR p.id IN (SELECT project_id FROM submissions WHERE expert_id = ?) "
        "GROUP BY p.id, p.name ORDER BY p.id",
        {caller.user_id, caller.user_id, caller.user_id}, [&](const storage::Row& r) -> base::Status {
          ExpertProjectStats s{r.Text(0), r.Text(1), r.Int(2), r.Int(3), r.Int(4), std::nullopt, r.Int(5) / 1000};
          if (s.approved + s.rejected > 0) s.approval_rate = static_cast<double>(s.approved) / (s.approved + s.rejected);
          out.push_back(std::move(s));
          return base::Ok();
        });
  }));
  return out;
}

base::Result<Progress> Service::GetProgress(const Caller& caller, std::string_view project_id, int64_t bucket_seconds,
                                            int buckets) {
  bucket_seconds = std::clamp<int64_t>(bucket_seconds, 60, 7 * 24 * 3600);
  buckets = std::clamp(buckets, 1, 1000);
  Progress p;
  const int64_t now = clock_.NowMicros();
  const int64_t bucket_us = bucket_seconds * base::kMicrosPerSecond;
  const int64_t end_us = (now / bucket_us + 1) * bucket_us;
  const int64_t start_us = end_us - buckets * bucket_us;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(internal::RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    ASSAY_ASSIGN_OR_RETURN(
        storage::Row r,
        c.QueryOne("SELECT (SELECT overlap FROM projects WHERE id = ?), (SELECT count(*) FROM items WHERE project_id = ?), "
                   "count(*), coalesce(sum(CASE WHEN state = 'approved' THEN 1 ELSE 0 END), 0), "
                   "coalesce(sum(CASE WHEN state = 'rejected' THEN 1 ELSE 0 END), 0), "
                   "coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), "
                   "(SELECT count(*) FROM assignments WHERE project_id = ? AND state = 'leased' AND lease_expires_at_us > ?) "
                   "FROM submissions WHERE project_id = ?",
                   {project_id, project_id, project_id, now, project_id}));
    p.overlap = r.Int(0);
    p.items = r.Int(1);
    p.target_submissions = p.items * p.overlap;
    p.submitted = r.Int(2);
    p.approved = r.Int(3);
    p.rejected = r.Int(4);
    p.pending_review = r.Int(5);
    p.leased = r.Int(6);
    p.throughput.resize(buckets);
    for (int i = 0; i < buckets; ++i) p.throughput[i].bucket_start_us = start_us + i * bucket_us;
    // GROUP BY 1: PostgreSQL does not see two copies of a parameterized expression as the same.
    return c.QueryEach("SELECT (submitted_at_us - ?) / ?, count(*) FROM submissions WHERE project_id = ? "
                       "AND submitted_at_us >= ? AND submitted_at_us < ? GROUP BY 1",
                       {start_us, bucket_us, project_id, start_us, end_us},
                       [&](const storage::Row& b) -> base::Status {
                         int64_t idx = b.Int(0);
                         if (idx >= 0 && idx < buckets) p.throughput[idx].submissions = b.Int(1);
                         return base::Ok();
                       });
  }));
  return p;
}

base::Status Service::ExportJsonl(const Caller& caller, std::string_view project_id, const LineSinkFn& sink) {
  return db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(internal::RequireProjectRole(c, caller, project_id, {"manager"}));
    std::string current_item, head, subs;
    auto emit = [&]() -> base::Status {
      if (current_item.empty()) return base::Ok();
      std::string line = head + ",\"submissions\":[" + subs + "]}";
      return sink(line);
    };
    ASSAY_TRY(c.QueryEach(
        "SELECT i.id, i.external_id, i.data, i.gold, s.id, s.assignment_id, s.expert_id, s.client_submission_id, "
        "s.answer, s.active_ms, s.submitted_at_us, s.state, r.verdict, r.reason, r.reviewer_id, r.created_at_us "
        "FROM items i LEFT JOIN submissions s ON s.item_id = i.id LEFT JOIN reviews r ON r.id = "
        "(SELECT r2.id FROM reviews r2 WHERE r2.submission_id = s.id ORDER BY r2.created_at_us DESC, r2.id DESC LIMIT 1) "
        "WHERE i.project_id = ? ORDER BY i.seq, s.submitted_at_us, s.id",
        {project_id}, [&](const storage::Row& r) -> base::Status {
          if (r.Text(0) != current_item) {
            ASSAY_TRY(emit());
            current_item = r.Text(0);
            std::string h = JsonObject()
                                .Str("item_id", r.Text(0))
                                .OptStr("external_id", r.OptText(1))
                                .Raw("data", OneLine(r.Text(2)))
                                .Raw("gold", r.IsNull(3) ? "null" : OneLine(r.Text(3)))
                                .Finish();
            head = h.substr(0, h.size() - 1);  // reopen the object to append "submissions"
            subs.clear();
          }
          if (r.IsNull(4)) return base::Ok();
          JsonObject s;
          s.Str("submission_id", r.Text(4))
              .Str("assignment_id", r.Text(5))
              .Str("expert_id", r.Text(6))
              .Str("client_submission_id", r.Text(7))
              .Raw("answer", OneLine(r.Text(8)))
              .Int("active_ms", r.Int(9))
              .Time("submitted_at", r.Int(10))
              .Str("state", r.Text(11));
          if (r.IsNull(12)) {
            s.Null("review");
          } else {
            s.Raw("review", JsonObject()
                                .Str("verdict", r.Text(12))
                                .Str("reason", r.Text(13))
                                .Str("reviewer_id", r.Text(14))
                                .Time("reviewed_at", r.Int(15))
                                .Finish());
          }
          if (!subs.empty()) subs += ',';
          subs += s.Finish();
          return base::Ok();
        }));
    return emit();
  });
}

}  // namespace work
