// Fault injection (issue 18): the disk fails a write or an fsync, or fills up, under the SQLite
// driver; a PostgreSQL backend is killed in the middle of a transaction. Each failure answers a
// clear "unavailable" (503 at the API), nothing acknowledged is lost, nothing failed is half
// kept, the file passes integrity_check, and the same Db goes on without being reopened.
#include "storage/faulty_vfs.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <algorithm>

#include "storage/sqlite_db.h"
#include "storage/test_db.h"

namespace storage {
namespace {

class FaultyDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InstallFaultyVfs();
    Faults().Clear();
    dir_ = std::filesystem::temp_directory_path() / ("assay_faulty_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = OpenFaulty();
    ASSERT_TRUE(db_->Write([](Conn& c) { return c.ExecScript("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT) STRICT"); }));
  }
  void TearDown() override {
    Faults().Clear();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<Db> OpenFaulty() {
    SqliteOptions o;
    o.vfs = kFaultyVfs;
    auto db = OpenSqlite((dir_ / "f.db").string(), o);
    EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().ToString());
    return db ? std::move(*db) : nullptr;
  }
  base::Status Put(Db& db, int64_t k) {
    return db.Write([k](Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (?, ?)", {k, "value " + std::to_string(k)}));
      return base::Ok();
    });
  }
  static std::vector<int64_t> Keys(Db& db) {
    std::vector<int64_t> keys;
    EXPECT_TRUE(db.Read([&](Conn& c) {
      return c.QueryEach("SELECT k FROM kv ORDER BY k", {}, [&](const Row& r) -> base::Status {
        keys.push_back(r.Int(0));
        return base::Ok();
      });
    }));
    return keys;
  }
  static std::string Integrity(Db& db) {
    std::string out;
    EXPECT_TRUE(db.Read([&](Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(Row r, c.QueryOne("PRAGMA integrity_check"));
      out = r.Text(0);
      return base::Ok();
    }));
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(FaultyDiskTest, EachFailureIsUnavailableInWordsAndTheNextWriteWorks) {
  ASSERT_TRUE(Put(*db_, 1));
  struct Case {
    const char* what;
    std::function<void()> plan;
    const char* says;
  } cases[] = {
      {"fsync", [] { Faults().FailNthSync(1); }, "could not confirm the write"},
      {"write", [] { Faults().FailNthWrite(1); }, "could not write to its disk"},
      {"full", [] { Faults().SetDiskFull(true); }, "the database is full"},
  };
  int64_t k = 2;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const int64_t injected = Faults().injected();
    c.plan();
    base::Status failed = Put(*db_, 100 + k);
    Faults().Clear();
    EXPECT_GT(Faults().injected(), injected) << "the fault was not reached";
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), base::ErrorCode::kUnavailable) << failed.error().ToString();
    EXPECT_NE(failed.error().message().find(c.says), std::string::npos) << failed.error().message();
    // The same Db, not reopened, writes again.
    ASSERT_TRUE(Put(*db_, k)) << "after " << c.what;
    ++k;
  }
  EXPECT_EQ(Keys(*db_), (std::vector<int64_t>{1, 2, 3, 4})) << "a failed write is not half kept";
  EXPECT_EQ(Integrity(*db_), "ok");
}

// 8 writers at once while fsyncs and writes fail now and then: every acknowledged write is there,
// in the running Db, after a clean restart and after a crash (the files copied as they are, WAL
// and all); no refused one is in the running Db; the files are sound.
TEST_F(FaultyDiskTest, ConcurrentWritersLoseNothingAcknowledged) {
  constexpr int kThreads = 8, kPerThread = 60, kTotal = kThreads * kPerThread;
  std::mutex mu;
  std::condition_variable wrote;
  std::map<int64_t, bool> acked;  // key → acknowledged; guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t key = t * 1000 + i;
        base::Status st = Put(*db_, key);
        if (!st) {
          EXPECT_EQ(st.error().code(), base::ErrorCode::kUnavailable) << st.error().ToString();
        }
        {
          std::lock_guard lock(mu);
          acked[key] = static_cast<bool>(st);
        }
        wrote.notify_all();
      }
    });
  }
  // Faults planned while the writers run: one at a time, the next once it was reached.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int round = 0; Faults().injected() < 12; ++round) {
    if (round % 2 == 0) Faults().FailNthSync(3);
    else Faults().FailNthWrite(5);
    const int64_t before = Faults().injected();
    std::unique_lock lock(mu);
    const bool reached = wrote.wait_until(lock, deadline, [&] {
      return Faults().injected() > before || static_cast<int>(acked.size()) == kTotal;
    });
    if (!reached || static_cast<int>(acked.size()) == kTotal) break;
  }
  for (std::thread& th : threads) th.join();
  Faults().Clear();
  std::vector<int64_t> want;
  int refused = 0;
  for (const auto& [key, ok] : acked) {
    if (ok) want.push_back(key);
    else ++refused;
  }
  EXPECT_GT(refused, 0) << "no fault reached a write";
  std::printf("[ report   ] %lld faults injected: %d writes refused, %zu acknowledged, all present\n",
              static_cast<long long>(Faults().injected()), refused, want.size());
  EXPECT_EQ(Keys(*db_), want);
  EXPECT_EQ(Integrity(*db_), "ok");
  ASSERT_TRUE(Put(*db_, 999999));
  want.push_back(999999);
  // A crash: the files as they are now, the WAL not checkpointed into the database.
  const std::filesystem::path crashed = dir_ / "crashed";
  std::filesystem::create_directories(crashed);
  for (const char* name : {"f.db", "f.db-wal"}) {
    if (std::filesystem::exists(dir_ / name)) std::filesystem::copy_file(dir_ / name, crashed / name);
  }
  {
    auto after_crash = OpenSqlite((crashed / "f.db").string(), SqliteOptions{});
    ASSERT_TRUE(after_crash.has_value()) << after_crash.error().ToString();
    std::vector<int64_t> kept = Keys(**after_crash);
    for (int64_t key : want) EXPECT_TRUE(std::binary_search(kept.begin(), kept.end(), key)) << key << " lost";
    EXPECT_EQ(Integrity(**after_crash), "ok");
  }
  db_.reset();  // a clean restart, on the plain VFS
  auto plain = OpenSqlite((dir_ / "f.db").string(), SqliteOptions{});
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(Keys(**plain), want);
  EXPECT_EQ(Integrity(**plain), "ok");
}

// PostgreSQL: the backend of a write is killed after its first statement. The write is refused
// as unavailable, nothing of it kept, and the Db's next write works on a new connection.
TEST(PostgresFaultTest, ABackendKilledMidTransactionIsRefusedAndNothingOfItKept) {
  TestDb t(Dialect::kPostgres);
  auto db = t.Open();
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  ASSERT_TRUE((*db)->Write([](Conn& c) { return c.ExecScript("CREATE TABLE kv (k BIGINT PRIMARY KEY, v TEXT)"); }));
  std::atomic<int> attempts{0};
  base::Status st = (*db)->Write([&](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (1, 'first half')"));
    if (attempts.fetch_add(1) == 0) {
      ASSAY_TRY(c.Query("SELECT pg_terminate_backend(pg_backend_pid())"));
    }
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (2, 'second half')"));
    return base::Ok();
  });
  std::vector<int64_t> keys;
  ASSERT_TRUE((*db)->Read([&](Conn& c) {
    return c.QueryEach("SELECT k FROM kv ORDER BY k", {}, [&](const Row& r) -> base::Status {
      keys.push_back(r.Int(0));
      return base::Ok();
    });
  }));
  std::printf("[ report   ] backend killed: %s\n", st ? "the write was retried" : st.error().ToString().c_str());
  // The driver does not run a write again after its connection died (it cannot know whether the
  // COMMIT landed): refused as unavailable, nothing of it kept.
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), base::ErrorCode::kUnavailable) << st.error().ToString();
  EXPECT_EQ(keys, std::vector<int64_t>{}) << "neither half kept";
  EXPECT_EQ(attempts.load(), 1);
  EXPECT_TRUE((*db)->Write([](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO kv VALUES (3, 'after')"));
    return base::Ok();
  })) << "the Db writes again on a new connection";
}

}  // namespace
}  // namespace storage
