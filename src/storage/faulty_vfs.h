// A SQLite VFS that fails on purpose, for fault-injection tests (issue 18): the n-th write or
// fsync from now fails with an I/O error, or every write reports a full disk until cleared.
// It wraps the default VFS and changes nothing else; a database opened with
// SqliteOptions::vfs = storage::kFaultyVfs reads and writes the same files.
//
//   storage::InstallFaultyVfs();
//   storage::SqliteOptions o;
//   o.vfs = storage::kFaultyVfs;
//   auto db = storage::OpenSqlite(path, o);
//   storage::Faults().FailNthSync(1);  // the next COMMIT's fsync fails: that Write answers 503
#pragma once

#include <atomic>
#include <cstdint>

namespace storage {

inline constexpr const char* kFaultyVfs = "assay-faulty";

// Registers kFaultyVfs (once; not as the default VFS).
void InstallFaultyVfs();

// What the faulty VFS does next, for every file it opened. Thread-safe.
class FaultPlan {
 public:
  // The n-th write (1: the next) to any file fails with SQLITE_IOERR_WRITE; 0: none planned.
  void FailNthWrite(int64_t n) { write_in_.store(n); }
  // The n-th fsync (1: the next) fails with SQLITE_IOERR_FSYNC; 0: none planned.
  void FailNthSync(int64_t n) { sync_in_.store(n); }
  // While on, every write fails with SQLITE_FULL ("database or disk is full").
  void SetDiskFull(bool full) { full_.store(full); }
  void Clear() {
    write_in_.store(0);
    sync_in_.store(0);
    full_.store(false);
  }
  // How many operations failed on purpose so far.
  int64_t injected() const { return injected_.load(); }

  // The VFS's side: true when this write or sync is to fail (and counts it).
  bool WriteFails(bool* disk_full);
  bool SyncFails();

 private:
  static bool Due(std::atomic<int64_t>& in);
  std::atomic<int64_t> write_in_{0}, sync_in_{0}, injected_{0};
  std::atomic<bool> full_{false};
};

FaultPlan& Faults();

}  // namespace storage
