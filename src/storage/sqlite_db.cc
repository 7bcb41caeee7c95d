#include "storage/sqlite_db.h"

#include <linux/futex.h>
#include <sqlite3.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace storage {
namespace {

base::Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  int primary = rc & 0xff;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (primary == SQLITE_CONSTRAINT) return base::Error::Conflict(msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return base::Error(base::ErrorCode::kUnavailable, msg);
  }
  // The disk refused: a 503 in words, not a 500 that reads like a bug in assay. The write was
  // rolled back in this process; trying again later may work (with the same idempotency key).
  const int extended = rc & 0xffff;
  if (primary == SQLITE_FULL) {
    return base::Error(base::ErrorCode::kUnavailable, "the database is full (its disk or its size limit); try again once space is freed: " + msg);
  }
  if (extended == SQLITE_IOERR_FSYNC || extended == SQLITE_IOERR_DIR_FSYNC) {
    // Its frames may be in the WAL already: after a crash, recovery could keep the write whole.
    return base::Error(base::ErrorCode::kUnavailable,
                       "the database could not confirm the write on its disk; it may still be kept after a restart, so "
                       "retry with the same idempotency key: " + msg);
  }
  if (extended == SQLITE_IOERR_READ || extended == SQLITE_IOERR_SHORT_READ) {
    return base::Error(base::ErrorCode::kUnavailable, "the database could not read its disk; try again: " + msg);
  }
  if (primary == SQLITE_IOERR) {
    return base::Error(base::ErrorCode::kUnavailable, "the database could not write to its disk; try again: " + msg);
  }
  return base::Error::Internal(msg);
}

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Dialect dialect() const override { return Dialect::kSqlite; }

  base::Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    ASSAY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "exec");
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  base::Result<Rows> Query(std::string_view sql, const Params& params) override {
    Rows rows;
    ASSAY_TRY(QueryEach(sql, params, [&](const Row& r) -> base::Status {
      rows.push_back(r);
      return base::Ok();
    }));
    return rows;
  }

  base::Status QueryEach(std::string_view sql, const Params& params,
                         const std::function<base::Status(const Row&)>& fn) override {
    return StepEach(sql, params, [&](sqlite3_stmt* stmt, int ncol) -> base::Status {
      std::vector<Value> values;
      values.reserve(ncol);
      for (int i = 0; i < ncol; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i))); break;
          case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, i)); break;
          case SQLITE_NULL: values.emplace_back(); break;
          default: {
            const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            values.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(stmt, i)));
          }
        }
      }
      return fn(Row(std::move(values)));
    });
  }

  base::Status QueryEachInts(std::string_view sql, const Params& params,
                             const std::function<base::Status(std::span<const int64_t>)>& fn) override {
    std::vector<int64_t> values;
    return StepEach(sql, params, [&](sqlite3_stmt* stmt, int ncol) -> base::Status {
      values.resize(ncol);
      for (int i = 0; i < ncol; ++i) values[i] = sqlite3_column_int64(stmt, i);
      return fn(values);
    });
  }

  base::Status ExecScript(std::string_view sql) override {
    ++writes_;  // scripts are migrations and pragmas: count them as writes
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return base::Error::Internal("script: " + msg);
    }
    return base::Ok();
  }

  // Runs a fixed statement (BEGIN, COMMIT, …) from the cache.
  base::Status Simple(std::string_view sql) {
    auto r = Exec(sql, {});
    if (!r) return std::move(r).error();
    return base::Ok();
  }

  sqlite3* raw() { return db_; }
  // Statements run that may change the database (DML and DDL, whether or not they succeeded):
  // the writer's test for "this function changed something" (sqlite3_total_changes misses DDL).
  int64_t writes() const { return writes_; }

 private:
  base::Result<sqlite3_stmt*> Prepare(std::string_view sql, const Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      if (cache_.size() >= kMaxCachedStatements) {
        for (auto& [s, st] : cache_) sqlite3_finalize(st);
        cache_.clear();
      }
      int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
      cache_.emplace(std::string(sql), stmt);
    }
    sqlite3_clear_bindings(stmt);
    if (!sqlite3_stmt_readonly(stmt)) ++writes_;
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return base::Error::Internal("wrong number of parameters for: " + std::string(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      switch (v.kind()) {
        case Value::Kind::kNull: rc = sqlite3_bind_null(stmt, idx); break;
        case Value::Kind::kInt: rc = sqlite3_bind_int64(stmt, idx, v.AsInt()); break;
        case Value::Kind::kDouble: rc = sqlite3_bind_double(stmt, idx, v.AsDouble()); break;
        case Value::Kind::kText:
          rc = sqlite3_bind_text64(stmt, idx, v.AsText().data(), v.AsText().size(), SQLITE_STATIC,
                                   SQLITE_UTF8);
          break;
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    return stmt;
  }

  // Steps the statement, calling on_row(stmt, column count) for each row; stops at its error.
  template <typename OnRow>
  base::Status StepEach(std::string_view sql, const Params& params, const OnRow& on_row) {
    ASSAY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    const int ncol = sqlite3_column_count(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      base::Status st = on_row(stmt, ncol);
      if (!st) {
        sqlite3_reset(stmt);
        return st;
      }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "query");
    return base::Ok();
  }

  static constexpr size_t kMaxCachedStatements = 256;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  int64_t writes_ = 0;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

base::Result<std::unique_ptr<SqliteConn>> OpenConn(const std::string& path, bool writer,
                                                   const SqliteOptions& o) {
  // SQLite counts every allocation under a global mutex for sqlite3_status(), which we do not
  // read: off, before the library initializes on the first open (if something else in the
  // process initialized it first, the call is refused and the counting stays on).
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, o.vfs.empty() ? nullptr : o.vfs.c_str());
  if (rc != SQLITE_OK) {
    base::Error e = SqliteError(raw, rc, "open " + path);
    sqlite3_close_v2(raw);
    return e;
  }
  auto conn = std::make_unique<SqliteConn>(raw);
  sqlite3_busy_timeout(raw, o.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (writer) {
    // A group-committed Write() may run in a SAVEPOINT, whose statement journal SQLite writes
    // to a temp file past 64 KiB; in memory, a batch costs no file writes before its COMMIT.
    // The writer's cache holds a whole batch's pages: with SQLite's 2 MB default a large batch
    // spills dirty pages to the WAL mid-transaction and reads index pages back from the file.
    pragmas += "PRAGMA journal_mode=WAL;PRAGMA temp_store=MEMORY;PRAGMA cache_size=-131072;";
    // Checkpoints run on their own connection and thread (see Checkpointer), not inside the
    // writer's COMMIT where they would stall every caller of the batch.
    pragmas += "PRAGMA wal_autocheckpoint=0;";
    pragmas += o.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  } else {
    pragmas += "PRAGMA query_only=1;";
  }
  ASSAY_TRY(conn->ExecScript(pragmas));
  return conn;
}

class SqliteDb final : public Db {
 public:
  SqliteDb(std::string path, const SqliteOptions& options, std::unique_ptr<SqliteConn> writer,
           std::vector<std::unique_ptr<SqliteConn>> readers, std::unique_ptr<SqliteConn> checkpointer)
      : path_(std::move(path)),
        options_(options),
        writer_(std::move(writer)),
        checkpointer_(std::move(checkpointer)),
        max_batch_(options.max_batch < 1 ? 1 : options.max_batch),
        checkpoint_wal_pages_(std::max(1, options.checkpoint_wal_pages)) {
    readers_open_ = static_cast<int>(readers.size());
    for (auto& r : readers) free_readers_.push_back(std::move(r));
    sqlite3_wal_hook(writer_->raw(), &SqliteDb::OnWalCommit, this);
    writer_thread_ = std::thread([this] { WriterLoop(); });
    completion_thread_ = std::thread([this] { CompletionLoop(); });
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
  }
  ~SqliteDb() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    writer_cv_.notify_one();
    writer_thread_.join();
    {
      std::lock_guard lock(completion_mu_);
      completion_stop_ = true;
    }
    completion_cv_.notify_one();
    completion_thread_.join();
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_one();
    checkpoint_thread_.join();
    (void)checkpointer_->ExecScript("PRAGMA wal_checkpoint(TRUNCATE);");
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  base::Status Write(const std::function<base::Status(Conn&)>& fn) override {
    Waiter w;
    WriteAsync([&fn](Conn& c) { return fn(c); }, [&w](base::Status st) { w.Finish(std::move(st)); });
    return w.Wait();
  }

  void WriteAsync(WriteFn fn, WriteDone done) override {
    bool queued = false;
    {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        queue_.push_back(Pending{std::move(fn), std::move(done), base::Ok()});
        queued = true;
      }
    }
    if (!queued) return done(base::Error(base::ErrorCode::kUnavailable, "database is closing"));
    writer_cv_.notify_one();
  }

  bool AsyncWrites() const override { return true; }

  base::Status Read(const std::function<base::Status(Conn&)>& fn) override {
    std::unique_ptr<SqliteConn> conn = AcquireReader();
    base::Status st = conn->Simple("BEGIN");
    if (st) {
      st = RunGuarded(fn, *conn);
      base::Status end = conn->Simple(st ? "COMMIT" : "ROLLBACK");
      if (st && !end) st = std::move(end);
    }
    ReleaseReader(std::move(conn));
    return st;
  }

  // A single statement needs no explicit transaction: it reads one snapshot by itself.
  base::Result<Rows> Query(std::string_view sql, const Params& params) override {
    std::unique_ptr<SqliteConn> conn = AcquireReader();
    base::Result<Rows> rows = conn->Query(sql, params);
    ReleaseReader(std::move(conn));
    return rows;
  }

  DbStats Stats() const override {
    return {write_calls_.load(std::memory_order_relaxed),
            write_batches_.load(std::memory_order_relaxed)};
  }

 private:
  struct Pending {
    WriteFn fn;
    WriteDone done;
    base::Status result;
  };

  // A synchronous Write() waiting for its WriteAsync(). A bare futex rather than
  // std::binary_semaphore (whose libstdc++ wait spins with sched_yield: with hundreds of callers
  // waiting on one commit that took the CPU the writer needs) or a mutex and condition variable
  // (a second hand-off per caller). The waiter owns *this and may return as soon as it sees
  // done; waking an address nobody waits on any more is harmless.
  struct Waiter {
    base::Status result;
    std::atomic<uint32_t> done{0};
    base::Status Wait() {
      while (done.load(std::memory_order_acquire) == 0) {
        syscall(SYS_futex, &done, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
      }
      return std::move(result);
    }
    void Finish(base::Status st) {
      result = std::move(st);
      done.store(1, std::memory_order_release);
      syscall(SYS_futex, &done, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
  };

  std::unique_ptr<SqliteConn> AcquireReader() {
    std::unique_lock lock(readers_mu_);
    for (;;) {
      if (!free_readers_.empty()) {
        std::unique_ptr<SqliteConn> conn = std::move(free_readers_.back());
        free_readers_.pop_back();
        return conn;
      }
      if (readers_open_ < options_.max_read_connections) {
        ++readers_open_;
        lock.unlock();
        base::Result<std::unique_ptr<SqliteConn>> extra = OpenConn(path_, false, options_);
        if (extra) return std::move(extra).value();
        lock.lock();
        --readers_open_;  // could not open one: wait for a reader like before
      }
      readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
    }
  }

  // Back to the pool, or closed if the pool already keeps read_connections idle.
  void ReleaseReader(std::unique_ptr<SqliteConn> conn) {
    {
      std::lock_guard lock(readers_mu_);
      if (static_cast<int>(free_readers_.size()) >= std::max(1, options_.read_connections)) {
        --readers_open_;
      } else {
        free_readers_.push_back(std::move(conn));
      }
    }
    conn.reset();  // an extra connection closes here, outside the lock
    readers_cv_.notify_one();
  }

  static base::Status RunGuarded(const std::function<base::Status(Conn&)>& fn, Conn& conn) {
    try {
      return fn(conn);
    } catch (const std::exception& e) {
      return base::Error::Internal(std::string("exception in transaction: ") + e.what());
    }
  }

  void WriterLoop() {
    std::vector<Pending> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        writer_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping and drained
        while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      RunBatch(batch);
      write_calls_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
      write_batches_.fetch_add(1, std::memory_order_relaxed);
      {  // after COMMIT: durable
        std::lock_guard lock(completion_mu_);
        for (Pending& p : batch) completions_.push_back(std::move(p));
      }
      completion_cv_.notify_one();
      batch.clear();
      if (wal_restart_due_) CatchUpCheckpoint();
    }
  }

  // Calls each committed write's done, in commit order. Off the writer thread: waking a batch's
  // callers (a futex wake each, about a tenth of the writer's time per write) runs on another
  // core while the writer goes on with the next batch.
  void CompletionLoop() {
    std::vector<Pending> ready;
    for (;;) {
      {
        std::unique_lock lock(completion_mu_);
        completion_cv_.wait(lock, [&] { return completion_stop_ || !completions_.empty(); });
        if (completions_.empty()) return;  // stopping and drained
        ready.swap(completions_);
      }
      for (Pending& p : ready) {
        try {
          p.done(std::move(p.result));
        } catch (const std::exception& e) {
          // The write stands; only its caller's hand-off failed (e.g. out of memory). The
          // completions must go on for everyone else.
          std::fprintf(stderr, "assay: a write's completion threw: %s\n", e.what());
        }
      }
      ready.clear();
    }
  }

  // The WAL starts over only when a write transaction begins with every frame already copied
  // back and no reader in the WAL. Under continuous writes the background checkpointer never
  // catches up with the writer, so the WAL (and the index every page lookup searches) grew
  // without bound — 250 MB in a 20 s bench run, slowing every read and write as it grew. So once
  // the WAL is twice the checkpoint length, the writer checkpoints itself between batches in
  // RESTART mode: it copies the last frames (the background checkpointer did most of them) and
  // waits up to wal_restart_wait_ms for the readers still in the WAL (point reads: microseconds), so
  // its next transaction starts the WAL over. A reader that stays longer (a streamed export)
  // makes it give up, and it tries again after a pause that doubles while it keeps failing
  // (250 ms … 8 s) rather than stall every batch.
  void CatchUpCheckpoint() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_restart_try_) return;
    // Not while the background checkpoint runs (it holds the checkpoint lock): after a batch.
    std::unique_lock running(checkpoint_run_mu_, std::try_to_lock);
    if (!running.owns_lock()) return;
    sqlite3_busy_timeout(writer_->raw(), options_.wal_restart_wait_ms);
    const int rc = sqlite3_wal_checkpoint_v2(writer_->raw(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    sqlite3_busy_timeout(writer_->raw(), options_.busy_timeout_ms);
    if (rc == SQLITE_OK) {
      wal_restart_due_ = false;
      restart_backoff_ = kMinRestartBackoff;
    } else {
      next_restart_try_ = now + restart_backoff_;
      restart_backoff_ = std::min(restart_backoff_ * 2, kMaxRestartBackoff);
    }
  }

  // Called by SQLite on the writer thread after each COMMIT with the WAL's length in pages.
  // The checkpoint is asked by length, not by commits: a big group commit writes many pages,
  // and every page lookup walks the WAL index, which grows with the WAL until a completed
  // checkpoint lets the next transaction start the WAL over.
  static int OnWalCommit(void* self, sqlite3*, const char*, int wal_pages) {
    auto* db = static_cast<SqliteDb*>(self);
    if (wal_pages >= 2 * db->checkpoint_wal_pages_) db->wal_restart_due_ = true;  // writer thread, like this hook
    if (wal_pages >= db->checkpoint_wal_pages_) {
      {
        std::lock_guard lock(db->checkpoint_mu_);
        db->checkpoint_due_ = true;
      }
      db->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // Copies the WAL back into the database file without blocking the writer (PASSIVE).
  void CheckpointLoop() {
    for (;;) {
      {
        std::unique_lock lock(checkpoint_mu_);
        checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_due_; });
        if (checkpoint_stop_) return;
        checkpoint_due_ = false;
      }
      std::lock_guard running(checkpoint_run_mu_);
      (void)checkpointer_->ExecScript("PRAGMA wal_checkpoint(PASSIVE);");
    }
  }

  // BEGIN IMMEDIATE; each fn; COMMIT. A function that fails before running a statement that may
  // write needs nothing undone, which is nearly always the case (a lost lease, a bad answer); one
  // that fails after one (rows or schema) cannot be undone alone, so the batch is rolled back and run again with each
  // function in SAVEPOINT w … RELEASE w (ROLLBACK TO w on its error) — two statements per write
  // saved on every batch but those. Running a function twice is allowed (db.h).
  void RunBatch(std::vector<Pending>& batch) {
    if (!RunBatchOnce(batch, /*savepoints=*/false)) (void)RunBatchOnce(batch, /*savepoints=*/true);
    for (Pending& p : batch) p.fn = nullptr;  // what it captured goes before done is called
  }

  // After a write's function failed with `error`: SQLite rolls the whole transaction back itself on an
  // I/O error or a full disk mid-statement, and the writes after it would then each commit on
  // their own (autocommit). If so, every write of the batch gets that error and nothing more runs.
  bool LostTransaction(std::vector<Pending>& batch, base::Status error) {  // a copy: it may be one's own
    if (!sqlite3_get_autocommit(writer_->raw())) return false;
    for (Pending& p : batch) p.result = error;
    return true;
  }

  // false: a function failed after changing rows (only without savepoints); rolled back.
  bool RunBatchOnce(std::vector<Pending>& batch, bool savepoints) {
    base::Status begin = writer_->Simple("BEGIN IMMEDIATE");
    if (!begin) {
      for (Pending& p : batch) p.result = begin;
      return true;
    }
    for (Pending& p : batch) {
      if (!savepoints) {
        const int64_t writes_before = writer_->writes();
        p.result = RunGuarded(p.fn, *writer_);
        if (!p.result && LostTransaction(batch, p.result)) return true;
        if (!p.result && writer_->writes() != writes_before) {
          (void)writer_->Simple("ROLLBACK");
          return false;
        }
        continue;
      }
      base::Status st = writer_->Simple("SAVEPOINT w");
      if (st) {
        st = RunGuarded(p.fn, *writer_);
        if (!st && LostTransaction(batch, st)) return true;
        if (!st) (void)writer_->Simple("ROLLBACK TO w");
        base::Status rel = writer_->Simple("RELEASE w");
        if (st && !rel) st = std::move(rel);
      }
      p.result = std::move(st);
    }
    base::Status commit = writer_->Simple("COMMIT");
    if (!commit) {
      (void)writer_->Simple("ROLLBACK");
      for (Pending& p : batch) {
        if (p.result) p.result = commit;
      }
    }
    return true;
  }

  const std::string path_;
  const SqliteOptions options_;
  std::unique_ptr<SqliteConn> writer_;        // used only by writer_thread_
  std::unique_ptr<SqliteConn> checkpointer_;  // used only by checkpoint_thread_
  const int max_batch_;
  const int checkpoint_wal_pages_;  // SqliteOptions::checkpoint_wal_pages
  bool wal_restart_due_ = false;    // writer thread only (set by the WAL hook, which runs there)
  std::chrono::steady_clock::time_point next_restart_try_{};  // writer thread only
  static constexpr std::chrono::milliseconds kMinRestartBackoff{250}, kMaxRestartBackoff{8000};
  std::chrono::milliseconds restart_backoff_ = kMinRestartBackoff;  // writer thread only

  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;   // guarded by checkpoint_mu_
  bool checkpoint_stop_ = false;  // guarded by checkpoint_mu_
  std::mutex checkpoint_run_mu_;   // held while a checkpoint runs (background or the writer's)
  std::thread checkpoint_thread_;

  std::mutex mu_;
  std::condition_variable writer_cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread writer_thread_;

  std::mutex completion_mu_;
  std::condition_variable completion_cv_;
  std::vector<Pending> completions_;  // committed, done not yet called; guarded by completion_mu_
  bool completion_stop_ = false;      // guarded by completion_mu_
  std::thread completion_thread_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<SqliteConn>> free_readers_;  // guarded by readers_mu_
  int readers_open_ = 0;                                   // guarded by readers_mu_

  std::atomic<int64_t> write_calls_{0};
  std::atomic<int64_t> write_batches_{0};
};

}  // namespace

base::Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path, const SqliteOptions& o) {
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> writer, OpenConn(path, true, o));
  std::vector<std::unique_ptr<SqliteConn>> readers;
  for (int i = 0; i < std::max(1, o.read_connections); ++i) {
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> r, OpenConn(path, false, o));
    readers.push_back(std::move(r));
  }
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> checkpointer, OpenConn(path, false, o));
  ASSAY_TRY(checkpointer->ExecScript("PRAGMA query_only=0;"));
  return std::unique_ptr<Db>(new SqliteDb(path, o, std::move(writer), std::move(readers), std::move(checkpointer)));
}

base::Result<double> MeasureRawCommitsPerSecond(const std::string& path, int64_t duration_ms) {
  std::remove(path.c_str());
  double rate = 0;
  {
    SqliteOptions o;
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConn> conn, OpenConn(path, true, o));
    ASSAY_TRY(conn->ExecScript("CREATE TABLE raw (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT"));
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::milliseconds(duration_ms);
    int64_t n = 0;
    while (std::chrono::steady_clock::now() < until) {
      ASSAY_TRY(conn->Simple("BEGIN IMMEDIATE"));
      ASSAY_TRY(conn->Exec("INSERT INTO raw (v) VALUES (?)", {"a submission-sized row of text"}));
      ASSAY_TRY(conn->Simple("COMMIT"));
      ++n;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rate = n / secs;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  return rate;
}

}  // namespace storage
