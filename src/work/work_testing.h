// A fixture for the work service's tests on both drivers (and for the layers above it, whose
// tests need projects, items and experts): a fresh database, accounts and work services, a
// manager, and helpers to make projects and run experts concurrently.
//
//   class LoopTest : public work::testing::WorkFixture {};
//   ASSAY_INSTANTIATE_WORK_FIXTURE(LoopTest);
//   TEST_P(LoopTest, Something) { std::string p = MakeProject(10, 2, {MakeCaller("e@x.org", Role::kExpert)}); }
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "accounts/service.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/uuid7.h"
#include "storage/migrations.h"
#include "storage/test_db.h"
#include "work/service.h"

namespace work::testing {

using json = nlohmann::json;


inline constexpr const char* kPairwiseTemplate =
    R"([{"type":"markdown","source":"prompt"},{"type":"responses","source":"responses"},
        {"type":"pairwise","name":"preference","strength":true},
        {"type":"textarea","name":"why","required":false}])";

inline std::string ItemLine(int i) {
  return json{{"id", "ext-" + std::to_string(i)},
              {"data", {{"prompt", "Question " + std::to_string(i)}, {"responses", {"answer A", "answer B"}}}}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The work-service suites run on both drivers (TEST_P; a TEST_F runs on SQLite only). Each test
// file derives its own fixture from this one and instantiates it for both drivers.
class WorkFixture : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  void SetUp() override {
    const bool parameterized = ::testing::UnitTest::GetInstance()->current_test_info()->value_param() != nullptr;
    test_db_ = std::make_unique<storage::TestDb>(parameterized ? GetParam() : storage::Dialect::kSqlite);
    auto db = test_db_->Open();
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_, clock_).has_value());
    accounts::Options o;
    o.fast_password_hashing_for_tests = true;
    accounts_ = std::make_unique<accounts::Service>(*db_, clock_, ids_, o);
    svc_ = std::make_unique<Service>(*db_, clock_, ids_);
    manager_ = MakeCaller("manager@example.com", Role::kManager);
  }
  void TearDown() override {
    svc_.reset();
    accounts_.reset();
    db_.reset();
    test_db_.reset();
  }

  Caller MakeCaller(const std::string& email, Role role) {
    auto u = accounts_->EnsureUser(email, role);
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
    for (const Caller& e : experts) EXPECT_TRUE(svc_->AddMember(Caller::System(), p->id, e.user_id, "expert"));
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
  std::unique_ptr<accounts::Service> accounts_;
  std::unique_ptr<Service> svc_;
  Caller manager_;
};

struct CycleRun {
  int cycles = 0, errors = 0;
  double secs = 0;
};

// Each expert leases and submits on its own thread until `project_id` has nothing left to lease;
// `answer` gives each submit's answer from the thread's own Rng (seeded by its index + 1). The
// first error is printed.
inline CycleRun RunCycles(Service& svc, const std::vector<Caller>& experts, const std::string& project_id,
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

}  // namespace work::testing

// Runs a fixture's TEST_Ps on SQLite and PostgreSQL (the latter when ASSAY_TEST_POSTGRES_URL is set).
#define ASSAY_INSTANTIATE_WORK_FIXTURE(Fixture)                    \
  INSTANTIATE_TEST_SUITE_P(Drivers, Fixture, ASSAY_BOTH_DIALECTS, \
                           storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>)
