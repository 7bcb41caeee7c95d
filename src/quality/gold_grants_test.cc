// Qualifications granted by gold accuracy on live work (issue 12) follow the answers: granted
// once an expert has enough gold answers right, revoked with a reason when her accuracy falls,
// as submissions and reviews arrive — with nobody opening the quality page.
#include <gtest/gtest.h>

#include "people/service.h"
#include "quality/quality_testing.h"

namespace quality {
namespace {

using namespace quality::testing;  // NOLINT: the fixture's vocabulary
using work::testing::kPairwiseTemplate;

class GoldGrantsTest : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    people_ = std::make_unique<people::Service>(*db_, clock_, ids_);
    quality_ = std::make_unique<Service>(*db_, clock_, people_.get());
    people_->OnQualificationsChanged([this] { quality_->GoldRulesChanged(); });
    svc_->SetQualityObserver(quality_.get());
  }
  void TearDown() override {
    if (svc_) svc_->SetQualityObserver(nullptr);  // null when SetUp failed (no PostgreSQL)
    quality_.reset();
    people_.reset();
    WorkFixture::TearDown();
  }
  std::optional<std::string> Held(const Caller& who, const std::string& qualification_id) {
    auto grants = people_->MyGrants(who);
    EXPECT_TRUE(grants.has_value());
    for (const people::Grant& g : grants.value()) {
      if (g.qualification_id == qualification_id) return g.value_json;
    }
    return std::nullopt;
  }
  // The expert answers `n` of the project's gold items: right ones as the gold says, else wrong.
  void AnswerGold(const Caller& e, const std::string& project, int n, bool right, int& client) {
    for (int k = 0; k < n; ++k) {
      auto lease = svc_->AcquireLease(e, project);
      ASSERT_TRUE(lease && lease->has_value());
      const int i = std::stoi(json::parse((*lease)->item_data_json)["prompt"].get<std::string>());
      const std::string gold = i % 2 ? "a" : "b", other = i % 2 ? "b" : "a";
      ASSERT_TRUE(SubmitAnswer(e, **lease, "g" + std::to_string(client++),
                               R"({"preference":{"choice":")" + (right ? gold : other) + R"("}})"));
    }
  }
  std::unique_ptr<people::Service> people_;
  std::unique_ptr<Service> quality_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(GoldGrantsTest);

TEST_P(GoldGrantsTest, GrantedAndRevokedAsReviewsAndGoldAnswersArrive) {
  people::GoldRule rule;
  rule.min_answers = 8;
  rule.threshold = 0.75;
  auto reliable = people_->CreateQualification(manager_, {"Reliable on gold", "flag", {}, {}, {}, "", rule});
  ASSERT_TRUE(reliable.has_value()) << reliable.error().ToString();
  Caller eve = MakeCaller("eve@example.com", Role::kExpert);
  ProjectFields f;
  f.name = "Gold";
  f.template_json = kPairwiseTemplate;
  f.overlap = 1;
  auto p = svc_->CreateProject(manager_, f);
  ASSERT_TRUE(p);
  std::string items;
  for (int i = 0; i < 40; ++i) {
    items += json{{"id", "g" + std::to_string(i)},
                  {"data", {{"prompt", std::to_string(i)}, {"responses", {"x", "y"}}}},
                  {"gold", {{"preference", {{"choice", i % 2 ? "a" : "b"}}}}}}
                 .dump() +
             "\n";
  }
  ASSERT_TRUE(svc_->ImportItems(manager_, p->id, items));
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p->id, eve.user_id, "expert"));
  int client = 0;
  AnswerGold(eve, p->id, 10, true, client);
  // A review arrives: the report is recomputed in the background and the rule applied.
  auto subs = svc_->ListSubmissions(manager_, p->id, {}, 1, "");
  ASSERT_TRUE(subs && !subs->items.empty());
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, subs->items[0].id, "approve", ""));
  quality_->WaitIdle();
  EXPECT_EQ(Held(eve, reliable->id), "true");
  // Ten wrong answers: 10 of 20 right, below 75%. The next review revokes it.
  AnswerGold(eve, p->id, 10, false, client);
  subs = svc_->ListSubmissions(manager_, p->id, {}, 1, "");
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, subs->items[0].id, "approve", ""));
  quality_->WaitIdle();
  EXPECT_FALSE(Held(eve, reliable->id));
  auto reasons = db_->Query("SELECT reason FROM qualification_grants WHERE user_id = ? ORDER BY granted_at_us, id",
                            {eve.user_id});
  ASSERT_TRUE(reasons && reasons->size() == 2u);
  EXPECT_EQ(reasons->at(0).Text(0), "Granted for gold accuracy: 10 of 10 gold answers right (100%; the threshold is 75%)");
  EXPECT_EQ(reasons->at(1).Text(0),
            "Revoked: gold accuracy fell below the threshold: 10 of 20 gold answers right (50%; the threshold is 75%)");
}

}  // namespace
}  // namespace quality
