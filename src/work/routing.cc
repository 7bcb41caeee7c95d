// Routing: whether an expert may take a project's work (her status, the project's
// requirements and contract, the daily cap and largest share) and which of its items (item
// classes she meets, the scarcest first). people/requirements.h says what meeting means.
#include <algorithm>

#include "people/requirements.h"
#include "people/service.h"
#include "work/service.h"

namespace work {
namespace {

constexpr int64_t kScarcityTtlUs = 60 * base::kMicrosPerSecond;
constexpr int64_t kDayUs = 24LL * 3600 * base::kMicrosPerSecond;

base::Error Unmet(std::string message) { return base::Error(base::ErrorCode::kRequirementUnmet, std::move(message)); }

// An expert who is not active may not lease: the message says why in her words.
base::Status RequireActive(storage::Conn& c, const std::string& status, std::string_view user_id) {
  if (status == "active") return base::Ok();
  std::string reason;
  auto last = c.Query("SELECT reason FROM expert_status_changes WHERE user_id = ? ORDER BY changed_at_us DESC, id DESC "
                      "LIMIT 1",
                      {user_id});
  if (last && !last->empty()) reason = last->at(0).Text(0);
  std::string message = status == "applicant" || status == "vetting"
                            ? "Your application is still being reviewed: work opens once you are admitted."
                            : status == "paused" ? "Your work is paused." : "You were removed from expert work.";
  if (!reason.empty()) message += " Reason: " + reason;
  return Unmet(message).DetailJson("requirement", "{\"status\":\"active\"}").Detail("status", status);
}

}  // namespace

std::map<std::string, int64_t> Service::ClassScarcity(storage::Conn& c, const std::string& project_id,
                                                      const std::map<std::string, std::string>& classes, int64_t now) {
  {
    std::lock_guard lock(scarcity_mu_);
    auto it = scarcity_.find(project_id);
    if (it != scarcity_.end() && now - it->second.computed_at_us < kScarcityTtlUs &&
        it->second.eligible.size() == classes.size()) {
      return it->second.eligible;
    }
  }
  std::map<std::string, std::vector<people::Requirement>> parsed;
  std::map<std::string, int64_t> eligible;
  for (const auto& [cls, json] : classes) {
    parsed[cls] = people::ParseRequirements(json).value_or(std::vector<people::Requirement>{});
    eligible[cls] = 0;
  }
  auto members = c.Query("SELECT user_id FROM project_members WHERE project_id = ? AND role = 'expert'", {project_id});
  for (const storage::Row& m : members.value_or(storage::Rows{})) {
    auto facts = people::LoadFacts(c, m.Text(0), now);
    if (!facts || facts->status != "active") continue;
    for (const auto& [cls, reqs] : parsed) {
      if (!people::FirstUnmet(reqs, *facts)) ++eligible[cls];
    }
  }
  std::lock_guard lock(scarcity_mu_);
  if (scarcity_.size() > 4096) scarcity_.clear();
  scarcity_[project_id] = {now, eligible};
  return eligible;
}

base::Result<Service::Route> Service::RouteExpert(storage::Conn& c, const Caller& caller, const ProjectGate& gate,
                                                  int64_t now) {
  Route route;
  storage::Rows classes_rows;
  if (gate.has_classes.value_or(true)) {
    ASSAY_ASSIGN_OR_RETURN(classes_rows, c.Query("SELECT class, requirements FROM item_requirement_classes "
                                                 "WHERE project_id = ?",
                                                 {gate.project_id}));
  }
  const bool needs_facts = gate.requirements_json.has_value() || !classes_rows.empty();
  people::Facts facts;
  if (needs_facts) {
    ASSAY_ASSIGN_OR_RETURN(facts, people::LoadFacts(c, caller.user_id, now));
  } else if (gate.expert_status) {
    if (!gate.expert_status->empty()) facts.status = *gate.expert_status;  // "": no profile, Facts' default
  } else {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows p, c.Query("SELECT status FROM expert_profiles WHERE user_id = ?", {caller.user_id}));
    if (!p.empty()) facts.status = p[0].Text(0);
  }
  ASSAY_TRY(RequireActive(c, facts.status, caller.user_id));
  if (gate.requirements_json) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<people::Requirement> reqs, people::ParseRequirements(*gate.requirements_json));
    if (auto unmet = people::FirstUnmet(reqs, facts)) return people::UnmetError(c, reqs[*unmet]);
  }
  if (gate.contract_id) ASSAY_TRY(people::RequireAcceptance(c, *gate.contract_id, caller.user_id));
  if (!classes_rows.empty()) {
    std::map<std::string, std::string> all;
    for (const storage::Row& r : classes_rows) all[r.Text(0)] = r.Text(1);
    std::map<std::string, int64_t> scarcity = ClassScarcity(c, gate.project_id, all, now);
    std::vector<std::pair<int64_t, std::string>> mine;
    for (const auto& [cls, json] : all) {
      auto reqs = people::ParseRequirements(json);
      if (reqs && !people::FirstUnmet(*reqs, facts)) mine.push_back({scarcity[cls], cls});
    }
    std::sort(mine.begin(), mine.end());  // the fewest experts who can do them first
    for (auto& [n, cls] : mine) route.classes.push_back(cls);
    route.classes.push_back(std::nullopt);
  }
  if (gate.daily_cap) {
    ASSAY_ASSIGN_OR_RETURN(storage::Row n,
                           c.QueryOne("SELECT count(*) FROM assignments WHERE expert_id = ? AND project_id = ? "
                                      "AND state IN ('leased', 'submitted') AND leased_at_us > ?",
                                      {caller.user_id, gate.project_id, now - kDayUs}));
    if (n.Int(0) >= *gate.daily_cap) {
      route.no_new_lease = Unmet("You reached this project's limit of " + std::to_string(*gate.daily_cap) +
                                 " tasks in 24 hours. More opens as the day rolls on.")
                               .DetailJson("requirement", "{\"daily_cap\":" + std::to_string(*gate.daily_cap) + "}");
    }
  }
  if (gate.max_share_ppm && !route.no_new_lease) {
    ASSAY_ASSIGN_OR_RETURN(storage::Row n,
                           c.QueryOne("SELECT (SELECT count(*) FROM assignments WHERE expert_id = ? AND project_id = ? "
                                      "AND state IN ('leased', 'submitted')), (SELECT count(*) FROM items WHERE project_id = ?)",
                                      {caller.user_id, gate.project_id, gate.project_id}));
    // The project's labels: items × the most labels an item may get.
    const int64_t allowed = (n.Int(1) * gate.max_overlap * *gate.max_share_ppm + 999999) / 1000000;
    if (n.Int(0) >= allowed) {
      route.no_new_lease =
          Unmet("You gave this project's largest share of labels one expert may give (" +
                std::to_string(*gate.max_share_ppm / 10000) + "%). Thank you: others label the rest.")
              .DetailJson("requirement", "{\"max_share\":" + std::to_string(static_cast<double>(*gate.max_share_ppm) / 1e6) + "}");
    }
  }
  return route;
}

}  // namespace work
