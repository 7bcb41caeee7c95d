#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;
using testing::ItemLine;
using testing::kPairwiseTemplate;

class ImportTest : public testing::WorkFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(ImportTest);

TEST_P(ImportTest, ImportReportsBadLinesByNumberAndSkipsDuplicates) {
  std::string id = MakeProject(0, 1, {});
  std::string body = ItemLine(1) + "\n" +                                   // 1 ok
                     "{not json}\n" +                                       // 2 bad JSON
                     "\n" +                                                 // 3 blank: ignored
                     R"({"id":"x","data":{"prompt":"p"}})" + "\n" +         // 4 no responses
                     ItemLine(1) + "\n" +                                   // 5 duplicate id
                     R"({"data":{"prompt":"p","responses":["a","b"]},"extra":1})" + "\n" +  // 6 unknown key
                     R"({"data":{"prompt":"p","responses":["a","b"]},"gold":{"preference":{"choice":"z"}}})" + "\n" +  // 7
                     R"({"data":{"prompt":"no id","responses":["a","b"]}})";  // 8 ok, no trailing newline
  auto r = svc_->ImportItems(manager_, id, body);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 2);
  EXPECT_EQ(r->skipped, 1);
  ASSERT_EQ(r->errors.size(), 4u);
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_EQ(r->errors[1].line, 4);
  EXPECT_NE(r->errors[1].message.find("data.responses"), std::string::npos);
  EXPECT_EQ(r->errors[2].line, 6);
  EXPECT_EQ(r->errors[3].line, 7);
  EXPECT_NE(r->errors[3].message.find("answer.preference.choice"), std::string::npos);
  // Importing the same file again adds nothing with an id; the id-less item is new again.
  auto again = svc_->ImportItems(manager_, id, ItemLine(1));
  EXPECT_EQ(again->imported, 0);
  EXPECT_EQ(again->skipped, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ?", {id}), 2);
}

TEST_P(ImportTest, ImportTakesAJsonArray) {
  std::string id = MakeProject(0, 1, {});
  std::string body = "[" + ItemLine(1) + ", 7, " + ItemLine(2) + "]";
  size_t progress_calls = 0;
  auto r = svc_->ImportItems(manager_, id, body, [&](size_t, size_t) { ++progress_calls; });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->imported, 2);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_GE(progress_calls, 1u);
  auto items = svc_->ListItems(manager_, id, 1, "");
  ASSERT_TRUE(items.has_value());
  ASSERT_EQ(items->items.size(), 1u);
  EXPECT_EQ(items->items[0].external_id, "ext-1");
  ASSERT_TRUE(items->next_cursor.has_value());
  auto next = svc_->ListItems(manager_, id, 10, *items->next_cursor);
  ASSERT_EQ(next->items.size(), 1u);
  EXPECT_EQ(next->items[0].external_id, "ext-2");
  EXPECT_FALSE(next->next_cursor.has_value());
}

}  // namespace
}  // namespace work
