// The services over a database file, for the offline commands (import, export, token).
//
//   auto w = cli::OpenOfflineWork(o->db, "import");   // prints the error itself
//   if (!w) return SetExitCode(1);
//   w->service.ImportItems(work::Caller::System(), project, body);
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "accounts/service.h"
#include "base/clock.h"
#include "base/uuid7.h"
#include "storage/db.h"
#include "work/service.h"

namespace cli {

struct OfflineWork {
  OfflineWork(std::unique_ptr<storage::Db> database, uint64_t seed)
      : ids(clock, seed), db(std::move(database)), accounts(*db, clock, ids), service(*db, clock, ids) {}
  base::SystemClock clock;
  base::Uuid7Generator ids;
  std::unique_ptr<storage::Db> db;
  accounts::Service accounts;
  work::Service service;
};

// Opens and migrates the database; on failure prints "assay <command>: <error>" to stderr and
// returns null.
std::unique_ptr<OfflineWork> OpenOfflineWork(const std::string& db_url, std::string_view command);

}  // namespace cli
