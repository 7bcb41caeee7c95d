#include "accounts/types.h"

namespace accounts {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kReviewer: return "reviewer";
    case Role::kExpert: return "expert";
  }
  return "expert";
}

base::Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kManager, Role::kReviewer, Role::kExpert}) {
    if (RoleName(r) == name) return r;
  }
  base::Error e = base::Error::Invalid("role must be admin, manager, reviewer or expert");
  e.Detail("field", "role");
  return e;
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case kScopeRead: return "read";
    case kScopeWork: return "work";
    case kScopeManage: return "manage";
  }
  return "read";
}

base::Result<uint8_t> ParseScopes(const std::vector<std::string>& names) {
  if (names.empty()) {
    return base::Error::Invalid("scopes needs at least one of read, work, manage").Detail("field", "scopes");
  }
  uint8_t out = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string field = "scopes[" + std::to_string(i) + "]";
    uint8_t bit = 0;
    for (Scope s : {kScopeRead, kScopeWork, kScopeManage}) {
      if (ScopeName(s) == names[i]) bit = s;
    }
    if (bit == 0) {
      return base::Error::Invalid(field + ": unknown scope '" + names[i].substr(0, 40) + "' (read, work, manage)")
          .Detail("field", field);
    }
    if (out & bit) return base::Error::Invalid(field + ": '" + names[i] + "' is listed twice").Detail("field", field);
    out |= bit;
  }
  return out;
}

std::vector<std::string> ScopeNames(uint8_t scopes) {
  std::vector<std::string> out;
  for (Scope s : {kScopeRead, kScopeWork, kScopeManage}) {
    if (scopes & s) out.emplace_back(ScopeName(s));
  }
  return out;
}

}  // namespace accounts
