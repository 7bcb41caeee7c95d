#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "storage/sqlite_db.h"
#include "work/render.h"
#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;
using testing::ItemLine;
using testing::kPairwiseTemplate;

class LoopTest : public testing::WorkFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(LoopTest);

TEST_P(LoopTest, AnExpertNeverGetsTheSameItemTwice) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  std::string id = MakeProject(5, 3, {expert});
  std::set<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    auto lease = svc_->AcquireLease(expert, id);
    ASSERT_TRUE(lease.has_value() && lease->has_value());
    EXPECT_TRUE(seen.insert((*lease)->item_id).second);
    // Asking again while holding a live lease returns the same one.
    auto same = svc_->AcquireLease(expert, id);
    EXPECT_EQ((*same)->assignment_id, (*lease)->assignment_id);
    if (i % 2) ASSERT_TRUE(svc_->ReturnAssignment(expert, (*lease)->assignment_id, (*lease)->lease_token));
    else ASSERT_TRUE(SubmitAnswer(expert, **lease, "c" + std::to_string(i)).has_value());
  }
  auto none = svc_->AcquireLease(expert, id);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST_P(LoopTest, OnlyExpertMembersLease) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  Caller outsider = MakeCaller("o@example.com", Role::kExpert);
  std::string id = MakeProject(1, 1, {expert});
  EXPECT_EQ(svc_->AcquireLease(outsider, id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(svc_->AcquireLease(manager_, id).error().code(), base::ErrorCode::kPermissionDenied);
  // An admin sees every project but labels in none she is not an expert of; no project, no lease.
  EXPECT_EQ(svc_->AcquireLease(MakeCaller("admin@example.com", Role::kAdmin), id).error().code(),
            base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->AcquireLease(expert, "no-such-project").error().code(), base::ErrorCode::kNotFound);
}

TEST_P(LoopTest, ExpiredLeasesGoBackToThePoolAndCannotSubmit) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(1, 1, {a, b}, /*lease_seconds=*/60);
  auto la = svc_->AcquireLease(a, id);
  ASSERT_TRUE(la.has_value() && la->has_value());
  EXPECT_FALSE(svc_->AcquireLease(b, id)->has_value());  // overlap 1: taken
  clock_.Advance(59 * base::kMicrosPerSecond);
  EXPECT_FALSE(svc_->AcquireLease(b, id)->has_value());  // still live
  clock_.Advance(1 * base::kMicrosPerSecond);
  auto lb = svc_->AcquireLease(b, id);
  ASSERT_TRUE(lb.has_value() && lb->has_value());        // expired → back in the pool
  EXPECT_EQ((*lb)->item_id, (*la)->item_id);
  auto late = SubmitAnswer(a, **la, "late");
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), base::ErrorCode::kLeaseLost);
  EXPECT_TRUE(SubmitAnswer(b, **lb, "on-time").has_value());
  EXPECT_EQ(svc_->GetAssignment(a, (*la)->assignment_id)->state, "expired");
}

// Issue 18: no row every lease or submit of a project must lock. A transaction that holds the
// project's row as an UPDATE of it would (FOR NO KEY UPDATE, what bumping projects.quality_version
// took) does not hold up a lease or a submit of the project: both finish while it is held, and
// the quality version still counts the submit. PostgreSQL only (SQLite has one writer).
TEST_P(LoopTest, LeaseAndSubmitLockNoRowOfTheProject) {
  if (GetParam() != storage::Dialect::kPostgres) GTEST_SKIP() << "row locks: PostgreSQL";
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  std::string id = MakeProject(3, 1, {expert});
  auto version = [&] {
    return Count("SELECT coalesce(sum(changes), 0) FROM quality_stamps WHERE project_id = ?", {id});
  };
  const int64_t before = version();
  std::mutex mu;
  std::condition_variable cv;
  bool holding = false, worked = false, released = false;
  std::thread holder([&] {
    (void)db_->Write([&](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.UseRowLocking());
      // The lock an UPDATE of the row takes; the foreign keys of new assignments and submissions
      // only share-lock the project's key, which it leaves alone.
      ASSAY_TRY(c.Query("SELECT 1 FROM projects WHERE id = ? FOR NO KEY UPDATE", {id}));
      std::unique_lock lock(mu);
      holding = true;
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(20), [&] { return worked; });
      released = true;
      return base::Ok();
    });
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return holding; });
  }
  // The project row is held until the lease and the submit are done (or 20 s have passed).
  auto lease = svc_->AcquireLease(expert, id);
  ASSERT_TRUE(lease.has_value() && lease->has_value()) << (lease ? "nothing" : lease.error().ToString());
  auto submitted = SubmitAnswer(expert, **lease, "c1");
  bool held_throughout = false;
  {
    std::lock_guard lock(mu);
    held_throughout = !released;
    worked = true;
  }
  cv.notify_all();
  holder.join();
  ASSERT_TRUE(submitted.has_value()) << submitted.error().ToString();
  EXPECT_TRUE(held_throughout);
  EXPECT_EQ(version(), before + 1);
}

TEST_P(LoopTest, StaleLeaseTokenIsRefused) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(2, 1, {a});
  auto lease = svc_->AcquireLease(a, id);
  ASSERT_TRUE(lease.has_value() && lease->has_value());
  Lease stale = **lease;
  stale.lease_token = std::string(stale.lease_token.size(), '0');
  auto r = SubmitAnswer(a, stale, "c1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kLeaseLost);
  EXPECT_EQ(svc_->RenewLease(a, stale.assignment_id, stale.lease_token).error().code(), base::ErrorCode::kLeaseLost);
  EXPECT_EQ(svc_->ReturnAssignment(a, stale.assignment_id, stale.lease_token).error().code(), base::ErrorCode::kLeaseLost);
  EXPECT_EQ(Count("SELECT count(*) FROM submissions"), 0);
}

TEST_P(LoopTest, RenewExtendsTheLease) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(1, 1, {a}, 60);
  auto lease = svc_->AcquireLease(a, id);
  clock_.Advance(50 * base::kMicrosPerSecond);
  auto expires = svc_->RenewLease(a, (*lease)->assignment_id, (*lease)->lease_token);
  ASSERT_TRUE(expires.has_value());
  EXPECT_EQ(*expires, clock_.NowMicros() + 60 * base::kMicrosPerSecond);
  clock_.Advance(50 * base::kMicrosPerSecond);
  EXPECT_TRUE(SubmitAnswer(a, **lease, "c1").has_value());
}

TEST_P(LoopTest, OthersCannotTouchMyAssignment) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(1, 2, {a, b});
  auto lease = svc_->AcquireLease(a, id);
  EXPECT_EQ(svc_->GetAssignment(b, (*lease)->assignment_id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(SubmitAnswer(b, **lease, "x").error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(svc_->ReturnAssignment(b, (*lease)->assignment_id, (*lease)->lease_token).error().code(),
            base::ErrorCode::kNotFound);
}

// 32 experts race for 20 items with overlap 3, leasing one task at a time and then each
// prefetching the next: no item is ever out to more than 3, no expert holds more than 1 (2)
// live leases, every item ends with exactly 3 submissions from 3 different experts.
TEST_P(LoopTest, OverlapIsNeverExceededWith32ConcurrentExperts) {
  std::vector<Caller> experts;
  for (int i = 0; i < 32; ++i) experts.push_back(MakeCaller("e" + std::to_string(i) + "@example.com", Role::kExpert));
  constexpr int kItems = 20, kOverlap = 3;
  for (bool prefetch : {false, true}) {
    SCOPED_TRACE(prefetch ? "prefetch" : "one at a time");
    std::string id = MakeProject(kItems, kOverlap, experts);
    auto [errors, over] = RunExpertsConcurrently(
        experts, id, kOverlap, [](size_t) { return std::string(R"({"preference":{"choice":"a"}})"); }, prefetch);
    EXPECT_EQ(errors, 0);
    EXPECT_EQ(over, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM assignments WHERE project_id = ? AND state = 'leased'", {id}), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM submissions WHERE project_id = ?", {id}), kItems * kOverlap);
    EXPECT_EQ(Count("SELECT count(*) FROM (SELECT item_id FROM submissions WHERE project_id = ? GROUP BY item_id "
                    "HAVING count(*) = ? AND count(DISTINCT expert_id) = ?) AS full_items", {id, kOverlap, kOverlap}), kItems);
  }
}

// Prefetch: the lease after the one in hand is a second live lease, the same one on a retry,
// never a third; the one in hand stays what a plain lease request answers.
TEST_P(LoopTest, PrefetchHoldsAtMostTwoLiveLeasesAndRetriesAreIdempotent) {
  Caller e = MakeCaller("e@example.com", Role::kExpert);
  Caller other = MakeCaller("o@example.com", Role::kExpert);
  std::string id = MakeProject(5, 1, {e, other});
  auto live = [&] {
    return Count("SELECT count(*) FROM assignments WHERE expert_id = ? AND state = 'leased'", {e.user_id});
  };
  Lease a = **svc_->AcquireLease(e, id);
  auto b = svc_->AcquireLease(e, id, a.assignment_id);
  ASSERT_TRUE(b.has_value() && b->has_value()) << (b ? "" : b.error().ToString());
  EXPECT_NE((*b)->assignment_id, a.assignment_id);
  EXPECT_NE((*b)->item_id, a.item_id);
  auto retry = svc_->AcquireLease(e, id, a.assignment_id);  // the reply was lost: ask again
  EXPECT_EQ((*retry)->assignment_id, (*b)->assignment_id);
  EXPECT_EQ((*retry)->lease_token, (*b)->lease_token);
  EXPECT_EQ((*svc_->AcquireLease(e, id))->assignment_id, a.assignment_id);                       // the oldest
  EXPECT_EQ((*svc_->AcquireLease(e, id, (*b)->assignment_id))->assignment_id, a.assignment_id);  // the other
  EXPECT_EQ(live(), 2);
  EXPECT_EQ(Count("SELECT sum(taken) FROM items WHERE project_id = ?", {id}), 2);

  // `after` must name one of the caller's assignments in this project.
  auto bad = svc_->AcquireLease(e, id, "no-such-assignment");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kNotFound);
  Lease theirs = **svc_->AcquireLease(other, id);
  EXPECT_EQ(svc_->AcquireLease(e, id, theirs.assignment_id).error().code(), base::ErrorCode::kNotFound);

  // Submitting the one in hand makes the prefetched one current; prefetching again adds one.
  ASSERT_TRUE(SubmitAnswer(e, a, "c1").has_value());
  EXPECT_EQ((*svc_->AcquireLease(e, id))->assignment_id, (*b)->assignment_id);
  EXPECT_EQ((*svc_->AcquireLease(e, id, a.assignment_id))->assignment_id, (*b)->assignment_id);
  Lease c = **svc_->AcquireLease(e, id, (*b)->assignment_id);
  EXPECT_NE(c.assignment_id, (*b)->assignment_id);
  EXPECT_EQ(live(), 2);
  // Returning the one in hand (skip) leaves the prefetched one, which a plain request answers.
  ASSERT_TRUE(svc_->ReturnAssignment(e, (*b)->assignment_id, (*b)->lease_token));
  EXPECT_EQ((*svc_->AcquireLease(e, id))->assignment_id, c.assignment_id);
  EXPECT_EQ(live(), 1);
  // 5 items, overlap 1: a, b (returned, never again for e), c, theirs → one left to prefetch.
  Lease d = **svc_->AcquireLease(e, id, c.assignment_id);
  ASSERT_TRUE(SubmitAnswer(e, c, "c2").has_value());
  auto none = svc_->AcquireLease(e, id, d.assignment_id);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE taken > 1"), 0);
}

TEST_P(LoopTest, PrefetchedLeaseExpiresAndGoesBackToThePool) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(3, 1, {a, b}, /*lease_seconds=*/60);
  Lease cur = **svc_->AcquireLease(a, id);
  Lease ahead = **svc_->AcquireLease(a, id, cur.assignment_id);
  Lease bs = **svc_->AcquireLease(b, id);
  EXPECT_FALSE(svc_->AcquireLease(b, id, bs.assignment_id)->has_value());  // all three out
  // The expert works on the current task and renews only it: the prefetched lease runs out.
  clock_.Advance(40 * base::kMicrosPerSecond);
  ASSERT_TRUE(svc_->RenewLease(a, cur.assignment_id, cur.lease_token).has_value());
  ASSERT_TRUE(svc_->RenewLease(b, bs.assignment_id, bs.lease_token).has_value());
  clock_.Advance(20 * base::kMicrosPerSecond);
  auto back = svc_->AcquireLease(b, id, bs.assignment_id);
  ASSERT_TRUE(back.has_value() && back->has_value());
  EXPECT_EQ((*back)->item_id, ahead.item_id);  // back in the pool, for someone else
  EXPECT_EQ(svc_->GetAssignment(a, ahead.assignment_id)->state, "expired");
  EXPECT_EQ(SubmitAnswer(a, ahead, "late").error().code(), base::ErrorCode::kLeaseLost);
  EXPECT_EQ(svc_->RenewLease(a, ahead.assignment_id, ahead.lease_token).error().code(), base::ErrorCode::kLeaseLost);
  // The current one is untouched; nothing new is left for a.
  EXPECT_EQ((*svc_->AcquireLease(a, id))->assignment_id, cur.assignment_id);
  EXPECT_FALSE(svc_->AcquireLease(a, id, cur.assignment_id)->has_value());
  EXPECT_TRUE(SubmitAnswer(a, cur, "c1").has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM items i WHERE i.taken != (SELECT count(*) FROM assignments x "
                  "WHERE x.item_id = i.id AND x.state IN ('leased', 'submitted'))"), 0);
}

// The current lease running out does not strand the prefetched one: it becomes current.
TEST_P(LoopTest, ExpiredCurrentLeaseLeavesThePrefetchedOneInHand) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(3, 1, {a, b}, /*lease_seconds=*/60);
  Lease cur = **svc_->AcquireLease(a, id);
  clock_.Advance(10 * base::kMicrosPerSecond);
  Lease ahead = **svc_->AcquireLease(a, id, cur.assignment_id);
  clock_.Advance(55 * base::kMicrosPerSecond);  // cur expired at 60 s, ahead lives to 70 s
  EXPECT_EQ((*svc_->AcquireLease(a, id))->assignment_id, ahead.assignment_id);
  // Asking after the lost one still answers the live one, and prefetching after it adds one.
  EXPECT_EQ((*svc_->AcquireLease(a, id, cur.assignment_id))->assignment_id, ahead.assignment_id);
  auto third = svc_->AcquireLease(a, id, ahead.assignment_id);
  ASSERT_TRUE(third.has_value() && third->has_value());
  EXPECT_NE((*third)->item_id, cur.item_id);  // never the same item twice
  auto bs = svc_->AcquireLease(b, id);
  ASSERT_TRUE(bs.has_value() && bs->has_value());
  EXPECT_EQ((*bs)->item_id, cur.item_id);  // the expired one went back to the pool
  EXPECT_TRUE(SubmitAnswer(a, ahead, "c1").has_value());
}

TEST_P(LoopTest, SubmitIsIdempotentByClientSubmissionId) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(2, 1, {a});
  auto lease = svc_->AcquireLease(a, id);
  const std::string answer = "{ \"preference\" : {\"choice\":\"b\", \"strength\": 2},\n \"why\": \"B cites the guideline\" }";
  auto first = SubmitAnswer(a, **lease, "client-1", answer);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->submission.answer_json, answer);
  // Same id, same answer (even re-serialized): the same submission, nothing written.
  const std::string same_answer = R"({"why":"B cites the guideline","preference":{"strength":2,"choice":"b"}})";
  auto again = SubmitAnswer(a, **lease, "client-1", same_answer);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->submission.id, first->submission.id);
  EXPECT_EQ(again->submission.answer_json, answer);  // stored byte-exact
  // Same id, different answer: conflict.
  auto changed = SubmitAnswer(a, **lease, "client-1", R"({"preference":{"choice":"a"}})");
  ASSERT_FALSE(changed.has_value());
  EXPECT_EQ(changed.error().code(), base::ErrorCode::kConflict);
  // A new id on an already submitted assignment: conflict, not a second row.
  EXPECT_EQ(SubmitAnswer(a, **lease, "client-2").error().code(), base::ErrorCode::kConflict);
  EXPECT_EQ(Count("SELECT count(*) FROM submissions"), 1);
  auto stored = db_->Query("SELECT answer FROM submissions");
  EXPECT_EQ(stored->at(0).Text(0), answer);
}

TEST_P(LoopTest, AClientIdReusedOnAnotherLiveAssignmentIsAConflictAndWritesNothing) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(2, 1, {a});
  auto first_lease = svc_->AcquireLease(a, id);
  ASSERT_TRUE(SubmitAnswer(a, **first_lease, "client-1").has_value());
  auto second_lease = svc_->AcquireLease(a, id);
  ASSERT_TRUE(second_lease.has_value() && second_lease->has_value());
  auto reused = SubmitAnswer(a, **second_lease, "client-1");
  ASSERT_FALSE(reused.has_value());
  EXPECT_EQ(reused.error().code(), base::ErrorCode::kConflict);
  EXPECT_EQ(reused.error().DetailsJson(), R"({"field":"client_submission_id"})");
  EXPECT_EQ(Count("SELECT count(*) FROM submissions"), 1);
  // The lease is still live: a fresh client id submits it.
  auto fresh = SubmitAnswer(a, **second_lease, "client-2");
  ASSERT_TRUE(fresh.has_value()) << fresh.error().ToString();
  EXPECT_TRUE(fresh->created);
}

TEST_P(LoopTest, InvalidAnswersAreRefusedNamingTheField) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(1, 1, {a});
  auto lease = svc_->AcquireLease(a, id);
  auto bad = SubmitAnswer(a, **lease, "c", R"({"preference":{"choice":"a","strength":9}})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().DetailsJson(), R"({"field":"answer.preference.strength"})");
  auto broken = SubmitAnswer(a, **lease, "c", "{\"preference\":");
  EXPECT_EQ(broken.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT count(*) FROM submissions"), 0);
}

TEST_P(LoopTest, SixteenThreadsWithOneClientIdWriteExactlyOneRow) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(1, 1, {a});
  auto lease = svc_->AcquireLease(a, id);
  std::atomic<int> created{0}, repeats{0}, failures{0};
  std::vector<std::string> ids(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      auto r = SubmitAnswer(a, **lease, "same-id");
      if (!r) { ++failures; return; }
      (r->created ? created : repeats)++;
      ids[t] = r->submission.id;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(repeats.load(), 15);
  for (const auto& s : ids) EXPECT_EQ(s, ids[0]);
  EXPECT_EQ(Count("SELECT count(*) FROM submissions"), 1);
}

// A seeded random walk over the lease state machine (lease, submit, resubmit, return, renew,
// stale submit, time passing) checking the invariants after every step:
//  - items.taken equals the item's leased + submitted assignments;
//  - no item has more than `overlap` live leases + submissions;
//  - every acknowledged submission exists exactly once.
TEST_P(LoopTest, LeaseStateMachineKeepsItsInvariants) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    base::Rng rng(seed);
    std::vector<Caller> experts;
    for (int i = 0; i < 6; ++i) {
      experts.push_back(MakeCaller("fz" + std::to_string(seed) + "_" + std::to_string(i) + "@example.com", Role::kExpert));
    }
    constexpr int64_t kOverlap = 2;
    std::string id = MakeProject(8, kOverlap, experts, /*lease_seconds=*/30);
    std::map<std::string, Lease> held;  // expert id → lease it believes it holds
    std::set<std::string> acknowledged;
    int client_seq = 0;
    for (int step = 0; step < 400; ++step) {
      const Caller& e = experts[rng.Below(experts.size())];
      auto it = held.find(e.user_id);
      const uint64_t op = rng.Below(6);
      switch (op) {
        case 0:
        case 1: {
          // case 1 prefetches after the lease in hand (which the expert then forgets; it expires)
          std::string after = op == 1 && it != held.end() ? it->second.assignment_id : "";
          auto l = svc_->AcquireLease(e, id, after);
          ASSERT_TRUE(l.has_value()) << l.error().ToString();
          if (l->has_value()) held[e.user_id] = **l;
          break;
        }
        case 2:
          if (it != held.end()) {
            auto r = SubmitAnswer(e, it->second, "s" + std::to_string(++client_seq));
            if (r) {
              acknowledged.insert(r->submission.id);
              held.erase(it);
            } else {
              ASSERT_EQ(r.error().code(), base::ErrorCode::kLeaseLost) << r.error().ToString();
              held.erase(it);
            }
          }
          break;
        case 3:
          if (it != held.end()) {
            base::Status st = svc_->ReturnAssignment(e, it->second.assignment_id, it->second.lease_token);
            if (!st) {
              ASSERT_EQ(st.error().code(), base::ErrorCode::kLeaseLost);
            }
            held.erase(it);
          }
          break;
        case 4:
          if (it != held.end()) {
            auto r = svc_->RenewLease(e, it->second.assignment_id, it->second.lease_token);
            if (!r) {
              ASSERT_EQ(r.error().code(), base::ErrorCode::kLeaseLost);
              held.erase(it);
            }
          }
          break;
        case 5:
          clock_.Advance(static_cast<int64_t>(rng.Below(20)) * base::kMicrosPerSecond);
          break;
      }
      ASSERT_EQ(Count("SELECT count(*) FROM items i WHERE i.project_id = ? AND i.taken != "
                      "(SELECT count(*) FROM assignments a WHERE a.item_id = i.id AND a.state IN ('leased', 'submitted'))",
                      {id}),
                0)
          << "seed " << seed << " step " << step;
      ASSERT_EQ(Count("SELECT count(*) FROM (SELECT item_id FROM assignments WHERE project_id = ? AND "
                      "(state = 'submitted' OR (state = 'leased' AND lease_expires_at_us > ?)) "
                      "GROUP BY item_id HAVING count(*) > ?) AS over_items",
                      {id, clock_.NowMicros(), kOverlap}),
                0)
          << "seed " << seed << " step " << step;
      ASSERT_EQ(Count("SELECT count(*) FROM (SELECT expert_id FROM assignments WHERE project_id = ? AND "
                      "state = 'leased' AND lease_expires_at_us > ? GROUP BY expert_id HAVING count(*) > 2) AS over_experts",
                      {id, clock_.NowMicros()}),
                0)
          << "seed " << seed << " step " << step;
    }
    EXPECT_EQ(Count("SELECT count(*) FROM submissions WHERE project_id = ?", {id}),
              static_cast<int64_t>(acknowledged.size()));
    EXPECT_GT(acknowledged.size(), 0u);
  }
}

using testing::CycleRun;
using testing::RunCycles;

// `experts` threads lease and submit until a project of `items` items (overlap 1) is done.
CycleRun RunLeaseSubmitCycles(storage::Db& db, int experts_n, int items) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 7);
  if (!storage::Migrate(db, clock)) return {0, 1, 0};
  accounts::Service accounts(db, clock, ids);
  Service svc(db, clock, ids);
  auto manager = accounts.EnsureUser("m@example.com", Role::kManager);
  Caller m{manager->id, Role::kManager};
  ProjectFields f;
  f.name = "report";
  f.template_json = kPairwiseTemplate;
  auto p = svc.CreateProject(m, f);
  std::string body;
  for (int i = 0; i < items; ++i) body += ItemLine(i) + "\n";
  if (!p || svc.ImportItems(m, p->id, body)->imported != items) return {0, 1, 0};
  std::vector<Caller> experts;
  int setup_errors = 0;
  for (int i = 0; i < experts_n; ++i) {
    auto u = accounts.EnsureUser("e" + std::to_string(i) + "@example.com", Role::kExpert);
    experts.push_back({u->id, Role::kExpert});
    if (!svc.AddMember(Caller::System(), p->id, u->id, "expert")) ++setup_errors;
  }
  CycleRun run = RunCycles(svc, experts, p->id,
                           [](base::Rng&) { return std::string(R"({"preference":{"choice":"a","strength":2}})"); });
  run.errors += setup_errors;
  return run;
}

// Prints lease → submit cycles/s through the service on this disk (synchronous=FULL), with and
// without group commit. No threshold: the numbers go in the closing note; bench/ has the HTTP one.
TEST(WorkLoopReport, CyclesPerSecond) {
  for (int max_batch : {1, 1024}) {
    auto dir = std::filesystem::temp_directory_path() / ("assay_work_report_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    storage::SqliteOptions o;
    o.max_batch = max_batch;
    o.read_connections = 32;
    auto db = storage::OpenSqlite((dir / "r.db").string(), o);
    ASSERT_TRUE(db.has_value());
    constexpr int kExperts = 256, kItems = 6000;
    CycleRun run = RunLeaseSubmitCycles(**db, kExperts, kItems);
    storage::DbStats s = (*db)->Stats();
    std::printf("[ report   ] max_batch=%d, %d experts: %d lease+submit cycles in %.2f s = %.0f cycles/s "
                "(%lld writes in %lld commits)\n",
                max_batch, kExperts, run.cycles, run.secs, run.cycles / run.secs,
                static_cast<long long>(s.write_calls), static_cast<long long>(s.write_batches));
    EXPECT_EQ(run.errors, 0);
    EXPECT_EQ(run.cycles, kItems);
    std::filesystem::remove_all(dir);
  }
}

// The same loop on each driver with default options, for comparing SQLite and PostgreSQL on
// this machine (no threshold).
class WorkLoopDrivers : public ::testing::TestWithParam<storage::Dialect> {};
INSTANTIATE_TEST_SUITE_P(Drivers, WorkLoopDrivers, ASSAY_BOTH_DIALECTS,
                         storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>);

TEST_P(WorkLoopDrivers, CyclesPerSecondReport) {
  storage::TestDb t(GetParam());
  auto db = t.Open();
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  constexpr int kExperts = 64, kItems = 1500;
  CycleRun run = RunLeaseSubmitCycles(**db, kExperts, kItems);
  storage::DbStats s = (*db)->Stats();
  std::printf("[ report   ] %s, %d experts: %d lease+submit cycles in %.2f s = %.0f cycles/s "
              "(%lld writes, %lld commits, %lld re-runs after a serialization conflict)\n",
              storage::DialectName(GetParam()).c_str(), kExperts, run.cycles, run.secs, run.cycles / run.secs,
              static_cast<long long>(s.write_calls), static_cast<long long>(s.write_batches),
              static_cast<long long>(s.write_retries));
  EXPECT_EQ(run.errors, 0);
  EXPECT_EQ(run.cycles, kItems);
}

// Time of the quality report of a 10k-submission project (first request computes, the next is
// served from the cache), and lease+submit cycles/s with dynamic vs fixed overlap. Prints, never
}  // namespace
}  // namespace work
