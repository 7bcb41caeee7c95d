// Opening a database by URL, for the CLI and the server:
//   sqlite:PATH or a bare PATH   → the SQLite driver (sqlite_db.h)
//   postgresql://… postgres://…  → the PostgreSQL driver (postgres_db.h), libpq URL syntax
//
//   base::Metrics metrics;
//   storage::DbOptions o;
//   o.metrics = &metrics;  // assay_db_seconds{driver="sqlite",op="write"} etc. in /metrics
//   ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Db> db, storage::OpenDb("sqlite:var/assay.db", o));
#pragma once

#include <memory>
#include <string>

#include "base/metrics.h"
#include "base/result.h"
#include "storage/db.h"
#include "storage/postgres_db.h"
#include "storage/sqlite_db.h"

namespace storage {

struct DbOptions {
  DbOptions() = default;
  DbOptions(const SqliteOptions& s) : sqlite(s) {}  // NOLINT: callers that only tune SQLite

  SqliteOptions sqlite;
  PostgresOptions postgres;
  // When set, every Write() and Read()/Query() is timed into the histogram assay_db_seconds with
  // labels driver (sqlite|postgres) and op (write|read). Must outlive the Db.
  base::Metrics* metrics = nullptr;
};

bool IsPostgresUrl(const std::string& url);
// The file a SQLite URL names ("sqlite:PATH" or a bare path); "" for a PostgreSQL URL.
std::string SqlitePath(const std::string& url);

base::Result<std::unique_ptr<Db>> OpenDb(const std::string& url, const DbOptions& options = {});

}  // namespace storage
