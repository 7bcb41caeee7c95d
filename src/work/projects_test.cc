#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;
using testing::ItemLine;
using testing::kPairwiseTemplate;

class ProjectsTest : public testing::WorkFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(ProjectsTest);

TEST_P(ProjectsTest, ProjectsAreVisibleToMembersOnly) {
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

TEST_P(ProjectsTest, BadTemplateIsRefusedAndNothingWritten) {
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

TEST_P(ProjectsTest, ProjectOverlapSettingsAreValidated) {
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

}  // namespace
}  // namespace work
