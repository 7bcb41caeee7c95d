// Numbers for the expert's and the manager's pages: my per-project scores, project progress.
#include <algorithm>

#include "work/internal.h"
#include "work/render.h"
#include "work/service.h"

namespace work {

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
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    ASSAY_ASSIGN_OR_RETURN(
        storage::Row r,
        c.QueryOne("SELECT (SELECT overlap FROM projects WHERE id = ?), (SELECT count(*) FROM items WHERE project_id = ? "
                   "AND seq <= (SELECT items_committed_seq FROM projects WHERE id = ?)), "
                   "count(*), coalesce(sum(CASE WHEN state = 'approved' THEN 1 ELSE 0 END), 0), "
                   "coalesce(sum(CASE WHEN state = 'rejected' THEN 1 ELSE 0 END), 0), "
                   "coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), "
                   "(SELECT count(*) FROM assignments WHERE project_id = ? AND state = 'leased' AND lease_expires_at_us > ?) "
                   ", (SELECT count(*) FROM items WHERE project_id = ? AND awaiting_responses = 1 "
                   "AND seq <= (SELECT items_committed_seq FROM projects WHERE id = ?)) "
                   "FROM submissions WHERE project_id = ?",
                   {project_id, project_id, project_id, project_id, now, project_id, project_id, project_id}));
    p.overlap = r.Int(0);
    p.items = r.Int(1);
    p.target_submissions = p.items * p.overlap;
    p.submitted = r.Int(2);
    p.approved = r.Int(3);
    p.rejected = r.Int(4);
    p.pending_review = r.Int(5);
    p.leased = r.Int(6);
    p.awaiting_responses = r.Int(7);
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

base::Result<RemainingWork> Service::Remaining(const Caller& caller, std::string_view project_id) {
  RemainingWork out;
  const int64_t now = clock_.NowMicros();
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role, ProjectRole(c, caller, project_id));
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT overlap, coalesce(max_overlap, overlap), daily_cap, "
                                                      "requirements, contract_id, max_share_ppm "
                                                      "FROM projects WHERE id = ?", {project_id}));
    const int64_t overlap = p.Int(0), max_overlap = p.Int(1);
    const bool dynamic = max_overlap > overlap;
    // An item is open while it holds fewer leases + labels than it wants now (loop.cc's lease).
    const std::string cap = "CASE WHEN i.want > ? THEN i.want ELSE ? END";
    const std::string open = dynamic ? "((i.decided = 0 AND i.taken < " + cap + ") OR (i.want > i.taken AND i.want > ?))"
                                     : "(i.taken < " + cap + " OR (i.want > i.taken AND i.want > ?))";
    ASSAY_ASSIGN_OR_RETURN(storage::Row wanted,
                           c.QueryOne("SELECT coalesce(sum(" + cap + " - i.taken), 0) FROM items i "
                                      "WHERE i.project_id = ? AND " + open,
                                      {overlap, overlap, project_id, overlap, overlap, max_overlap}));
    out.in_project = wanted.Int(0);
    if (role != "expert") return base::Ok();
    ASSAY_ASSIGN_OR_RETURN(storage::Row live,
                           c.QueryOne("SELECT count(*) FROM assignments WHERE expert_id = ? AND project_id = ? "
                                      "AND state = 'leased' AND lease_expires_at_us > ?",
                                      {caller.user_id, project_id, now}));
    out.live_leases = live.Int(0);
    out.for_you = out.live_leases;
    // What she may take is what the lease would hand her: the same routing (status, requirements,
    // contract, daily cap, share, the project's budget) and only the item classes she meets.
    ProjectGate gate{std::string(project_id), p.OptText(3), p.OptText(4), p.OptInt(2), p.OptInt(5), max_overlap};
    base::Result<Route> route = RouteExpert(c, caller, gate, now);
    if (!route) {
      if (route.error().code() == base::ErrorCode::kRequirementUnmet) return base::Ok();  // her live leases only
      return std::move(route).error();
    }
    if (route->no_new_lease) return base::Ok();
    if (pay_observer_ && pay_observer_->LeaseRefusal(c, gate.project_id, now)) return base::Ok();
    std::string classes;
    storage::Params class_params;
    if (!route->classes.empty()) {
      std::string in;
      bool plain = false;
      for (const std::optional<std::string>& cls : route->classes) {
        if (!cls) {
          plain = true;
          continue;
        }
        in += in.empty() ? "?" : ", ?";
        class_params.push_back(*cls);
      }
      classes = " AND (" + std::string(plain ? "i.req_class IS NULL" : "0 = 1") +
                (in.empty() ? "" : " OR i.req_class IN (" + in + ")") + ")";
    }
    // Parameters: the query's own, then the open condition's, then the classes'.
    auto params = [&](storage::Params own) {
      own.insert(own.end(), {overlap, overlap, max_overlap});
      own.insert(own.end(), class_params.begin(), class_params.end());
      return own;
    };
    ASSAY_ASSIGN_OR_RETURN(storage::Row hers,
                           c.QueryOne("SELECT count(*) FROM items i WHERE i.project_id = ? AND " + open + classes,
                                      params({project_id})));
    ASSAY_ASSIGN_OR_RETURN(storage::Row mine,
                           c.QueryOne("SELECT count(*) FROM assignments a JOIN items i ON i.id = a.item_id "
                                      "WHERE a.expert_id = ? AND a.project_id = ? AND " + open + classes,
                                      params({caller.user_id, project_id})));
    // Items she never had and that still want a label, and the ones she holds now.
    out.for_you += std::max<int64_t>(0, hers.Int(0) - mine.Int(0));
    if (gate.daily_cap) {
      ASSAY_ASSIGN_OR_RETURN(storage::Row today,
                             c.QueryOne("SELECT count(*) FROM assignments WHERE expert_id = ? AND project_id = ? "
                                        "AND state IN ('leased', 'submitted') AND leased_at_us > ?",
                                        {caller.user_id, project_id, now - int64_t{24} * 3600 * base::kMicrosPerSecond}));
      out.for_you = std::min(out.for_you, std::max<int64_t>(0, *gate.daily_cap - today.Int(0)) + out.live_leases);
    }
    return base::Ok();
  }));
  return out;
}

base::Result<SkipSummary> Service::ListSkips(const Caller& caller, std::string_view project_id, int limit) {
  limit = std::clamp(limit, 1, kMaxPageSize);
  SkipSummary out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role, RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    ASSAY_TRY(c.QueryEach("SELECT reason, count(*) FROM skips WHERE project_id = ? GROUP BY reason", {project_id},
                          [&](const storage::Row& r) -> base::Status {
                            const std::string& reason = r.Text(0);
                            (reason == "outside_expertise" ? out.outside_expertise
                             : reason == "broken_item"     ? out.broken_item
                                                           : out.other) = r.Int(1);
                            return base::Ok();
                          }));
    const bool names = role == "manager" || role == "admin";
    return c.QueryEach(
        "SELECT k.id, k.assignment_id, k.item_id, i.external_id, k.expert_id, "
        "CASE WHEN u.name <> '' THEN u.name ELSE u.email END, k.reason, k.note, k.created_at_us FROM skips k "
        "JOIN items i ON i.id = k.item_id JOIN users u ON u.id = k.expert_id WHERE k.project_id = ? "
        "ORDER BY k.created_at_us DESC, k.id DESC LIMIT ?",
        {project_id, limit}, [&](const storage::Row& r) -> base::Status {
          Skip k{r.Text(0), r.Text(1), r.Text(2), r.OptText(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Int(8)};
          if (!names) {  // reviewers judge blind
            k.expert_id = ExpertPseudonym(project_id, k.expert_id);
            k.expert_name.clear();
          }
          out.recent.push_back(std::move(k));
          return base::Ok();
        });
  }));
  return out;
}

}  // namespace work
