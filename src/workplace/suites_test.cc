// assay's suites in an env::SessionStore: ownership, concurrency on one session, the cached state
// hash, forks and caps on tau2-retail; the workplace suites as views of one workplace; the
// suite listing.
#include "workplace/suites.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "env/session_store.h"
#include "workplace/apps.h"

namespace workplace {
namespace {

using env::SessionStore;
using env::SessionStoreOptions;
using env::Step;
using env::SuiteSummary;

SessionStoreOptions Tau2Options() {
  SessionStoreOptions o;
  o.data_dirs["tau2-retail"] = ASSAY_SHARED_DATA_DIR "/tau2-retail";
  o.max_per_owner = 3;
  o.max_total = 4;
  return o;
}

TEST(SessionStoreTest, ConcurrentCallsOnOneSessionAreSerialised) {
  base::FakeClock clock;
  SessionStore store(clock, Suites(), Tau2Options());
  auto info = store.Create("alice", "tau2-retail", "0");
  ASSERT_TRUE(info) << info.error().ToString();
  constexpr int kThreads = 4, kCalls = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        auto lease = store.Get("alice", info->id);
        ASSERT_TRUE(lease);
        ToolResult r = lease->session().CallJson("calculate", R"({"expression":"6 * 7"})");
        EXPECT_FALSE(r.is_error) << r.content;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto lease = store.Get("alice", info->id);
  ASSERT_TRUE(lease);
  const auto& steps = lease->session().trajectory().steps();
  ASSERT_EQ(steps.size(), size_t{kThreads * kCalls});
  std::set<std::string> ids;
  for (const Step& s : steps) ids.insert(s.call_id);
  EXPECT_EQ(ids.size(), steps.size());  // no step lost or doubled by a race
}

TEST(SessionStoreTest, StateHashFollowsWritesAndForksDiverge) {
  base::FakeClock clock;
  SessionStore store(clock, Suites(), Tau2Options());
  auto info = store.Create("alice", "tau2-retail", "0");
  ASSERT_TRUE(info);
  std::string before;
  {
    auto lease = store.Get("alice", info->id);
    ASSERT_TRUE(lease);
    before = lease->StateHash();
    EXPECT_EQ(before, lease->session().world().Hash());
    lease->session().CallJson("get_order_details", R"({"order_id":"#W2378156"})");
    EXPECT_EQ(lease->StateHash(), before);  // a read leaves the hash
  }
  auto fork = store.Fork("alice", info->id);
  ASSERT_TRUE(fork) << fork.error().ToString();
  EXPECT_EQ(fork->forked_from, info->id);
  {
    auto lease = store.Get("alice", fork->id);
    ASSERT_TRUE(lease);
    ToolResult r = lease->session().CallJson(
        "cancel_pending_order", R"({"order_id":"#W2378156","reason":"no longer needed"})");
    // Delivered orders cannot be cancelled: an error, and no change.
    EXPECT_TRUE(r.is_error);
    EXPECT_EQ(lease->StateHash(), before);
    r = lease->session().CallJson(
        "modify_user_address",
        R"({"user_id":"yusuf_rossi_9620","address1":"1 Main St","address2":"","city":"Philadelphia",)"
        R"("state":"PA","country":"USA","zip":"19122"})");
    ASSERT_FALSE(r.is_error) << r.content;
    EXPECT_NE(lease->StateHash(), before);
    EXPECT_EQ(lease->StateHash(), lease->session().world().Hash());
  }
  auto origin = store.Get("alice", info->id);
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->StateHash(), before);  // the fork's write did not reach its origin
}

TEST(SessionStoreTest, OwnersCapsAndDeleteWhileLeased) {
  base::FakeClock clock;
  SessionStore store(clock, Suites(), Tau2Options());
  auto a = store.Create("alice", "tau2-retail", "1");
  ASSERT_TRUE(a);
  EXPECT_EQ(store.Get("bob", a->id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(store.Delete("bob", a->id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(store.Fork("bob", a->id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_TRUE(store.List("bob").empty());
  ASSERT_TRUE(store.Create("alice", "tau2-retail", "1"));
  ASSERT_TRUE(store.Create("alice", "tau2-retail", "1"));
  auto over = store.Create("alice", "tau2-retail", "1");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), base::ErrorCode::kResourceExhausted);
  ASSERT_TRUE(store.Create("bob", "tau2-retail", "1"));
  auto full = store.Create("carol", "tau2-retail", "1");  // max_total 4
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code(), base::ErrorCode::kResourceExhausted);

  // Deleting a session someone is using: gone for new callers, still whole for the holder.
  auto lease = store.Get("alice", a->id);
  ASSERT_TRUE(lease);
  ASSERT_TRUE(store.Delete("alice", a->id));
  EXPECT_FALSE(lease->session().CallJson("calculate", R"({"expression":"1 + 1"})").is_error);
  EXPECT_EQ(store.List("alice").size(), 2u);
  EXPECT_TRUE(store.Create("carol", "tau2-retail", "1"));
}

TEST(SessionStoreTest, UnknownSuiteOrTaskIsNotFound) {
  base::FakeClock clock;
  SessionStore store(clock, Suites(), Tau2Options());
  EXPECT_EQ(store.Create("alice", "nope", "0").error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(store.Create("alice", "tau2-retail", "nope").error().code(),
            base::ErrorCode::kNotFound);
  auto world = store.CreateOnWorld("alice", "tau2-retail", World());
  ASSERT_TRUE(world);
  auto lease = store.Get("alice", world->id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->task(), nullptr);
  EXPECT_EQ(lease->session().tools().size(), 16u);
}

std::unique_ptr<Suite> MustLoad(std::string_view name) {
  auto suite = LoadSuite(name, "");
  EXPECT_TRUE(suite) << name << ": " << suite.error().ToString();
  return suite ? std::move(*suite) : nullptr;
}

std::vector<std::string> Ids(const std::vector<Task>& tasks) {
  std::vector<std::string> ids;
  for (const Task& t : tasks) ids.push_back(t.id);
  return ids;
}

TEST(SuiteTest, AppSuitesAreViewsOfOneWorkplace) {
  std::unique_ptr<Suite> workplace = MustLoad("workplace");
  ASSERT_NE(workplace, nullptr);
  std::vector<std::string> app_ids;  // every app's tasks, app after app
  for (const App& app : Apps()) {
    std::unique_ptr<Suite> own = MustLoad(app.name);
    ASSERT_NE(own, nullptr);
    EXPECT_EQ(own->name, app.name);
    // One registry (every app's tools) for all of them, not one built per suite.
    EXPECT_EQ(&own->tools, &workplace->tools) << app.name;
    for (const Task& task : own->tasks) {
      EXPECT_EQ(task.id.rfind(std::string(app.name) + "-", 0), 0u) << task.id;
      const Task* same = workplace->FindTask(task.id);
      ASSERT_NE(same, nullptr) << task.id;
      // The same initial world, node for node: built once, not rebuilt per suite.
      for (const std::string& name : same->initial.Apps()) {
        EXPECT_TRUE(task.initial.Get(name).SameNode(same->initial.Get(name))) << task.id << name;
      }
    }
    const std::vector<std::string> ids = Ids(own->tasks);
    app_ids.insert(app_ids.end(), ids.begin(), ids.end());
  }
  // The workplace is every app's tasks in the same order, then the cross-app ones.
  const std::vector<std::string> all = Ids(workplace->tasks);
  ASSERT_GT(all.size(), app_ids.size());
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.begin() + app_ids.size()), app_ids);
  for (size_t i = app_ids.size(); i < all.size(); ++i) EXPECT_EQ(all[i].rfind("cross-", 0), 0u);
}

TEST(SuiteTest, EachLoadGetsItsOwnTasks) {
  // The store derives checkers in its copy of a task: that must not reach other loads.
  std::unique_ptr<Suite> mail = MustLoad("mail");
  ASSERT_NE(mail, nullptr);
  ASSERT_FALSE(mail->tasks.empty());
  const std::string instruction = mail->tasks[0].instruction;
  mail->tasks[0].instruction = "changed";
  mail->tasks[0].checker.expected_hash = "changed";
  std::unique_ptr<Suite> again = MustLoad("mail");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->tasks[0].instruction, instruction);
  EXPECT_NE(again->tasks[0].checker.expected_hash, std::optional<std::string>("changed"));
  std::unique_ptr<Suite> workplace = MustLoad("workplace");
  ASSERT_NE(workplace, nullptr);
  EXPECT_EQ(workplace->FindTask(mail->tasks[0].id)->instruction, instruction);
}

TEST(SuiteTest, ListingCountsEverySuiteOrSaysWhyNot) {
  base::FakeClock clock;
  SessionStoreOptions options;
  options.data_dirs["tau2-retail"] = "/nonexistent/tau2-retail";
  SessionStore store(clock, Suites(), options);
  const std::vector<SuiteSummary> rows = store.ListSuites();
  ASSERT_EQ(rows.size(), Suites().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const SuiteSummary& row = rows[i];
    EXPECT_EQ(row.name, Suites()[i].name);
    EXPECT_EQ(row.description, Suites()[i].description);
    if (row.name == "tau2-retail") {
      EXPECT_NE(row.error.find("/nonexistent/tau2-retail"), std::string::npos) << row.error;
      EXPECT_EQ(row.tasks, 0u);
      continue;
    }
    EXPECT_EQ(row.error, "") << row.name;
    std::unique_ptr<Suite> suite = MustLoad(row.name);
    ASSERT_NE(suite, nullptr);
    EXPECT_EQ(row.tasks, suite->tasks.size()) << row.name;
    EXPECT_EQ(row.tools, suite->tools.size()) << row.name;
    EXPECT_GT(row.tasks, 0u) << row.name;
  }
  // The same rows as the command line's (each suite from its default data dir), but for
  // tau2-retail, whose default dir is relative to where the command runs.
  const std::vector<SuiteSummary> cli_rows = SummarizeSuites();
  ASSERT_EQ(cli_rows.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].name == "tau2-retail") continue;
    EXPECT_EQ(cli_rows[i].name, rows[i].name);
    EXPECT_EQ(cli_rows[i].tasks, rows[i].tasks);
    EXPECT_EQ(cli_rows[i].tools, rows[i].tools);
    EXPECT_EQ(cli_rows[i].error, rows[i].error);
  }
}

}  // namespace
}  // namespace workplace
