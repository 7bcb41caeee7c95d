// assay token create --db PATH --email E --role ROLE: creates the user if missing and prints a
// fresh API token, alone, on stdout.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/offline.h"
#include "work/service.h"

namespace cli {

void AddTokenCommand(CLI::App& app) {
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "Create a user if missing and print a fresh API token");
  struct Opts {
    std::string db, email, role = "expert", name;
  };
  auto o = std::make_shared<Opts>();
  create->add_option("--db", o->db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  create->add_option("--email", o->email, "The user's email")->required();
  create->add_option("--role", o->role, "admin | manager | reviewer | expert (for a new user)")
      ->check(CLI::IsMember({"admin", "manager", "reviewer", "expert"}));
  create->add_option("--name", o->name, "A label for the token");
  create->callback([o] {
    auto offline = OpenOfflineWork(o->db, "token");
    if (!offline) return SetExitCode(1);
    work::Service& service = offline->service;
    auto role = work::ParseRole(o->role);
    auto user = service.EnsureUser(o->email, *role);
    if (!user) {
      std::cerr << "assay token: " << user.error().ToString() << "\n";
      return SetExitCode(1);
    }
    if (user->role != *role) {
      std::cerr << "assay token: " << user->email << " exists with role " << work::RoleName(user->role)
                << "; the token carries that role\n";
    }
    auto t = service.CreateApiToken(work::Caller{user->id, user->role}, o->name);
    if (!t) {
      std::cerr << "assay token: " << t.error().ToString() << "\n";
      return SetExitCode(1);
    }
    std::cout << *t << "\n";
  });
}

}  // namespace cli
