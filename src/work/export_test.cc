#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/render.h"
#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;
using testing::ItemLine;
using testing::kPairwiseTemplate;

class ExportTest : public testing::WorkFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(ExportTest);

TEST_P(ExportTest, ExportHasOneLinePerItemWithEverySubmission) {
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

}  // namespace
}  // namespace work
