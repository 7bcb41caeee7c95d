#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <future>
#include <latch>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/metrics.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"
#include "storage/test_db.h"

namespace storage {
namespace {

class TempDb {
 public:
  TempDb() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("assay_storage_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "t.db").string(); }

 private:
  std::filesystem::path dir_;
};

std::unique_ptr<Db> Open(const std::string& path, SqliteOptions o = {}) {
  auto db = OpenSqlite(path, o);
  EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().ToString());
  return std::move(db).value();
}

// Schema SQL written once, in the migrations' SQLite dialect.
base::Status Ddl(Conn& c, std::string_view sql) {
  return c.ExecScript(c.dialect() == Dialect::kPostgres ? TranslateMigrationForPostgres(sql) : std::string(sql));
}

base::Status CreateKv(Db& db) {
  return db.Write([](Conn& c) { return Ddl(c, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT"); });
}

// `threads` threads each insert `per_thread` rows into kv, one Write each; returns the seconds.
double InsertFromThreads(Db& db, int threads_n, int per_thread) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int th = 0; th < threads_n; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < per_thread; ++i) {
        (void)db.Write([&](Conn& c) -> base::Status {
          ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {std::to_string(th * 1000 + i), i}));
          return base::Ok();
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t Count(Db& db, std::string_view sql, const Params& params = {}) {
  auto rows = db.Query(sql, params);
  EXPECT_TRUE(rows.has_value());
  return rows && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

// ---- conformance: every TEST_P runs on SQLite and on PostgreSQL ----------------------------

class Conformance : public ::testing::TestWithParam<Dialect> {
 protected:
  std::unique_ptr<Db> OpenDb(DbOptions o = {}) {
    auto db = t_.Open(o);
    EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().ToString());
    return db ? std::move(db).value() : nullptr;
  }
  TestDb t_{GetParam()};
};
INSTANTIATE_TEST_SUITE_P(Drivers, Conformance, ASSAY_BOTH_DIALECTS, DialectTestName<::testing::TestParamInfo<Dialect>>);

TEST_P(Conformance, BindsAndReadsEveryType) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(Ddl(c, "CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT) STRICT"));
    ASSAY_TRY(c.Exec("INSERT INTO t VALUES (?, ?, ?, ?)", {int64_t{1} << 40, 2.5, "h é ✓ 'q' ?", nullptr}));
    ASSAY_TRY(c.Exec("INSERT INTO t VALUES (?, ?, ?, ?)", {int64_t{-3}, -0.25, "", "x"}));
    return base::Ok();
  }));
  auto rows = db->Query("SELECT i, d, s, n FROM t ORDER BY i DESC");
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 2u);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.Int(0), int64_t{1} << 40);
  EXPECT_EQ((*rows)[0][0].kind(), Value::Kind::kInt);
  EXPECT_DOUBLE_EQ(r.Double(1), 2.5);
  EXPECT_EQ(r.Text(2), "h é ✓ 'q' ?");  // UTF-8, quotes and a question mark kept
  EXPECT_TRUE(r.IsNull(3));
  EXPECT_EQ((*rows)[1].Int(0), -3);
  EXPECT_EQ((*rows)[1].Text(2), "");
  EXPECT_FALSE((*rows)[1].IsNull(2));
  // Aggregates come back as integers on both (PostgreSQL's sum(bigint) is numeric).
  auto agg = db->Query("SELECT count(*), sum(i), coalesce(sum(CASE WHEN n IS NULL THEN 1 ELSE 0 END), 0), max(s) FROM t");
  ASSERT_TRUE(agg.has_value()) << agg.error().ToString();
  EXPECT_EQ((*agg)[0].Int(0), 2);
  EXPECT_EQ((*agg)[0][1].kind(), Value::Kind::kInt);
  EXPECT_EQ((*agg)[0].Int(1), (int64_t{1} << 40) - 3);
  EXPECT_EQ((*agg)[0].Int(2), 1);
  EXPECT_EQ((*agg)[0].Text(3), "h é ✓ 'q' ?");
}

TEST_P(Conformance, ReturningAndOnConflict) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Rows rows, c.Query("INSERT INTO kv VALUES (?, ?) RETURNING v", {"a", 7}));
    EXPECT_EQ(rows.at(0).Int(0), 7);
    ASSAY_ASSIGN_OR_RETURN(int64_t changed,
                           c.Exec("INSERT INTO kv VALUES (?, ?) ON CONFLICT (k) DO NOTHING", {"a", 8}));
    EXPECT_EQ(changed, 0);
    ASSAY_ASSIGN_OR_RETURN(Rows up, c.Query("INSERT INTO kv VALUES (?, ?) ON CONFLICT (k) DO UPDATE "
                                            "SET v = kv.v + excluded.v RETURNING v", {"a", 10}));
    EXPECT_EQ(up.at(0).Int(0), 17);
    ASSAY_ASSIGN_OR_RETURN(int64_t updated, c.Exec("UPDATE kv SET v = v + 1 WHERE k IN (?, ?)", {"a", "zz"}));
    EXPECT_EQ(updated, 1);
    return base::Ok();
  }));
  EXPECT_EQ(Count(*db, "SELECT v FROM kv WHERE k = ?", {"a"}), 18);
  // A duplicate key is a Conflict and rolls back the whole Write.
  base::Status dup = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"b", 1}));
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"a", 9}));
    return base::Ok();
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), base::ErrorCode::kConflict);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 1);
}

TEST_P(Conformance, FailedWriteRollsBackItsOwnChanges) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  base::Status st = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"x", 1}));
    return base::Error::Conflict("changed my mind");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "changed my mind");
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 0);
  base::Status bad_sql = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"y", 1}));
    ASSAY_TRY(c.Exec("INSERT INTO no_such_table VALUES (?)", {1}));
    return base::Ok();
  });
  EXPECT_FALSE(bad_sql);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 0);
  // A schema change is undone too (a migration that fails halfway must not stay half applied).
  EXPECT_FALSE(db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.ExecScript("CREATE TABLE half_done (x INTEGER)"));
    return base::Error::Internal("migration failed halfway");
  }));
  EXPECT_TRUE(db->Write([](Conn& c) { return c.ExecScript("CREATE TABLE half_done (x INTEGER)"); }));
  // The connection is usable afterwards.
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status { return c.Exec("INSERT INTO kv VALUES ('z', 1)").has_value() ? base::Ok() : base::Error::Internal("insert"); }));
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 1);
}

// Read-modify-write from many threads loses no update: SQLite runs writes one at a time,
// PostgreSQL runs them SERIALIZABLE and re-runs the losers of a conflict.
TEST_P(Conformance, ConcurrentReadModifyWriteLosesNoUpdate) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  ASSERT_TRUE(db->Write([](Conn& c) { return c.ExecScript("INSERT INTO kv VALUES ('n', 0)"); }));
  constexpr int kThreads = 16, kPerThread = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        base::Status st = db->Write([&](Conn& c) -> base::Status {
          ASSAY_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT v FROM kv WHERE k = 'n'"));
          ASSAY_TRY(c.Exec("UPDATE kv SET v = ? WHERE k = 'n'", {r.Int(0) + 1}));
          return base::Ok();
        });
        if (!st) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(*db, "SELECT v FROM kv WHERE k = 'n'"), kThreads * kPerThread);
}

TEST_P(Conformance, ColumnTypesAreEnforced) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  base::Status st = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"a", "not a number"}));
    return base::Ok();
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 0);
}

TEST(Sqlite, PragmasAreDurable) {
  TempDb t;
  auto db = Open(t.path());
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Row mode, c.QueryOne("PRAGMA journal_mode"));
    EXPECT_EQ(mode.Text(0), "wal");
    ASSAY_ASSIGN_OR_RETURN(Row sync, c.QueryOne("PRAGMA synchronous"));
    EXPECT_EQ(sync.Int(0), 2);  // FULL
    return base::Ok();
  }));
}

// N threads write concurrently; odd writes fail after inserting. Every successful write is
// visible after reopening the file, every failed one left nothing, and nobody saw another's
// error.
TEST_P(Conformance, ConcurrentWritesAreDurableAndIsolated) {
  constexpr int kThreads = 16, kPerThread = 100;
  std::atomic<int> wrong_results{0};
  DbStats stats;
  {
    auto db = OpenDb();
    ASSERT_TRUE(db);
    ASSERT_TRUE(CreateKv(*db));
    std::vector<std::thread> threads;
    for (int th = 0; th < kThreads; ++th) {
      threads.emplace_back([&, th] {
        for (int i = 0; i < kPerThread; ++i) {
          bool fail = (i % 2) == 1;
          std::string key = std::to_string(th) + ":" + std::to_string(i);
          base::Status st = db->Write([&](Conn& c) -> base::Status {
            ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {key, i}));
            if (fail) return base::Error::Invalid("fail " + key);
            return base::Ok();
          });
          bool ok_expected = !fail;
          if (static_cast<bool>(st) != ok_expected) ++wrong_results;
          if (!st && st.error().message() != "fail " + key) ++wrong_results;
        }
      });
    }
    for (auto& th : threads) th.join();
    stats = db->Stats();
  }
  EXPECT_EQ(wrong_results.load(), 0);
  EXPECT_EQ(stats.write_calls, kThreads * kPerThread + 1);
  EXPECT_LE(stats.write_batches, stats.write_calls);
  auto db = OpenDb();
  ASSERT_TRUE(db);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), kThreads * kPerThread / 2);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv WHERE v % 2 = 1"), 0);
}

// A write that violates a constraint in the middle of a batch does not undo its neighbours.
TEST_P(Conformance, ConstraintViolationDoesNotPoisonTheBatch) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  constexpr int kThreads = 32;
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      // Every thread inserts its own key, then all try the same shared key.
      base::Status st = db->Write([&](Conn& c) -> base::Status {
        ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"own" + std::to_string(th), th}));
        ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"shared", th}));
        return base::Ok();
      });
      if (st) ++ok;
      else if (st.error().code() == base::ErrorCode::kConflict) ++conflicts;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  // Only the winner's own key exists, plus the shared one.
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 2);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv k JOIN kv s ON s.k = 'shared' AND k.k = 'own' || s.v"), 1);
}

// WriteAsync answers each write once, with Write()'s result, after it is committed (or rolled
// back alone); on SQLite it returns before the write has run.
TEST_P(Conformance, WriteAsyncAnswersEachWriteOnceCommitted) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  constexpr int kWrites = 200;
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0, wrong = 0;
  for (int i = 0; i < kWrites; ++i) {
    const bool fail = i % 3 == 0;  // fails after inserting: only its own row goes
    db->WriteAsync(
        [i, fail](Conn& c) -> base::Status {
          ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {std::to_string(i), i}));
          if (fail) return base::Error::Invalid("fail " + std::to_string(i));
          return base::Ok();
        },
        [&, i, fail](base::Status st) {
          std::lock_guard lock(mu);
          if (static_cast<bool>(st) == fail) ++wrong;
          if (!st && st.error().message() != "fail " + std::to_string(i)) ++wrong;
          ++answered;
          cv.notify_all();
        });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return answered == kWrites; });
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), kWrites - (kWrites + 2) / 3);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv WHERE v % 3 = 0"), 0);
}

// Reads never wait for a connection while others hold every pooled one (a slow export holds
// one for minutes): the pool opens another.
TEST(Sqlite, AReadDoesNotWaitWhileEveryPooledReaderIsHeld) {
  TempDb t;
  SqliteOptions o;
  o.read_connections = 2;
  auto opened = OpenSqlite(t.path(), o);
  ASSERT_TRUE(opened);
  std::unique_ptr<Db> db = std::move(opened).value();
  ASSERT_TRUE(db->Write([](Conn& c) { return c.ExecScript("CREATE TABLE t (v INTEGER) STRICT; INSERT INTO t VALUES (7)"); }));
  std::latch holding(o.read_connections);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<std::future<base::Status>> holders;
  for (int i = 0; i < o.read_connections; ++i) {
    holders.push_back(std::async(std::launch::async, [&] {
      return db->Read([&](Conn&) -> base::Status {
        holding.count_down();
        released.wait();
        return base::Ok();
      });
    }));
  }
  holding.wait();
  auto extra = std::async(std::launch::async, [&] { return Count(*db, "SELECT v FROM t"); });
  const bool answered = extra.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  release.set_value();
  for (auto& h : holders) EXPECT_TRUE(h.get());
  ASSERT_TRUE(answered) << "the read waited for a pooled connection";
  EXPECT_EQ(extra.get(), 7);
}

// Under continuous writes and short reads (the work loop's point lookups) the WAL still starts
// over: its file stays near the checkpoint length instead of growing with every write (it grew
// to 250 MB in a 20 s bench run, and every page lookup searches its index). A long read (an
// export) holds it back until it ends: SQLite cannot restart a WAL a reader is in.
TEST(Sqlite, TheWalStartsOverUnderContinuousLoad) {
  TempDb t;
  SqliteOptions o;
  o.checkpoint_wal_pages = 64;
  // Readers here run flat out on threads the machine may preempt mid-read (CI runs tests in
  // parallel on two cores): the writer may wait longer for them than a server's default.
  o.wal_restart_wait_ms = 500;
  auto opened = OpenSqlite(t.path(), o);
  ASSERT_TRUE(opened);
  std::unique_ptr<Db> db = std::move(opened).value();
  ASSERT_TRUE(db->Write([](Conn& c) { return c.ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT) STRICT"); }));
  constexpr int kWriters = 16, kPerWriter = 500, kReaders = 4;
  const std::string payload(2000, 'x');
  std::atomic<bool> writing{true};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      for (int64_t id = 1; writing.load(); id = id % 3000 + 1) {
        if (db->Query("SELECT length(v) FROM t WHERE id = ?", {id})) ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < kPerWriter; ++i) {
        EXPECT_TRUE(db->Write([&](Conn& c) { return c.Exec("INSERT INTO t (v) VALUES (?)", {payload}).has_value() ? base::Ok() : base::Error::Internal("insert"); }));
      }
    });
  }
  for (auto& w : writers) w.join();
  writing = false;
  for (auto& r : readers) r.join();
  if (kReaders > 0) EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM t"), kWriters * kPerWriter);
  // 8,000 rows of 2 KB: without the writer's catch-up the WAL restarts only when the background
  // checkpoint happens to finish between two writes (measured here: 22 MB at the end); with it
  // 0.6-0.7 MB, also with four copies of this test running at once on two cores.
  const auto wal_bytes = std::filesystem::file_size(t.path() + "-wal");
  EXPECT_LT(wal_bytes, 1000u * 4096) << "the WAL did not start over: " << wal_bytes << " bytes";
}

TEST(Sqlite, WriteAsyncReturnsBeforeTheWriteRuns) {
  TempDb t;
  auto db = Open(t.path());
  ASSERT_TRUE(db->AsyncWrites());
  ASSERT_TRUE(db->Write([](Conn& c) { return c.ExecScript("CREATE TABLE t (v INTEGER) STRICT"); }));
  std::promise<void> go;
  std::shared_future<void> started = go.get_future().share();
  std::promise<base::Status> answer;
  // The write waits for `go`, which is given only after WriteAsync returned: had WriteAsync run
  // the write itself, this would never finish.
  db->WriteAsync(
      [started](Conn& c) -> base::Status {
        if (started.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
          return base::Error::Internal("WriteAsync ran the write before returning");
        }
        return c.ExecScript("INSERT INTO t VALUES (1)");
      },
      [&answer](base::Status st) { answer.set_value(std::move(st)); });
  go.set_value();
  base::Status st = answer.get_future().get();
  EXPECT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM t"), 1);
}

TEST_P(Conformance, ReadsSeeCommittedWritesOnReturn) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(db->Write([&](Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {std::to_string(i), i}));
      return base::Ok();
    }));
    ASSERT_EQ(Count(*db, "SELECT count(*) FROM kv"), i + 1);
  }
}

// Prints durable writes/s with and without group commit on this disk (no threshold).
TEST(GroupCommit, ThroughputReport) {
  for (int max_batch : {1, 1024}) {
    TempDb t;
    SqliteOptions o;
    o.max_batch = max_batch;
    auto db = Open(t.path(), o);
    ASSERT_TRUE(CreateKv(*db));
    constexpr int kThreads = 64, kPerThread = 40;
    double secs = InsertFromThreads(*db, kThreads, kPerThread);
    DbStats s = db->Stats();
    std::printf("[ report   ] max_batch=%d: %d durable writes in %.3f s = %.0f writes/s, %lld commits\n",
                max_batch, kThreads * kPerThread, secs, kThreads * kPerThread / secs,
                static_cast<long long>(s.write_batches));
    EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), kThreads * kPerThread);
  }
}

TEST(GroupCommit, RawCommitRateReference) {
  TempDb t;
  auto rate = MeasureRawCommitsPerSecond(t.path(), 300);
  ASSERT_TRUE(rate.has_value()) << rate.error().ToString();
  EXPECT_GT(*rate, 0);
  std::printf("[ report   ] raw durable INSERT+COMMIT on this disk: %.0f commits/s\n", *rate);
  EXPECT_FALSE(std::filesystem::exists(t.path()));
}

// Prints sequential single-row durable commits per second and the rate with 64 writer threads
// on this machine, per driver (no threshold: the numbers are for the report).
TEST_P(Conformance, DurableCommitReport) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  constexpr int kSequential = 300;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSequential; ++i) {
    ASSERT_TRUE(db->Write([&](Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"s" + std::to_string(i), i}));
      return base::Ok();
    }));
  }
  double seq_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  constexpr int kThreads = 64, kPerThread = 20;
  double par_secs = InsertFromThreads(*db, kThreads, kPerThread);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), kSequential + kThreads * kPerThread);
  std::printf("[ report   ] %s: %d sequential durable single-row writes: %.0f/s; %d threads: %.0f/s\n",
              DialectName(GetParam()).c_str(), kSequential, kSequential / seq_secs, kThreads,
              kThreads * kPerThread / par_secs);
}

TEST_P(Conformance, MetricsTimeWritesAndReads) {
  base::Metrics metrics;
  DbOptions o;
  o.metrics = &metrics;
  auto db = OpenDb(o);
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 0);
  ASSERT_TRUE(db->Read([](Conn& c) { return c.Query("SELECT 1").has_value() ? base::Ok() : base::Error::Internal("q"); }));
  const std::string driver = GetParam() == Dialect::kPostgres ? "postgres" : "sqlite";
  const std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("assay_db_seconds_count{driver=\"" + driver + "\",op=\"write\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("assay_db_seconds_count{driver=\"" + driver + "\",op=\"read\"} 2\n"), std::string::npos) << text;
}

TEST(Postgres, RefusesTextWithNulAndReportsABadUrl) {
  TestDb t(Dialect::kPostgres);
  auto db = t.Open();
  ASSERT_TRUE(db) << db.error().ToString();
  ASSERT_TRUE(CreateKv(**db));
  base::Status st = (*db)->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, 1)", {std::string("a\0b", 3)}));
    return base::Ok();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message().find("NUL"), std::string::npos);
  auto bad = OpenDb("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kUnavailable);
  EXPECT_NE(bad.error().message().find("cannot connect to PostgreSQL"), std::string::npos) << bad.error().message();
}

TEST(Open, UrlsPickTheDriver) {
  TempDb t;
  auto db = OpenDb("sqlite:" + t.path());
  ASSERT_TRUE(db);
  EXPECT_EQ((*db)->dialect(), Dialect::kSqlite);
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h:5/db"));
  EXPECT_FALSE(IsPostgresUrl("sqlite:postgresql.db"));
  EXPECT_FALSE(OpenDb("sqlite:").has_value());
  EXPECT_EQ(SqlitePath("sqlite:var/a.db"), "var/a.db");
  EXPECT_EQ(SqlitePath("var/a.db"), "var/a.db");
  EXPECT_EQ(SqlitePath("postgresql://u@h/db"), "");
}

// PostgreSQL: a SELECT with RowLockClause(skip_locked) passes over rows another transaction
// holds with LockRows; SQLite's single writer needs no locks and the clause is empty.
TEST_P(Conformance, RowLocksMakeConcurrentPickersSkipHeldRows) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(CreateKv(*db));
  ASSERT_TRUE(db->Write([](Conn& c) { return c.ExecScript("INSERT INTO kv VALUES ('a', 1), ('b', 2)"); }));
  if (GetParam() == Dialect::kSqlite) {
    EXPECT_EQ(db->RowLockClause("kv", true), "");
    ASSERT_TRUE(db->Write([](Conn& c) { return c.LockRows("SELECT 1 FROM kv WHERE k = ?", {"a"}); }));
    return;
  }
  std::promise<void> held, release;
  std::shared_future<void> released = release.get_future().share();
  auto holder = std::async(std::launch::async, [&] {
    return db->Write([&](Conn& c) -> base::Status {
      ASSAY_TRY(c.LockRows("SELECT 1 FROM kv WHERE k = ?", {"a"}));
      held.set_value();
      released.wait();
      return base::Ok();
    });
  });
  held.get_future().wait();
  std::string picked;
  base::Status st = db->Write([&](Conn& c) -> base::Status {
    ASSAY_TRY(c.UseRowLocking());
    ASSAY_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT k FROM kv ORDER BY k LIMIT 1" + db->RowLockClause("kv", true)));
    picked = r.Text(0);
    return base::Ok();
  });
  release.set_value();
  EXPECT_TRUE(holder.get());
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(picked, "b");
}

TEST(Migrations, TranslateForPostgres) {
  EXPECT_EQ(TranslateMigrationForPostgres("CREATE TABLE t (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                                          "  n integer NOT NULL DEFAULT 0, r REAL, b BLOB, s TEXT\n) STRICT;"),
            "CREATE TABLE t (\n  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
            "  n BIGINT NOT NULL DEFAULT 0, r DOUBLE PRECISION, b BYTEA, s TEXT\n);");
  EXPECT_EQ(TranslateMigrationForPostgres("CREATE TABLE v (version INTEGER PRIMARY KEY, x INT) STRICT, WITHOUT ROWID"),
            "CREATE TABLE v (version BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x BIGINT)");
  // Quotes, comments, longer words and CHECK parentheses are left alone.
  const std::string keep =
      "CREATE TABLE q (integer_count TEXT CHECK (length(integer_count) > 0), -- INTEGER here stays\n"
      "  /* REAL too */ c TEXT DEFAULT 'INTEGER REAL')";
  EXPECT_EQ(TranslateMigrationForPostgres(keep + " STRICT;"), keep + ";");
}

TEST(Dialect, PlaceholdersRewriteForPostgres) {
  EXPECT_EQ(RewritePlaceholdersForPostgres("SELECT a FROM t WHERE x = ? AND y IN (?, ?)"),
            "SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)");
  EXPECT_EQ(RewritePlaceholdersForPostgres("SELECT '?', 'it''s ?', \"q?\" FROM t WHERE v = ? -- why?\n AND w = ?"),
            "SELECT '?', 'it''s ?', \"q?\" FROM t WHERE v = $1 -- why?\n AND w = $2");
  EXPECT_EQ(RewritePlaceholdersForPostgres("/* ? */ SELECT ?"), "/* ? */ SELECT $1");
  EXPECT_EQ(RewritePlaceholdersForPostgres("no params"), "no params");
}

// Every migration file applies on both drivers (translated for PostgreSQL), once.
TEST_P(Conformance, MigrationsApplyOnceInOrderAndRecord) {
  base::FakeClock clock;
  auto db = OpenDb();
  ASSERT_TRUE(db);
  auto applied = Migrate(*db, clock);
  ASSERT_TRUE(applied.has_value()) << applied.error().ToString();
  EXPECT_EQ(*applied, static_cast<int>(EmbeddedMigrations().size()));
  EXPECT_GE(*applied, 1);
  auto again = Migrate(*db, clock);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 0);
  auto versions = AppliedMigrations(*db);
  ASSERT_TRUE(versions.has_value());
  EXPECT_EQ(versions->size(), EmbeddedMigrations().size());
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM assignments"), 0);  // the table exists
}

TEST_P(Conformance, AFailingMigrationLeavesNothingBehind) {
  base::FakeClock clock;
  auto db = OpenDb();
  ASSERT_TRUE(db);
  std::vector<Migration> ms = {{"0001_a", "CREATE TABLE a (x INTEGER) STRICT;"},
                               {"0002_b", "CREATE TABLE b (x INTEGER) STRICT; SELECT nonsense FROM;"}};
  auto r = Migrate(*db, clock, ms);
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(db->Query("SELECT count(*) FROM a").has_value());  // no such table
  EXPECT_FALSE(db->Query("SELECT count(*) FROM b").has_value());
  ms.pop_back();
  r = Migrate(*db, clock, ms);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 1);
}

// A migration may hold parts for one driver: here a table the database itself keeps
// append-only, by a trigger in each driver's own dialect.
TEST_P(Conformance, DialectSectionsMakeAppendOnlyTables) {
  base::FakeClock clock;
  auto db = OpenDb();
  ASSERT_TRUE(db);
  std::vector<Migration> ms = {{"0001_log", R"sql(
CREATE TABLE log (id INTEGER PRIMARY KEY, line TEXT NOT NULL) STRICT;
-- dialect: sqlite
CREATE TRIGGER log_no_update BEFORE UPDATE ON log BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;
CREATE TRIGGER log_no_delete BEFORE DELETE ON log BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;
-- dialect: postgres
CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'log is append-only'; END $$;
CREATE TRIGGER log_no_change BEFORE UPDATE OR DELETE ON log FOR EACH ROW EXECUTE FUNCTION log_append_only();
-- dialect: all
CREATE INDEX log_line ON log(line);
)sql"}};
  auto applied = Migrate(*db, clock, ms);
  ASSERT_TRUE(applied.has_value()) << applied.error().ToString();
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO log (line) VALUES ('first')"));
    return base::Ok();
  }));
  auto update = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE log SET line = 'changed'"));
    return base::Ok();
  });
  auto del = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM log"));
    return base::Ok();
  });
  EXPECT_FALSE(update.has_value());
  EXPECT_FALSE(del.has_value());
  if (!update) {
    EXPECT_NE(update.error().message().find("append-only"), std::string::npos) << update.error().ToString();
  }
  auto rows = db->Query("SELECT line FROM log");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).Text(0), "first");
}

TEST(Migrations, DialectSectionsPickTheDriversPart) {
  const std::string sql = "CREATE TABLE t (x INTEGER) STRICT;\n-- dialect: sqlite\nA;\n-- dialect: postgres\nB $$ INTEGER $$;\n"
                          "-- dialect: all\nC INTEGER;\n";
  EXPECT_EQ(MigrationForDialect(sql, Dialect::kSqlite), "CREATE TABLE t (x INTEGER) STRICT;\n\nA;\n\nC INTEGER;\n");
  EXPECT_EQ(MigrationForDialect(sql, Dialect::kPostgres), "CREATE TABLE t (x BIGINT);\n\nB $$ INTEGER $$;\n\nC BIGINT;\n");
}

TEST_P(Conformance, SchemaEnforcesInvariants) {
  base::FakeClock clock;
  auto db = OpenDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db, clock).has_value());
  base::Status st = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO users (id, email, name, role, password_hash, created_at_us) "
                     "VALUES ('u1', 'a@x', '', 'expert', NULL, 1)"));
    ASSAY_TRY(c.Exec("INSERT INTO projects (id, name, instructions, template, answer_schema, overlap, lease_seconds, "
                     "created_by, created_at_us, updated_at_us) VALUES ('p1', 'P', '', '[]', '{}', 1, 60, 'u1', 1, 1)"));
    ASSAY_TRY(c.Exec("INSERT INTO items (id, project_id, seq, data, created_at_us) VALUES ('i1', 'p1', 1, '{}', 1)"));
    ASSAY_TRY(c.Exec("INSERT INTO assignments VALUES ('a1', 'p1', 'i1', 'u1', 'leased', 't', 1, 2, NULL)"));
    return base::Ok();
  });
  ASSERT_TRUE(st) << st.error().ToString();
  auto second = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO assignments VALUES ('a2', 'p1', 'i1', 'u1', 'leased', 't', 1, 2, NULL)"));
    return base::Ok();
  });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), base::ErrorCode::kConflict);
  auto short_reject = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO submissions (id, assignment_id, project_id, item_id, expert_id, client_submission_id, answer, answer_hash, active_ms, submitted_at_us) VALUES ('s1', 'a1', 'p1', 'i1', 'u1', 'c', '{}', 'h', 0, 1)"));
    ASSAY_TRY(c.Exec("INSERT INTO reviews VALUES ('r1', 's1', 'u1', 'reject', 'too short', 1)"));
    return base::Ok();
  });
  EXPECT_FALSE(short_reject);
}

}  // namespace
}  // namespace storage
