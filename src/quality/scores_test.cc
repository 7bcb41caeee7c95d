#include "quality/scores.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>

#include "quality/report.h"
#include "quality/stored.h"

namespace quality {
namespace {

constexpr std::string_view kTemplate = R"([
  {"type":"text","source":"answer"},
  {"type":"rubric","name":"grade","scale":{"min":1,"max":5},
   "criteria":[{"id":"accuracy","label":"Medically accurate"},{"id":"clarity","label":"Clear"}]},
  {"type":"rating","name":"overall","min":1,"max":3},
  {"type":"spans","name":"errors","source":"answer","categories":["wrong","unsafe"]}])";

// Experts e1 (scores high), e2 (one point lower on everything) and e3 (one item only) grade two
// items; e1 and e2 mark the same error on item 0, and different ones on item 1.
QualityReport Collect() {
  ScoreCollector c(kTemplate);
  simdjson::dom::parser parser;
  auto add = [&](int32_t item, std::string_view expert, std::string_view answer) {
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(answer).get(e), simdjson::SUCCESS) << answer;
    c.Add(item, expert, e);
  };
  add(0, "e1", R"({"grade":{"accuracy":{"score":5},"clarity":{"score":4}},"overall":3,
                   "errors":[{"start":0,"end":5,"text":"x","category":"wrong"}]})");
  add(0, "e2", R"({"grade":{"accuracy":{"score":4},"clarity":{"score":3}},"overall":2,
                   "errors":[{"start":2,"end":5,"text":"x","category":"wrong"}]})");
  add(1, "e1", R"({"grade":{"accuracy":{"score":3},"clarity":{"score":4}},"overall":2,
                   "errors":[{"start":10,"end":12,"text":"x","category":"unsafe"}]})");
  add(1, "e2", R"({"grade":{"accuracy":{"score":2},"clarity":{"score":3}},"overall":1,"errors":[]})");
  add(1, "e3", R"({"grade":{"accuracy":{"score":1},"clarity":{"score":1}},"overall":1})");
  QualityReport r;
  r.project_id = "p";
  std::move(c).Finish({"i0", "i1", "i2"}, {std::string("q0"), std::nullopt, std::nullopt},
                      {{"e1", {"Ana", "ana@x.org"}}}, r);
  return r;
}

TEST(ScoresTest, EachCriterionAndRatingGetsMeansDistributionAndExperts) {
  QualityReport r = Collect();
  ASSERT_EQ(r.scores.size(), 3u);  // two criteria, one rating
  const ScoreField& accuracy = r.scores[0];
  EXPECT_EQ(accuracy.field, "grade");
  EXPECT_EQ(accuracy.criterion, "accuracy");
  EXPECT_EQ(accuracy.label, "Medically accurate");
  EXPECT_EQ(accuracy.answers, 5);
  EXPECT_DOUBLE_EQ(accuracy.mean, 3.0);
  EXPECT_EQ(accuracy.distribution, (std::vector<int64_t>{1, 1, 1, 1, 1}));
  ASSERT_EQ(accuracy.items.size(), 2u);  // item 2 has no answer
  EXPECT_EQ(accuracy.items[0].external_id, "q0");
  EXPECT_DOUBLE_EQ(accuracy.items[0].mean, 4.5);
  EXPECT_EQ(accuracy.items[1].answers, 3);
  EXPECT_DOUBLE_EQ(accuracy.items[1].mean, 2.0);
  // e1 is one point above e2 everywhere: corrected for each expert's own level, item 0 still
  // ranks above item 1, and by the same standardised step for both experts.
  EXPECT_GT(accuracy.items[0].corrected_mean, accuracy.items[1].corrected_mean);
  ASSERT_EQ(accuracy.experts.size(), 3u);
  EXPECT_EQ(accuracy.experts[0].expert_id, "e1");
  EXPECT_EQ(accuracy.experts[0].name, "Ana");
  EXPECT_DOUBLE_EQ(accuracy.experts[0].mean, 4.0);
  EXPECT_DOUBLE_EQ(accuracy.experts[1].mean, 3.0);
  EXPECT_EQ(accuracy.experts[2].answers, 1);
  const ScoreField& overall = r.scores[2];
  EXPECT_EQ(overall.field, "overall");
  EXPECT_EQ(overall.criterion, "");
  EXPECT_EQ(overall.distribution, (std::vector<int64_t>{2, 2, 1}));
}

TEST(ScoresTest, SpanAgreementComparesEveryPairOfExpertsOnAnItem) {
  QualityReport r = Collect();
  ASSERT_EQ(r.spans.size(), 1u);
  const SpanField& s = r.spans[0];
  EXPECT_EQ(s.field, "errors");
  EXPECT_EQ(s.items_with_2plus, 2);  // e3 left the field out: not a marking
  EXPECT_EQ(s.pairs, 2);
  EXPECT_EQ(s.spans, 3);
  // Item 0: [0,5) against [2,5): overlapping, not exact. Item 1: one span against none.
  EXPECT_DOUBLE_EQ(s.exact_f1, 0.0);
  EXPECT_NEAR(s.overlap_f1, 2.0 / 3.0, 1e-12);  // precision 1/1, recall 1/2
}

TEST(ScoresTest, AStoredReportKeepsThem) {
  QualityReport r = Collect();
  auto back = ParseStoredReport(StoredReport(r));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  ASSERT_EQ((*back)->scores.size(), 3u);
  EXPECT_EQ((*back)->scores[0].items[1].corrected_mean, r.scores[0].items[1].corrected_mean);
  EXPECT_EQ((*back)->scores[0].experts[0].email, "ana@x.org");
  ASSERT_EQ((*back)->spans.size(), 1u);
  EXPECT_EQ((*back)->spans[0].overlap_f1, r.spans[0].overlap_f1);
}

TEST(ScoresTest, ATemplateWithoutScoresOrSpansCollectsNothing) {
  ScoreCollector c(R"([{"type":"pairwise","name":"preference"}])");
  EXPECT_TRUE(c.empty());
}

}  // namespace
}  // namespace quality
