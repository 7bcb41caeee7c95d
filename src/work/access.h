// Who may touch a project: the access checks every service above work makes before it reads or
// changes a project's objects (quality reports, pay, trust decisions …).
//
//   ASSAY_ASSIGN_OR_RETURN(std::string role, work::RequireProjectRole(c, caller, id, {"manager"}));
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "accounts/types.h"
#include "base/result.h"
#include "storage/db.h"

namespace work {

// The caller's role in the project: "admin" for an admin when the project exists, else the
// member role; NotFound when the project does not exist or the caller is not a member.
base::Result<std::string> ProjectRole(storage::Conn& c, const accounts::Caller& caller, std::string_view project_id);
// Like ProjectRole, but PermissionDenied unless the role is one of `allowed` (admin always
// passes unless allow_admin is false).
base::Result<std::string> RequireProjectRole(storage::Conn& c, const accounts::Caller& caller,
                                             std::string_view project_id,
                                             std::initializer_list<std::string_view> allowed,
                                             bool allow_admin = true);

}  // namespace work
