#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/console_testing.h"

namespace work {
namespace {

using json = nlohmann::json;

class RevisionsTest : public testing::ConsoleFixture {
 protected:
  Submission Submitted(const Caller& expert, const std::string& project_id, const std::string& choice) {
    auto lease = svc_->AcquireLease(expert, project_id);
    EXPECT_TRUE(lease && *lease);
    auto s = SubmitAnswer(expert, **lease, "c-" + choice + std::to_string(++n_),
                          json{{"preference", {{"choice", choice}}}}.dump());
    EXPECT_TRUE(s) << s.error().ToString();
    return s->submission;
  }
  int n_ = 0;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(RevisionsTest);

TEST_P(RevisionsTest, AnEditKeepsTheEarlierAnswerAndOnlyWithinTheLeaseRules) {
  Caller a = MakeCaller("a@x.org", Role::kExpert), b = MakeCaller("b@x.org", Role::kExpert);
  std::string p = MakeProject(3, 1, {a, b}, /*lease_seconds=*/600);
  Submission s = Submitted(a, p, "a");
  auto mine = svc_->MySubmissions(a, 10, "", p);
  ASSERT_EQ(mine->items.size(), 1u);
  EXPECT_EQ(mine->items[0].editable_until_us.value_or(0), s.submitted_at_us + 600 * base::kMicrosPerSecond);
  const std::string edited = R"({"preference":{"choice":"b","strength":2},"why":"B cites the guideline."})";
  auto v2 = svc_->EditSubmission(a, s.id, {edited, 4000});
  ASSERT_TRUE(v2) << v2.error().ToString();
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(json::parse(v2->answer_json), json::parse(edited));
  EXPECT_EQ(v2->active_ms, s.active_ms + 4000);
  auto versions = db_->Query("SELECT version, answer FROM submission_versions WHERE submission_id = ?", {s.id});
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].Int(0), 1);
  EXPECT_EQ(json::parse((*versions)[0].Text(1)), json::parse(s.answer_json)) << "the earlier answer, as sent";
  EXPECT_EQ(Page(p, "label=b").total, 1) << "the browser reads the new answer";
  // The same answer again changes nothing; an answer that does not fit the template is refused.
  EXPECT_EQ(svc_->EditSubmission(a, s.id, {edited, 0})->version, 2);
  EXPECT_EQ(svc_->EditSubmission(a, s.id, {R"({"preference":{"choice":"c"}})", 0}).error().code(),
            base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc_->EditSubmission(b, s.id, {edited, 0}).error().code(), base::ErrorCode::kNotFound);
  // Earlier versions cannot be changed, whatever code runs.
  EXPECT_FALSE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE submission_versions SET answer = '{}' WHERE submission_id = ?", {s.id}));
    return base::Ok();
  }));
  // Past the lease length after submitting: no more edits.
  clock_.Advance(601 * base::kMicrosPerSecond);
  auto late = svc_->EditSubmission(a, s.id, {R"({"preference":{"choice":"a"}})", 0});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(svc_->MySubmissions(a, 10, "", p)->items[0].editable_until_us.has_value());
  // Reviewed: no more edits either.
  Submission t = Submitted(a, p, "a");
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, t.id, "approve", ""));
  EXPECT_EQ(svc_->EditSubmission(a, t.id, {edited, 0}).error().code(), base::ErrorCode::kFailedPrecondition);
  // Removed from the project: no more edits.
  Submission u = Submitted(b, p, "a");
  ASSERT_TRUE(svc_->RemoveMember(manager_, p, b.user_id));
  EXPECT_EQ(svc_->EditSubmission(b, u.id, {edited, 0}).error().code(), base::ErrorCode::kPermissionDenied);
}

TEST_P(RevisionsTest, SentBackWithANoteLeavesTheQueueUntilTheExpertRevisesIt) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  Caller reviewer = MakeCaller("r@x.org", Role::kReviewer);
  std::string p = MakeProject(2, 1, {a}, 600);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, reviewer.user_id, "reviewer"));
  Submission s = Submitted(a, p, "a");
  Submission other = Submitted(a, p, "b");
  auto queue = [&](const std::string& state) {
    return svc_->ListSubmissions(reviewer, p, {state, std::nullopt, std::nullopt}, 100, "")->total.value_or(-1);
  };
  EXPECT_EQ(queue("pending"), 2);
  EXPECT_EQ(svc_->SendBack(reviewer, s.id, "too short").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc_->SendBack(a, s.id, "Please say why A is safer.").error().code(), base::ErrorCode::kPermissionDenied);
  clock_.Advance(3600LL * base::kMicrosPerSecond);  // long after her own edit window
  auto sent = svc_->SendBack(reviewer, s.id, "Please say why A is safer than B.");
  ASSERT_TRUE(sent) << sent.error().ToString();
  ASSERT_TRUE(sent->sent_back.has_value());
  EXPECT_EQ(sent->expert_id.rfind("expert-", 0), 0u) << "reviewers judge blind";
  EXPECT_EQ(queue("pending"), 1);
  EXPECT_EQ(queue("sent_back"), 1);
  EXPECT_EQ(svc_->SendBack(reviewer, s.id, "Please say why A is safer.").error().code(), base::ErrorCode::kConflict);
  // She sees the note and may edit again for a lease length from the send-back.
  auto mine = svc_->MySubmissions(a, 10, "", p);
  const Submission& back = mine->items[1].id == s.id ? mine->items[1] : mine->items[0];
  ASSERT_TRUE(back.sent_back.has_value());
  EXPECT_EQ(back.sent_back->note, "Please say why A is safer than B.");
  ASSERT_TRUE(back.editable_until_us.has_value());
  auto revised = svc_->EditSubmission(a, s.id, {R"({"preference":{"choice":"a"},"why":"B skips the dose check."})", 9000});
  ASSERT_TRUE(revised) << revised.error().ToString();
  EXPECT_FALSE(revised->sent_back.has_value());
  EXPECT_EQ(queue("pending"), 2) << "back in the queue";
  EXPECT_EQ(queue("sent_back"), 0);
  auto ctx = browser_->GetItemContext(manager_, s.item_id);
  ASSERT_TRUE(ctx);
  ASSERT_EQ(ctx->answers[0].earlier.size(), 1u);
  std::vector<std::string> kinds;
  for (const HistoryEvent& e : ctx->history) kinds.push_back(e.kind);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "sent_back"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "edited"), kinds.end());
  (void)other;
}

TEST_P(RevisionsTest, TheReviewQueueCountsEveryPendingAndPutsTheRiskiestFirst) {
  std::vector<Caller> experts;
  std::string p = LabelledGoldProject(experts);
  // 36 pending: more than a page of 10, and the count says so.
  auto page = svc_->ListSubmissions(manager_, p, {std::string("pending"), std::nullopt, std::nullopt, true}, 10, "");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 10u);
  EXPECT_EQ(page->total.value_or(0), 36);
  // Riskiest first (gold missed, then disagreement, then the rest), across pages.
  std::vector<std::string> items;
  std::optional<std::string> cursor;
  int64_t last_risk = INT64_MAX;
  do {
    SubmissionFilter f{std::string("pending"), std::nullopt, std::nullopt, false, true};
    auto next = svc_->ListSubmissions(manager_, p, f, 10, cursor.value_or(""));
    ASSERT_TRUE(next);
    for (const Submission& s : next->items) items.push_back(s.item_id);
    cursor = next->next_cursor;
  } while (cursor);
  ASSERT_EQ(items.size(), 36u);
  std::map<std::string, int64_t> risk;
  for (const BrowseRow& r : Page(p, "limit=500").rows) risk[r.item_id] = r.risk;
  for (const std::string& id : items) {
    EXPECT_LE(risk[id], last_risk);
    last_risk = risk[id];
  }
  EXPECT_EQ(risk[items.front()], risk[ItemOf(p, "ext-6")]) << "a missed gold comes first";
}

}  // namespace
}  // namespace work
