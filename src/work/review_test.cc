#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/render.h"
#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;
using testing::ItemLine;
using testing::kPairwiseTemplate;

class ReviewTest : public testing::WorkFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(ReviewTest);

TEST_P(ReviewTest, ReviewRules) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  Caller b = MakeCaller("b@example.com", Role::kExpert);
  Caller reviewer = MakeCaller("r@example.com", Role::kReviewer);
  std::string id = MakeProject(1, 2, {a, b});
  ASSERT_TRUE(svc_->AddMember(Caller::System(), id, "r@example.com", "reviewer"));
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

}  // namespace
}  // namespace work
