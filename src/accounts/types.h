// Plain data of accounts: org roles, the Caller every service method takes, users and browser
// sessions. Times are µs since the Unix epoch UTC.
//
//   accounts::Caller manager{user.id, accounts::Role::kManager};
//   if (caller.role >= accounts::Role::kManager) …
//   if (!accounts::ScopesAllow(caller.scopes, accounts::kScopeWork)) …
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace accounts {

// Org role, ordered by power: admin > manager > reviewer > expert.
enum class Role { kExpert = 0, kReviewer = 1, kManager = 2, kAdmin = 3 };
std::string_view RoleName(Role role);
base::Result<Role> ParseRole(std::string_view name);

// What an API token may do (docs/api.md, "Tokens"), as bits. A browser session may do all of it.
// read: GET routes only; work: an expert's own work (leases, submits, her profile, credentials,
// contracts, invitations, environment sessions and MCP); manage: every other change (projects,
// items, members, reviews, users, tokens). work and manage each include read.
enum Scope : uint8_t { kScopeRead = 1, kScopeWork = 2, kScopeManage = 4 };
inline constexpr uint8_t kAllScopes = kScopeRead | kScopeWork | kScopeManage;
// "read", "work", "manage".
std::string_view ScopeName(Scope scope);
// Names → bits; an unknown or repeated name is InvalidArgument naming it (field "scopes[i]");
// none at all is InvalidArgument too.
base::Result<uint8_t> ParseScopes(const std::vector<std::string>& names);
// Bits → names, in the order read, work, manage (what the API shows and the database keeps).
std::vector<std::string> ScopeNames(uint8_t scopes);
// Whether `scopes` allow a route that needs `needed` (work and manage include read).
inline bool ScopesAllow(uint8_t scopes, Scope needed) {
  if (needed == kScopeRead) return scopes != 0;
  return (scopes & needed) != 0;
}

// Who is calling. Every service method takes one and checks it against the object touched.
struct Caller {
  std::string user_id;
  Role role = Role::kExpert;
  uint8_t scopes = kAllScopes;  // an API token's (types above); everything else: all
  // The offline CLI (import/export/seed): acts as an admin without a user row.
  static Caller System() { return {"", Role::kAdmin}; }
};

struct User {
  std::string id;
  std::string email;
  std::string name;
  Role role = Role::kExpert;
  int64_t created_at_us = 0;
};

struct Session {
  User user;
  std::string token;  // the cookie value; only its sha256 is stored
  int64_t expires_at_us = 0;
};

}  // namespace accounts
