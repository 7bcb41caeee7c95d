#include <gtest/gtest.h>

#include <filesystem>

#include "quality/quality_testing.h"
#include "storage/sqlite_db.h"
#include "work/quality_stamps.h"

namespace quality {
namespace {

using namespace quality::testing;  // NOLINT: the fixture's vocabulary
using work::testing::ItemLine;
using work::testing::kPairwiseTemplate;

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
  accounts::Service accounts(**db, clock, ids);
  work::Service svc(**db, clock, ids);
  Service quality(**db, clock);
  svc.SetQualityObserver(&quality);
  auto manager = accounts.EnsureUser("m@example.com", Role::kManager);
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
    auto u = accounts.EnsureUser("e" + std::to_string(i) + "@example.com", Role::kExpert);
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
    ASSAY_TRY(work::BumpQualityStamp(c, big, big));
    return base::Ok();
  }));
  auto t0 = std::chrono::steady_clock::now();
  auto first = quality.Report(m, big);
  auto t1 = std::chrono::steady_clock::now();
  auto second = quality.Report(m, big);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(first.has_value() && second.has_value());
  auto body = RenderQuality(second->view, {});
  auto t3 = std::chrono::steady_clock::now();
  ASSERT_TRUE(body.has_value());
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("[ report   ] quality of %lld submissions: computed in %.1f ms, cached request %.2f ms, "
              "render (100 labels) %.2f ms; %lld computation(s)\n",
              static_cast<long long>(first->view.report->submissions), ms(t0, t1), ms(t1, t2), ms(t2, t3),
              static_cast<long long>(quality.computations()));
  EXPECT_EQ(first->view.report->submissions, kItems * kPer);
  EXPECT_EQ(quality.computations(), 1);

  // The work loop, 64 experts answering "a" 90% of the time: fixed overlap 3 vs dynamic 2..3.
  for (std::optional<int64_t> max_overlap : {std::optional<int64_t>(), std::optional<int64_t>(3)}) {
    const int64_t overlap = max_overlap ? 2 : 3;
    std::string id = make(1000, overlap, max_overlap);
    for (const Caller& e : experts) ASSERT_TRUE(svc.AddMember(Caller::System(), id, e.user_id, "expert"));
    work::testing::CycleRun run = work::testing::RunCycles(svc, experts, id, [](base::Rng& r) {
      const char* choice = r.Uniform() < 0.9 ? "a" : "b";
      return std::string(R"({"preference":{"choice":")") + choice + R"("}})";
    });
    quality.WaitIdle();
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
}  // namespace quality
