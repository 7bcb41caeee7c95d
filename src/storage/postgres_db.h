// The PostgreSQL driver (libpq): a pool of connections opened on demand, one transaction per
// Db::Write / Db::Read call, prepared statements cached per connection, and libpq pipeline mode
// so that a transaction's BEGIN, a statement's first PREPARE and its execution cost one round
// trip together.
//
//   ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Db> db,
//                          storage::OpenPostgres("postgresql://app@127.0.0.1:5432/assay", {}));
//
// Write() runs SERIALIZABLE, so the callers' read-then-write code keeps the meaning it has under
// SQLite's single writer; a Write that declares its own row locks (Conn::LockRows, db.h: the
// lease and the submit) runs READ COMMITTED with them instead. A transaction that loses a serialization conflict (SQLSTATE 40001, or
// a deadlock, 40P01) is rolled back and its function run again, up to max_write_attempts times:
// a Write function must be safe to re-run (reset its outputs first; no side effects outside the
// Conn it is given). Read() runs REPEATABLE READ READ ONLY: one consistent snapshot.
// PostgreSQL text cannot hold NUL bytes: a text parameter with one is refused (InvalidArgument).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "storage/db.h"

namespace storage {

struct PostgresOptions {
  // Most connections open at once; each Write/Read holds one for its duration.
  int max_connections = 16;
  // When set, every connection's search_path (tests: one fresh schema each). [a-z0-9_] only.
  std::string schema;
  // Runs of one Write function before a serialization conflict is returned (Unavailable).
  int max_write_attempts = 200;
};

base::Result<std::unique_ptr<Db>> OpenPostgres(const std::string& url, const PostgresOptions& options);

}  // namespace storage
