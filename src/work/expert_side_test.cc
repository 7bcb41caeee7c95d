#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/display.h"
#include "work/render.h"
#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;

class ExpertSideTest : public testing::WorkFixture {
 protected:
  std::string ModelProject(int n, std::optional<bool> hide_models = {}, std::optional<bool> shuffle = {}) {
    ProjectFields f;
    f.name = "Models";
    f.template_json = testing::kPairwiseTemplate;
    f.hide_models = hide_models;
    f.shuffle_responses = shuffle;
    auto p = svc_->CreateProject(manager_, f);
    EXPECT_TRUE(p) << p.error().ToString();
    std::string body;
    for (int i = 0; i < n; ++i) {
      body += json{{"id", "m" + std::to_string(i)},
                   {"data", {{"prompt", "Q" + std::to_string(i)},
                             {"responses", {{{"id", "x"}, {"model", "gpt-x"}, {"content", "one"}},
                                            {{"id", "y"}, {"model", "claude-y"}, {"content", "two"}}}}}}}
                  .dump() + "\n";
    }
    EXPECT_EQ(svc_->ImportItems(manager_, p->id, body)->imported, n);
    return p->id;
  }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(ExpertSideTest);

TEST_P(ExpertSideTest, ModelNamesAreHiddenAndEachItemHasItsOwnOrderByDefault) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = ModelProject(40);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, a.user_id, "expert"));
  auto project = svc_->GetProject(manager_, p);
  EXPECT_TRUE(project->hide_models);
  EXPECT_TRUE(project->shuffle_responses);
  int swapped = 0;
  for (int n = 0; n < 40; ++n) {
    auto lease = svc_->AcquireLease(a, p);
    ASSERT_TRUE(lease && *lease);
    json shown = json::parse(RenderLease(**lease));
    EXPECT_EQ(shown["item"]["data"]["responses"][0].count("model"), 0u) << "no model name for experts";
    EXPECT_EQ(shown["item"]["data"]["responses"][0]["id"], "x") << "the data keeps its order";
    const json order = shown["item"]["response_order"]["responses"];
    ASSERT_EQ(order.size(), 2u);
    swapped += order[0] == 1;
    // The same order for every expert of the item, every time.
    EXPECT_EQ(order, json(ResponseOrder((*lease)->item_id, "responses", 2)));
    ASSERT_TRUE(SubmitAnswer(a, **lease, "c" + std::to_string(n)));
  }
  EXPECT_GT(swapped, 8) << "about half the items show B first";
  EXPECT_LT(swapped, 32);
  // The export records the order each item was shown in.
  ASSERT_TRUE(svc_->ExportJsonl(manager_, p, [&](std::string_view line) -> base::Status {
    json j = json::parse(line);
    EXPECT_EQ(j["response_order"]["responses"], json(ResponseOrder(j["item_id"].get<std::string>(), "responses", 2)));
    EXPECT_EQ(j["data"]["responses"][0]["model"], "gpt-x") << "the export keeps the models";
    return base::Ok();
  }));
}

TEST_P(ExpertSideTest, AProjectMayShowModelsInTheirOrder) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = ModelProject(1, false, false);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, a.user_id, "expert"));
  auto lease = svc_->AcquireLease(a, p);
  json shown = json::parse(RenderLease(**lease));
  EXPECT_EQ(shown["item"]["data"]["responses"][1]["model"], "claude-y");
  EXPECT_TRUE(shown["item"]["response_order"].is_null());
  auto assignment = svc_->GetAssignment(a, (*lease)->assignment_id);
  EXPECT_EQ(json::parse(RenderAssignment(*assignment))["item"]["data"]["responses"][0]["model"], "gpt-x");
  ProjectFields f;
  f.hide_models = true;
  ASSERT_TRUE(svc_->UpdateProject(manager_, p, f));
  EXPECT_EQ(json::parse(RenderAssignment(*svc_->GetAssignment(a, (*lease)->assignment_id)))["item"]["data"]["responses"][0]
                .count("model"),
            0u);
}

TEST_P(ExpertSideTest, TasksLeftForHerAndInTheProject) {
  Caller a = MakeCaller("a@x.org", Role::kExpert), b = MakeCaller("b@x.org", Role::kExpert);
  std::string p = MakeProject(5, 2, {a, b});
  auto left = svc_->Remaining(a, p);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->for_you, 5);
  EXPECT_EQ(left->in_project, 10);
  for (int n = 0; n < 3; ++n) {
    auto lease = svc_->AcquireLease(a, p);
    ASSERT_TRUE(SubmitAnswer(a, **lease, "a" + std::to_string(n)));
  }
  auto held = svc_->AcquireLease(a, p);
  ASSERT_TRUE(held && *held);
  left = svc_->Remaining(a, p);
  EXPECT_EQ(left->for_you, 2) << "the one she holds and one more";
  EXPECT_EQ(left->live_leases, 1);
  EXPECT_EQ(left->in_project, 6) << "10 labels less her 3 and the lease she holds";
  EXPECT_EQ(svc_->Remaining(b, p)->for_you, 5);
  EXPECT_EQ(svc_->Remaining(manager_, p)->for_you, 0);
  EXPECT_EQ(svc_->Remaining(MakeCaller("s@x.org", Role::kExpert), p).error().code(), base::ErrorCode::kNotFound);
  // A daily cap bounds what is left for her today.
  ProjectFields cap;
  cap.daily_cap = 4;
  ASSERT_TRUE(svc_->UpdateProject(manager_, p, cap));
  EXPECT_EQ(svc_->Remaining(a, p)->for_you, 1);
}

}  // namespace
}  // namespace work
