// Schema migrations: src/storage/migrations/NNNN_name.sql, embedded into the binary at build
// time (CMakeLists.txt generates migrations_embedded.cc). Migrate() applies the pending ones in
// order inside one write transaction and records each in schema_migrations.
//
//   ASSAY_ASSIGN_OR_RETURN(int applied, storage::Migrate(*db, clock));
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "storage/db.h"
#include "storage/sqlite_db.h"

namespace storage {

struct Migration {
  std::string_view name;  // "0001_init"
  std::string_view sql;
};

// Every embedded migration, sorted by name (and so by number).
const std::vector<Migration>& EmbeddedMigrations();

// Applies the pending migrations; returns how many were applied (0 when up to date).
base::Result<int> Migrate(Db& db, const base::Clock& clock,
                          const std::vector<Migration>& migrations = EmbeddedMigrations());

// Opens a database URL (see OpenDb) and applies pending migrations (CLI commands, serve).
base::Result<std::unique_ptr<Db>> OpenAndMigrate(const std::string& url, const base::Clock& clock,
                                                 const SqliteOptions& options = {});

// Versions already applied, ascending.
base::Result<std::vector<int64_t>> AppliedMigrations(Db& db);

}  // namespace storage
