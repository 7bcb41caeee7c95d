#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "quality/quality_testing.h"

namespace quality {
namespace {

using namespace quality::testing;  // NOLINT: the fixture's vocabulary
using work::testing::ItemLine;
using work::testing::kPairwiseTemplate;

class QualityTest : public QualityFixture {};
ASSAY_INSTANTIATE_WORK_FIXTURE(QualityTest);

TEST_P(QualityTest, EveryModelLabelsTheItemsAndFindsTheExpertWhoAnswersAgainstTheOthers) {
  // a and b answer every item right (a, b, a, b, …); c answers every item the other way.
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert),
         c = MakeCaller("c@example.com", Role::kExpert);
  std::string id = MakeProject(12, 3, {a, b, c});
  for (const Caller& expert : {a, b, c}) {
    for (int n = 0;; ++n) {
      auto lease = svc_->AcquireLease(expert, id);
      ASSERT_TRUE(lease.has_value());
      if (!lease->has_value()) break;
      const std::string prompt = json::parse((*lease)->item_data_json)["prompt"];
      const bool even = std::stoi(prompt.substr(prompt.rfind(' ') + 1)) % 2 == 0;
      const bool right = expert.user_id != c.user_id;
      ASSERT_TRUE(SubmitAnswer(expert, **lease, "c" + std::to_string(n), Choice(even == right ? "a" : "b")));
    }
  }
  for (std::string method : {"mv", "ds", "ods", "glad", "mace", "wawa"}) {
    SCOPED_TRACE(method);
    json q = QualityJson(*quality_, manager_, id, {.method = method, .limit = 100});
    ASSERT_EQ(q["fields"].size(), 1u);
    const json& f = q["fields"][0];
    EXPECT_EQ(f["method"], method);
    ASSERT_EQ(f["labels"].size(), 12u);
    for (size_t i = 0; i < 12; ++i) {
      EXPECT_EQ(f["labels"][i]["label"], i % 2 == 0 ? "a" : "b") << f["labels"][i];
      EXPECT_GE(f["labels"][i]["confidence"].get<double>(), 0.5);
      EXPECT_LE(f["labels"][i]["confidence"].get<double>(), 1.0);
    }
    std::map<std::string, double> skill;
    for (const json& w : f["workers"]) skill[w["email"]] = w["accuracy"].get<double>();
    EXPECT_LT(skill["c@example.com"], skill["a@example.com"]);
    EXPECT_LT(skill["c@example.com"], skill["b@example.com"]);
  }
  // A model's report is kept until a label changes; then the next asker gets a new one.
  auto first = quality_->Report(manager_, id, "glad");
  auto again = quality_->Report(manager_, id, "glad");
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->view.report.get(), again->view.report.get());
  EXPECT_EQ(first->view.report->model, "glad");
  auto subs = svc_->ListSubmissions(manager_, id, {}, 1, "");
  ASSERT_TRUE(subs.has_value());
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, subs->items[0].id, "reject", "Against the reference."));
  auto after = quality_->Report(manager_, id, "glad");
  ASSERT_TRUE(after.has_value());
  EXPECT_NE(after->view.report.get(), first->view.report.get());
  EXPECT_GT(after->view.report->version, first->view.report->version);
  EXPECT_EQ(after->view.report->submissions, 35);
  // The same access as every report, and a clear refusal of an unknown method.
  EXPECT_EQ(quality_->Report(a, id, "mace").error().code(), base::ErrorCode::kNotFound);
  auto unknown = quality_->Report(manager_, id, "em");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message().find("glad"), std::string::npos);
}

TEST_P(QualityTest, ModelReportsKeptAreBoundedTheLeastRecentlyAskedDroppedFirst) {
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::vector<std::string> projects;
  int n = 0;
  for (int p = 0; p < 3; ++p) {
    projects.push_back(MakeProject(2, 1, {a}));
    while (LabelNext(*svc_, a, projects.back(), Choice("a"), "c" + std::to_string(n++))) {
    }
  }
  // Held here, so that a report computed again cannot reuse a dropped one's address.
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const QualityReport>> first;
  for (const std::string& p : projects) {  // 12 model reports, 8 kept
    for (std::string method : {"ods", "glad", "mace", "wawa"}) {
      auto r = quality_->Report(manager_, p, method);
      ASSERT_TRUE(r.has_value()) << r.error().ToString();
      first[{p, method}] = r->view.report;
    }
  }
  auto again = [&](const std::string& p, const std::string& method) {
    auto r = quality_->Report(manager_, p, method);
    EXPECT_TRUE(r.has_value());
    return r ? r->view.report : nullptr;
  };
  auto newest = again(projects[2], "wawa");
  EXPECT_EQ(newest, (first[{projects[2], "wawa"}]));  // kept
  auto oldest = again(projects[0], "ods");
  EXPECT_NE(oldest, (first[{projects[0], "ods"}]));  // dropped, computed again
  EXPECT_EQ(oldest->model, "ods");
}

TEST_P(QualityTest, QualityReportAggregatesAndIsComputedOncePerVersion) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(4, 2, {a, b});
  // a answers a, a, b, b; b answers a, a, b, a (by item): agreement on 3 of 4 items.
  for (const auto& [expert, answers] : std::vector<std::pair<Caller, std::string>>{{a, "aabb"}, {b, "aaba"}}) {
    for (int n = 0;; ++n) {
      auto lease = svc_->AcquireLease(expert, id);
      ASSERT_TRUE(lease.has_value());
      if (!lease->has_value()) break;
      int item = json::parse((*lease)->item_data_json)["prompt"].get<std::string>().back() - '0';
      ASSERT_TRUE(SubmitAnswer(expert, **lease, "c" + std::to_string(n), Choice(std::string(1, answers[item]))));
    }
  }
  json q = QualityJson(*quality_, manager_, id);
  EXPECT_EQ(quality_->computations(), 1);
  EXPECT_EQ(q["stale"], false);
  EXPECT_EQ(q["items"], 4);
  EXPECT_EQ(q["submissions"], 8);
  EXPECT_EQ(q["overlap"]["items_decided"], 4);
  ASSERT_EQ(q["fields"].size(), 1u);  // the textarea is not categorical
  const json& f = q["fields"][0];
  EXPECT_EQ(f["field"], "preference");
  EXPECT_EQ(f["component"], "pairwise");
  EXPECT_EQ(f["level"], "nominal");
  EXPECT_DOUBLE_EQ(f["agreement"]["percent"].get<double>(), 0.75);
  EXPECT_TRUE(f["agreement"]["fleiss_kappa"].is_number());
  EXPECT_EQ(f["agreement"]["items_with_2plus"], 4);
  ASSERT_EQ(f["labels_total"], 4);
  EXPECT_EQ(f["labels"][0]["external_id"], "ext-0");
  EXPECT_EQ(f["labels"][0]["label"], "a");
  EXPECT_EQ(f["labels"][0]["votes"]["a"], 2);
  EXPECT_EQ(f["labels"][3]["votes"]["a"], 1);
  EXPECT_EQ(f["labels"][3]["votes"]["b"], 1);
  ASSERT_EQ(f["workers"].size(), 2u);
  EXPECT_EQ(f["workers"][0]["labels"], 4);
  EXPECT_EQ(f["workers"][0]["gold"], nullptr);

  // Same version: the cached report, no computation.
  json again = QualityJson(*quality_, manager_, id, {.method = "mv", .limit = 1, .offset = 3});
  EXPECT_EQ(quality_->computations(), 1);
  EXPECT_EQ(again["version"], q["version"]);
  ASSERT_EQ(again["fields"][0]["labels"].size(), 1u);
  EXPECT_EQ(again["fields"][0]["labels"][0]["external_id"], "ext-3");
  EXPECT_DOUBLE_EQ(again["fields"][0]["labels"][0]["confidence"].get<double>(), 0.5);

  // A review changes the version: the cached report answers as stale, the background recomputes.
  auto subs = svc_->ListSubmissions(manager_, id, {}, 1, "");
  ASSERT_TRUE(subs.has_value());
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, subs->items[0].id, "reject", "This choice contradicts the reference answer."));
  json stale = QualityJson(*quality_, manager_, id);
  EXPECT_EQ(stale["stale"], true);
  EXPECT_EQ(stale["submissions"], 8);
  quality_->WaitIdle();
  EXPECT_EQ(quality_->computations(), 2);
  json fresh = QualityJson(*quality_, manager_, id);
  EXPECT_EQ(fresh["stale"], false);
  EXPECT_EQ(fresh["submissions"], 7);  // rejected labels do not count
  EXPECT_GT(fresh["version"].get<int64_t>(), q["version"].get<int64_t>());
  EXPECT_EQ(quality_->computations(), 2);

  // Experts and strangers do not see it; a bad query is refused.
  EXPECT_EQ(quality_->Report(a, id).error().code(), base::ErrorCode::kNotFound);
  Caller stranger = MakeCaller("other@example.com", Role::kManager);
  EXPECT_EQ(quality_->Report(stranger, id).error().code(), base::ErrorCode::kNotFound);
  auto view = quality_->Report(manager_, id);
  ASSERT_TRUE(view.has_value());
  EXPECT_FALSE(RenderQuality(view->view, {.field = "nope"}).has_value());
  EXPECT_FALSE(RenderQuality(view->view, {.method = "glad"}).has_value());
}

// Issue 18: servers on one database share the report. Two servers asked at once for a report
// nobody has compute it once (the other reads it back); after a change both answer stale and
// queue a refresh, and again only one computes.
TEST_P(QualityTest, TwoServersComputeAReportOnce) {
  Service other(*db_, clock_, nullptr, {.server_id = "server-b"});
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert);
  std::string id = MakeProject(4, 2, {a, b});
  int n = 0;
  for (const Caller& e : {a, b}) {
    while (LabelNext(*svc_, e, id, Choice(n % 3 ? "a" : "b"), "c" + std::to_string(n))) ++n;
  }
  base::Result<ProjectQuality> first = base::Error::Internal("not run"), second = first;
  std::thread ta([&] { first = quality_->Report(manager_, id); });
  std::thread tb([&] { second = other.Report(manager_, id); });
  ta.join();
  tb.join();
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(first->view.report->version, second->view.report->version);
  EXPECT_EQ(second->view.report->submissions, 8);
  EXPECT_FALSE(first->view.stale || second->view.stale);
  EXPECT_EQ(quality_->computations() + other.computations(), 1);
  EXPECT_EQ(quality_->loads() + other.loads(), 1);

  auto subs = svc_->ListSubmissions(manager_, id, {}, 1, "");
  ASSERT_TRUE(subs.has_value());
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, subs->items[0].id, "reject", "This choice contradicts the reference answer."));
  auto stale = quality_->Report(manager_, id);
  ASSERT_TRUE(stale.has_value());
  EXPECT_TRUE(stale->view.stale);
  // Stale too, unless the first server's refresh landed already.
  ASSERT_TRUE(other.Report(manager_, id).has_value());
  quality_->WaitIdle();
  other.WaitIdle();
  EXPECT_EQ(quality_->computations() + other.computations(), 2);
  for (Service* s : {quality_.get(), &other}) {
    auto fresh = s->Report(manager_, id);
    ASSERT_TRUE(fresh.has_value());
    EXPECT_FALSE(fresh->view.stale);
    EXPECT_EQ(fresh->view.report->submissions, 7);
  }
  EXPECT_EQ(quality_->computations() + other.computations(), 2);
}

// A server that claimed a report and died holds the claim until it runs out: meanwhile a request
// with nothing cached answers Unavailable with a Retry-After; then another server computes.
TEST_P(QualityTest, AClaimOfAServerThatDiedRunsOut) {
  Service here(*db_, clock_, nullptr, {.server_id = "here", .wait_for_other = std::chrono::milliseconds(100)});
  Caller a = MakeCaller("a@example.com", Role::kExpert);
  std::string id = MakeProject(2, 1, {a});
  ASSERT_TRUE(LabelNext(*svc_, a, id, Choice("a"), "c1"));
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO quality_reports (project_id, version, computed_at_us, claimed_by, claimed_until_us) "
                     "VALUES (?, -1, 0, 'ghost', ?)",
                     {id, clock_.NowMicros() + 60 * base::kMicrosPerSecond}));
    return base::Ok();
  }));
  auto waiting = here.Report(manager_, id);
  ASSERT_FALSE(waiting.has_value());
  EXPECT_EQ(waiting.error().code(), base::ErrorCode::kUnavailable);
  EXPECT_GT(waiting.error().retry_after_s(), 0);
  EXPECT_EQ(here.computations(), 0);
  clock_.Advance(61 * base::kMicrosPerSecond);
  auto computed = here.Report(manager_, id);
  ASSERT_TRUE(computed.has_value()) << computed.error().ToString();
  EXPECT_EQ(computed->view.report->submissions, 1);
  EXPECT_EQ(here.computations(), 1);
}

TEST_P(QualityTest, QualityReportsGoldAccuracyAndOrdinalRatings) {
  Caller a = MakeCaller("a@example.com", Role::kExpert), b = MakeCaller("b@example.com", Role::kExpert);
  ProjectFields f;
  f.name = "Ratings";
  f.template_json = R"([{"type":"text","source":"prompt"},{"type":"rating","name":"score","min":1,"max":5}])";
  f.overlap = 2;
  auto p = svc_->CreateProject(manager_, f);
  ASSERT_TRUE(p.has_value());
  std::string items;
  for (int i = 0; i < 6; ++i) {
    items += json{{"id", "r" + std::to_string(i)}, {"data", {{"prompt", std::to_string(i)}}}, {"gold", {{"score", 1 + i % 5}}}}
                 .dump() + "\n";
  }
  ASSERT_TRUE(svc_->ImportItems(manager_, p->id, items));
  for (const Caller& e : {a, b}) ASSERT_TRUE(svc_->AddMember(Caller::System(), p->id, e.user_id, "expert"));
  // a rates every item as its gold; b rates one point higher (capped at 5).
  for (const Caller& e : {a, b}) {
    for (int n = 0;; ++n) {
      auto lease = svc_->AcquireLease(e, p->id);
      ASSERT_TRUE(lease.has_value());
      if (!lease->has_value()) break;
      int i = std::stoi(json::parse((*lease)->item_data_json)["prompt"].get<std::string>());
      int score = std::min(5, 1 + i % 5 + (e.user_id == b.user_id ? 1 : 0));
      ASSERT_TRUE(SubmitAnswer(e, **lease, "c" + std::to_string(n), json{{"score", score}}.dump()));
    }
  }
  json q = QualityJson(*quality_, manager_, p->id);
  ASSERT_EQ(q["fields"].size(), 1u);
  const json& fq = q["fields"][0];
  EXPECT_EQ(fq["component"], "rating");
  EXPECT_EQ(fq["level"], "ordinal");
  // Close but unequal ratings: positive alpha below 1.
  EXPECT_GT(fq["agreement"]["krippendorff_alpha"].get<double>(), 0);
  EXPECT_LT(fq["agreement"]["krippendorff_alpha"].get<double>(), 1);
  std::map<std::string, json> gold;
  for (const json& w : fq["workers"]) gold[w["email"]] = w["gold"];
  EXPECT_EQ(gold["a@example.com"]["correct"], 6);
  EXPECT_EQ(gold["a@example.com"]["total"], 6);
  EXPECT_EQ(gold["b@example.com"]["correct"], 1);  // only the item whose gold is 5
  EXPECT_LT(gold["b@example.com"]["high"].get<double>(), gold["a@example.com"]["low"].get<double>() + 0.5);
  EXPECT_GT(gold["a@example.com"]["low"].get<double>(), 0.5);
}

}  // namespace
}  // namespace quality
