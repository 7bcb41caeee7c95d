// SessionStore on a catalog of its own (the engine knows no suite by name): the catalog decides
// which suites exist, they load once, and unknown names are kNotFound; the fair share of
// sessions between users (issue 11, defect 12); the session limits reach every session. The
// store on assay's suites (tau2-retail, the workplace) is tested in src/workplace/suites_test.cc.
#include "env/session_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "env/notes_testing.h"

namespace env {
namespace {

TEST(SessionStoreCatalogTest, SuitesComeFromTheCatalogAndLoadOnce) {
  base::FakeClock clock;
  Loads loads;
  SessionStore store(clock, NotesCatalog(&loads));
  auto a = store.Create("alice", "notes", "first");
  ASSERT_TRUE(a) << a.error().ToString();
  ASSERT_TRUE(store.Create("bob", "notes", "first"));
  EXPECT_EQ(loads.count, 1);
  {
    auto lease = store.Get("alice", a->id);
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->session().CallJson("notes_add", R"({"text":"hi"})").content, "1");
  }
  auto unknown = store.Create("alice", "tau2-retail", "0");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), base::ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("known: notes, broken"), std::string::npos)
      << unknown.error().message();
  EXPECT_EQ(store.Create("alice", "notes", "second").error().code(), base::ErrorCode::kNotFound);

  const std::vector<SuiteSummary> rows = store.ListSuites();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "notes");
  EXPECT_EQ(rows[0].tasks, 1u);
  EXPECT_EQ(rows[0].tools, 3u);
  EXPECT_EQ(rows[1].name, "broken");
  EXPECT_EQ(rows[1].error, "cannot open /nonexistent");
  EXPECT_EQ(loads.count, 1);  // listing reuses the loaded suite
}

// Issue 11, defect 12: one manager's 16 accounts, 16 sessions each, no longer lock everyone else
// out of environments.
TEST(SessionStoreFairShareTest, SixteenAccountsFillTheSharedPoolAndOthersStillGetSessions) {
  base::FakeClock clock;
  Loads loads;
  const SessionStoreOptions defaults;
  ASSERT_EQ(defaults.max_per_owner, 16u);
  ASSERT_EQ(defaults.max_total, 256u);
  SessionStore store(clock, NotesCatalog(&loads));
  size_t live = 0;
  auto create = [&](const std::string& owner) {
    base::Result<SessionInfo> info = store.Create(owner, "notes", "first");
    if (info) ++live;
    EXPECT_LE(live, defaults.max_total);
    return info;
  };
  for (int account = 0; account < 16; ++account) {
    for (int i = 0; i < 16; ++i) (void)create("manager-" + std::to_string(account));
  }
  // The accounts took the shared pool and their own guarantees, no more.
  EXPECT_EQ(live, defaults.max_shared + 2 * defaults.guaranteed_per_owner);
  auto refused = create("manager-15");  // holds its 2 guaranteed, wants a third
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kResourceExhausted);
  EXPECT_NE(refused.error().message().find("shared environment sessions are all in use"),
            std::string::npos)
      << refused.error().message();
  const std::string some_session = store.List("manager-15").front().id;
  auto fork = store.Fork("manager-15", some_session);  // a fork is a session like any other
  ASSERT_FALSE(fork);
  EXPECT_NE(fork.error().message().find("shared environment sessions"), std::string::npos);
  // A 17th user still gets their guaranteed sessions, and no more while the pool is full.
  EXPECT_TRUE(create("expert-17"));
  EXPECT_TRUE(create("expert-17"));
  EXPECT_FALSE(create("expert-17"));
  // Others too, until the hard total: it is never passed.
  int users_served = 1;
  for (int user = 18; live < defaults.max_total; ++user, ++users_served) {
    ASSERT_TRUE(create("expert-" + std::to_string(user)));
    ASSERT_TRUE(create("expert-" + std::to_string(user)));
  }
  EXPECT_EQ(users_served, 14);  // (256 - 228) / 2 users at their guarantee
  auto full = create("expert-99");
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message().find("the most environment sessions it allows"),
            std::string::npos)
      << full.error().message();
  // A freed slot goes to the next user still below their guarantee.
  ASSERT_TRUE(store.Delete("manager-15", some_session));
  --live;
  EXPECT_TRUE(create("expert-99"));
}

TEST(SessionStoreLimitsTest, EverySessionGetsTheStoresLimitsForksIncluded) {
  base::FakeClock clock;
  Loads loads;
  SessionStoreOptions options;
  options.limits.max_arguments_bytes = 20;
  SessionStore store(clock, NotesCatalog(&loads), options);
  auto info = store.Create("alice", "notes", "first");
  ASSERT_TRUE(info);
  auto fork = store.Fork("alice", info->id);
  ASSERT_TRUE(fork);
  for (const std::string& id : {info->id, fork->id}) {
    auto lease = store.Get("alice", id);
    ASSERT_TRUE(lease);
    EXPECT_TRUE(lease->session().TryCallJson("notes_add", R"({"text":"123456789"})"));  // 20 bytes
    auto over = lease->session().TryCallJson("notes_add", R"({"text":"1234567890"})");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code(), base::ErrorCode::kPayloadTooLarge);
  }
}

}  // namespace
}  // namespace env
