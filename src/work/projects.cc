// Projects, membership, access checks and item listing.
#include <cmath>
#include <nlohmann/json.hpp>

#include "people/requirements.h"
#include "work/item_stats.h"
#include "work/quality_stamps.h"
#include "work/service.h"

namespace work {

base::Result<std::string> ProjectRole(storage::Conn& c, const Caller& caller, std::string_view project_id) {
  if (caller.role == Role::kAdmin) {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT 1 FROM projects WHERE id = ?", {project_id}));
    if (rows.empty()) return base::Error::NotFound("no such project");
    return std::string("admin");
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT role FROM project_members WHERE project_id = ? AND user_id = ?",
                                 {project_id, caller.user_id}));
  if (rows.empty()) return base::Error::NotFound("no such project");
  return rows[0].Text(0);
}

base::Result<std::string> RequireProjectRole(storage::Conn& c, const Caller& caller, std::string_view project_id,
                                             std::initializer_list<std::string_view> allowed, bool allow_admin) {
  ASSAY_ASSIGN_OR_RETURN(std::string role, ProjectRole(c, caller, project_id));
  if (role == "admin" && allow_admin) return role;
  for (std::string_view a : allowed) {
    if (role == a) return role;
  }
  return base::Error::Forbidden("your role in this project does not allow this");
}

namespace {

constexpr std::string_view kProjectColumns =
    "id, name, instructions, template, answer_schema, overlap, lease_seconds, created_by, created_at_us, updated_at_us, "
    "max_overlap, target_confidence_ppm, requirements, contract_id, daily_cap, max_share_ppm, export_experts, "
    "hide_models, shuffle_responses";
constexpr int kProjectColumnCount = 19;

// max_overlap is stored NULL for a fixed overlap, target_confidence in parts per million.
Project ProjectFromRow(const storage::Row& r, std::string my_role) {
  Project p{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(5), 0.95, r.Int(6), r.Text(7),
            r.Int(8), r.Int(9), std::move(my_role)};
  if (!r.IsNull(10)) p.max_overlap = r.Int(10);
  p.target_confidence = static_cast<double>(r.Int(11)) / 1e6;
  if (!r.IsNull(12)) p.requirements_json = r.Text(12);
  p.contract_id = r.OptText(13);
  p.daily_cap = r.OptInt(14);
  if (!r.IsNull(15)) p.max_share = static_cast<double>(r.Int(15)) / 1e6;
  p.export_experts = r.Text(16);
  p.hide_models = r.Int(17) != 0;
  p.shuffle_responses = r.Int(18) != 0;
  return p;
}

// The people settings of a create or patch, checked against the database (the qualifications
// named exist, the contract exists) and applied to p.
base::Status ApplyPeopleFields(storage::Conn& c, const ProjectFields& f, Project& p) {
  if (f.requirements_json) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<people::Requirement> reqs, people::ParseRequirements(*f.requirements_json));
    ASSAY_TRY(people::CheckRequirements(c, reqs));
    p.requirements_json = people::RequirementsJson(reqs);
  }
  if (f.contract_id) {
    if (f.contract_id->empty()) {
      p.contract_id.reset();
    } else {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows k, c.Query("SELECT 1 FROM contracts WHERE id = ?", {*f.contract_id}));
      if (k.empty()) return base::Error::Invalid("no such contract").Detail("field", "contract_id");
      p.contract_id = *f.contract_id;
    }
  }
  if (f.daily_cap) p.daily_cap = *f.daily_cap > 0 ? f.daily_cap : std::nullopt;
  if (f.max_share) p.max_share = *f.max_share > 0 ? f.max_share : std::nullopt;
  if (f.hide_models) p.hide_models = *f.hide_models;
  if (f.shuffle_responses) p.shuffle_responses = *f.shuffle_responses;
  if (f.export_experts) p.export_experts = *f.export_experts;
  return base::Ok();
}

std::optional<std::string> StoredRequirements(const Project& p) {
  return p.requirements_json == "[]" ? std::nullopt : std::optional<std::string>(p.requirements_json);
}
std::optional<int64_t> SharePpm(const Project& p) {
  return p.max_share ? std::optional<int64_t>(std::clamp<int64_t>(std::llround(*p.max_share * 1e6), 1, 1000000))
                     : std::nullopt;
}
std::optional<int64_t> StoredMaxOverlap(const Project& p) {
  return p.max_overlap > p.overlap ? std::optional<int64_t>(p.max_overlap) : std::nullopt;
}
int64_t TargetPpm(const Project& p) { return std::clamp<int64_t>(std::llround(p.target_confidence * 1e6), 500001, 999999); }

// The overlap settings after a create or patch: overlap <= max_overlap <= 20 when dynamic.
base::Status CheckOverlap(const Project& p) {
  if (p.max_overlap < p.overlap) {
    return base::Error::Invalid("max_overlap must be at least overlap").Detail("field", "max_overlap");
  }
  if (p.max_overlap > p.overlap && p.max_overlap > 20) {
    return base::Error::Invalid("max_overlap must be at most 20").Detail("field", "max_overlap");
  }
  return base::Ok();
}

base::Status CheckFields(const ProjectFields& f) {
  if (f.name && (f.name->empty() || f.name->size() > 200)) {
    return base::Error::Invalid("name must have 1 to 200 characters").Detail("field", "name");
  }
  if (f.instructions && f.instructions->size() > 200000) {
    return base::Error::Invalid("instructions are too long").Detail("field", "instructions");
  }
  if (f.overlap && (*f.overlap < 1 || *f.overlap > 100)) {
    return base::Error::Invalid("overlap must be between 1 and 100").Detail("field", "overlap");
  }
  if (f.lease_seconds && (*f.lease_seconds < 10 || *f.lease_seconds > 604800)) {
    return base::Error::Invalid("lease_seconds must be between 10 and 604800").Detail("field", "lease_seconds");
  }
  if (f.target_confidence && !(*f.target_confidence > 0.5 && *f.target_confidence < 1)) {
    return base::Error::Invalid("target_confidence must be above 0.5 and below 1").Detail("field", "target_confidence");
  }
  if (f.max_share && !(*f.max_share >= 0 && *f.max_share <= 1)) {
    return base::Error::Invalid("max_share must be a share between 0 and 1 (0.2 is 20%)").Detail("field", "max_share");
  }
  if (f.daily_cap && (*f.daily_cap < 0 || *f.daily_cap > 100000)) {
    return base::Error::Invalid("daily_cap must be between 1 and 100,000").Detail("field", "daily_cap");
  }
  return base::Ok();
}

base::Result<Project> LoadProject(storage::Conn& c, std::string_view id, std::string my_role) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT " + std::string(kProjectColumns) + " FROM projects WHERE id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such project");
  return ProjectFromRow(rows[0], std::move(my_role));
}

}  // namespace

base::Result<std::shared_ptr<const Service::ProjectTemplate>> Service::TemplateFor(
    const std::string& project_id, const std::string& template_json) {
  {
    std::lock_guard lock(templates_mu_);
    auto it = templates_.find(project_id);
    if (it != templates_.end() && it->second.first == template_json) return it->second.second;
  }
  ASSAY_ASSIGN_OR_RETURN(Template t, Template::ParseText(template_json));
  std::vector<std::string> response_paths;
  for (const Template::Source& s : t.RequiredSources()) {
    if (s.shape == Template::Shape::kResponses &&
        std::find(response_paths.begin(), response_paths.end(), s.path) == response_paths.end()) {
      response_paths.push_back(s.path);
    }
  }
  auto parsed = std::make_shared<const ProjectTemplate>(
      ProjectTemplate{std::move(t), LabelFields(template_json), std::move(response_paths)});
  std::lock_guard lock(templates_mu_);
  if (templates_.size() > 1024) templates_.clear();
  templates_[project_id] = {template_json, parsed};
  return parsed;
}

base::Status Service::RefreshStats(storage::Conn& c, const std::string& project_id, std::string_view item_id,
                                   const std::vector<LabelField>& fields) {
  SkillFn skill = quality_observer_ ? quality_observer_->Skills(project_id) : SkillFn();
  return RefreshItemStats(c, {project_id, item_id, &fields, std::move(skill)});
}

base::Status Service::RefreshStats(storage::Conn& c, const std::string& project_id, std::string_view item_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT template FROM projects WHERE id = ?", {project_id}));
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> t, TemplateFor(project_id, p.Text(0)));
  return RefreshStats(c, project_id, item_id, t->label_fields);
}

base::Status Service::RecomputeItemStats(std::string_view project_id, const std::vector<std::string>& item_ids) {
  const std::string project(project_id);
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT template FROM projects WHERE id = ?", {project}));
    ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> t, TemplateFor(project, p.Text(0)));
    for (const std::string& id : item_ids) ASSAY_TRY(RefreshStats(c, project, id, t->label_fields));
    return base::Ok();
  });
}

base::Result<Project> Service::CreateProject(const Caller& caller, const ProjectFields& f) {
  if (caller.role != Role::kAdmin && caller.role != Role::kManager) {
    return base::Error::Forbidden("only managers and admins create projects");
  }
  if (!f.name) return base::Error::Invalid("name is required").Detail("field", "name");
  if (!f.template_json) return base::Error::Invalid("template is required").Detail("field", "template");
  ASSAY_TRY(CheckFields(f));
  ASSAY_ASSIGN_OR_RETURN(Template t, Template::ParseText(*f.template_json));
  const int64_t now = clock_.NowMicros();
  const int64_t overlap = f.overlap.value_or(1);
  Project p{NewId(), *f.name, f.instructions.value_or(""), t.text(), t.answer_schema(), overlap,
            f.max_overlap.value_or(overlap), f.target_confidence.value_or(0.95), f.lease_seconds.value_or(3600),
            caller.user_id, now, now, caller.role == Role::kAdmin ? "admin" : "manager"};
  ASSAY_TRY(CheckOverlap(p));
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    std::optional<std::string> creator;
    if (!caller.user_id.empty()) creator = caller.user_id;
    ASSAY_TRY(ApplyPeopleFields(c, f, p));
    ASSAY_TRY(c.Exec("INSERT INTO projects (" + std::string(kProjectColumns) +
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {p.id, p.name, p.instructions, p.template_json, p.answer_schema_json, p.overlap, p.lease_seconds,
                      creator, now, now, StoredMaxOverlap(p), TargetPpm(p), StoredRequirements(p), p.contract_id,
                      p.daily_cap, SharePpm(p), p.export_experts, p.hide_models ? 1 : 0, p.shuffle_responses ? 1 : 0}));
    if (creator) {
      ASSAY_TRY(c.Exec("INSERT INTO project_members (project_id, user_id, role, created_at_us) VALUES (?, ?, 'manager', ?)",
                       {p.id, caller.user_id, now}));
    }
    return base::Ok();
  }));
  return p;
}

base::Result<Project> Service::GetProject(const Caller& caller, std::string_view project_id) {
  Project p;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role, ProjectRole(c, caller, project_id));
    ASSAY_ASSIGN_OR_RETURN(p, LoadProject(c, project_id, role));
    return base::Ok();
  }));
  return p;
}

base::Result<std::vector<Project>> Service::ListProjects(const Caller& caller) {
  std::vector<Project> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    std::string cols = "p.";
    for (char ch : kProjectColumns) cols += ch == ' ' ? std::string(" p.") : std::string(1, ch);
    if (caller.role == Role::kAdmin) {
      return c.QueryEach("SELECT " + cols + ", 'admin' FROM projects p ORDER BY p.id", {},
                         [&](const storage::Row& r) -> base::Status {
                           out.push_back(ProjectFromRow(r, r.Text(kProjectColumnCount)));
                           return base::Ok();
                         });
    }
    return c.QueryEach("SELECT " + cols + ", m.role FROM projects p JOIN project_members m ON m.project_id = p.id "
                       "WHERE m.user_id = ? ORDER BY p.id",
                       {caller.user_id}, [&](const storage::Row& r) -> base::Status {
                         out.push_back(ProjectFromRow(r, r.Text(kProjectColumnCount)));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<Project> Service::UpdateProject(const Caller& caller, std::string_view project_id,
                                             const ProjectFields& f) {
  ASSAY_TRY(CheckFields(f));
  std::optional<Template> t;
  if (f.template_json) {
    ASSAY_ASSIGN_OR_RETURN(Template parsed, Template::ParseText(*f.template_json));
    t = std::move(parsed);
  }
  Project p;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(std::string role, RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(p, LoadProject(c, project_id, role));
    if (f.name) p.name = *f.name;
    if (f.instructions) p.instructions = *f.instructions;
    if (t) {
      p.template_json = t->text();
      p.answer_schema_json = t->answer_schema();
    }
    // A fixed-overlap project stays fixed when only its overlap changes.
    const bool was_fixed = p.max_overlap == p.overlap;
    if (f.overlap) p.overlap = *f.overlap;
    if (f.max_overlap) p.max_overlap = *f.max_overlap;
    else if (was_fixed) p.max_overlap = p.overlap;
    if (f.target_confidence) p.target_confidence = *f.target_confidence;
    ASSAY_TRY(CheckOverlap(p));
    if (f.lease_seconds) p.lease_seconds = *f.lease_seconds;
    ASSAY_TRY(ApplyPeopleFields(c, f, p));
    p.updated_at_us = clock_.NowMicros();
    ASSAY_TRY(c.Exec("UPDATE projects SET name = ?, instructions = ?, template = ?, answer_schema = ?, overlap = ?, "
                     "lease_seconds = ?, updated_at_us = ?, max_overlap = ?, target_confidence_ppm = ?, "
                     "requirements = ?, contract_id = ?, daily_cap = ?, max_share_ppm = ?, export_experts = ?, "
                     "hide_models = ?, shuffle_responses = ? WHERE id = ?",
                     {p.name, p.instructions, p.template_json, p.answer_schema_json, p.overlap, p.lease_seconds,
                      p.updated_at_us, StoredMaxOverlap(p), TargetPpm(p), StoredRequirements(p), p.contract_id,
                      p.daily_cap, SharePpm(p), p.export_experts, p.hide_models ? 1 : 0, p.shuffle_responses ? 1 : 0,
                      p.id}));
    ASSAY_TRY(BumpQualityStamp(c, p.id, p.id));
    // A new template, or other overlap settings, change what the browser's rows say (the
    // consensus field, the state): the background indexer recomputes them.
    if (t || f.overlap || f.max_overlap) {
      ASSAY_TRY(c.Exec("UPDATE item_stats SET stale = 1 WHERE project_id = ? AND stale = 0", {p.id}));
    }
    // Turning dynamic overlap on: items already labelled `overlap` times keep their fixed overlap,
    // so the lease query (undecided items only) does not walk over them.
    if (was_fixed && p.max_overlap > p.overlap) {
      ASSAY_TRY(c.Exec("UPDATE items SET decided = 1 WHERE project_id = ? AND decided = 0 AND (SELECT count(*) FROM "
                       "submissions s WHERE s.item_id = items.id AND s.state <> 'rejected') >= ?",
                       {p.id, p.overlap}));
    }
    return base::Ok();
  }));
  return p;
}

base::Result<ItemView> Service::GetItem(const Caller& caller, std::string_view item_id) {
  ItemView item;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(
        storage::Rows rows,
        c.Query("SELECT i.id, i.external_id, i.data, i.gold, i.seq, (SELECT count(*) FROM submissions s WHERE "
                "s.item_id = i.id), i.project_id FROM items i WHERE i.id = ?",
                {item_id}));
    if (rows.empty()) return base::Error::NotFound("no such item");
    // Someone who may not read the project's items learns nothing about the item either.
    auto role = RequireProjectRole(c, caller, rows[0].Text(6), {"manager", "reviewer"});
    if (!role) return base::Error::NotFound("no such item");
    const storage::Row& r = rows[0];
    item = {r.Text(0), r.OptText(1), r.Text(2), r.OptText(3), r.Int(4), r.Int(5)};
    return base::Ok();
  }));
  return item;
}

base::Result<Page<ItemView>> Service::ListItems(const Caller& caller, std::string_view project_id, int limit,
                                                std::string_view cursor) {
  limit = std::clamp(limit <= 0 ? 100 : limit, 1, kMaxPageSize);
  int64_t after_seq = 0;
  if (!cursor.empty()) {
    try {
      after_seq = std::stoll(std::string(cursor));
    } catch (...) {
      return base::Error::Invalid("bad cursor").Detail("field", "cursor");
    }
  }
  Page<ItemView> page;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager", "reviewer"}));
    return c.QueryEach(
        "SELECT i.id, i.external_id, i.data, i.gold, i.seq, (SELECT count(*) FROM submissions s WHERE s.item_id = i.id) "
        "FROM items i WHERE i.project_id = ? AND i.seq > ? AND i.seq <= (SELECT items_committed_seq FROM projects "
        "WHERE id = ?) ORDER BY i.seq LIMIT ?",
        {project_id, after_seq, project_id, limit + 1}, [&](const storage::Row& r) -> base::Status {
          page.items.push_back({r.Text(0), r.OptText(1), r.Text(2), r.OptText(3), r.Int(4), r.Int(5)});
          return base::Ok();
        });
  }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = std::to_string(page.items.back().seq);
  }
  return page;
}

}  // namespace work
