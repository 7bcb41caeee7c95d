// The SQLite driver: WAL, synchronous=FULL, a busy timeout, a prepared-statement cache per
// connection, one writer connection owned by a writer thread (group commit, see db.h) and a
// pool of read-only connections that grows when all are busy.
//
//   ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Db> db,
//                          storage::OpenSqlite("var/assay.db", storage::SqliteOptions{}));
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "storage/db.h"

namespace storage {

struct SqliteOptions {
  // Read connections kept open. When all are busy (e.g. held by long streamed exports) a read
  // opens another rather than wait, up to max_read_connections: reads run on the HTTP I/O
  // threads for the work loop's hot routes, which must not stall behind a slow download.
  int read_connections = 8;
  int max_read_connections = 64;
  int busy_timeout_ms = 5000;
  // Most Write() functions committed together. 1 turns group commit off (one COMMIT each).
  int max_batch = 1024;
  // FULL: every COMMIT is on disk before Write() returns. NORMAL only for throwaway dbs.
  bool synchronous_full = true;
  // A background checkpoint once the WAL holds this many pages (4096: 16 MiB of 4 KiB pages, so
  // the WAL index stays a few hash tables long and the database file is synced every few group
  // commits, not after each); past twice this the writer finishes the checkpoint itself so the
  // WAL starts over.
  int checkpoint_wal_pages = 4096;
  // How long the writer's own checkpoint waits for readers still in the WAL (point reads take
  // microseconds; a longer reader makes it try again later instead of stalling writes).
  int wal_restart_wait_ms = 10;
  // The SQLite VFS by name; empty: the default. Tests name storage::kFaultyVfs (faulty_vfs.h).
  std::string vfs;
};

base::Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path, const SqliteOptions& options);

// The reference number for benchmarks: single-row INSERT + COMMIT transactions per second on
// one connection with WAL and synchronous=FULL, in a scratch database at `path` (created and
// removed), for about `duration_ms`. What one-commit-per-write would reach on this disk.
base::Result<double> MeasureRawCommitsPerSecond(const std::string& path, int64_t duration_ms);

}  // namespace storage
