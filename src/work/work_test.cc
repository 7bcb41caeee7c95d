#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <map>
#include <set>
#include <filesystem>
#include <functional>
#include <thread>

#include "base/clock.h"
#include "base/rng.h"
#include "base/uuid7.h"
#include "storage/migrations.h"
#include "storage/sqlite_db.h"
#include "storage/test_db.h"
#include "work/demo.h"
#include "work/render.h"
#include "work/service.h"

namespace work {
namespace {

using json = nlohmann::json;

constexpr const char* kPairwiseTemplate =
    R"([{"type":"markdown","source":"prompt"},{"type":"responses","source":"responses"},
        {"type":"pairwise","name":"preference","strength":true},
        {"type":"textarea","name":"why","required":false}])";

std::string ItemLine(int i) {
  return json{{"id", "ext-" + std::to_string(i)},
              {"data", {{"prompt", "Question " + std::to_string(i)}, {"responses", {"answer A", "answer B"}}}}}
      .dump();
}

// The work-service suite runs on both drivers (TEST_P; a TEST_F runs on SQLite only).
class WorkTest : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  void SetUp() override {
    const bool parameterized = ::testing::UnitTest::GetInstance()->current_test_info()->value_param() != nullptr;
    test_db_ = std::make_unique<storage::TestDb>(parameterized ? GetParam() : storage::Dialect::kSqlite);
    auto db = test_db_->Open();
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_, clock_).has_value());
    ServiceOptions o;
    o.fast_password_hashing_for_tests = true;
    svc_ = std::make_unique<Service>(*db_, clock_, ids_, o);
    manager_ = MakeCaller("manager@example.com", Role::kManager);
  }
  void TearDown() override {
    svc_.reset();
    db_.reset();
    test_db_.reset();
  }

  Caller MakeCaller(const std::string& email, Role role) {
    auto u = svc_->EnsureUser(email, role);
    EXPECT_TRUE(u.has_value());
    return Caller{u->id, role};
  }

  // A project with `n` items and these experts as members.
  // max_overlap above overlap makes the overlap dynamic (quality.h).
  std::string MakeProject(int n, int64_t overlap, const std::vector<Caller>& experts, int64_t lease_seconds = 600,
                          std::optional<int64_t> max_overlap = {}, std::optional<double> target = {}) {
    ProjectFields f;
    f.name = "Preferences";
    f.instructions = "Pick the better answer.";
    f.template_json = kPairwiseTemplate;
    f.overlap = overlap;
    f.lease_seconds = lease_seconds;
    f.max_overlap = max_overlap;
    f.target_confidence = target;
    auto p = svc_->CreateProject(manager_, f);
    EXPECT_TRUE(p.has_value()) << p.error().ToString();
    std::string body;
    for (int i = 0; i < n; ++i) body += ItemLine(i) + "\n";
    auto r = svc_->ImportItems(manager_, p->id, body);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r->imported, n);
    for (const Caller& e : experts) EXPECT_TRUE(svc_->AddMember(manager_, p->id, e.user_id, "expert"));
    return p->id;
  }

  base::Result<SubmitResult> SubmitAnswer(const Caller& expert, const Lease& lease, const std::string& client_id,
                                          const std::string& answer = R"({"preference":{"choice":"a"}})") {
    return svc_->Submit(expert, {lease.assignment_id, lease.lease_token, client_id, answer, 1500});
  }

  // Every expert leases and submits `answer(expert index)` on its own thread until nothing is
  // left, returning every fifth lease instead; with `prefetch` it leases the next task (after the
  // one in hand) before submitting, as the web app does. A watcher counts the moments an item had
  // more than `cap` live leases + submissions, or an expert more live leases than allowed (1, or
  // 2 with prefetch). Returns {errors, moments over a cap}.
  std::pair<int, int> RunExpertsConcurrently(const std::vector<Caller>& experts, const std::string& id, int64_t cap,
                                             const std::function<std::string(size_t)>& answer,
                                             bool prefetch = false) {
    std::atomic<int> errors{0}, over{0};
    std::atomic<bool> done{false};
    std::thread watcher([&] {
      while (!done) {
        auto rows = db_->Query("SELECT count(*) FROM items WHERE taken > ?", {cap});
        if (rows && rows->at(0).Int(0) > 0) ++over;
        auto live = db_->Query(
            "SELECT count(*) FROM (SELECT item_id FROM assignments WHERE state IN ('leased', 'submitted') "
            "GROUP BY item_id HAVING count(*) > ?) AS over_items", {cap});
        if (live && live->at(0).Int(0) > 0) ++over;
        auto held = db_->Query("SELECT count(*) FROM (SELECT expert_id FROM assignments WHERE state = 'leased' "
                               "GROUP BY expert_id HAVING count(*) > ?) AS over_experts", {prefetch ? 2 : 1});
        if (held && held->at(0).Int(0) > 0) ++over;
      }
    });
    // An expert told "nothing left" stops only once nobody holds a lease and nothing was
    // submitted or returned since it asked: until then a return, or a submit that makes a
    // dynamic-overlap item want one more label, can still open work for it.
    std::mutex mu;
    std::condition_variable cv;
    int holding = 0;      // experts inside lease → submit/return
    int64_t changes = 0;  // submits + returns so far
    auto update = [&](int hold, int64_t change) {
      {
        std::lock_guard lock(mu);
        holding += hold;
        changes += change;
      }
      cv.notify_all();
    };
    std::vector<std::thread> threads;
    for (size_t t = 0; t < experts.size(); ++t) {
      threads.emplace_back([&, t] {
        std::optional<Lease> lease;  // the task in hand: the prefetched one, or a fresh lease
        for (int n = 0;; ++n) {
          if (!lease) {
            int64_t seen = 0;
            {
              std::lock_guard lock(mu);
              seen = changes;
              ++holding;
            }
            auto l = svc_->AcquireLease(experts[t], id);
            if (!l || !l->has_value()) {
              update(-1, 0);
              if (!l) { ++errors; return; }
              std::unique_lock lock(mu);
              cv.wait(lock, [&] { return holding == 0 || changes != seen; });
              if (changes == seen) return;
              continue;
            }
            lease = **l;
          }
          std::optional<Lease> next;
          if (prefetch) {
            auto l = svc_->AcquireLease(experts[t], id, lease->assignment_id);
            if (l) next = *l; else ++errors;
          }
          if (n % 5 == 4) {
            if (!svc_->ReturnAssignment(experts[t], lease->assignment_id, lease->lease_token)) ++errors;
          } else if (!SubmitAnswer(experts[t], *lease, id + "/" + std::to_string(n), answer(t))) {
            ++errors;
          }
          lease = std::move(next);
          update(lease ? 0 : -1, 1);
        }
      });
    }
    for (auto& th : threads) th.join();
    done = true;
    watcher.join();
    return {errors.load(), over.load()};
  }

  int64_t Count(const std::string& sql, const storage::Params& params = {}) {
    auto rows = db_->Query(sql, params);
    EXPECT_TRUE(rows.has_value());
    return rows->at(0).Int(0);
  }

  std::unique_ptr<storage::TestDb> test_db_;
  base::FakeClock clock_;
  base::Uuid7Generator ids_{clock_, 42};
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<Service> svc_;
  Caller manager_;
};

INSTANTIATE_TEST_SUITE_P(Drivers, WorkTest, ASSAY_BOTH_DIALECTS,
                         storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>);

// ---- accounts ----------------------------------------------------------------------------

TEST_P(WorkTest, LoginCreatesASessionThatLogoutEnds) {
  auto admin = Caller::System();
  auto user = svc_->CreateUser(admin, "Ada@Example.com", "correct horse", Role::kExpert, "Ada");
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->email, "ada@example.com");
  auto s = svc_->Login("ada@example.com", "correct horse", "10.0.0.1");
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_GE(s->token.size(), 43u);  // 256 bits, base64url
  auto caller = svc_->AuthenticateSession(s->token);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user_id, user->id);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE token_hash = ?", {s->token}), 0);  // stored hashed
  clock_.Advance(15LL * 24 * 3600 * base::kMicrosPerSecond);
  EXPECT_FALSE(svc_->AuthenticateSession(s->token).has_value());  // expired
  auto s2 = svc_->Login("ada@example.com", "correct horse", "10.0.0.1");
  ASSERT_TRUE(s2.has_value());
  ASSERT_TRUE(svc_->Logout(s2->token));
  EXPECT_FALSE(svc_->AuthenticateSession(s2->token).has_value());
}

TEST_P(WorkTest, UnknownEmailAndWrongPasswordAnswerAlikeAndAreThrottled) {
  ASSERT_TRUE(svc_->CreateUser(Caller::System(), "bob@example.com", "right password", Role::kExpert).has_value());
  auto unknown = svc_->Login("nobody@example.com", "whatever1", "1.1.1.1");
  auto wrong = svc_->Login("bob@example.com", "wrong password", "1.1.1.1");
  ASSERT_FALSE(unknown.has_value());
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(unknown.error().code(), base::ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().ToString(), wrong.error().ToString());
  // 10 failures per account in the window, then refused even with the right password.
  for (int i = 0; i < 9; ++i) (void)svc_->Login("bob@example.com", "wrong password", "2.2.2." + std::to_string(i));
  auto blocked = svc_->Login("bob@example.com", "right password", "3.3.3.3");
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().code(), base::ErrorCode::kResourceExhausted);
  clock_.Advance(16LL * 60 * base::kMicrosPerSecond);
  EXPECT_TRUE(svc_->Login("bob@example.com", "right password", "3.3.3.3").has_value());
}

TEST_P(WorkTest, AddressThrottleCoversManyAccounts) {
  for (int i = 0; i < 50; ++i) (void)svc_->Login("u" + std::to_string(i) + "@example.com", "password!", "6.6.6.6");
  auto r = svc_->Login("someone@example.com", "password!", "6.6.6.6");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kResourceExhausted);
}

TEST_P(WorkTest, ApiTokensAreStoredHashedAndAuthenticate) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  auto token = svc_->CreateApiToken(expert, "script");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM api_tokens WHERE token_hash = ?", {*token}), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM api_tokens WHERE user_id = ?", {expert.user_id}), 1);
  auto caller = svc_->AuthenticateBearer(*token);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user_id, expert.user_id);
  EXPECT_EQ(caller->role, Role::kExpert);
  EXPECT_FALSE(svc_->AuthenticateBearer(*token + "x").has_value());
}

TEST_P(WorkTest, RolesLimitWhoCreatesWhom) {
  auto r = svc_->CreateUser(manager_, "boss@example.com", "password1", Role::kAdmin);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_TRUE(svc_->CreateUser(manager_, "rev@example.com", "password1", Role::kReviewer).has_value());
  auto dup = svc_->CreateUser(manager_, "REV@example.com", "password1", Role::kReviewer);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), base::ErrorCode::kConflict);
  Caller expert = MakeCaller("x@example.com", Role::kExpert);
  EXPECT_FALSE(svc_->CreateUser(expert, "y@example.com", "password1", Role::kExpert).has_value());
}

// ---- projects and import -----------------------------------------------------------------

TEST_P(WorkTest, ProjectsAreVisibleToMembersOnly) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  Caller stranger = MakeCaller("s@example.com", Role::kManager);
  std::string id = MakeProject(1, 1, {expert});
  auto mine = svc_->GetProject(expert, id);
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(mine->my_role, "expert");
  EXPECT_NE(mine->answer_schema_json.find("preference"), std::string::npos);
  auto theirs = svc_->GetProject(stranger, id);
  ASSERT_FALSE(theirs.has_value());
  EXPECT_EQ(theirs.error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(svc_->ListProjects(stranger)->size(), 0u);
  EXPECT_EQ(svc_->ListProjects(expert)->size(), 1u);
  // An expert member may not change it; a non-member gets 404 rather than 403.
  ProjectFields patch;
  patch.name = "Renamed";
  EXPECT_EQ(svc_->UpdateProject(expert, id, patch).error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->UpdateProject(stranger, id, patch).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(svc_->UpdateProject(manager_, id, patch)->name, "Renamed");
  EXPECT_EQ(svc_->ImportItems(expert, id, ItemLine(9)).error().code(), base::ErrorCode::kPermissionDenied);
}

TEST_P(WorkTest, BadTemplateIsRefusedAndNothingWritten) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  ProjectFields f;
  f.name = "P";
  f.template_json = R"([{"type":"rating","name":"r","min":5,"max":1}])";
  auto r = svc_->CreateProject(manager_, f);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  f.template_json = kPairwiseTemplate;
  EXPECT_EQ(svc_->CreateProject(expert, f).error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT count(*) FROM projects"), 0);
}

TEST_P(WorkTest, ImportReportsBadLinesByNumberAndSkipsDuplicates) {
  std::string id = MakeProject(0, 1, {});
  std::string body = ItemLine(1) + "\n" +                                   // 1 ok
                     "{not json}\n" +                                       // 2 bad JSON
                     "\n" +                                                 // 3 blank: ignored
                     R"({"id":"x","data":{"prompt":"p"}})" + "\n" +         // 4 no responses
                     ItemLine(1) + "\n" +                                   // 5 duplicate id
                     R"({"data":{"prompt":"p","responses":["a","b"]},"extra":1})" + "\n" +  // 6 unknown key
                     R"({"data":{"prompt":"p","responses":["a","b"]},"gold":{"preference":{"choice":"z"}}})" + "\n" +  // 7
                     R"({"data":{"prompt":"no id","responses":["a","b"]}})";  // 8 ok, no trailing newline
  auto r = svc_->ImportItems(manager_, id, body);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 2);
  EXPECT_EQ(r->skipped, 1);
  ASSERT_EQ(r->errors.size(), 4u);
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_EQ(r->errors[1].line, 4);
  EXPECT_NE(r->errors[1].message.find("data.responses"), std::string::npos);
  EXPECT_EQ(r->errors[2].line, 6);
  EXPECT_EQ(r->errors[3].line, 7);
  EXPECT_NE(r->errors[3].message.find("answer.preference.choice"), std::string::npos);
  // Importing the same file again adds nothing with an id; the id-less item is new again.
  auto again = svc_->ImportItems(manager_, id, ItemLine(1));
  EXPECT_EQ(again->imported, 0);
  EXPECT_EQ(again->skipped, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ?", {id}), 2);
}

TEST_P(WorkTest, ImportTakesAJsonArray) {
  std::string id = MakeProject(0, 1, {});
  std::string body = "[" + ItemLine(1) + ", 7, " + ItemLine(2) + "]";
  size_t progress_calls = 0;
  auto r = svc_->ImportItems(manager_, id, body, [&](size_t, size_t) { ++progress_calls; });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->imported, 2);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_GE(progress_calls, 1u);
  auto items = svc_->ListItems(manager_, id, 1, "");
  ASSERT_TRUE(items.has_value());
  ASSERT_EQ(items->items.size(), 1u);
  EXPECT_EQ(items->items[0].external_id, "ext-1");
  ASSERT_TRUE(items->next_cursor.has_value());
  auto next = svc_->ListItems(manager_, id, 10, *items->next_cursor);
  ASSERT_EQ(next->items.size(), 1u);
  EXPECT_EQ(next->items[0].external_id, "ext-2");
  EXPECT_FALSE(next->next_cursor.has_value());
}

// ---- leases ------------------------------------------------------------------------------

TEST_P(WorkTest, AnExpertNeverGetsTheSameItemTwice) {
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

TEST_P(WorkTest, OnlyExpertMembersLease) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  Caller outsider = MakeCaller("o@example.com", Role::kExpert);
  std::string id = MakeProject(1, 1, {expert});
  EXPECT_EQ(svc_->AcquireLease(outsider, id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(svc_->AcquireLease(manager_, id).error().code(), base::ErrorCode::kPermissionDenied);
}

TEST_P(WorkTest, ExpiredLeasesGoBackToThePoolAndCannotSubmit) {
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

TEST_P(WorkTest, StaleLeaseTokenIsRefused) {
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

TEST_P(WorkTest, RenewExtendsTheLease) {
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

TEST_P(WorkTest, OthersCannotTouchMyAssignment) {
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
TEST_P(WorkTest, OverlapIsNeverExceededWith32ConcurrentExperts) {
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
TEST_P(WorkTest, PrefetchHoldsAtMostTwoLiveLeasesAndRetriesAreIdempotent) {
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

TEST_P(WorkTest, PrefetchedLeaseExpiresAndGoesBackToThePool) {
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
TEST_P(WorkTest, ExpiredCurrentLeaseLeavesThePrefetchedOneInHand) {
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

// ---- submit ------------------------------------------------------------------------------

TEST_P(WorkTest, SubmitIsIdempotentByClientSubmissionId) {
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

TEST_P(WorkTest, AClientIdReusedOnAnotherLiveAssignmentIsAConflictAndWritesNothing) {
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

TEST_P(WorkTest, InvalidAnswersAreRefusedNamingTheField) {
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

TEST_P(WorkTest, SixteenThreadsWithOneClientIdWriteExactlyOneRow) {
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

// ---- review ------------------------------------------------------------------------------

TEST_P(WorkTest, ReviewRules) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  Caller reviewer = MakeCaller("r@example.com", Role::kReviewer);
  std::string id = MakeProject(1, 2, {a, b});
  ASSERT_TRUE(svc_->AddMember(manager_, id, "r@example.com", "reviewer"));
  auto lease = svc_->AcquireLease(a, id);
  auto sub = SubmitAnswer(a, **lease, "c1");
  ASSERT_TRUE(sub.has_value());
  const std::string sid = sub->submission.id;
  // Short reason refused; experts cannot review; other experts cannot even see it.
  EXPECT_EQ(svc_->ReviewSubmission(reviewer, sid, "reject", "  too short  ").error().code(),
            base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc_->ReviewSubmission(reviewer, sid, "maybe", "").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc_->ReviewSubmission(a, sid, "approve", "").error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->ReviewSubmission(b, sid, "approve", "").error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(svc_->GetSubmission(b, sid).error().code(), base::ErrorCode::kNotFound);
  const std::string reason = "Response A recommends a dose above the label maximum.";
  auto review = svc_->ReviewSubmission(reviewer, sid, "reject", reason);
  ASSERT_TRUE(review.has_value()) << review.error().ToString();
  // The expert reads the reason on the submission and in their list and stats.
  auto mine = svc_->GetSubmission(a, sid);
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(mine->state, "rejected");
  ASSERT_TRUE(mine->review.has_value());
  EXPECT_EQ(mine->review->reason, reason);
  auto list = svc_->MySubmissions(a, 10, "");
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].review->verdict, "reject");
  auto stats = svc_->MyStats(a);
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ((*stats)[0].rejected, 1);
  EXPECT_EQ((*stats)[0].approval_rate, 0.0);
  // A later approval supersedes it.
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, sid, "approve", "").has_value());
  EXPECT_EQ(svc_->GetSubmission(a, sid)->state, "approved");
  auto pending = svc_->ListSubmissions(reviewer, id, {std::string("approved"), std::nullopt}, 10, "");
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->items.size(), 1u);
}

// ---- export and progress -----------------------------------------------------------------

TEST_P(WorkTest, ExportHasOneLinePerItemWithEverySubmission) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(3, 2, {a, b});
  for (const Caller& e : {a, b}) {
    auto lease = svc_->AcquireLease(e, id);
    ASSERT_TRUE(SubmitAnswer(e, **lease, "c", "{\"preference\":\n{\"choice\":\"tie\"}}").has_value());
  }
  std::vector<json> lines;
  ASSERT_TRUE(svc_->ExportJsonl(manager_, id, [&](std::string_view line) -> base::Status {
    EXPECT_EQ(line.find('\n'), std::string_view::npos);
    lines.push_back(json::parse(line));
    return base::Ok();
  }));
  ASSERT_EQ(lines.size(), 3u);
  size_t total = 0;
  for (const json& l : lines) {
    total += l["submissions"].size();
    EXPECT_TRUE(l["data"].contains("prompt"));
    for (const json& s : l["submissions"]) {
      EXPECT_EQ(s["answer"]["preference"]["choice"], "tie");
      EXPECT_TRUE(s["review"].is_null());
      EXPECT_EQ(s["active_ms"], 1500);
    }
  }
  EXPECT_EQ(total, 2u);
  EXPECT_EQ(lines[0]["external_id"], "ext-0");
  EXPECT_EQ(svc_->ExportJsonl(a, id, [](std::string_view) { return base::Ok(); }).error().code(),
            base::ErrorCode::kPermissionDenied);
}

TEST_P(WorkTest, ProgressCountsAndThroughput) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(4, 1, {a});
  for (int i = 0; i < 3; ++i) {
    auto lease = svc_->AcquireLease(a, id);
    ASSERT_TRUE(SubmitAnswer(a, **lease, "c" + std::to_string(i)).has_value());
    clock_.Advance(3600LL * base::kMicrosPerSecond);
  }
  ASSERT_TRUE(svc_->AcquireLease(a, id)->has_value());
  auto p = svc_->GetProgress(manager_, id, 3600, 24);
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->items, 4);
  EXPECT_EQ(p->target_submissions, 4);
  EXPECT_EQ(p->submitted, 3);
  EXPECT_EQ(p->pending_review, 3);
  EXPECT_EQ(p->leased, 1);
  ASSERT_EQ(p->throughput.size(), 24u);
  int64_t sum = 0;
  for (const auto& b : p->throughput) {
    EXPECT_LE(b.submissions, 1);
    sum += b.submissions;
  }
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(p->throughput.back().submissions, 0);  // current hour: nothing yet
  EXPECT_EQ(svc_->GetProgress(a, id).error().code(), base::ErrorCode::kPermissionDenied);
  std::string body = RenderProgress(*p);
  EXPECT_EQ(json::parse(body)["submitted"], 3);
}

}  // namespace
}  // namespace work

namespace work {
namespace {

TEST_P(WorkTest, SeedDemoCreatesLoginsAndFiftyItems) {
  auto seed = SeedDemo(*svc_);
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  EXPECT_EQ(seed->items, 50);
  ASSERT_EQ(seed->logins.size(), 4u);
  EXPECT_EQ(seed->logins[0].role, "manager");
  for (const DemoLogin& l : seed->logins) {
    auto s = svc_->Login(l.email, l.password, "127.0.0.1");
    ASSERT_TRUE(s.has_value()) << l.email;
    if (l.role == "expert") {
      auto lease = svc_->AcquireLease(Caller{s->user.id, Role::kExpert}, seed->project_id);
      ASSERT_TRUE(lease.has_value() && lease->has_value());
    }
  }
  std::map<std::string, int> per_domain;
  auto rows = db_->Query("SELECT data FROM items WHERE project_id = ?", {seed->project_id});
  ASSERT_TRUE(rows.has_value());
  int better_first = 0;  // the stronger answer (model-a in the demo's data) shown as "a"
  for (const auto& row : *rows) {
    const json data = json::parse(row.Text(0));
    per_domain[data["domain"]]++;
    better_first += data["responses"][0]["model"] == "model-a";
  }
  EXPECT_EQ(per_domain["medicine"], 17);
  EXPECT_EQ(per_domain["law"], 17);
  EXPECT_EQ(per_domain["accounting"], 16);
  // Counterbalanced: an expert cannot learn that one side is the better one.
  EXPECT_EQ(better_first, 25);
}

// The demo's second project was worked last week: its quality screen shows measured agreement,
// the careless expert far below the others, and gold accuracy; the manager sees both projects.
TEST_P(WorkTest, SeedDemoWorkedProjectHasQualityToShow) {
  auto seed = SeedDemo(*svc_);
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  ASSERT_FALSE(seed->worked_project_id.empty());
  EXPECT_EQ(seed->worked_items, 40);
  auto s = svc_->Login(seed->logins[0].email, seed->logins[0].password, "127.0.0.1");
  ASSERT_TRUE(s.has_value());
  const Caller manager{s->user.id, Role::kManager};
  auto projects = svc_->ListProjects(manager);
  ASSERT_TRUE(projects.has_value());
  std::set<std::string> ids;
  for (const Project& p : *projects) ids.insert(p.id);
  EXPECT_EQ(ids, (std::set<std::string>{seed->project_id, seed->worked_project_id}));

  auto view = svc_->ProjectQuality(manager, seed->worked_project_id);
  ASSERT_TRUE(view.has_value()) << view.error().ToString();
  const QualityReport& r = *view->report;
  EXPECT_EQ(r.items, 40);
  EXPECT_EQ(r.submissions, seed->worked_submissions - 2);  // two were rejected in review
  ASSERT_EQ(r.fields.size(), 1u);
  const FieldQuality& f = r.fields[0];
  EXPECT_EQ(f.items_with_2plus, 40);
  ASSERT_TRUE(std::isfinite(f.alpha));
  EXPECT_GT(f.alpha, 0.3);  // moderate: well above chance, pulled down by the careless expert
  EXPECT_LT(f.alpha, 0.8);
  ASSERT_EQ(f.workers.size(), 5u);
  // The careless expert is the least accurate by both methods, and far below the others'
  // median (the web app flags an expert 0.15 below it).
  std::vector<double> others;
  const WorkerQuality* careless = nullptr;
  for (const WorkerQuality& w : f.workers) {
    EXPECT_GT(w.gold_total, 0) << w.email;
    if (w.email == "tom.fletcher@demo.assay.dev")
      careless = &w;
    else
      others.push_back(w.accuracy_ds);
  }
  ASSERT_NE(careless, nullptr);
  for (const WorkerQuality& w : f.workers) {
    if (&w == careless) continue;
    EXPECT_LT(careless->accuracy_ds, w.accuracy_ds) << w.email;
    EXPECT_LT(careless->accuracy_mv, w.accuracy_mv) << w.email;
  }
  std::sort(others.begin(), others.end());
  EXPECT_LT(careless->accuracy_ds, (others[1] + others[2]) / 2 - 0.15);
  // Label confidences differ: some items were close calls.
  double lowest = 1;
  for (const ItemLabel& l : f.labels) lowest = std::min(lowest, l.confidence_mv);
  EXPECT_LT(lowest, 0.9);
  // The manager's reviews are there for the review screens.
  SubmissionFilter rejected_only;
  rejected_only.state = "rejected";
  auto rejected = svc_->ListSubmissions(manager, seed->worked_project_id, rejected_only, 100, "");
  ASSERT_TRUE(rejected.has_value());
  ASSERT_EQ(rejected->items.size(), 2u);
  ASSERT_TRUE(rejected->items[0].review.has_value());
  EXPECT_GE(rejected->items[0].review->reason.size(), static_cast<size_t>(kMinRejectReasonChars));
}

// The worked project does not touch the three demo experts: each still gets all 50 items of the
// fresh project, and the worked one is invisible to them.
TEST_P(WorkTest, SeedDemoExpertsStillGetEveryFreshItem) {
  auto seed = SeedDemo(*svc_);
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  for (const DemoLogin& l : seed->logins) {
    if (l.role != "expert") continue;
    auto s = svc_->Login(l.email, l.password, "127.0.0.1");
    ASSERT_TRUE(s.has_value()) << l.email;
    const Caller expert{s->user.id, Role::kExpert};
    auto projects = svc_->ListProjects(expert);
    ASSERT_TRUE(projects.has_value());
    ASSERT_EQ(projects->size(), 1u) << l.email;
    EXPECT_EQ(projects->at(0).id, seed->project_id);
    EXPECT_FALSE(svc_->AcquireLease(expert, seed->worked_project_id).has_value());
    std::set<std::string> items;
    for (int n = 0; n < 60; ++n) {
      auto lease = svc_->AcquireLease(expert, seed->project_id);
      ASSERT_TRUE(lease.has_value()) << lease.error().ToString();
      if (!*lease) break;
      items.insert((*lease)->item_id);
      ASSERT_TRUE(SubmitAnswer(expert, **lease, l.email + std::to_string(n)).has_value());
    }
    EXPECT_EQ(items.size(), 50u) << l.email;
  }
}

}  // namespace
}  // namespace work

namespace work {
namespace {

struct CycleRun {
  int cycles = 0, errors = 0;
  double secs = 0;
};

// Each expert leases and submits on its own thread until `project_id` has nothing left to lease;
// `answer` gives each submit's answer from the thread's own Rng (seeded by its index + 1). The
// first error is printed.
CycleRun RunCycles(Service& svc, const std::vector<Caller>& experts, const std::string& project_id,
                   const std::function<std::string(base::Rng&)>& answer) {
  std::atomic<int> cycles{0}, errors{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t t = 0; t < experts.size(); ++t) {
    threads.emplace_back([&, t] {
      base::Rng rng(t + 1);
      for (int n = 0;; ++n) {
        auto lease = svc.AcquireLease(experts[t], project_id);
        if (!lease) {
          if (errors++ == 0) std::printf("lease: %s\n", lease.error().ToString().c_str());
          return;
        }
        if (!lease->has_value()) return;
        auto s = svc.Submit(experts[t], {(*lease)->assignment_id, (*lease)->lease_token,
                                         project_id + std::to_string(n), answer(rng), 1000});
        if (!s) {
          if (errors++ == 0) std::printf("submit: %s\n", s.error().ToString().c_str());
        } else {
          ++cycles;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CycleRun run;
  run.secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.cycles = cycles;
  run.errors = errors;
  return run;
}

// `experts` threads lease and submit until a project of `items` items (overlap 1) is done.
CycleRun RunLeaseSubmitCycles(storage::Db& db, int experts_n, int items) {
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 7);
  if (!storage::Migrate(db, clock)) return {0, 1, 0};
  Service svc(db, clock, ids);
  auto manager = svc.EnsureUser("m@example.com", Role::kManager);
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
    auto u = svc.EnsureUser("e" + std::to_string(i) + "@example.com", Role::kExpert);
    experts.push_back({u->id, Role::kExpert});
    if (!svc.AddMember(m, p->id, u->id, "expert")) ++setup_errors;
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
// fails on time.
TEST(QualityReport, ComputeTimeAndDynamicLoop) {
  auto dir = std::filesystem::temp_directory_path() / ("assay_quality_report_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 9);
  storage::SqliteOptions o;
  o.read_connections = 16;
  auto db = storage::OpenSqlite((dir / "q.db").string(), o);
  ASSERT_TRUE(db.has_value());
  ASSERT_TRUE(storage::Migrate(**db, clock).has_value());
  Service svc(**db, clock, ids);
  auto manager = svc.EnsureUser("m@example.com", Role::kManager);
  Caller m{manager->id, Role::kManager};
  auto make = [&](int items, int64_t overlap, std::optional<int64_t> max_overlap) {
    ProjectFields f;
    f.name = "report";
    f.template_json = kPairwiseTemplate;
    f.overlap = overlap;
    f.max_overlap = max_overlap;
    auto p = svc.CreateProject(m, f);
    EXPECT_TRUE(p.has_value());
    std::string body;
    for (int i = 0; i < items; ++i) body += ItemLine(i) + "\n";
    EXPECT_EQ(svc.ImportItems(m, p->id, body)->imported, items);
    return p->id;
  };
  std::vector<Caller> experts;
  for (int i = 0; i < 64; ++i) {
    auto u = svc.EnsureUser("e" + std::to_string(i) + "@example.com", Role::kExpert);
    experts.push_back({u->id, Role::kExpert});
  }

  // 10,000 submissions: 2,000 items × 5 experts of accuracy 0.6..0.9, written directly.
  constexpr int kItems = 2000, kPer = 5;
  std::string big = make(kItems, kPer, std::nullopt);
  base::Rng rng(1);
  ASSERT_TRUE((*db)->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows items, c.Query("SELECT id FROM items WHERE project_id = ? ORDER BY seq", {big}));
    for (size_t i = 0; i < items.size(); ++i) {
      for (int e = 0; e < kPer; ++e) {
        const std::string aid = ids.Next(), expert = experts[e].user_id;
        const bool right = rng.Uniform() < 0.6 + 0.075 * e;
        const char* choice = right ? (i % 2 ? "a" : "b") : (rng.Uniform() < 0.5 ? "tie" : (i % 2 ? "b" : "a"));
        ASSAY_TRY(c.Exec("INSERT INTO assignments (id, project_id, item_id, expert_id, state, lease_token, leased_at_us, "
                         "lease_expires_at_us, finished_at_us) VALUES (?, ?, ?, ?, 'submitted', 't', 1, 2, 2)",
                         {aid, big, items[i].Text(0), expert}));
        ASSAY_TRY(c.Exec("INSERT INTO submissions (id, assignment_id, project_id, item_id, expert_id, client_submission_id, "
                         "answer, answer_hash, active_ms, submitted_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, 'h', 1, 2)",
                         {ids.Next(), aid, big, items[i].Text(0), expert, aid,
                          std::string(R"({"preference":{"choice":")") + choice + R"("}})"}));
      }
    }
    ASSAY_TRY(c.Exec("UPDATE projects SET quality_version = quality_version + 1 WHERE id = ?", {big}));
    return base::Ok();
  }));
  auto t0 = std::chrono::steady_clock::now();
  auto first = svc.ProjectQuality(m, big);
  auto t1 = std::chrono::steady_clock::now();
  auto second = svc.ProjectQuality(m, big);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(first.has_value() && second.has_value());
  auto body = RenderQuality(*second, {});
  auto t3 = std::chrono::steady_clock::now();
  ASSERT_TRUE(body.has_value());
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("[ report   ] quality of %lld submissions: computed in %.1f ms, cached request %.2f ms, "
              "render (100 labels) %.2f ms; %lld computation(s)\n",
              static_cast<long long>(first->report->submissions), ms(t0, t1), ms(t1, t2), ms(t2, t3),
              static_cast<long long>(svc.QualityComputations()));
  EXPECT_EQ(first->report->submissions, kItems * kPer);
  EXPECT_EQ(svc.QualityComputations(), 1);

  // The work loop, 64 experts answering "a" 90% of the time: fixed overlap 3 vs dynamic 2..3.
  for (std::optional<int64_t> max_overlap : {std::optional<int64_t>(), std::optional<int64_t>(3)}) {
    const int64_t overlap = max_overlap ? 2 : 3;
    std::string id = make(1000, overlap, max_overlap);
    for (const Caller& e : experts) ASSERT_TRUE(svc.AddMember(m, id, e.user_id, "expert"));
    CycleRun run = RunCycles(svc, experts, id, [](base::Rng& r) {
      const char* choice = r.Uniform() < 0.9 ? "a" : "b";
      return std::string(R"({"preference":{"choice":")") + choice + R"("}})";
    });
    svc.WaitForQualityIdle();
    std::printf("[ report   ] %s overlap (%lld..%lld), 1000 items, 64 experts: %d lease+submit cycles in %.2f s = "
                "%.0f cycles/s, %.2f labels/item\n",
                max_overlap ? "dynamic" : "fixed", static_cast<long long>(overlap),
                static_cast<long long>(max_overlap.value_or(overlap)), run.cycles, run.secs, run.cycles / run.secs,
                run.cycles / 1000.0);
    EXPECT_EQ(run.errors, 0);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace work

#include "work/requests.h"

namespace work {
namespace {

TEST(Requests, SubmitBodyKeepsTheAnswerBytes) {
  const std::string answer = "{ \"preference\" : {\"choice\":\"b\"},\n  \"why\": \"caf\\u00e9 \\\"quoted\\\"\" }";
  const std::string body = "{\"lease_token\":\"t\",\"answer\": " + answer + " \n, \"client_submission_id\":\"c1\",\"active_ms\":12}";
  auto r = ParseSubmitBody("a1", body);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->answer_json, answer);
  EXPECT_EQ(r->assignment_id, "a1");
  EXPECT_EQ(r->lease_token, "t");
  EXPECT_EQ(r->client_submission_id, "c1");
  EXPECT_EQ(r->active_ms, 12);
  auto scalar = ParseSubmitBody("a1", R"({"lease_token":"t","client_submission_id":"c","answer":42})");
  ASSERT_TRUE(scalar.has_value());
  EXPECT_EQ(scalar->answer_json, "42");
}

TEST(Requests, SubmitBodyErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case kCases[] = {
      {R"({"lease_token":"t","client_submission_id":"c"})", "answer"},
      {R"({"answer":{},"client_submission_id":"c"})", "lease_token"},
      {R"({"answer":{},"lease_token":"t"})", "client_submission_id"},
      {R"({"answer":{},"lease_token":"t","client_submission_id":"c","active_ms":"x"})", "active_ms"},
      {R"({"answer":{},"lease_token":"t","client_submission_id":"c","extra":1})", "extra"},
      {R"({"answer":{,"lease_token":"t"})", "body"},
      {R"([1,2])", "body"},
  };
  for (const Case& c : kCases) {
    auto r = ParseSubmitBody("a", c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    EXPECT_EQ(r.error().DetailsJson(), std::string("{\"field\":\"") + c.field + "\"}") << c.body;
  }
}

TEST(Requests, ProjectFields) {
  auto f = ParseProjectFields(R"({"name":"P","template":[{"type":"rating","name":"r","min":1,"max":3}],"overlap":2})");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(*f->name, "P");
  EXPECT_EQ(*f->overlap, 2);
  EXPECT_EQ(*f->template_json, R"([{"type":"rating","name":"r","min":1,"max":3}])");
  EXPECT_FALSE(f->lease_seconds.has_value());
  EXPECT_EQ(ParseProjectFields(R"({"overlap":"2"})").error().DetailsJson(), R"({"field":"overlap"})");
  EXPECT_EQ(ParseProjectFields(R"({"colour":1})").error().DetailsJson(), R"({"field":"colour"})");
  auto dyn = ParseProjectFields(R"({"max_overlap":5,"target_confidence":0.9})");
  ASSERT_TRUE(dyn.has_value());
  EXPECT_EQ(*dyn->max_overlap, 5);
  EXPECT_DOUBLE_EQ(*dyn->target_confidence, 0.9);
  EXPECT_EQ(ParseProjectFields(R"({"target_confidence":"high"})").error().DetailsJson(),
            R"({"field":"target_confidence"})");
}

}  // namespace
}  // namespace work

#include "base/rng.h"

namespace work {
namespace {

// A seeded random walk over the lease state machine (lease, submit, resubmit, return, renew,
// stale submit, time passing) checking the invariants after every step:
//  - items.taken equals the item's leased + submitted assignments;
//  - no item has more than `overlap` live leases + submissions;
//  - every acknowledged submission exists exactly once.
TEST_P(WorkTest, LeaseStateMachineKeepsItsInvariants) {
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

// ---- quality report and dynamic overlap -----------------------------------------------------

std::string Choice(const std::string& c) { return R"({"preference":{"choice":")" + c + R"("}})"; }

// The expert leases the next item and answers `choice`; false when nothing was left.
bool LabelNext(Service& svc, const Caller& expert, const std::string& project, const std::string& choice,
               const std::string& client_id) {
  auto lease = svc.AcquireLease(expert, project);
  EXPECT_TRUE(lease.has_value()) << lease.error().ToString();
  if (!lease || !lease->has_value()) return false;
  auto s = svc.Submit(expert, {(*lease)->assignment_id, (*lease)->lease_token, client_id, choice, 1000});
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return true;
}

json QualityJson(Service& svc, const Caller& caller, const std::string& project, QualityQuery q = {}) {
  auto v = svc.ProjectQuality(caller, project);
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
  if (!v) return json();
  auto body = RenderQuality(*v, q);
  EXPECT_TRUE(body.has_value());
  return json::parse(*body);
}

TEST_P(WorkTest, QualityReportAggregatesAndIsComputedOncePerVersion) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(4, 2, {a, b});
  // a answers a, a, b, b; b answers a, a, b, a (by item): agreement on 3 of 4 items.
  for (const auto& [expert, answers] : std::vector<std::pair<Caller, std::string>>{{a, "aabb"}, {b, "aaba"}}) {
    for (int n = 0;; ++n) {
      auto lease = svc_->AcquireLease(expert, id);
      ASSERT_TRUE(lease.has_value());
      if (!lease->has_value()) break;
      int item = json::parse((*lease)->item_data_json)["prompt"].get<std::string>().back() - '0';
      ASSERT_TRUE(SubmitAnswer(expert, **lease, "c" + std::to_string(n), Choice(std::string(1, answers[item]))));
    }
  }
  json q = QualityJson(*svc_, manager_, id);
  EXPECT_EQ(svc_->QualityComputations(), 1);
  EXPECT_EQ(q["stale"], false);
  EXPECT_EQ(q["items"], 4);
  EXPECT_EQ(q["submissions"], 8);
  EXPECT_EQ(q["overlap"]["items_decided"], 4);
  ASSERT_EQ(q["fields"].size(), 1u);  // the textarea is not categorical
  const json& f = q["fields"][0];
  EXPECT_EQ(f["field"], "preference");
  EXPECT_EQ(f["component"], "pairwise");
  EXPECT_EQ(f["level"], "nominal");
  EXPECT_DOUBLE_EQ(f["agreement"]["percent"].get<double>(), 0.75);
  EXPECT_TRUE(f["agreement"]["fleiss_kappa"].is_number());
  EXPECT_EQ(f["agreement"]["items_with_2plus"], 4);
  ASSERT_EQ(f["labels_total"], 4);
  EXPECT_EQ(f["labels"][0]["external_id"], "ext-0");
  EXPECT_EQ(f["labels"][0]["label"], "a");
  EXPECT_EQ(f["labels"][0]["votes"]["a"], 2);
  EXPECT_EQ(f["labels"][3]["votes"]["a"], 1);
  EXPECT_EQ(f["labels"][3]["votes"]["b"], 1);
  ASSERT_EQ(f["workers"].size(), 2u);
  EXPECT_EQ(f["workers"][0]["labels"], 4);
  EXPECT_EQ(f["workers"][0]["gold"], nullptr);

  // Same version: the cached report, no computation.
  json again = QualityJson(*svc_, manager_, id, {.method = "mv", .limit = 1, .offset = 3});
  EXPECT_EQ(svc_->QualityComputations(), 1);
  EXPECT_EQ(again["version"], q["version"]);
  ASSERT_EQ(again["fields"][0]["labels"].size(), 1u);
  EXPECT_EQ(again["fields"][0]["labels"][0]["external_id"], "ext-3");
  EXPECT_DOUBLE_EQ(again["fields"][0]["labels"][0]["confidence"].get<double>(), 0.5);

  // A review changes the version: the cached report answers as stale, the background recomputes.
  auto subs = svc_->ListSubmissions(manager_, id, {}, 1, "");
  ASSERT_TRUE(subs.has_value());
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, subs->items[0].id, "reject", "This choice contradicts the reference answer."));
  json stale = QualityJson(*svc_, manager_, id);
  EXPECT_EQ(stale["stale"], true);
  EXPECT_EQ(stale["submissions"], 8);
  svc_->WaitForQualityIdle();
  EXPECT_EQ(svc_->QualityComputations(), 2);
  json fresh = QualityJson(*svc_, manager_, id);
  EXPECT_EQ(fresh["stale"], false);
  EXPECT_EQ(fresh["submissions"], 7);  // rejected labels do not count
  EXPECT_GT(fresh["version"].get<int64_t>(), q["version"].get<int64_t>());
  EXPECT_EQ(svc_->QualityComputations(), 2);

  // Experts and strangers do not see it; a bad query is refused.
  EXPECT_EQ(svc_->ProjectQuality(a, id).error().code(), base::ErrorCode::kNotFound);
  Caller stranger = MakeCaller("other@example.com", Role::kManager);
  EXPECT_EQ(svc_->ProjectQuality(stranger, id).error().code(), base::ErrorCode::kNotFound);
  auto view = svc_->ProjectQuality(manager_, id);
  ASSERT_TRUE(view.has_value());
  EXPECT_FALSE(RenderQuality(*view, {.field = "nope"}).has_value());
  EXPECT_FALSE(RenderQuality(*view, {.method = "glad"}).has_value());
}

TEST_P(WorkTest, QualityReportsGoldAccuracyAndOrdinalRatings) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert);
  ProjectFields f;
  f.name = "Ratings";
  f.template_json = R"([{"type":"text","source":"prompt"},{"type":"rating","name":"score","min":1,"max":5}])";
  f.overlap = 2;
  auto p = svc_->CreateProject(manager_, f);
  ASSERT_TRUE(p.has_value());
  std::string items;
  for (int i = 0; i < 6; ++i) {
    items += json{{"id", "r" + std::to_string(i)}, {"data", {{"prompt", std::to_string(i)}}}, {"gold", {{"score", 1 + i % 5}}}}
                 .dump() + "\n";
  }
  ASSERT_TRUE(svc_->ImportItems(manager_, p->id, items));
  for (const Caller& e : {a, b}) ASSERT_TRUE(svc_->AddMember(manager_, p->id, e.user_id, "expert"));
  // a rates every item as its gold; b rates one point higher (capped at 5).
  for (const Caller& e : {a, b}) {
    for (int n = 0;; ++n) {
      auto lease = svc_->AcquireLease(e, p->id);
      ASSERT_TRUE(lease.has_value());
      if (!lease->has_value()) break;
      int i = std::stoi(json::parse((*lease)->item_data_json)["prompt"].get<std::string>());
      int score = std::min(5, 1 + i % 5 + (e.user_id == b.user_id ? 1 : 0));
      ASSERT_TRUE(SubmitAnswer(e, **lease, "c" + std::to_string(n), json{{"score", score}}.dump()));
    }
  }
  json q = QualityJson(*svc_, manager_, p->id);
  ASSERT_EQ(q["fields"].size(), 1u);
  const json& fq = q["fields"][0];
  EXPECT_EQ(fq["component"], "rating");
  EXPECT_EQ(fq["level"], "ordinal");
  // Close but unequal ratings: positive alpha below 1.
  EXPECT_GT(fq["agreement"]["krippendorff_alpha"].get<double>(), 0);
  EXPECT_LT(fq["agreement"]["krippendorff_alpha"].get<double>(), 1);
  std::map<std::string, json> gold;
  for (const json& w : fq["workers"]) gold[w["email"]] = w["gold"];
  EXPECT_EQ(gold["a@example.com"]["correct"], 6);
  EXPECT_EQ(gold["a@example.com"]["total"], 6);
  EXPECT_EQ(gold["b@example.com"]["correct"], 1);  // only the item whose gold is 5
  EXPECT_LT(gold["b@example.com"]["high"].get<double>(), gold["a@example.com"]["low"].get<double>() + 0.5);
  EXPECT_GT(gold["a@example.com"]["low"].get<double>(), 0.5);
}

TEST_P(WorkTest, ProjectOverlapSettingsAreValidated) {
  ProjectFields f;
  f.name = "x";
  f.template_json = kPairwiseTemplate;
  f.overlap = 3;
  f.max_overlap = 2;
  EXPECT_EQ(svc_->CreateProject(manager_, f).error().code(), base::ErrorCode::kInvalidArgument);
  f.max_overlap = 21;
  EXPECT_EQ(svc_->CreateProject(manager_, f).error().code(), base::ErrorCode::kInvalidArgument);
  f.max_overlap = 5;
  for (double bad : {0.5, 1.0, 0.2}) {
    f.target_confidence = bad;
    EXPECT_EQ(svc_->CreateProject(manager_, f).error().code(), base::ErrorCode::kInvalidArgument) << bad;
  }
  f.target_confidence = 0.9;
  auto p = svc_->CreateProject(manager_, f);
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->max_overlap, 5);
  EXPECT_DOUBLE_EQ(p->target_confidence, 0.9);
  auto got = svc_->GetProject(manager_, p->id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->max_overlap, 5);
  EXPECT_DOUBLE_EQ(got->target_confidence, 0.9);
  ProjectFields patch;
  patch.overlap = 6;
  EXPECT_EQ(svc_->UpdateProject(manager_, p->id, patch).error().code(), base::ErrorCode::kInvalidArgument);
  patch.max_overlap = 6;  // back to a fixed overlap
  auto fixed = svc_->UpdateProject(manager_, p->id, patch);
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(fixed->max_overlap, 6);
  // Without the settings a project keeps a fixed overlap.
  f.max_overlap.reset();
  f.target_confidence.reset();
  auto plain = svc_->CreateProject(manager_, f);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->max_overlap, 3);
}

TEST_P(WorkTest, DynamicOverlapStopsAtTheTargetAndAsksOneMoreOnDoubt) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert),
         c = MakeCaller("c@example.com", Role::kExpert);
  std::string id = MakeProject(10, 2, {a, b, c}, 600, /*max_overlap=*/3, /*target=*/0.95);
  // Unknown skills (0.7): two agreeing labels give 0.92 < 0.95, so every item gets a third.
  int n = 0;
  for (const Caller& e : {a, b, c}) {
    while (LabelNext(*svc_, e, id, Choice("a"), "c" + std::to_string(n++))) {}
  }
  EXPECT_EQ(Count("SELECT count(*) FROM submissions WHERE project_id = ?", {id}), 30);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND decided = 1", {id}), 10);

  // The report learns that all three are reliable (Dawid–Skene skill near 1)...
  json q = QualityJson(*svc_, manager_, id);
  for (const json& w : q["fields"][0]["workers"]) EXPECT_GT(w["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(q["overlap"]["items_decided"], 10);
  EXPECT_EQ(q["overlap"]["max_overlap"], 3);

  // ...so two agreeing labels are now enough: the item stops being leased at overlap 2.
  ASSERT_TRUE(svc_->ImportItems(manager_, id, ItemLine(10)));
  ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("b"), "x1"));
  ASSERT_TRUE(LabelNext(*svc_, b, id, Choice("b"), "x2"));
  EXPECT_FALSE(LabelNext(*svc_, c, id, Choice("b"), "x3"));
  EXPECT_EQ(Count("SELECT count(*) FROM submissions s JOIN items i ON i.id = s.item_id WHERE i.external_id = 'ext-10'"), 2);

  // Disagreement: a third expert gets the item, and nobody after max_overlap.
  ASSERT_TRUE(svc_->ImportItems(manager_, id, ItemLine(11)));
  ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("a"), "y1"));
  ASSERT_TRUE(LabelNext(*svc_, b, id, Choice("b"), "y2"));
  ASSERT_TRUE(LabelNext(*svc_, c, id, Choice("a"), "y3"));
  EXPECT_EQ(Count("SELECT count(*) FROM submissions s JOIN items i ON i.id = s.item_id WHERE i.external_id = 'ext-11'"), 3);
  EXPECT_EQ(Count("SELECT decided FROM items WHERE external_id = 'ext-11'"), 1);
}

TEST_P(WorkTest, SwitchingToDynamicOverlapKeepsLabelledItemsDone) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert),
         c = MakeCaller("c@example.com", Role::kExpert);
  std::string id = MakeProject(3, 2, {a, b, c});
  // Fixed overlap 2, least-covered first: a gets items 0 and 2, b items 1 and 0, so item 0 has
  // two disagreeing labels when the project turns dynamic (max 3).
  for (int n = 0; n < 2; ++n) {
    ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("a"), "a" + std::to_string(n)));
    ASSERT_TRUE(LabelNext(*svc_, b, id, Choice("b"), "b" + std::to_string(n)));
  }
  ASSERT_EQ(Count("SELECT count(*) FROM submissions s JOIN items i ON i.id = s.item_id WHERE i.external_id = 'ext-0'"), 2);
  ProjectFields patch;
  patch.max_overlap = 3;
  patch.target_confidence = 0.9;
  ASSERT_TRUE(svc_->UpdateProject(manager_, id, patch));
  // Decided, so the lease query's index (undecided items first) never walks over it.
  EXPECT_EQ(Count("SELECT decided FROM items WHERE external_id = 'ext-0'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND decided = 1", {id}), 1);
  // c gets the other items, never the item labelled twice before the switch.
  std::set<std::string> got;
  for (int n = 0; n < 3; ++n) {
    auto lease = svc_->AcquireLease(c, id);
    ASSERT_TRUE(lease.has_value());
    if (!lease->has_value()) break;
    got.insert(json::parse((*lease)->item_data_json)["prompt"]);
    ASSERT_TRUE(SubmitAnswer(c, **lease, "c" + std::to_string(n)));
  }
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got.count("Question 0"), 0u);
}

TEST_P(WorkTest, DynamicOverlapNeverExceedsMaxOverlapWith32ConcurrentExperts) {
  std::vector<Caller> experts;
  for (int i = 0; i < 32; ++i) experts.push_back(MakeCaller("e" + std::to_string(i) + "@example.com", Role::kExpert));
  constexpr int kItems = 20, kOverlap = 2, kMax = 5;
  for (bool prefetch : {false, true}) {
    SCOPED_TRACE(prefetch ? "prefetch" : "one at a time");
    std::string id = MakeProject(kItems, kOverlap, experts, 600, kMax, 0.95);
    // Experts split between a and b: items keep asking for one more until max_overlap.
    auto [errors, over] =
        RunExpertsConcurrently(experts, id, kMax, [](size_t t) { return Choice(t % 2 ? "a" : "b"); }, prefetch);
    svc_->WaitForQualityIdle();
    EXPECT_EQ(errors, 0);
    EXPECT_EQ(over, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND decided = 1", {id}), kItems);
    EXPECT_EQ(Count("SELECT count(*) FROM (SELECT item_id FROM submissions WHERE project_id = ? GROUP BY item_id "
                    "HAVING count(*) > ? OR count(*) < ? OR count(DISTINCT expert_id) <> count(*)) AS bad_items",
                    {id, kMax, kOverlap}), 0);
    // With split experts most items end at max_overlap; far more labels than the fixed overlap.
    EXPECT_GT(Count("SELECT count(*) FROM submissions WHERE project_id = ?", {id}), kItems * kOverlap);
  }
}

}  // namespace
}  // namespace work
