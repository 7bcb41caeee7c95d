// assay token create|list|revoke: API tokens from the command line, on the database directly.
//   create --db DB --email E [--role R] [--name N] [--expires-days D]: creates the user if missing
//          and prints a fresh token, alone, on stdout.
//   list --db DB --email E: the user's tokens, one a line (id, state, expiry, name).
//   revoke --db DB --id ID: revokes a token; it answers 401 on every server from then on.
#include <CLI/CLI.hpp>

#include <iostream>

#include "base/clock.h"
#include "cli/commands.h"
#include "cli/offline.h"

namespace cli {
namespace {

struct Opts {
  std::string db, email, role = "expert", name, id;
  int expires_days = 90;
};

void Create(const Opts& o) {
  auto offline = OpenOfflineWork(o.db, "token");
  if (!offline) return SetExitCode(1);
  accounts::Service& accounts = offline->accounts;
  auto role = accounts::ParseRole(o.role);
  auto user = accounts.EnsureUser(o.email, *role);
  if (!user) {
    std::cerr << "assay token: " << user.error().ToString() << "\n";
    return SetExitCode(1);
  }
  if (user->role != *role) {
    std::cerr << "assay token: " << user->email << " exists with role " << accounts::RoleName(user->role)
              << "; the token carries that role\n";
  }
  accounts::TokenRequest req{o.name, offline->clock.NowMicros() + int64_t{o.expires_days} * 24 * 3600 *
                                                                      base::kMicrosPerSecond};
  auto t = accounts.CreateApiToken(accounts::Caller{user->id, user->role}, req);
  if (!t) {
    std::cerr << "assay token: " << t.error().ToString() << " " << t.error().DetailsJson() << "\n";
    return SetExitCode(1);
  }
  std::cout << t->secret << "\n";
}

void List(const Opts& o) {
  auto offline = OpenOfflineWork(o.db, "token");
  if (!offline) return SetExitCode(1);
  auto user = offline->accounts.FindUserByEmail(o.email);
  if (!user) {
    std::cerr << "assay token: " << user.error().ToString() << "\n";
    return SetExitCode(1);
  }
  auto tokens = offline->accounts.ListApiTokens(accounts::Caller{user->id, user->role});
  if (!tokens) {
    std::cerr << "assay token: " << tokens.error().ToString() << "\n";
    return SetExitCode(1);
  }
  const int64_t now = offline->clock.NowMicros();
  for (const accounts::ApiToken& t : *tokens) {
    const char* state = t.revoked_at_us ? "revoked" : t.expires_at_us && *t.expires_at_us <= now ? "expired" : "live";
    std::cout << t.id << "  " << state << "  expires "
              << (t.expires_at_us ? base::FormatRfc3339(*t.expires_at_us) : std::string("never")) << "  "
              << t.name << "\n";
  }
}

void Revoke(const Opts& o) {
  auto offline = OpenOfflineWork(o.db, "token");
  if (!offline) return SetExitCode(1);
  base::Status st = offline->accounts.RevokeApiToken(accounts::Caller::System(), o.id);
  if (!st) {
    std::cerr << "assay token: " << st.error().ToString() << "\n";
    return SetExitCode(1);
  }
  std::cout << "revoked " << o.id << "\n";
}

}  // namespace

void AddTokenCommand(CLI::App& app) {
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto o = std::make_shared<Opts>();
  auto* create = token->add_subcommand("create", "Create a user if missing and print a fresh API token");
  create->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  create->add_option("--email", o->email, "The user's email")->required();
  create->add_option("--role", o->role, "admin | manager | reviewer | expert (for a new user)")
      ->check(CLI::IsMember({"admin", "manager", "reviewer", "expert"}));
  create->add_option("--name", o->name, "A label for the token");
  create->add_option("--expires-days", o->expires_days, "Days until the token expires (at most 366)")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  create->callback([o] { Create(*o); });
  auto* list = token->add_subcommand("list", "A user's tokens: id, state, expiry, name");
  list->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  list->add_option("--email", o->email, "The user's email")->required();
  list->callback([o] { List(*o); });
  auto* revoke = token->add_subcommand("revoke", "Revoke a token by id (from `assay token list`)");
  revoke->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  revoke->add_option("--id", o->id, "The token's id")->required();
  revoke->callback([o] { Revoke(*o); });
}

}  // namespace cli
