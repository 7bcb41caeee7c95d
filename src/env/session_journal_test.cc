// Sessions kept in a journal (issue 17): a store that restarts, or another store on the same
// journal ("another server on the same database"), continues a session with the same steps and
// state hash; snapshots shorten the replay and never change its result; a call that lost a race
// with another server is refused, not kept; closed sessions are read-only; forks persist.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "env/memory_journal.h"
#include "env/notes_testing.h"
#include "env/session_store.h"
#include "env/snapshot.h"

namespace env {
namespace {

struct Fixture {
  base::FakeClock clock;
  Loads loads;
  MemoryJournal journal;
  SessionStoreOptions Options() {
    SessionStoreOptions o;
    o.journal = &journal;
    return o;
  }
  std::unique_ptr<SessionStore> Store() {
    return std::make_unique<SessionStore>(clock, NotesCatalog(&loads), Options());
  }
};

TEST(SessionJournalTest, ARestartedStoreContinuesTheSessionExactly) {
  Fixture f;
  auto first = f.Store();
  auto info = first->Create("alice", "notes", "first");
  ASSERT_TRUE(info);
  Work(*first, info->id, 150);
  const Seen before = Look(*first, info->id);
  first.reset();  // the server stops

  auto second = f.Store();
  const Seen after = Look(*second, info->id);
  EXPECT_EQ(after.hash, before.hash);
  EXPECT_EQ(after.steps, 150u);
  EXPECT_EQ(after.trajectory, before.trajectory);  // times and actors as they were recorded

  // It goes on as if there had been no restart: the same ids from the same generator.
  Fixture g;
  auto never_stopped = g.Store();
  auto same = never_stopped->Create("alice", "notes", "first");
  Work(*never_stopped, same->id, 160);
  Work(*second, info->id, 10, 150);
  EXPECT_EQ(Look(*second, info->id).hash, Look(*never_stopped, same->id).hash);
  EXPECT_EQ(f.journal.appends(), 160u);
}

TEST(SessionJournalTest, SnapshotsAreTakenEverySixtyFourStepsAndABadOneIsIgnored) {
  Fixture f;
  auto store = f.Store();
  auto info = store->Create("alice", "notes", "first");
  Work(*store, info->id, 200);
  EXPECT_EQ(f.journal.snapshots_saved(), 3u);  // at 64, 128 and 192 steps
  const Seen before = Look(*store, info->id);
  store.reset();
  // A snapshot that no longer matches (its hash is off) costs a full replay, not a wrong state.
  auto record = f.journal.Load(info->id);
  ASSERT_TRUE(record && *record && (*record)->snapshot_json);
  std::string bad = *(*record)->snapshot_json;
  bad.replace(bad.find("\"state_hash\":\"") + 14, 4, "0000");
  ASSERT_TRUE(f.journal.SaveSnapshot(info->id, 192, bad));
  EXPECT_EQ(Look(*f.Store(), info->id).hash, before.hash);
}

TEST(SessionJournalTest, AnotherStoreOnTheSameJournalSeesAndContinuesTheCalls) {
  Fixture f;
  auto a = f.Store();
  auto b = f.Store();
  auto info = a->Create("alice", "notes", "first");
  Work(*a, info->id, 5);
  EXPECT_EQ(Look(*b, info->id).steps, 5u);
  Work(*b, info->id, 5, 5);
  const Seen on_a = Look(*a, info->id);  // a caught up with b's calls
  EXPECT_EQ(on_a.steps, 10u);
  EXPECT_EQ(on_a.hash, Look(*b, info->id).hash);
}

TEST(SessionJournalTest, ACallThatLostTheRaceToAnotherServerIsNotKept) {
  Fixture f;
  auto a = f.Store();
  auto b = f.Store();
  auto info = a->Create("alice", "notes", "first");
  Work(*a, info->id, 2);
  auto held = a->Get("alice", info->id);  // a is up to date here …
  ASSERT_TRUE(held);
  Work(*b, info->id, 1, 2);  // … and then b appends step 3
  auto lost = held->CallJson("notes_add", R"({"text":"late"})", Actor::kHuman);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code(), base::ErrorCode::kConflict);
  held = base::Error::Internal("released");
  const Seen seen = Look(*a, info->id);  // rebuilt from the journal: b's step, not a's
  EXPECT_EQ(seen.steps, 3u);
  EXPECT_EQ(seen.trajectory.find("late"), std::string::npos);
  EXPECT_EQ(seen.hash, Look(*b, info->id).hash);
}

TEST(SessionJournalTest, AClosedSessionCanBeReadButTakesNoCalls) {
  Fixture f;
  auto store = f.Store();
  auto info = store->Create("alice", "notes", "first");
  Work(*store, info->id, 3);
  f.journal.Close(info->id, "this demonstration was submitted");
  auto lease = store->Get("alice", info->id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->info().closed, "this demonstration was submitted");
  auto refused = lease->CallJson("notes_add", R"({"text":"x"})", Actor::kHuman);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(lease->session().trajectory().size(), 3u);
}

TEST(SessionJournalTest, AForkIsRebuiltFromWhereItStarted) {
  Fixture f;
  auto store = f.Store();
  auto info = store->Create("alice", "notes", "first");
  Work(*store, info->id, 7);
  auto fork = store->Fork("alice", info->id);
  ASSERT_TRUE(fork) << fork.error().ToString();
  Work(*store, fork->id, 4, 7);
  const Seen before = Look(*store, fork->id);
  store.reset();
  const Seen after = Look(*f.Store(), fork->id);
  EXPECT_EQ(after.steps, 11u);
  EXPECT_EQ(after.hash, before.hash);
}

TEST(SessionJournalTest, DeletedAndIdleSessionsAreGoneAfterARestart) {
  Fixture f;
  auto store = f.Store();
  auto deleted = store->Create("alice", "notes", "first");
  auto idle = store->Create("alice", "notes", "first");
  ASSERT_TRUE(store->Delete("alice", deleted->id));
  store.reset();
  f.clock.Advance(SessionStoreOptions().idle_expiry_us + 1);
  auto again = f.Store();
  EXPECT_EQ(again->Get("alice", deleted->id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(again->Get("alice", idle->id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(again->Get("bob", idle->id).error().code(), base::ErrorCode::kNotFound);
}

TEST(SessionJournalTest, CapsCountTheSessionsTheJournalHolds) {
  Fixture f;
  SessionStoreOptions o = f.Options();
  o.max_per_owner = 2;
  auto first = std::make_unique<SessionStore>(f.clock, NotesCatalog(&f.loads), o);
  ASSERT_TRUE(first->Create("alice", "notes", "first"));
  ASSERT_TRUE(first->Create("alice", "notes", "first"));
  first.reset();
  SessionStore second(f.clock, NotesCatalog(&f.loads), o);  // a restart forgets nothing
  auto third = second.Create("alice", "notes", "first");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code(), base::ErrorCode::kResourceExhausted);
  EXPECT_EQ(second.List("alice").size(), 2u);
}

TEST(SessionJournalTest, WorldAtGivesTheStateAfterEachStep) {
  Fixture f;
  auto store = f.Store();
  auto info = store->Create("alice", "notes", "first");
  std::vector<std::string> hashes;
  {
    auto lease = store->Get("alice", info->id);
    hashes.push_back(lease->session().world().Hash());
    for (int i = 0; i < 140; ++i) {
      ASSERT_TRUE(lease->CallJson(i % 3 ? "notes_stamp" : "notes_add", i % 3 ? "{}" : R"({"text":"t"})",
                                  Actor::kAgent));
      hashes.push_back(lease->session().world().Hash());
    }
  }
  store.reset();
  auto reopened = f.Store();
  auto lease = reopened->Get("alice", info->id);
  for (size_t k : {0u, 1u, 63u, 64u, 65u, 100u, 128u, 139u, 140u}) {
    auto world = lease->WorldAt(k);
    ASSERT_TRUE(world) << world.error().ToString();
    EXPECT_EQ(world->Hash(), hashes[k]) << "after " << k << " steps";
  }
  EXPECT_EQ(lease->WorldAt(141).error().code(), base::ErrorCode::kInvalidArgument);
}

TEST(SnapshotTest, ChangesReapplyToTheSameWorldIncludingShrunkenArrays) {
  World initial;
  initial.Set("a", *Value::Parse(R"({"list":[1,2,3,4,5,6,7,8,9,10,11,12],"keep":{"x":1},"drop":true})"));
  World later;
  later.Set("a", *Value::Parse(R"({"list":[1,2,30,4],"keep":{"x":1,"y":[2]},"new":"n"})"));
  later.Set("b", Value::Int(3));
  SessionSnapshot snap{9, later, {}};
  auto back = SnapshotFromJson(SnapshotToJson(snap, initial), initial);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->world.Hash(), later.Hash());
  EXPECT_EQ(back->steps, 9u);
  EXPECT_FALSE(SnapshotFromJson(SnapshotToJson(snap, initial), later));  // another base: refused
}

}  // namespace
}  // namespace env
