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

#include "base/rng.h"

namespace qc {
namespace {

// Mutation fuzzing: random byte edits of valid inputs must give a table or a line-numbered
// error, never a crash or an out-of-range id (run under ASAN in CI to catch overreads).
TEST(ParseFuzz, MutatedInputsFailCleanlyOrParse) {
  const std::string csv = "task,worker,label\nt1,w1,\"a,b\"\nt2,w2,c\r\nt3,\"w\"\"3\",d\n";
  const std::string jsonl =
      "{\"task\":\"t1\",\"worker\":\"w\\u00e9\",\"label\":3}\n{\"task\":\"t2\",\"worker\":\"w\",\"label\":\"x\"}\n";
  const char kAlphabet[] = ",\"\n\r{}:\\u0123 ab";
  base::Rng rng(1234);
  for (int round = 0; round < 4000; ++round) {
    const bool use_csv = round % 2 == 0;
    std::string text = use_csv ? csv : jsonl;
    const int edits = 1 + static_cast<int>(rng.Below(4));
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng.Below(text.size() + 1);
      const char c = kAlphabet[rng.Below(sizeof kAlphabet - 1)];
      switch (rng.Below(3)) {
        case 0: text.insert(pos, 1, c); break;
        case 1: if (pos < text.size()) text.erase(pos, 1); break;
        default: if (pos < text.size()) text[pos] = c; break;
      }
    }
    auto r = ParseLabels(text, use_csv ? InputFormat::kCsv : InputFormat::kJsonl, {});
    if (!r) {
      EXPECT_NE(r.error().message().find("line "), std::string::npos) << r.error().message();
      continue;
    }
    for (size_t i = 0; i < r->task.size(); ++i) {
      ASSERT_LT(r->task[i], r->num_tasks());
      ASSERT_LT(r->worker[i], r->num_workers());
      ASSERT_LT(r->label[i], r->num_labels());
    }
  }
}

}  // namespace
}  // namespace qc

namespace qc {
namespace {

// Inputs of 4 MB and more are parsed on two threads; a quoted field forces the serial path.
// Both must give the same table, and errors in the second half must name the right line.
class LargeInputTest : public ::testing::Test {
 protected:
  static std::string Csv(bool quote_first_task, int64_t bad_line = -1) {
    std::string csv = "task,worker,label\n";
    for (int64_t r = 0; csv.size() < (size_t{17} << 20); ++r) {
      const int64_t line = r + 2;
      std::string task = "task" + std::to_string(r / 5);
      if (r == 0 && quote_first_task) task = "\"" + task + "\"";
      csv += task + ",worker" + std::to_string(r * 7 % 1001) + "," +
             (line == bad_line ? "" : std::to_string(r % 4)) + "\n";
    }
    return csv;
  }
  static void ExpectSameTable(const LabelTable& a, const LabelTable& b) {
    ASSERT_EQ(a.num_rows(), b.num_rows());
    EXPECT_EQ(a.task, b.task);
    EXPECT_EQ(a.worker, b.worker);
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.task_names, b.task_names);
    EXPECT_EQ(a.worker_names, b.worker_names);
    EXPECT_EQ(a.label_names, b.label_names);
  }
};

TEST_F(LargeInputTest, ParallelCsvEqualsSerial) {
  auto parallel = ParseLabels(Csv(false), InputFormat::kCsv, {});
  auto serial = ParseLabels(Csv(true), InputFormat::kCsv, {});
  ASSERT_TRUE(parallel && serial);
  ExpectSameTable(*parallel, *serial);
}

TEST_F(LargeInputTest, ParallelJsonlEqualsCsv) {
  const std::string csv = Csv(false);
  std::string jsonl;
  size_t pos = csv.find('\n') + 1;
  while (pos < csv.size()) {
    const size_t end = csv.find('\n', pos);
    const std::string_view row(csv.data() + pos, end - pos);
    const size_t c1 = row.find(','), c2 = row.rfind(',');
    jsonl += "{\"task\":\"" + std::string(row.substr(0, c1)) + "\",\"worker\":\"" +
             std::string(row.substr(c1 + 1, c2 - c1 - 1)) + "\",\"label\":" + std::string(row.substr(c2 + 1)) + "}\n";
    pos = end + 1;
  }
  auto from_jsonl = ParseLabels(jsonl, InputFormat::kJsonl, {});
  auto from_csv = ParseLabels(csv, InputFormat::kCsv, {});
  ASSERT_TRUE(from_jsonl && from_csv);
  ExpectSameTable(*from_jsonl, *from_csv);
}

TEST_F(LargeInputTest, ErrorInSecondHalfNamesTheLine) {
  const int64_t bad_line = 700000;  // past the middle of a ~17 MB file
  auto r = ParseLabels(Csv(false, bad_line), InputFormat::kCsv, {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("line " + std::to_string(bad_line) + ":"), std::string::npos)
      << r.error().message();
}

}  // namespace
}  // namespace qc
