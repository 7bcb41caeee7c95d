#include "datasets/leaderboard.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/work_testing.h"

namespace datasets {
namespace {

using json = nlohmann::json;

class LeaderboardTest : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    for (int i = 0; i < 3; ++i) experts_.push_back(MakeCaller("e" + std::to_string(i) + "@x.org", work::Role::kExpert));
  }
  // Items whose two responses come from `a` and `b` (alternating sides), three experts each.
  std::string Project(int items) {
    work::ProjectFields f;
    f.name = "Arena";
    f.template_json = work::testing::kPairwiseTemplate;
    f.overlap = 3;
    auto p = svc_->CreateProject(manager_, f);
    std::string body;
    for (int i = 0; i < items; ++i) {
      const bool swap = i % 2 == 1;
      json responses = {{{"id", "a"}, {"model", swap ? "weak" : "strong"}, {"content", "x"}},
                        {{"id", "b"}, {"model", swap ? "strong" : "weak"}, {"content", "y"}}};
      body += json{{"id", "q" + std::to_string(i)}, {"data", {{"prompt", "p"}, {"responses", responses}}}}.dump() + "\n";
    }
    body += R"({"id":"nomodel","data":{"prompt":"p","responses":["x","y"]}})" "\n";
    EXPECT_TRUE(svc_->ImportItems(manager_, p->id, body).has_value());
    for (const work::Caller& e : experts_) EXPECT_TRUE(svc_->AddMember(work::Caller::System(), p->id, e.user_id, "expert"));
    return p->id;
  }
  std::vector<work::Caller> experts_;
};

TEST_P(LeaderboardTest, TheModelExpertsPreferLeadsWithIntervalsAndCounts) {
  std::string project = Project(10);
  int n = 0;
  for (size_t e = 0; e < experts_.size(); ++e) {
    for (;;) {
      auto lease = svc_->AcquireLease(experts_[e], project);
      ASSERT_TRUE(lease.has_value());
      if (!lease->has_value()) break;
      auto item = db_->Query("SELECT data FROM items WHERE id = ?", {(*lease)->item_id});
      json data = json::parse((*item)[0].Text(0));
      // Experts 0 and 1 prefer "strong"; expert 2 calls every fourth one a tie and leaves the rest.
      const json& first = data["responses"][0];
      const bool strong_first = first.is_object() && first.value("model", "") == "strong";
      std::string choice = strong_first ? "a" : "b";
      if (e == 2) choice = n % 4 == 0 ? "tie" : (strong_first ? "b" : "a");
      auto s = SubmitAnswer(experts_[e], **lease, "c" + std::to_string(++n), R"({"preference":{"choice":")" + choice + "\"}}");
      ASSERT_TRUE(s.has_value()) << s.error().ToString();
      if (n != 5) ASSERT_TRUE(svc_->ReviewSubmission(manager_, s->submission.id, "approve", "").has_value());  // one stays pending
    }
  }
  auto lb = ComputeLeaderboard(*db_, manager_, project, {.rounds = 50, .seed = 7});
  ASSERT_TRUE(lb.has_value()) << lb.error().ToString();
  ASSERT_EQ(lb->models.size(), 2u);
  const ModelStanding& top = lb->models[0];
  EXPECT_EQ(top.model, "strong");
  EXPECT_GT(top.score, lb->models[1].score);
  EXPECT_LE(top.ci_low, top.score);
  EXPECT_GE(top.ci_high, top.score);
  EXPECT_EQ(lb->battles, 29);   // 30 answers on model items, one pending
  EXPECT_EQ(lb->skipped, 3);    // the three answers on the item without models
  EXPECT_EQ(top.battles, 29);
  EXPECT_EQ(top.wins + top.losses + top.ties, 29);
  EXPECT_EQ(lb->models[1].wins, top.losses);
  EXPECT_GT(lb->win_rates[1], 0.5);  // strong beats weak
  EXPECT_NEAR(lb->win_rates[1] + lb->win_rates[2], 1.0, 1e-9);
  json rendered = json::parse(RenderLeaderboard(*lb));
  EXPECT_EQ(rendered["method"], "bradley_terry");
  EXPECT_EQ(rendered["models"][0]["model"], "strong");
  EXPECT_EQ(rendered["win_rates"]["matrix"][0][0], nullptr);

  // Reviewers see it; experts and strangers do not.
  auto reviewer = MakeCaller("r@x.org", work::Role::kReviewer);
  ASSERT_TRUE(svc_->AddMember(work::Caller::System(), project, reviewer.user_id, "reviewer"));
  EXPECT_TRUE(ComputeLeaderboard(*db_, reviewer, project, {.rounds = 0}).has_value());
  EXPECT_FALSE(ComputeLeaderboard(*db_, experts_[0], project, {.rounds = 0}).has_value());
  auto stranger = MakeCaller("s@x.org", work::Role::kManager);
  auto hidden = ComputeLeaderboard(*db_, stranger, project, {.rounds = 0});
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code(), base::ErrorCode::kNotFound);
}

TEST_P(LeaderboardTest, AProjectWithoutPairwiseAnswersSaysSo) {
  work::ProjectFields f;
  f.name = "Ratings";
  f.template_json = R"([{"type":"text","source":"t"},{"type":"rating","name":"r","min":1,"max":5}])";
  auto p = svc_->CreateProject(manager_, f);
  auto lb = ComputeLeaderboard(*db_, manager_, p->id, {});
  ASSERT_FALSE(lb.has_value());
  EXPECT_EQ(lb.error().code(), base::ErrorCode::kInvalidArgument);
  std::string empty = Project(2);  // pairwise, no answers yet: an empty board, not an error
  auto none = ComputeLeaderboard(*db_, manager_, empty, {});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->models.empty());
}

INSTANTIATE_TEST_SUITE_P(Drivers, LeaderboardTest, ASSAY_BOTH_DIALECTS);

}  // namespace
}  // namespace datasets
