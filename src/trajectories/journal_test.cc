// trajectories::Journal on both drivers: environment sessions outlive the server. A store on a
// reopened database continues a session with the same steps and state hash; a second store on
// the same database ("another server") sees and continues the calls, and of two calls racing
// for one step only one is kept; closed sessions are read-only; forks and snapshots persist;
// the recorded steps cannot be changed or deleted, even by hand.
#include "trajectories/journal.h"

#include <gtest/gtest.h>

#include "base/json.h"
#include "env/notes_testing.h"
#include "env/session_store.h"
#include "storage/migrations.h"
#include "storage/test_db.h"

namespace trajectories {
namespace {

using env::Actor;
using env::Look;
using env::Seen;
using env::Work;

class JournalTest : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  void SetUp() override {
    test_db_ = std::make_unique<storage::TestDb>(GetParam());
    Reopen();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    ASSERT_TRUE(storage::Migrate(*db_, clock_).has_value());
  }
  // The server restarts: a new connection, a new journal, a new store.
  void Reopen() {
    store_.reset();
    journal_.reset();
    db_.reset();
    auto db = test_db_->Open();
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(db).value();
    journal_ = std::make_unique<Journal>(*db_);
    store_ = NewStore();
  }
  std::unique_ptr<env::SessionStore> NewStore(size_t max_per_owner = 16) {
    env::SessionStoreOptions o;
    o.journal = journal_.get();
    o.max_per_owner = max_per_owner;
    return std::make_unique<env::SessionStore>(clock_, env::NotesCatalog(&loads_), o);
  }
  std::string Open() {
    auto info = store_->Create("alice", "notes", "first");
    EXPECT_TRUE(info) << info.error().ToString();
    return info ? info->id : "";
  }

  base::FakeClock clock_;
  env::Loads loads_;
  std::unique_ptr<storage::TestDb> test_db_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<env::SessionStore> store_;
};

TEST_P(JournalTest, ARestartedServerContinuesTheSessionExactly) {
  const std::string id = Open();
  Work(*store_, id, 150);  // two snapshots on the way
  const Seen before = Look(*store_, id);
  Reopen();
  const Seen after = Look(*store_, id);
  EXPECT_EQ(after.steps, 150u);
  EXPECT_EQ(after.hash, before.hash);
  EXPECT_EQ(after.trajectory, before.trajectory);  // actors, results and times as recorded
  Work(*store_, id, 3, 150);
  EXPECT_EQ(Look(*store_, id).steps, 153u);
  EXPECT_EQ(store_->List("alice").size(), 1u);
}

TEST_P(JournalTest, AnotherServerSeesAndContinuesTheCallsAndARacingCallIsRefused) {
  const std::string id = Open();
  Work(*store_, id, 4);
  auto other = NewStore();  // another server on the same database
  EXPECT_EQ(Look(*other, id).steps, 4u);
  auto held = store_->Get("alice", id);  // up to date here …
  ASSERT_TRUE(held);
  Work(*other, id, 1, 4);  // … then the other server records step 5
  auto lost = held->CallJson("notes_add", R"({"text":"late"})", Actor::kHuman);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code(), base::ErrorCode::kConflict);
  held = base::Error::Internal("released");
  const Seen here = Look(*store_, id);
  EXPECT_EQ(here.steps, 5u);
  EXPECT_EQ(here.trajectory.find("late"), std::string::npos);
  EXPECT_EQ(here.hash, Look(*other, id).hash);
}

TEST_P(JournalTest, AClosedSessionIsReadButTakesNoCalls) {
  const std::string id = Open();
  Work(*store_, id, 2);
  ASSERT_TRUE(journal_->Close(id, "this demonstration was submitted"));
  Reopen();
  auto lease = store_->Get("alice", id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->info().closed, "this demonstration was submitted");
  auto refused = lease->CallJson("notes_add", R"({"text":"x"})", Actor::kHuman);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(lease->session().trajectory().size(), 2u);
}

TEST_P(JournalTest, AForkAndTheStateAtEveryStepSurviveARestart) {
  const std::string id = Open();
  Work(*store_, id, 70);
  auto fork = store_->Fork("alice", id);
  ASSERT_TRUE(fork) << fork.error().ToString();
  Work(*store_, fork->id, 5, 70);
  const Seen before = Look(*store_, fork->id);
  std::string at_72;
  {
    auto lease = store_->Get("alice", fork->id);
    at_72 = lease->WorldAt(72)->Hash();
  }
  Reopen();
  EXPECT_EQ(Look(*store_, fork->id).hash, before.hash);
  EXPECT_EQ(Look(*store_, fork->id).steps, 75u);
  auto lease = store_->Get("alice", fork->id);
  EXPECT_EQ(lease->WorldAt(72)->Hash(), at_72);
}

TEST_P(JournalTest, DeletedSessionsAreGoneAndCapsCountTheDatabase) {
  store_ = NewStore(/*max_per_owner=*/2);
  const std::string deleted = Open();
  Open();
  ASSERT_FALSE(store_->Create("alice", "notes", "first"));  // at the cap
  ASSERT_TRUE(store_->Delete("alice", deleted));
  Reopen();
  store_ = NewStore(2);
  EXPECT_EQ(store_->Get("alice", deleted).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(store_->List("alice").size(), 1u);
  EXPECT_TRUE(store_->Create("alice", "notes", "first"));
  EXPECT_FALSE(store_->Create("alice", "notes", "first"));
}

TEST_P(JournalTest, RecordedStepsCannotBeChangedOrDeleted) {
  const std::string id = Open();
  Work(*store_, id, 2);
  auto changed = db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE env_steps SET actor = 'human' WHERE session_id = ?", {id}));
    return base::Ok();
  });
  EXPECT_FALSE(changed);
  auto deleted = db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM env_steps WHERE session_id = ?", {id}));
    return base::Ok();
  });
  EXPECT_FALSE(deleted);
  auto rows = db_->Query("SELECT actor FROM env_steps WHERE session_id = ? ORDER BY number", {id});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "agent");
}

INSTANTIATE_TEST_SUITE_P(Drivers, JournalTest, ASSAY_BOTH_DIALECTS,
                         storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>);

}  // namespace
}  // namespace trajectories
