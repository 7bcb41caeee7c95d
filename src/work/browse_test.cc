#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "work/console_testing.h"
#include "work/gold.h"

namespace work {
namespace {

using json = nlohmann::json;

class BrowseTest : public testing::ConsoleFixture {
 protected:
  std::string Labelled(std::vector<Caller>& experts) { return LabelledGoldProject(experts); }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(BrowseTest);

std::vector<std::string> Ext(std::initializer_list<int> ns) {
  std::vector<std::string> out;
  for (int n : ns) out.push_back("ext-" + std::to_string(n));
  return out;
}

TEST_P(BrowseTest, PagesThroughEveryItemWithAnExactTotal) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(12, 2, {a});
  BrowsePage first = Page(p, "limit=5");
  EXPECT_EQ(first.total, 12);
  ASSERT_EQ(first.rows.size(), 5u);
  ASSERT_TRUE(first.next_cursor.has_value());
  std::vector<std::string> seen = ExternalIds(first);
  std::optional<std::string> cursor = first.next_cursor;
  while (cursor) {
    BrowsePage next = Page(p, "limit=5&cursor=" + *cursor);
    EXPECT_EQ(next.total, 12) << "the total counts every match, not the page";
    for (const std::string& x : ExternalIds(next)) seen.push_back(x);
    cursor = next.next_cursor;
  }
  EXPECT_EQ(seen, Ext({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(Page(p, "state=new").total, 12);
  // One label of the two each item wants: labelling.
  LabelAll(p, {a}, [](size_t, int) { return "a"; });
  EXPECT_EQ(Page(p, "state=new").total, 0);
  EXPECT_EQ(Page(p, "state=labelling").total, 12);
  EXPECT_EQ(Page(p, "state=pending_review").total, 12);
}

TEST_P(BrowseTest, FiltersCombineAndSortsFollowTheColumn) {
  std::vector<Caller> experts;
  std::string p = Labelled(experts);
  EXPECT_EQ(Page(p, "state=labelled").total, 12);
  // Disagreement: items 6..11 have one "a" and two "b" (one pair of three agrees).
  BrowsePage split = Page(p, "agreement_lt=0.5");
  EXPECT_EQ(ExternalIds(split), Ext({6, 7, 8, 9, 10, 11}));
  for (const BrowseRow& r : split.rows) {
    EXPECT_EQ(r.consensus, "b");
    EXPECT_NEAR(r.agreement_ppm, 333333, 1);
    EXPECT_EQ(r.experts.size(), 3u);
  }
  EXPECT_EQ(ExternalIds(Page(p, "gold=mismatch")), Ext({6, 8, 10}));
  EXPECT_EQ(ExternalIds(Page(p, "gold=match")), Ext({0, 2, 4}));
  EXPECT_EQ(Page(p, "gold=none").total, 6);
  EXPECT_EQ(Page(p, "gold=any").total, 6);
  EXPECT_EQ(ExternalIds(Page(p, "gold=mismatch&label=b&agreement_lt=0.5")), Ext({6, 8, 10}));
  EXPECT_EQ(Page(p, "label=a").total, 6);
  EXPECT_EQ(Page(p, "expert_id=" + experts[1].user_id).total, 12);
  // Confidence: three agreeing labels are surer than two against one.
  BrowsePage sure = Page(p, "sort=confidence&order=desc");
  ASSERT_EQ(sure.rows.size(), 12u);
  for (size_t i = 1; i < sure.rows.size(); ++i) EXPECT_GE(sure.rows[i - 1].confidence_ppm, sure.rows[i].confidence_ppm);
  EXPECT_GT(sure.rows.front().confidence_ppm, sure.rows.back().confidence_ppm);
  EXPECT_EQ(Page(p, "confidence_lt=0.8").total, 6);
  // A sorted walk with a cursor sees every item once, in the column's order.
  std::vector<BrowseRow> walked;
  std::optional<std::string> cursor;
  do {
    BrowsePage page = Page(p, "sort=agreement&order=asc&limit=5" + (cursor ? "&cursor=" + *cursor : std::string()));
    walked.insert(walked.end(), page.rows.begin(), page.rows.end());
    cursor = page.next_cursor;
  } while (cursor);
  ASSERT_EQ(walked.size(), 12u);
  std::set<std::string> distinct;
  for (size_t i = 0; i < walked.size(); ++i) {
    distinct.insert(walked[i].item_id);
    if (i) EXPECT_LE(walked[i - 1].agreement_ppm, walked[i].agreement_ppm);
  }
  EXPECT_EQ(distinct.size(), 12u);
  // Reviewed: approving item 0's three answers makes it approved; the rest wait.
  auto subs = svc_->ListSubmissions(manager_, p, {std::string("pending"), std::nullopt, std::nullopt}, 100, "");
  for (const Submission& s : subs->items) {
    if (s.item_id == Page(p, "limit=1").rows[0].item_id) ASSERT_TRUE(svc_->ReviewSubmission(manager_, s.id, "approve", ""));
  }
  EXPECT_EQ(ExternalIds(Page(p, "state=approved")), Ext({0}));
  EXPECT_EQ(Page(p, "state=pending_review").total, 11);
}

TEST_P(BrowseTest, BadQueriesNameTheParameter) {
  for (auto [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"sort=colour", "sort"}, {"order=up", "order"}, {"state=done", "state"}, {"gold=yes", "gold"},
           {"confidence_lt=2", "confidence_lt"}, {"agreement_lt=x", "agreement_lt"}, {"from=yesterday", "from"},
           {"limit=0", "limit"}, {"field=domain", "value"}}) {
    auto q = Query(query);
    ASSERT_FALSE(q.has_value()) << query;
    EXPECT_NE(q.error().DetailsJson().find("\"" + field + "\""), std::string::npos) << query << " → " << q.error().ToString();
  }
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(3, 1, {a});
  auto q = Query("sort=labels&limit=1");
  auto page = browser_->Browse(manager_, p, *q);
  ASSERT_TRUE(page && page->next_cursor);
  auto other = Query("sort=seq&cursor=" + *page->next_cursor);
  EXPECT_EQ(browser_->Browse(manager_, p, *other).error().code(), base::ErrorCode::kInvalidArgument)
      << "a cursor of another sort";
}

TEST_P(BrowseTest, OnlyTheProjectsStaffBrowseAndReviewersSeePseudonyms) {
  std::vector<Caller> experts;
  std::string p = Labelled(experts);
  Caller reviewer = MakeCaller("r@x.org", Role::kReviewer);
  Caller stranger = MakeCaller("s@x.org", Role::kManager);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, reviewer.user_id, "reviewer"));
  auto q = Query("");
  EXPECT_EQ(browser_->Browse(experts[0], p, *q).error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(browser_->Browse(stranger, p, *q).error().code(), base::ErrorCode::kNotFound);
  BrowsePage seen = Page(p, "limit=1", &reviewer);
  ASSERT_EQ(seen.rows[0].experts.size(), 3u);
  for (const BrowseRow::Expert& e : seen.rows[0].experts) {
    EXPECT_EQ(e.id.rfind("expert-", 0), 0u);
    EXPECT_TRUE(e.name.empty());
  }
  BrowsePage managed = Page(p, "limit=1");
  EXPECT_EQ(managed.rows[0].experts[0].id, experts[0].user_id);
  EXPECT_EQ(managed.rows[0].experts[0].name, "a@x.org");
}

TEST_P(BrowseTest, SearchFindsItemDataOnceIndexedAndAnswersAtOnce) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(12, 1, {a});
  EXPECT_EQ(Page(p, "").search_pending, 12);
  EXPECT_EQ(Page(p, "q=Question").total, 0) << "not indexed yet";
  ASSERT_TRUE(browser_->IndexAll());
  EXPECT_EQ(Page(p, "").search_pending, 0);
  EXPECT_EQ(Page(p, "q=question").total, 12);
  EXPECT_EQ(ExternalIds(Page(p, "q=Question 7")), Ext({7}));
  EXPECT_EQ(Page(p, "q=nowhere").total, 0);
  // An answer's own text is searchable as soon as it is submitted, by a prefix too.
  LabelAll(p, {a}, [](size_t, int) { return "a"; },
           [](size_t, int item) { return item == 3 ? std::string("contraindicated with warfarin") : std::string(); });
  EXPECT_EQ(ExternalIds(Page(p, "q=warfarin")), Ext({3}));
  EXPECT_EQ(ExternalIds(Page(p, "q=warf")), Ext({3}));
  EXPECT_EQ(ExternalIds(Page(p, "q=question warfarin&state=labelled")), Ext({3}));
}

// Search rows say their project and item in their rowid (search.cc): one project's words never
// find another's items, and a count taken from the search alone equals what the pages list.
TEST_P(BrowseTest, SearchStaysInItsProjectAndItsTotalIsWhatThePagesList) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(12, 1, {a});
  std::string other = MakeGoldProject(5, 1, {a});
  ASSERT_TRUE(browser_->IndexAll());
  EXPECT_EQ(Page(p, "q=question").total, 12);
  EXPECT_EQ(Page(other, "q=question").total, 5);
  LabelAll(other, {a}, [](size_t, int) { return "a"; },
           [](size_t, int item) { return item == 2 ? std::string("warfarin") : std::string(); });
  EXPECT_EQ(Page(p, "q=warfarin").total, 0) << "the other project's answer";
  // Words in two rows of one item (its data, an answer): counted from the search alone.
  BrowsePage both = Page(other, "q=question warfarin");
  EXPECT_EQ(both.total, 1);
  EXPECT_EQ(static_cast<int64_t>(both.rows.size()), both.total);
  // Paged one by one, every filter's pages hold exactly its total.
  for (const std::string& filter : {std::string("q=question"), std::string("q=question&state=labelled"),
                                    std::string("q=question&sort=risk&order=desc")}) {
    SCOPED_TRACE(filter);
    BrowsePage page = Page(other, filter + "&limit=2");
    int64_t listed = static_cast<int64_t>(page.rows.size());
    while (page.next_cursor) {
      page = Page(other, filter + "&limit=2&cursor=" + *page.next_cursor);
      listed += static_cast<int64_t>(page.rows.size());
    }
    EXPECT_EQ(listed, page.total);
    EXPECT_EQ(listed, 5);
  }
}

// A search among the items of the state most are in is counted as the search less its items in
// the other states (browse.cc, CountFromSeqs): the same total as item by item, and the
// pages list exactly that many.
TEST_P(BrowseTest, ASearchInTheCommonStateCountsWhatThePagesList) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(1100, 1, {a});
  ASSERT_TRUE(browser_->IndexAll());
  for (int n = 0; n < 30; ++n) {
    auto lease = svc_->AcquireLease(a, p);
    ASSERT_TRUE(lease.has_value() && lease->has_value());
    ASSERT_TRUE(svc_->Submit(a, {(*lease)->assignment_id, (*lease)->lease_token, "c" + std::to_string(n),
                                 R"({"preference":{"choice":"a"}})", 2000}));
  }
  EXPECT_EQ(Page(p, "q=question&state=new").total, 1070);
  EXPECT_EQ(Page(p, "q=question&state=labelled").total, 30);
  EXPECT_EQ(Page(p, "q=question 7&state=new").total + Page(p, "q=question 7&state=labelled").total,
            Page(p, "q=question 7").total);
  BrowsePage page = Page(p, "q=question&state=new&limit=500");
  int64_t listed = static_cast<int64_t>(page.rows.size());
  while (page.next_cursor) {
    page = Page(p, "q=question&state=new&limit=500&cursor=" + *page.next_cursor);
    listed += static_cast<int64_t>(page.rows.size());
  }
  EXPECT_EQ(listed, 1070);
}

TEST_P(BrowseTest, FieldValuesAndDatesFilter) {
  ProjectFields f;
  f.name = "Domains";
  f.template_json = testing::kPairwiseTemplate;
  auto p = svc_->CreateProject(manager_, f);
  ASSERT_TRUE(p);
  std::string body;
  for (int i = 0; i < 6; ++i) {
    body += json{{"id", "d" + std::to_string(i)},
                 {"data", {{"prompt", "p"}, {"responses", {"x", "y"}}, {"meta", {{"domain", i < 2 ? "law" : "medicine"}, {"year", 2020 + i}}}}}}
                .dump() + "\n";
  }
  ASSERT_EQ(svc_->ImportItems(manager_, p->id, body)->imported, 6);
  ASSERT_TRUE(browser_->IndexAll());
  EXPECT_EQ(Page(p->id, "field=meta.domain&value=law").total, 2);
  EXPECT_EQ(Page(p->id, "field=meta.year&value=2023").total, 1);
  EXPECT_EQ(Page(p->id, "field=meta.domain&value=music").total, 0);
  // Last activity in a range: an item labelled a day later than its import.
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p->id, a.user_id, "expert"));
  clock_.Advance(24LL * 3600 * base::kMicrosPerSecond);
  auto lease = svc_->AcquireLease(a, p->id);
  ASSERT_TRUE(SubmitAnswer(a, **lease, "c1"));
  const std::string day = base::FormatRfc3339(clock_.NowMicros()).substr(0, 10);
  EXPECT_EQ(Page(p->id, "from=" + day).total, 1);
  EXPECT_EQ(Page(p->id, "to=" + day).total, 5);
}

TEST_P(BrowseTest, SkipsWithAReasonFlagTheItemForTheManager) {
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(3, 1, {a});
  auto lease = svc_->AcquireLease(a, p);
  ASSERT_TRUE(lease && *lease);
  EXPECT_EQ(svc_->ReturnAssignment(a, (*lease)->assignment_id, (*lease)->lease_token, "bored").error().code(),
            base::ErrorCode::kInvalidArgument);
  ASSERT_TRUE(svc_->ReturnAssignment(a, (*lease)->assignment_id, (*lease)->lease_token, "broken_item",
                                     "Response B is cut off mid-sentence."));
  BrowsePage flagged = Page(p, "flagged=true");
  ASSERT_EQ(flagged.total, 1);
  EXPECT_EQ(flagged.rows[0].item_id, (*lease)->item_id);
  EXPECT_EQ(flagged.rows[0].skips, 1);
  auto skips = svc_->ListSkips(manager_, p);
  ASSERT_TRUE(skips);
  EXPECT_EQ(skips->broken_item, 1);
  ASSERT_EQ(skips->recent.size(), 1u);
  EXPECT_EQ(skips->recent[0].note, "Response B is cut off mid-sentence.");
  EXPECT_EQ(skips->recent[0].expert_name, "a@x.org");
  // "Outside my expertise" is a skip, not a flag; she never gets a skipped item again.
  auto next = svc_->AcquireLease(a, p);
  ASSERT_TRUE(next && *next);
  EXPECT_NE((*next)->item_id, (*lease)->item_id);
  ASSERT_TRUE(svc_->ReturnAssignment(a, (*next)->assignment_id, (*next)->lease_token, "outside_expertise"));
  EXPECT_EQ(Page(p, "flagged=true").total, 1);
  auto ctx = browser_->GetItemContext(manager_, (*lease)->item_id);
  ASSERT_TRUE(ctx);
  bool skipped = false;
  for (const HistoryEvent& e : ctx->history) skipped |= e.kind == "skipped" && e.detail.find("cut off") != std::string::npos;
  EXPECT_TRUE(skipped);
}

TEST_P(BrowseTest, SavedViewsAreTheProjectsTabs) {
  Caller reviewer = MakeCaller("r@x.org", Role::kReviewer);
  Caller a = MakeCaller("a@x.org", Role::kExpert);
  std::string p = MakeGoldProject(2, 1, {a});
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, reviewer.user_id, "reviewer"));
  auto v = browser_->SaveView(manager_, p, " Gold misses ", "gold=mismatch&sort=confidence");
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->name, "Gold misses");
  EXPECT_EQ(browser_->SaveView(reviewer, p, "Gold misses", "q=x").error().code(), base::ErrorCode::kConflict);
  EXPECT_EQ(browser_->SaveView(manager_, p, "", "q=x").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(browser_->SaveView(a, p, "Mine", "q=x").error().code(), base::ErrorCode::kPermissionDenied);
  auto mine = browser_->SaveView(reviewer, p, "Low confidence", "confidence_lt=0.7");
  ASSERT_TRUE(mine);
  auto views = browser_->ListViews(reviewer, p);
  ASSERT_EQ(views->size(), 2u);
  EXPECT_EQ((*views)[0].query, "gold=mismatch&sort=confidence");
  EXPECT_EQ(browser_->DeleteView(reviewer, v->id).error().code(), base::ErrorCode::kPermissionDenied)
      << "a reviewer deletes only her own";
  EXPECT_TRUE(browser_->DeleteView(reviewer, mine->id));
  EXPECT_TRUE(browser_->DeleteView(manager_, v->id));
  EXPECT_EQ(browser_->ListViews(manager_, p)->size(), 0u);
}

TEST_P(BrowseTest, AnItemsPageShowsEveryAnswerItsConsensusGoldAndHistory) {
  std::vector<Caller> experts;
  std::string p = Labelled(experts);
  const std::string item6 = ItemOf(p, "ext-6");
  auto ctx = browser_->GetItemContext(manager_, item6);
  ASSERT_TRUE(ctx) << ctx.error().ToString();
  EXPECT_EQ(ctx->item.external_id.value_or(""), "ext-6");
  ASSERT_EQ(ctx->answers.size(), 3u);
  std::vector<bool> matches;
  for (const AnswerView& a : ctx->answers) {
    ASSERT_EQ(a.gold.size(), 1u);
    EXPECT_EQ(a.gold[0].field, "preference");
    matches.push_back(a.gold[0].match);
  }
  EXPECT_EQ(matches, (std::vector<bool>{true, false, false}));
  ASSERT_EQ(ctx->consensus.size(), 1u);
  EXPECT_EQ(ctx->consensus[0].label, "b");
  EXPECT_EQ(ctx->consensus[0].votes, (std::vector<std::pair<std::string, int64_t>>{{"b", 2}, {"a", 1}}));
  EXPECT_EQ(ctx->answers[0].expert_name, "a@x.org");
  std::vector<std::string> kinds;
  for (const HistoryEvent& e : ctx->history) kinds.push_back(e.kind);
  EXPECT_EQ(kinds.front(), "imported");
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "submitted"), 3);
  for (size_t i = 1; i < ctx->history.size(); ++i) EXPECT_LE(ctx->history[i - 1].at_us, ctx->history[i].at_us);
  // Reviewing b's answer: the other two beside it, gold compared, b's record.
  auto review = browser_->GetSubmissionContext(manager_, ctx->answers[1].submission.id);
  ASSERT_TRUE(review) << review.error().ToString();
  EXPECT_EQ(review->item.answers.size(), 2u);
  EXPECT_FALSE(review->answer.gold[0].match);
  EXPECT_EQ(review->expert.submitted, 12);
  EXPECT_EQ(review->expert.gold_total, 6);
  EXPECT_EQ(review->expert.gold_correct, 3);
  EXPECT_EQ(review->expert.compared, 12);
  EXPECT_EQ(review->expert.agreed, 12);
  // Reviewers read the same page with experts under pseudonyms.
  Caller reviewer = MakeCaller("r@x.org", Role::kReviewer);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), p, reviewer.user_id, "reviewer"));
  auto blind = browser_->GetItemContext(reviewer, item6);
  ASSERT_TRUE(blind);
  for (const AnswerView& a : blind->answers) {
    EXPECT_EQ(a.submission.expert_id.rfind("expert-", 0), 0u);
    EXPECT_TRUE(a.expert_name.empty());
  }
  EXPECT_EQ(browser_->GetItemContext(experts[0], item6).error().code(), base::ErrorCode::kNotFound);
}

TEST_P(BrowseTest, RowsAppearForItemsImportedElsewhereAndStaleRowsAreRecomputed) {
  std::vector<Caller> experts;
  std::string p = Labelled(experts);
  // An import that wrote items only (another path, e.g. src/datasets): the browser adds their
  // rows once the import commits them (items.h: seq up to items_committed_seq), not before.
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    for (int seq : {13, 14}) {
      ASSAY_TRY(c.Exec("INSERT INTO items (id, project_id, seq, data, created_at_us) VALUES (?, ?, ?, ?, ?)",
                       {"elsewhere" + std::to_string(seq), p, seq,
                        R"({"prompt":"Question )" + std::to_string(seq) + R"(","responses":["x","y"]})",
                        clock_.NowMicros()}));
    }
    ASSAY_TRY(c.Exec("UPDATE projects SET items_committed_seq = 13 WHERE id = ?", {p}));
    return base::Ok();
  }));
  EXPECT_EQ(Page(p, "").total, 13) << "item 14 is still being imported";
  EXPECT_EQ(Page(p, "state=new").total, 1);
  // Rows marked stale (a template change does so) read old numbers until recomputed.
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE item_stats SET stale = 1, consensus = '', labels = 0 WHERE project_id = ?", {p}));
    return base::Ok();
  }));
  EXPECT_EQ(Page(p, "").stale, 13);
  ASSERT_TRUE(browser_->IndexAll());
  BrowsePage fresh = Page(p, "label=b");
  EXPECT_EQ(fresh.stale, 0);
  EXPECT_EQ(fresh.total, 6);
  EXPECT_EQ(Page(p, "state=labelled").total, 12);
}

TEST(GoldTest, PairwiseGoldComparesTheChoiceAndNotesTheStrength) {
  const std::string tmpl = testing::kPairwiseTemplate;
  auto same_choice = CompareToGold(tmpl, R"({"preference":{"choice":"a","strength":2}})",
                                   R"({"preference":{"choice":"a","strength":3},"why":"clearer"})");
  ASSERT_EQ(same_choice.size(), 1u) << "only the fields gold gives";
  EXPECT_TRUE(same_choice[0].match);
  EXPECT_TRUE(same_choice[0].scored);
  EXPECT_EQ(same_choice[0].note, "strength 3, gold says 2 (a note, not scored)");
  auto other = CompareToGold(tmpl, R"({"preference":{"choice":"a","strength":2},"why":"A is right"})",
                             R"({"preference":{"choice":"b","strength":2},"why":"B is right"})");
  ASSERT_EQ(other.size(), 2u);
  EXPECT_FALSE(other[0].match);
  EXPECT_TRUE(other[0].note.empty());
  EXPECT_FALSE(other[1].scored);
  EXPECT_EQ(other[1].note, "free text: compare by reading");
  const std::string rubric =
      R"([{"type":"rubric","name":"g","criteria":[{"id":"acc","label":"Accuracy"},{"id":"cl","label":"Clarity"}],"scale":{"min":1,"max":5}},{"type":"rating","name":"r","min":1,"max":5}])";
  auto graded = CompareToGold(rubric, R"({"g":{"acc":{"score":4},"cl":{"score":3}},"r":2})",
                              R"({"g":{"acc":{"score":2},"cl":{"score":3}},"r":5})");
  ASSERT_EQ(graded.size(), 2u);
  EXPECT_FALSE(graded[0].match);
  EXPECT_EQ(graded[0].note, "acc 2 (gold 4)");
  EXPECT_EQ(graded[1].note, "off by 3");
}

}  // namespace
}  // namespace work
