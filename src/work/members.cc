// Project membership: direct adds (admin, CLI), invitations, role changes, removal.
#include <algorithm>

#include "work/service.h"

namespace work {
namespace {

int RoleRank(std::string_view project_role) {
  return project_role == "manager" ? 2 : project_role == "reviewer" ? 1 : 0;
}

// The highest project role a user with this org role may hold.
std::string_view MaxProjectRole(Role org_role) {
  switch (org_role) {
    case Role::kAdmin:
    case Role::kManager: return "manager";
    case Role::kReviewer: return "reviewer";
    case Role::kExpert: return "expert";
  }
  return "expert";
}

base::Status CheckRoleName(std::string_view role) {
  if (role != "manager" && role != "reviewer" && role != "expert") {
    return base::Error::Invalid("role must be manager, reviewer or expert").Detail("field", "role");
  }
  return base::Ok();
}

// The user's org role allows this project role.
base::Status CheckRoleAllowed(storage::Conn& c, std::string_view user_id, std::string_view role) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT role FROM users WHERE id = ?", {user_id}));
  if (rows.empty()) return base::Error::NotFound("no such user").Detail("field", "user");
  ASSAY_ASSIGN_OR_RETURN(Role org, accounts::ParseRole(rows[0].Text(0)));
  const std::string_view max = MaxProjectRole(org);
  if (RoleRank(role) > RoleRank(max)) {
    return base::Error(base::ErrorCode::kFailedPrecondition,
                       "a project role cannot exceed the person's account role")
        .Detail("field", "role")
        .Detail("max_role", max);
  }
  return base::Ok();
}

// Refuses a change that would leave the project without a manager.
base::Status KeepAManager(storage::Conn& c, std::string_view project_id, std::string_view user_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM project_members WHERE project_id = ? "
                                                    "AND role = 'manager' AND user_id <> ?",
                                                    {project_id, user_id}));
  if (n.Int(0) == 0) {
    return base::Error(base::ErrorCode::kFailedPrecondition, "a project needs at least one manager")
        .Detail("field", "role");
  }
  return base::Ok();
}

std::string LowerTrimmed(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const size_t b = out.find_first_not_of(" \t"), e = out.find_last_not_of(" \t");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

}  // namespace

base::Status Service::AddMember(const Caller& caller, std::string_view project_id, std::string_view who,
                                std::string_view member_role) {
  ASSAY_TRY(CheckRoleName(member_role));
  if (caller.role != Role::kAdmin) return base::Error::Forbidden("managers invite people; only an admin adds them");
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {}));
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT id FROM users WHERE id = ? OR email = ?", {who, LowerTrimmed(who)}));
    if (rows.empty()) return base::Error::NotFound("no such user").Detail("field", "user");
    const std::string user_id = rows[0].Text(0);
    ASSAY_TRY(CheckRoleAllowed(c, user_id, member_role));
    ASSAY_ASSIGN_OR_RETURN(storage::Rows was, c.Query("SELECT role FROM project_members WHERE project_id = ? "
                                                      "AND user_id = ?", {project_id, user_id}));
    if (!was.empty() && was[0].Text(0) == "manager" && member_role != "manager") {
      ASSAY_TRY(KeepAManager(c, project_id, user_id));
    }
    ASSAY_TRY(c.Exec("INSERT INTO project_members (project_id, user_id, role, created_at_us) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
                     {project_id, user_id, member_role, clock_.NowMicros()}));
    return base::Ok();
  });
}

base::Status Service::InviteMember(const Caller& caller, std::string_view project_id, std::string_view email_in,
                                   std::string_view member_role) {
  ASSAY_TRY(CheckRoleName(member_role));
  const std::string email = LowerTrimmed(email_in);
  const size_t at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at + 1 == email.size()) {
    return base::Error::Invalid("email is not valid").Detail("field", "email");
  }
  const std::string id = NewId();
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_TRY(c.Exec("INSERT INTO project_invitations (id, project_id, email, role, invited_by, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, email) DO UPDATE SET role = excluded.role, "
                     "invited_by = excluded.invited_by, created_at_us = excluded.created_at_us, "
                     "responded_at_us = NULL, response = NULL",
                     {id, project_id, email, member_role,
                      caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id),
                      clock_.NowMicros()}));
    return base::Ok();
  });
}

namespace {
constexpr std::string_view kInvitationSelect =
    "SELECT v.id, v.project_id, p.name, v.email, v.role, CASE WHEN u.name <> '' THEN u.name ELSE coalesce(u.email, '') END, "
    "v.created_at_us "
    "FROM project_invitations v JOIN projects p ON p.id = v.project_id LEFT JOIN users u ON u.id = v.invited_by ";
Invitation InvitationFromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)};
}
}  // namespace

base::Result<std::vector<Invitation>> Service::MyInvitations(const Caller& caller) {
  std::vector<Invitation> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach(std::string(kInvitationSelect) +
                           "WHERE v.email = (SELECT email FROM users WHERE id = ?) AND v.responded_at_us IS NULL "
                           "AND NOT EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = v.project_id "
                           "AND m.user_id = ?) ORDER BY v.created_at_us DESC LIMIT 100",
                       {caller.user_id, caller.user_id}, [&](const storage::Row& r) -> base::Status {
                         out.push_back(InvitationFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Status Service::AnswerInvitation(const Caller& caller, std::string_view invitation_id, bool accept) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                           c.Query("SELECT v.project_id, v.role, v.responded_at_us FROM project_invitations v "
                                   "JOIN users u ON u.email = v.email WHERE v.id = ? AND u.id = ?",
                                   {invitation_id, caller.user_id}));
    if (rows.empty()) return base::Error::NotFound("no such invitation");
    if (!rows[0].IsNull(2)) return base::Error::Conflict("this invitation was already answered");
    const std::string project_id = rows[0].Text(0), role = rows[0].Text(1);
    const int64_t now = clock_.NowMicros();
    if (accept) {
      ASSAY_TRY(CheckRoleAllowed(c, caller.user_id, role));
      ASSAY_TRY(c.Exec("INSERT INTO project_members (project_id, user_id, role, created_at_us) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (project_id, user_id) DO NOTHING",
                       {project_id, caller.user_id, role, now}));
    }
    ASSAY_TRY(c.Exec("UPDATE project_invitations SET responded_at_us = ?, response = ? WHERE id = ?",
                     {now, accept ? "accepted" : "declined", invitation_id}));
    return base::Ok();
  });
}

base::Status Service::UpdateMember(const Caller& caller, std::string_view project_id, std::string_view user_id,
                                   std::string_view member_role) {
  ASSAY_TRY(CheckRoleName(member_role));
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(storage::Rows m, c.Query("SELECT role FROM project_members WHERE project_id = ? AND user_id = ?",
                                                    {project_id, user_id}));
    if (m.empty()) return base::Error::NotFound("no such member");
    ASSAY_TRY(CheckRoleAllowed(c, user_id, member_role));
    if (m[0].Text(0) == "manager" && member_role != "manager") ASSAY_TRY(KeepAManager(c, project_id, user_id));
    ASSAY_TRY(c.Exec("UPDATE project_members SET role = ? WHERE project_id = ? AND user_id = ?",
                     {member_role, project_id, user_id}));
    return base::Ok();
  });
}

base::Result<int64_t> Service::RemoveMember(const Caller& caller, std::string_view project_id,
                                            std::string_view user_id) {
  int64_t returned = 0;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    returned = 0;
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(storage::Rows m, c.Query("SELECT role FROM project_members WHERE project_id = ? AND user_id = ?",
                                                    {project_id, user_id}));
    if (m.empty()) return base::Error::NotFound("no such member");
    if (m[0].Text(0) == "manager") ASSAY_TRY(KeepAManager(c, project_id, user_id));
    // Her live leases go back to the pool; her submissions stay.
    ASSAY_ASSIGN_OR_RETURN(storage::Rows leases,
                           c.Query("UPDATE assignments SET state = 'returned', finished_at_us = ? WHERE project_id = ? "
                                   "AND expert_id = ? AND state = 'leased' RETURNING item_id",
                                   {clock_.NowMicros(), project_id, user_id}));
    for (const storage::Row& r : leases) {
      ASSAY_TRY(c.Exec("UPDATE items SET taken = taken - 1 WHERE id = ?", {r.Text(0)}));
    }
    returned = static_cast<int64_t>(leases.size());
    ASSAY_TRY(c.Exec("DELETE FROM project_members WHERE project_id = ? AND user_id = ?", {project_id, user_id}));
    return base::Ok();
  }));
  return returned;
}

base::Result<MemberList> Service::ListMembers(const Caller& caller, std::string_view project_id) {
  MemberList out;
  const int64_t now = clock_.NowMicros();
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_TRY(c.QueryEach(
        "SELECT m.user_id, u.email, u.name, m.role, m.created_at_us, "
        "(SELECT count(*) FROM assignments a WHERE a.project_id = m.project_id AND a.expert_id = m.user_id "
        "AND a.state = 'leased' AND a.lease_expires_at_us > ?), "
        "(SELECT count(*) FROM submissions s WHERE s.project_id = m.project_id AND s.expert_id = m.user_id), "
        "(SELECT max(s.submitted_at_us) FROM submissions s WHERE s.project_id = m.project_id AND s.expert_id = m.user_id) "
        "FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY m.created_at_us, m.user_id",
        {now, project_id}, [&](const storage::Row& r) -> base::Status {
          out.members.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5), r.Int(6), r.OptInt(7)});
          return base::Ok();
        }));
    return c.QueryEach(std::string(kInvitationSelect) +
                           "WHERE v.project_id = ? AND v.responded_at_us IS NULL ORDER BY v.created_at_us DESC LIMIT 500",
                       {project_id}, [&](const storage::Row& r) -> base::Status {
                         out.invitations.push_back(InvitationFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

}  // namespace work
