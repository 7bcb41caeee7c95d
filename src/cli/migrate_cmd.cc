// assay migrate --db URL: applies the embedded schema migrations.
#include <CLI/CLI.hpp>

#include <iostream>

#include "base/clock.h"
#include "cli/commands.h"
#include "storage/migrations.h"
#include "storage/open.h"

namespace cli {

void AddMigrateCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("migrate", "Apply schema migrations to a database");
  auto db_url = std::make_shared<std::string>();
  cmd->add_option("--db", *db_url, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  cmd->callback([db_url] {
    base::SystemClock clock;
    auto db = storage::OpenDb(*db_url);
    if (!db) {
      std::cerr << "assay migrate: " << db.error().ToString() << "\n";
      return SetExitCode(1);
    }
    auto applied = storage::Migrate(**db, clock);
    if (!applied) {
      std::cerr << "assay migrate: " << applied.error().ToString() << "\n";
      return SetExitCode(1);
    }
    auto versions = storage::AppliedMigrations(**db);
    std::cout << "applied " << *applied << " migration(s); schema version "
              << (versions && !versions->empty() ? versions->back() : 0) << "\n";
  });
}

}  // namespace cli
