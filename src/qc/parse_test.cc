#include "qc/parse.h"

#include <gtest/gtest.h>

namespace qc {
namespace {

TEST(ParseLabels, CsvWithQuotesCrlfBomAndExtraColumns) {
  const std::string text =
      "\xEF\xBB\xBFid,task,worker,label\r\n"
      "1,t1,w1,\"a, b\"\r\n"
      "2,\"t\"\"2\",w2,c\r\n"
      "\r\n"
      "3,t1,w2,c";
  auto r = ParseLabels(text, InputFormat::kCsv, {});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->num_rows(), 3);
  EXPECT_EQ(r->task_names[1], "t\"2");
  EXPECT_EQ(r->label_names[0], "a, b");
  EXPECT_EQ(r->num_workers(), 2);
}

TEST(ParseLabels, JsonlWithNumbersEscapesAndOtherKeys) {
  const std::string text =
      "{\"task\": \"t1\", \"worker\": \"w\\u00e9\", \"label\": 3, \"meta\": {\"x\": [1, 2]}}\n"
      "\n"
      "{\"label\": \"4\", \"worker\": \"w2\", \"task\": \"t\\\"1\"}\n";
  auto r = ParseLabels(text, InputFormat::kJsonl, {});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->num_rows(), 2);
  EXPECT_EQ(r->worker_names[0], "w\xC3\xA9");
  EXPECT_EQ(r->task_names[1], "t\"1");
  EXPECT_EQ(r->label_names[0], "3");
}

TEST(ParseLabels, ErrorsNameTheLine) {
  auto missing = ParseLabels("task,worker\nt,w\n", InputFormat::kCsv, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("line 1"), std::string::npos);
  auto short_row = ParseLabels("task,worker,label\nt,w,l\nt,w\n", InputFormat::kCsv, {});
  ASSERT_FALSE(short_row);
  EXPECT_NE(short_row.error().message().find("line 3"), std::string::npos);
  auto bad_json = ParseLabels("{\"task\":\"t\",\"worker\":\"w\",\"label\":\"l\"}\n{\"task\":\"t\"}\n",
                              InputFormat::kJsonl, {});
  ASSERT_FALSE(bad_json);
  EXPECT_NE(bad_json.error().message().find("line 2"), std::string::npos);
  auto bad_winner = ParseBattles("model_a,model_b,winner\na,b,draw\n", InputFormat::kCsv, {});
  ASSERT_FALSE(bad_winner);
  EXPECT_NE(bad_winner.error().message().find("line 2"), std::string::npos);
}

TEST(ParseLabels, GoldMapsToLabelIdsAndAddsUnseenLabels) {
  auto r = ParseLabelsWithGold("task,worker,label\nt1,w,b\nt2,w,b\n", "task,label\nt2,a\nt9,b\n",
                               InputFormat::kCsv, InputFormat::kCsv, {});
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->gold.size(), 2u);
  EXPECT_EQ(r->gold[0], -1);
  EXPECT_EQ(r->table.label_names[r->gold[1]], "a");
}

TEST(ParseBattles, AllWinnerKinds) {
  auto r = ParseBattles(
      "model_a,model_b,winner\nx,y,model_a\nx,y,model_b\nx,y,tie\nx,y,tie (bothbad)\n",
      InputFormat::kCsv, {});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->num_battles(), 4);
  EXPECT_EQ(r->outcome[3], Outcome::kTieBothBad);
}

}  // namespace
}  // namespace qc
