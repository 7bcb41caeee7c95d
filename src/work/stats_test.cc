#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/render.h"
#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;
using testing::ItemLine;
using testing::kPairwiseTemplate;

class StatsTest : public testing::WorkFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(StatsTest);

TEST_P(StatsTest, ProgressCountsAndThroughput) {
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
