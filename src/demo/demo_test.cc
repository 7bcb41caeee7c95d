// The demo seeds what `make run` promises: logins that work, a fresh project for them, and a
// worked pilot whose quality report has numbers to show.
#include "demo/demo.h"

#include <gtest/gtest.h>

#include "money/audit.h"
#include "money/service.h"
#include "people/service.h"
#include "quality/service.h"
#include "work/work_testing.h"

namespace demo {
namespace {

using accounts::Caller;
using accounts::Role;
using json = nlohmann::json;
using quality::FieldQuality;
using quality::ItemLabel;
using work::kMinRejectReasonChars;
using work::Project;
using work::SubmissionFilter;
using quality::QualityReport;
using quality::WorkerQuality;

class DemoTest : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    people_ = std::make_unique<people::Service>(*db_, clock_, ids_);
    quality_ = std::make_unique<quality::Service>(*db_, clock_, people_.get());
    svc_->SetQualityObserver(quality_.get());
  }
  void TearDown() override {
    if (svc_) svc_->SetQualityObserver(nullptr);  // null when SetUp failed (no PostgreSQL)
    quality_.reset();
    people_.reset();
    WorkFixture::TearDown();
  }
  std::unique_ptr<people::Service> people_;
  std::unique_ptr<quality::Service> quality_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(DemoTest);

TEST_P(DemoTest, SeedDemoCreatesLoginsAndFiftyItems) {
  auto seed = Seed({*accounts_, *svc_, *people_});
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  EXPECT_EQ(seed->items, 50);
  ASSERT_EQ(seed->logins.size(), 5u);
  EXPECT_EQ(seed->logins[0].role, "manager");
  for (const DemoLogin& l : seed->logins) {
    auto s = accounts_->Login({l.email, l.password, "127.0.0.1"});
    ASSERT_TRUE(s.has_value()) << l.email;
    if (l.role == "expert" && l.email != "layla.haddad@demo.assay.dev") {  // Layla: the Arabic project
      auto lease = svc_->AcquireLease(Caller{s->session.user.id, Role::kExpert}, seed->project_id);
      ASSERT_TRUE(lease.has_value() && lease->has_value());
    }
  }
  std::map<std::string, int> per_domain;
  auto rows = db_->Query("SELECT data FROM items WHERE project_id = ?", {seed->project_id});
  ASSERT_TRUE(rows.has_value());
  int better_first = 0;  // the stronger answer (model-a in the demo's data) shown as "a"
  for (const auto& row : *rows) {
    const json data = json::parse(row.Text(0));
    per_domain[data["domain"]]++;
    better_first += data["responses"][0]["model"] == "model-a";
  }
  EXPECT_EQ(per_domain["medicine"], 17);
  EXPECT_EQ(per_domain["law"], 17);
  EXPECT_EQ(per_domain["accounting"], 16);
  // Counterbalanced: an expert cannot learn that one side is the better one.
  EXPECT_EQ(better_first, 25);
}

// The demo's second project was worked last week: its quality screen shows measured agreement,
// the careless expert far below the others, and gold accuracy; the manager sees both projects.
TEST_P(DemoTest, SeedDemoWorkedProjectHasQualityToShow) {
  auto seed = Seed({*accounts_, *svc_, *people_});
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  ASSERT_FALSE(seed->worked_project_id.empty());
  EXPECT_EQ(seed->worked_items, 40);
  auto s = accounts_->Login({seed->logins[0].email, seed->logins[0].password, "127.0.0.1"});
  ASSERT_TRUE(s.has_value());
  const Caller manager{s->session.user.id, Role::kManager};
  auto projects = svc_->ListProjects(manager);
  ASSERT_TRUE(projects.has_value());
  std::set<std::string> ids;
  for (const Project& p : *projects) ids.insert(p.id);
  EXPECT_EQ(ids, (std::set<std::string>{seed->project_id, seed->worked_project_id, seed->people_project_id}));

  auto view = quality_->Report(manager, seed->worked_project_id);
  ASSERT_TRUE(view.has_value()) << view.error().ToString();
  const QualityReport& r = *view->view.report;
  EXPECT_EQ(r.items, 40);
  EXPECT_EQ(r.submissions, seed->worked_submissions - 2);  // two were rejected in review
  ASSERT_EQ(r.fields.size(), 1u);
  const FieldQuality& f = r.fields[0];
  EXPECT_EQ(f.items_with_2plus, 40);
  ASSERT_TRUE(std::isfinite(f.alpha));
  EXPECT_GT(f.alpha, 0.3);  // moderate: well above chance, pulled down by the careless expert
  EXPECT_LT(f.alpha, 0.8);
  ASSERT_EQ(f.workers.size(), 5u);
  // The careless expert is the least accurate by both methods, and far below the others'
  // median (the web app flags an expert 0.15 below it).
  std::vector<double> others;
  const WorkerQuality* careless = nullptr;
  for (const WorkerQuality& w : f.workers) {
    EXPECT_GT(w.gold_total, 0) << w.email;
    if (w.email == "tom.fletcher@demo.assay.dev")
      careless = &w;
    else
      others.push_back(w.accuracy_ds);
  }
  ASSERT_NE(careless, nullptr);
  for (const WorkerQuality& w : f.workers) {
    if (&w == careless) continue;
    EXPECT_LT(careless->accuracy_ds, w.accuracy_ds) << w.email;
    EXPECT_LT(careless->accuracy_mv, w.accuracy_mv) << w.email;
  }
  std::sort(others.begin(), others.end());
  EXPECT_LT(careless->accuracy_ds, (others[1] + others[2]) / 2 - 0.15);
  // Label confidences differ: some items were close calls.
  double lowest = 1;
  for (const ItemLabel& l : f.labels) lowest = std::min(lowest, l.confidence_mv);
  EXPECT_LT(lowest, 0.9);
  // The manager's reviews are there for the review screens.
  SubmissionFilter rejected_only;
  rejected_only.state = "rejected";
  auto rejected = svc_->ListSubmissions(manager, seed->worked_project_id, rejected_only, 100, "");
  ASSERT_TRUE(rejected.has_value());
  ASSERT_EQ(rejected->items.size(), 2u);
  ASSERT_TRUE(rejected->items[0].review.has_value());
  EXPECT_GE(rejected->items[0].review->reason.size(), static_cast<size_t>(kMinRejectReasonChars));
}

// The worked project does not touch the three demo experts: each still gets all 50 items of the
// fresh project, and the worked one is invisible to them.
TEST_P(DemoTest, SeedDemoExpertsStillGetEveryFreshItem) {
  auto seed = Seed({*accounts_, *svc_, *people_});
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  for (const DemoLogin& l : seed->logins) {
    if (l.role != "expert") continue;
    auto s = accounts_->Login({l.email, l.password, "127.0.0.1"});
    ASSERT_TRUE(s.has_value()) << l.email;
    const Caller expert{s->session.user.id, Role::kExpert};
    auto projects = svc_->ListProjects(expert);
    ASSERT_TRUE(projects.has_value());
    // The fresh project (not for Layla, who works on the Arabic one, which has its own test).
    std::set<std::string> visible;
    for (const Project& p : *projects) visible.insert(p.id);
    EXPECT_FALSE(visible.count(seed->worked_project_id)) << l.email;
    if (l.email == "layla.haddad@demo.assay.dev") continue;
    EXPECT_TRUE(visible.count(seed->project_id)) << l.email;
    EXPECT_FALSE(svc_->AcquireLease(expert, seed->worked_project_id).has_value());
    std::set<std::string> items;
    for (int n = 0; n < 60; ++n) {
      auto lease = svc_->AcquireLease(expert, seed->project_id);
      ASSERT_TRUE(lease.has_value()) << lease.error().ToString();
      if (!*lease) break;
      items.insert((*lease)->item_id);
      ASSERT_TRUE(SubmitAnswer(expert, **lease, l.email + std::to_string(n)).has_value());
    }
    EXPECT_EQ(items.size(), 50u) << l.email;
  }
}

// Issue 14: with money, the pilot is funded, its reviewed work accrued, one batch paid and more
// accrued since; the pilot's costs show a cost per correct label and the ledger audits clean.
TEST_P(DemoTest, SeedDemoWithMoneyFundsPaysAndAccrues) {
  money::Service money(*db_, clock_, ids_, {.work = svc_.get(), .quality = quality_.get()});
  svc_->SetPayObserver(&money);
  auto seed = Seed({*accounts_, *svc_, *people_, &money});
  svc_->SetPayObserver(nullptr);
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  auto batches = money.ListBatches(Caller::System());
  ASSERT_TRUE(batches);
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_EQ((*batches)[0].status, "paid");
  EXPECT_GT((*batches)[0].total_cents, 0);
  auto manager = accounts_->FindUserByEmail(seed->logins[0].email);
  ASSERT_TRUE(manager);
  auto costs = money.ProjectCosts(Caller{manager->id, Role::kManager}, seed->worked_project_id);
  ASSERT_TRUE(costs) << costs.error().ToString();
  EXPECT_GT(costs->funded_cents, costs->spend_cents);
  EXPECT_GT(costs->spend_cents, (*batches)[0].total_cents);  // accrued after the batch too
  ASSERT_TRUE(costs->cost_per_correct_label_cents.has_value());
  EXPECT_GT(*costs->cost_per_correct_label_cents, 0);
  EXPECT_FALSE(costs->correct_label_explanation.empty());
  auto audit = money::Audit(*db_);
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->ok()) << money::AuditText(*audit);
}

// Issue 12's demo: profiles in several domains and languages, an Arabic project with
// requirements and a contract; the clinician without Arabic is told why in words, the Arabic
// pharmacist works once she accepts the terms.
TEST_P(DemoTest, SeedDemoPeopleShowRequirementsAndAContract) {
  auto seed = Seed({*accounts_, *svc_, *people_});
  ASSERT_TRUE(seed.has_value()) << seed.error().ToString();
  ASSERT_EQ(seed->logins.size(), 5u);
  auto login = [&](const std::string& email) {
    auto s = accounts_->Login({email, "demo-expert-pass", "127.0.0.1"});
    EXPECT_TRUE(s.has_value()) << email;
    return Caller{s->session.user.id, Role::kExpert};
  };
  const Caller amara = login("amara.okafor@demo.assay.dev"), layla = login("layla.haddad@demo.assay.dev");
  auto profile = people_->MyProfile(layla);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->profile.languages[0].tag, "ar");
  EXPECT_EQ(profile->profile.timezone, "Asia/Amman");
  auto refused = svc_->AcquireLease(amara, seed->people_project_id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kRequirementUnmet);
  EXPECT_EQ(refused.error().message(),
            "This work needs Arabic (ar) at level C1 or better. Add the language to your profile if you have it.");
  auto contract_first = svc_->AcquireLease(layla, seed->people_project_id);
  ASSERT_FALSE(contract_first);
  EXPECT_NE(contract_first.error().message().find("Accept the contract \u201cExpert services terms\u201d"),
            std::string::npos);
  std::string contract_id;
  for (const base::ErrorDetail& d : contract_first.error().details()) {
    if (d.key == "contract_id") contract_id = json::parse(d.json_value).get<std::string>();
  }
  ASSERT_TRUE(people_->Accept(layla, contract_id, "127.0.0.1", "demo test"));
  auto lease = svc_->AcquireLease(layla, seed->people_project_id);
  ASSERT_TRUE(lease && lease->has_value());
  json data = json::parse((*lease)->item_data_json);
  EXPECT_EQ(data["lang"], "ar");
}

}  // namespace
}  // namespace demo
