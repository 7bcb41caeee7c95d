#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "base/clock.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"

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

base::Status CreateKv(Db& db) {
  return db.Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT"));
    return base::Ok();
  });
}

int64_t Count(Db& db, std::string_view sql, const Params& params = {}) {
  auto rows = db.Query(sql, params);
  EXPECT_TRUE(rows.has_value());
  return rows && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

TEST(Sqlite, BindsAndReadsEveryType) {
  TempDb t;
  auto db = Open(t.path());
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT) STRICT"));
    ASSAY_TRY(c.Exec("INSERT INTO t VALUES (?, ?, ?, ?)",
                     {int64_t{1} << 40, 2.5, std::string("h\0é", 4), nullptr}));
    return base::Ok();
  }));
  auto rows = db->Query("SELECT i, d, s, n FROM t");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.Int(0), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(r.Double(1), 2.5);
  EXPECT_EQ(r.Text(2), std::string("h\0é", 4));  // embedded NUL and UTF-8 kept
  EXPECT_TRUE(r.IsNull(3));
}

TEST(Sqlite, ReturningAndOnConflict) {
  TempDb t;
  auto db = Open(t.path());
  ASSERT_TRUE(CreateKv(*db));
  ASSERT_TRUE(db->Write([](Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Rows rows, c.Query("INSERT INTO kv VALUES (?, ?) RETURNING v", {"a", 7}));
    EXPECT_EQ(rows.at(0).Int(0), 7);
    ASSAY_ASSIGN_OR_RETURN(int64_t changed,
                           c.Exec("INSERT INTO kv VALUES (?, ?) ON CONFLICT (k) DO NOTHING", {"a", 8}));
    EXPECT_EQ(changed, 0);
    auto dup = c.Exec("INSERT INTO kv VALUES (?, ?)", {"a", 9});
    EXPECT_FALSE(dup.has_value());
    if (!dup) {
      EXPECT_EQ(dup.error().code(), base::ErrorCode::kConflict);
    }
    return base::Ok();
  }));
  EXPECT_EQ(Count(*db, "SELECT v FROM kv WHERE k = ?", {"a"}), 7);
}

TEST(Sqlite, StrictTablesRefuseWrongTypes) {
  TempDb t;
  auto db = Open(t.path());
  ASSERT_TRUE(CreateKv(*db));
  base::Status st = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"a", "not a number"}));
    return base::Ok();
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), 0);
}

TEST(Sqlite, FailedWriteRollsBackItsOwnChanges) {
  TempDb t;
  auto db = Open(t.path());
  ASSERT_TRUE(CreateKv(*db));
  base::Status st = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {"x", 1}));
    return base::Error::Conflict("changed my mind");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "changed my mind");
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
TEST(GroupCommit, ConcurrentWritesAreDurableAndIsolated) {
  TempDb t;
  constexpr int kThreads = 16, kPerThread = 100;
  std::atomic<int> wrong_results{0};
  DbStats stats;
  {
    auto db = Open(t.path());
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
  auto db = Open(t.path());
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv"), kThreads * kPerThread / 2);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM kv WHERE v % 2 = 1"), 0);
}

// A write that violates a constraint in the middle of a batch does not undo its neighbours.
TEST(GroupCommit, ConstraintViolationDoesNotPoisonTheBatch) {
  TempDb t;
  auto db = Open(t.path());
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

TEST(GroupCommit, ReadsSeeCommittedWritesOnReturn) {
  TempDb t;
  auto db = Open(t.path());
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
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int th = 0; th < kThreads; ++th) {
      threads.emplace_back([&, th] {
        for (int i = 0; i < kPerThread; ++i) {
          (void)db->Write([&](Conn& c) -> base::Status {
            ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {std::to_string(th * 1000 + i), i}));
            return base::Ok();
          });
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

TEST(Dialect, PlaceholdersRewriteForPostgres) {
  EXPECT_EQ(RewritePlaceholdersForPostgres("SELECT a FROM t WHERE x = ? AND y IN (?, ?)"),
            "SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)");
  EXPECT_EQ(RewritePlaceholdersForPostgres("SELECT '?', 'it''s ?', \"q?\" FROM t WHERE v = ? -- why?\n AND w = ?"),
            "SELECT '?', 'it''s ?', \"q?\" FROM t WHERE v = $1 -- why?\n AND w = $2");
  EXPECT_EQ(RewritePlaceholdersForPostgres("/* ? */ SELECT ?"), "/* ? */ SELECT $1");
  EXPECT_EQ(RewritePlaceholdersForPostgres("no params"), "no params");
}

TEST(Migrations, ApplyOnceInOrderAndRecord) {
  TempDb t;
  base::FakeClock clock;
  auto db = Open(t.path());
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
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'assignments'"), 1);
}

TEST(Migrations, AFailingMigrationLeavesNothingBehind) {
  TempDb t;
  base::FakeClock clock;
  auto db = Open(t.path());
  std::vector<Migration> ms = {{"0001_a", "CREATE TABLE a (x INTEGER) STRICT;"},
                               {"0002_b", "CREATE TABLE b (x INTEGER) STRICT; SELECT nonsense FROM;"}};
  auto r = Migrate(*db, clock, ms);
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')"), 0);
  ms.pop_back();
  r = Migrate(*db, clock, ms);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 1);
}

TEST(Migrations, SchemaEnforcesInvariants) {
  TempDb t;
  base::FakeClock clock;
  auto db = Open(t.path());
  ASSERT_TRUE(Migrate(*db, clock).has_value());
  base::Status st = db->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO users VALUES ('u1', 'a@x', '', 'expert', NULL, 1)"));
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
