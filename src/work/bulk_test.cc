#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "work/console_testing.h"

namespace work {
namespace {

using json = nlohmann::json;

class BulkTest : public testing::ConsoleFixture {
 protected:
  BulkRequest Filtered(std::string action, const std::string& query) {
    BulkRequest r;
    r.action = std::move(action);
    r.filter = *Query(query);
    return r;
  }
  int64_t Pending(const std::string& project_id) {
    return Count("SELECT count(*) FROM submissions WHERE project_id = ? AND state = 'pending'", {project_id});
  }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(BulkTest);

TEST_P(BulkTest, RejectingAFilteredSelectionIsConfirmedByCountRunsAsAJobAndIsAudited) {
  std::vector<Caller> experts;
  std::string p = LabelledGoldProject(experts);
  BulkRequest r = Filtered("reject", "gold=mismatch");
  r.reason = "The gold answer is A: read both responses before choosing.";
  r.dry_run = true;
  auto dry = bulk_->Start(manager_, p, r);
  ASSERT_TRUE(dry) << dry.error().ToString();
  EXPECT_EQ(dry->count, 3);
  EXPECT_EQ(dry->submissions, 9);
  EXPECT_TRUE(dry->job_id.empty());
  r.dry_run = false;
  r.expected_count = 4;  // what the page said before someone else changed something
  auto stale = bulk_->Start(manager_, p, r);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), base::ErrorCode::kConflict);
  EXPECT_NE(stale.error().message().find("now holds 3 items, not 4"), std::string::npos);
  BulkRequest short_reason = r;
  short_reason.reason = "wrong";
  EXPECT_EQ(bulk_->Start(manager_, p, short_reason).error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(bulk_->ListJobs(manager_, p)->size(), 0u) << "nothing queued by a refusal";
  r.expected_count = 3;
  auto started = bulk_->Start(manager_, p, r);
  ASSERT_TRUE(started) << started.error().ToString();
  auto queued = bulk_->GetJob(manager_, started->job_id);
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->state, "queued");
  EXPECT_EQ(queued->total, 3);
  EXPECT_EQ(queued->done, 0);
  ASSERT_TRUE(bulk_->RunAll());
  auto done = bulk_->GetJob(manager_, started->job_id);
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->done, 3);
  EXPECT_EQ(done->changed, 3);
  EXPECT_TRUE(done->finished_at_us.has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM submissions s JOIN reviews r ON r.submission_id = s.id WHERE s.project_id = ? "
                  "AND s.state = 'rejected' AND r.reason = ?", {p, r.reason}),
            9);
  EXPECT_EQ(Pending(p), 27);
  EXPECT_EQ(Page(p, "state=rejected").total, 3);
  // Who, when, what, how many: asked and done.
  auto audit = bulk_->Audit(manager_, p);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[1].action, "bulk_reject");
  EXPECT_EQ((*audit)[1].items, 3);
  EXPECT_EQ((*audit)[1].actor_id, manager_.user_id);
  EXPECT_EQ(json::parse((*audit)[1].detail_json)["filter"], "gold=mismatch");
  EXPECT_EQ(json::parse((*audit)[1].detail_json)["reason"], r.reason);
  EXPECT_EQ((*audit)[0].action, "bulk_reject_done");
  EXPECT_EQ((*audit)[0].job_id.value_or(""), started->job_id);
  // The audit log cannot be changed afterwards, whatever code runs.
  EXPECT_FALSE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE audit_log SET items = 0 WHERE project_id = ?", {p}));
    return base::Ok();
  }));
  EXPECT_FALSE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("DELETE FROM audit_log WHERE project_id = ?", {p}));
    return base::Ok();
  }));
}

TEST_P(BulkTest, WhoMayAskForWhat) {
  std::vector<Caller> experts;
  std::string p = LabelledGoldProject(experts);
  Caller reviewer = MakeCaller("r@x.org", Role::kReviewer);
  Caller stranger = MakeCaller("s@x.org", Role::kManager);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, reviewer.user_id, "reviewer"));
  BulkRequest approve = Filtered("approve", "agreement_lt=0.5");
  EXPECT_EQ(bulk_->Start(experts[0], p, approve).error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(bulk_->Start(stranger, p, approve).error().code(), base::ErrorCode::kNotFound);
  auto by_reviewer = bulk_->Start(reviewer, p, approve);
  ASSERT_TRUE(by_reviewer) << by_reviewer.error().ToString();
  EXPECT_EQ(bulk_->Start(reviewer, p, Filtered("requeue", "")).error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(bulk_->GetJob(stranger, by_reviewer->job_id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_TRUE(bulk_->GetJob(manager_, by_reviewer->job_id));
  BulkRequest both = approve;
  both.item_ids = {"x"};
  EXPECT_EQ(bulk_->Start(manager_, p, both).error().code(), base::ErrorCode::kInvalidArgument);
  BulkRequest foreign;
  foreign.action = "approve";
  foreign.item_ids = {"not-an-item"};
  EXPECT_EQ(bulk_->Start(manager_, p, foreign).error().code(), base::ErrorCode::kInvalidArgument);
}

TEST_P(BulkTest, AnotherLabelAndALargerOverlapGoToOtherExperts) {
  Caller a = MakeCaller("a@x.org", Role::kExpert), b = MakeCaller("b@x.org", Role::kExpert);
  std::string p = MakeGoldProject(4, 1, {a, b});
  LabelAll(p, {a}, [](size_t, int) { return "a"; });
  ASSERT_FALSE(*svc_->AcquireLease(b, p)) << "overlap 1: nothing left for b";
  BulkRequest again;
  again.action = "requeue";
  again.item_ids = {ItemOf(p, "ext-1")};
  ASSERT_TRUE(bulk_->Start(manager_, p, again));
  ASSERT_TRUE(bulk_->RunAll());
  EXPECT_EQ(Page(p, "state=labelling").total, 1) << "one label of the two it wants now";
  auto lease = svc_->AcquireLease(b, p);
  ASSERT_TRUE(lease && *lease);
  EXPECT_EQ((*lease)->item_id, ItemOf(p, "ext-1"));
  ASSERT_TRUE(SubmitAnswer(b, **lease, "b1"));
  EXPECT_FALSE(*svc_->AcquireLease(b, p));
  // Overlap 3 on ext-2: two more labels; b gives one, a third expert the other.
  BulkRequest more;
  more.action = "set_overlap";
  more.overlap = 3;
  more.item_ids = {ItemOf(p, "ext-2")};
  ASSERT_TRUE(bulk_->Start(manager_, p, more));
  ASSERT_TRUE(bulk_->RunAll());
  Caller c = MakeCaller("c@x.org", Role::kExpert);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, c.user_id, "expert"));
  for (const Caller& who : {b, c}) {
    auto l = svc_->AcquireLease(who, p);
    ASSERT_TRUE(l && *l);
    EXPECT_EQ((*l)->item_id, ItemOf(p, "ext-2"));
    ASSERT_TRUE(SubmitAnswer(who, **l, who.user_id + "-2"));
  }
  EXPECT_FALSE(*svc_->AcquireLease(c, p)) << "three labels, no more";
  auto ctx = browser_->GetItemContext(manager_, ItemOf(p, "ext-1"));
  ASSERT_TRUE(ctx);
  bool requeued = false;
  for (const HistoryEvent& e : ctx->history) requeued |= e.kind == "requeued" && e.who == "manager@example.com";
  EXPECT_TRUE(requeued);
}

TEST_P(BulkTest, GoldFromTheConsensusOrOneAnswerKeepsTheGoldItReplaced) {
  std::vector<Caller> experts;
  std::string p = LabelledGoldProject(experts);
  BulkRequest r = Filtered("set_gold", "label=b");
  ASSERT_TRUE(bulk_->Start(manager_, p, r));
  ASSERT_TRUE(bulk_->RunAll());
  EXPECT_EQ(Page(p, "gold=any").total, 9) << "0, 2, 4 as before and the six set from the consensus";
  EXPECT_EQ(ExternalIds(Page(p, "gold=match")), (std::vector<std::string>{"ext-0", "ext-2", "ext-4"}));
  EXPECT_EQ(Page(p, "gold=mismatch").total, 6) << "a's answers on the six miss the new gold";
  auto ctx = browser_->GetItemContext(manager_, ItemOf(p, "ext-6"));
  ASSERT_TRUE(ctx);
  EXPECT_EQ(json::parse(*ctx->item.gold_json), json::parse(R"({"preference":{"choice":"b"}})"));
  bool kept = false;
  for (const HistoryEvent& e : ctx->history) {
    if (e.kind == "gold_set") kept = json::parse(e.detail)["before"] == json::parse(R"({"preference":{"choice":"a"}})");
  }
  EXPECT_TRUE(kept) << "the gold it replaced stays in the item's history";
  // One answer as gold, on one item.
  auto subs = svc_->ListSubmissions(manager_, p, {std::nullopt, experts[2].user_id, ItemOf(p, "ext-1")}, 10, "");
  ASSERT_EQ(subs->items.size(), 1u);
  BulkRequest one;
  one.action = "set_gold";
  one.item_ids = {ItemOf(p, "ext-1")};
  one.gold_from = subs->items[0].id;
  ASSERT_TRUE(bulk_->Start(manager_, p, one));
  ASSERT_TRUE(bulk_->RunAll());
  auto set = browser_->GetItemContext(manager_, ItemOf(p, "ext-1"));
  EXPECT_EQ(json::parse(*set->item.gold_json), json::parse(subs->items[0].answer_json));
  one.item_ids.push_back(ItemOf(p, "ext-3"));
  EXPECT_EQ(bulk_->Start(manager_, p, one).error().code(), base::ErrorCode::kInvalidArgument);
  one.item_ids = {ItemOf(p, "ext-3")};
  EXPECT_EQ(bulk_->Start(manager_, p, one).error().code(), base::ErrorCode::kInvalidArgument)
      << "an answer to another item";
}

TEST_P(BulkTest, AnExportJobExportsItsSelection) {
  std::vector<Caller> experts;
  std::string p = LabelledGoldProject(experts);
  auto started = bulk_->Start(manager_, p, Filtered("export", "label=b"));
  ASSERT_TRUE(started);
  ASSERT_TRUE(bulk_->RunAll());
  EXPECT_EQ(bulk_->GetJob(manager_, started->job_id)->state, "done");
  auto exp = bulk_->OpenExport(manager_, started->job_id);
  ASSERT_TRUE(exp) << exp.error().ToString();
  std::vector<std::string> ids;
  ASSERT_TRUE(exp->Stream([&](std::string_view line) -> base::Status {
    ids.push_back(json::parse(line)["external_id"]);
    return base::Ok();
  }));
  EXPECT_EQ(ids, (std::vector<std::string>{"ext-6", "ext-7", "ext-8", "ext-9", "ext-10", "ext-11"}));
  EXPECT_EQ(bulk_->OpenExport(experts[0], started->job_id).error().code(), base::ErrorCode::kNotFound);
}

TEST_P(BulkTest, EachBatchIsAppliedOnceWithItsProgress) {
  std::vector<Caller> experts;
  std::string p = LabelledGoldProject(experts);
  auto started = bulk_->Start(manager_, p, Filtered("approve", "label=a"));
  ASSERT_TRUE(started);
  // A runner that read old progress (another server's, or from before a restart) does nothing.
  BulkBatch late{started->job_id, p, manager_.user_id, "approve", "", 0, "consensus", 5, {1, 2}};
  EXPECT_EQ(*svc_->ApplyBulkBatch(late), 0);
  EXPECT_EQ(Pending(p), 36);
  ASSERT_TRUE(bulk_->RunAll());
  EXPECT_EQ(Pending(p), 18);
  EXPECT_EQ(bulk_->GetJob(manager_, started->job_id)->changed, 6);
  ASSERT_TRUE(bulk_->RunAll());  // nothing left: nothing twice
  EXPECT_EQ(Count("SELECT count(*) FROM reviews r JOIN submissions s ON s.id = r.submission_id WHERE s.project_id = ?", {p}),
            18);
}

}  // namespace
}  // namespace work
