#include <gtest/gtest.h>

#include "quality/quality_testing.h"

namespace quality {
namespace {

using namespace quality::testing;  // NOLINT: the fixture's vocabulary
using work::testing::ItemLine;
using work::testing::kPairwiseTemplate;

class OverlapTest : public QualityFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(OverlapTest);

TEST_P(OverlapTest, DynamicOverlapStopsAtTheTargetAndAsksOneMoreOnDoubt) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert),
         c = MakeCaller("c@example.com", Role::kExpert);
  std::string id = MakeProject(10, 2, {a, b, c}, 600, /*max_overlap=*/3, /*target=*/0.95);
  // Unknown skills (0.7): two agreeing labels give 0.92 < 0.95, so every item gets a third.
  int n = 0;
  for (const Caller& e : {a, b, c}) {
    while (LabelNext(*svc_, e, id, Choice("a"), "c" + std::to_string(n++))) {}
  }
  EXPECT_EQ(Count("SELECT count(*) FROM submissions WHERE project_id = ?", {id}), 30);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND decided = 1", {id}), 10);

  // The report learns that all three are reliable (Dawid–Skene skill near 1)...
  json q = QualityJson(*quality_, manager_, id);
  for (const json& w : q["fields"][0]["workers"]) EXPECT_GT(w["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(q["overlap"]["items_decided"], 10);
  EXPECT_EQ(q["overlap"]["max_overlap"], 3);

  // ...so two agreeing labels are now enough: the item stops being leased at overlap 2.
  ASSERT_TRUE(svc_->ImportItems(manager_, id, ItemLine(10)));
  ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("b"), "x1"));
  ASSERT_TRUE(LabelNext(*svc_, b, id, Choice("b"), "x2"));
  EXPECT_FALSE(LabelNext(*svc_, c, id, Choice("b"), "x3"));
  EXPECT_EQ(Count("SELECT count(*) FROM submissions s JOIN items i ON i.id = s.item_id WHERE i.external_id = 'ext-10'"), 2);

  // Disagreement: a third expert gets the item, and nobody after max_overlap.
  ASSERT_TRUE(svc_->ImportItems(manager_, id, ItemLine(11)));
  ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("a"), "y1"));
  ASSERT_TRUE(LabelNext(*svc_, b, id, Choice("b"), "y2"));
  ASSERT_TRUE(LabelNext(*svc_, c, id, Choice("a"), "y3"));
  EXPECT_EQ(Count("SELECT count(*) FROM submissions s JOIN items i ON i.id = s.item_id WHERE i.external_id = 'ext-11'"), 3);
  EXPECT_EQ(Count("SELECT decided FROM items WHERE external_id = 'ext-11'"), 1);
}

TEST_P(OverlapTest, SwitchingToDynamicOverlapKeepsLabelledItemsDone) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert),
         c = MakeCaller("c@example.com", Role::kExpert);
  std::string id = MakeProject(3, 2, {a, b, c});
  // Fixed overlap 2, least-covered first: a gets items 0 and 2, b items 1 and 0, so item 0 has
  // two disagreeing labels when the project turns dynamic (max 3).
  for (int n = 0; n < 2; ++n) {
    ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("a"), "a" + std::to_string(n)));
    ASSERT_TRUE(LabelNext(*svc_, b, id, Choice("b"), "b" + std::to_string(n)));
  }
  ASSERT_EQ(Count("SELECT count(*) FROM submissions s JOIN items i ON i.id = s.item_id WHERE i.external_id = 'ext-0'"), 2);
  ProjectFields patch;
  patch.max_overlap = 3;
  patch.target_confidence = 0.9;
  ASSERT_TRUE(svc_->UpdateProject(manager_, id, patch));
  // Decided, so the lease query's index (undecided items first) never walks over it.
  EXPECT_EQ(Count("SELECT decided FROM items WHERE external_id = 'ext-0'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND decided = 1", {id}), 1);
  // c gets the other items, never the item labelled twice before the switch.
  std::set<std::string> got;
  for (int n = 0; n < 3; ++n) {
    auto lease = svc_->AcquireLease(c, id);
    ASSERT_TRUE(lease.has_value());
    if (!lease->has_value()) break;
    got.insert(json::parse((*lease)->item_data_json)["prompt"]);
    ASSERT_TRUE(SubmitAnswer(c, **lease, "c" + std::to_string(n)));
  }
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got.count("Question 0"), 0u);
}

TEST_P(OverlapTest, DynamicOverlapNeverExceedsMaxOverlapWith32ConcurrentExperts) {
  std::vector<Caller> experts;
  for (int i = 0; i < 32; ++i) experts.push_back(MakeCaller("e" + std::to_string(i) + "@example.com", Role::kExpert));
  constexpr int kItems = 20, kOverlap = 2, kMax = 5;
  for (bool prefetch : {false, true}) {
    SCOPED_TRACE(prefetch ? "prefetch" : "one at a time");
    std::string id = MakeProject(kItems, kOverlap, experts, 600, kMax, 0.95);
    // Experts split between a and b: items keep asking for one more until max_overlap.
    auto [errors, over] =
        RunExpertsConcurrently(experts, id, kMax, [](size_t t) { return Choice(t % 2 ? "a" : "b"); }, prefetch);
    quality_->WaitIdle();
    EXPECT_EQ(errors, 0);
    EXPECT_EQ(over, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND decided = 1", {id}), kItems);
    EXPECT_EQ(Count("SELECT count(*) FROM (SELECT item_id FROM submissions WHERE project_id = ? GROUP BY item_id "
                    "HAVING count(*) > ? OR count(*) < ? OR count(DISTINCT expert_id) <> count(*)) AS bad_items",
                    {id, kMax, kOverlap}), 0);
    // With split experts most items end at max_overlap; far more labels than the fixed overlap.
    EXPECT_GT(Count("SELECT count(*) FROM submissions WHERE project_id = ?", {id}), kItems * kOverlap);
  }
}

}  // namespace
}  // namespace quality
