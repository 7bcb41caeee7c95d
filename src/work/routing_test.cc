// Routing (issue 12): the lease path hands an expert only the work she qualifies for — her
// status, the project's requirements and contract, the items' own requires and languages, a
// daily cap and a largest share — and scarce items go to the few who can do them first.
#include <gtest/gtest.h>

#include <set>

#include "base/rng.h"
#include "people/requirements.h"
#include "people/service.h"
#include "work/work_testing.h"

namespace work {
namespace {

using json = nlohmann::json;

class RoutingTest : public testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    people_ = std::make_unique<people::Service>(*db_, clock_, ids_);
  }
  void TearDown() override {
    people_.reset();
    WorkFixture::TearDown();
  }
  // A project whose items are `items` (JSONL data objects), with the given settings.
  std::string Project(const std::vector<std::string>& data, int64_t overlap, const std::vector<Caller>& experts,
                      ProjectFields f = {}) {
    f.name = "Routed";
    f.template_json = R"([{"type":"text","source":"prompt"},{"type":"choice","name":"c","options":["x","y"]}])";
    f.overlap = overlap;
    auto p = svc_->CreateProject(manager_, f);
    EXPECT_TRUE(p.has_value()) << p.error().ToString();
    std::string body;
    for (size_t i = 0; i < data.size(); ++i) body += R"({"id":"i)" + std::to_string(i) + R"(","data":)" + data[i] + "}\n";
    auto r = svc_->ImportItems(manager_, p->id, body);
    EXPECT_TRUE(r.has_value() && r->imported == static_cast<int64_t>(data.size()))
        << (r ? (r->errors.empty() ? "" : r->errors[0].message) : r.error().ToString());
    for (const Caller& e : experts) EXPECT_TRUE(svc_->AddMember(Caller::System(), p->id, e.user_id, "expert"));
    return p->id;
  }
  void Profile(const Caller& who, std::vector<people::LanguageSkill> languages, std::vector<std::string> domains = {}) {
    people::ProfileFields f;
    f.languages = std::move(languages);
    f.domains = std::move(domains);
    ASSERT_TRUE(people_->UpdateMyProfile(who, f));
  }
  base::Result<SubmitResult> Answer(const Caller& expert, const Lease& lease, const std::string& client_id) {
    return svc_->Submit(expert, {lease.assignment_id, lease.lease_token, client_id, R"({"c":"x"})", 1000});
  }
  // Leases and answers until nothing is left or a lease is refused; the items she got.
  std::vector<std::string> WorkUntilDone(const Caller& expert, const std::string& project,
                                         std::optional<base::Error>* refused = nullptr) {
    std::vector<std::string> items;
    for (int n = 0; n < 1000; ++n) {
      auto lease = svc_->AcquireLease(expert, project);
      if (!lease) {
        if (refused) *refused = lease.error();
        break;
      }
      if (!lease->has_value()) break;
      items.push_back((*lease)->item_id);
      EXPECT_TRUE(Answer(expert, **lease, project + std::to_string(n)));
    }
    return items;
  }
  static std::string Detail(const base::Error& e, const std::string& key) {
    for (const base::ErrorDetail& d : e.details()) {
      if (d.key == key) return d.json_value;
    }
    return "";
  }
  std::unique_ptr<people::Service> people_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(RoutingTest);

// The property: over random qualifications, grants, languages, domains, project requirements
// and item requires, no expert is ever leased an item whose project or own requirements she
// fails; and whatever is left unlabelled has nobody left who could label it.
TEST_P(RoutingTest, LeasingNeverHandsAnItemToAnExpertWhoFailsARequirement) {
  base::Rng rng(GetParam() == storage::Dialect::kSqlite ? 12 : 13);
  const std::vector<std::string> langs = {"ar", "he", "en", "de"};
  const std::vector<std::string> levels = {"A2", "B1", "B2", "C1", "native"};
  const std::vector<std::string> domains = {"medicine/cardiology", "law/contracts", "accounting/tax"};
  auto flag = people_->CreateQualification(manager_, {"Licensed", "flag", {}, {}, {}, "", {}});
  auto scale = people_->CreateQualification(manager_, {"Seniority", "scale", 1, 5, {}, "", {}});
  auto set = people_->CreateQualification(manager_, {"Dialect", "set", {}, {}, {"Egyptian", "Gulf", "Levantine"}, "", {}});
  ASSERT_TRUE(flag && scale && set);
  auto random_requirement = [&]() -> json {
    switch (rng.Below(5)) {
      case 0: return {{"qualification", flag->id}};
      case 1: return {{"qualification", scale->id}, {"op", rng.Below(2) ? ">=" : "<="}, {"value", 1 + rng.Below(5)}};
      case 2: return {{"qualification", set->id}, {"op", "in"}, {"value", {set->values[rng.Below(3)], set->values[rng.Below(3)]}}};
      case 3: return {{"language", langs[rng.Below(langs.size())]}, {"level", levels[rng.Below(levels.size())]}};
      default: return {{"domain", rng.Below(2) ? "medicine" : domains[rng.Below(domains.size())]}};
    }
  };
  std::vector<Caller> experts;
  for (int e = 0; e < 12; ++e) {
    Caller c = MakeCaller("e" + std::to_string(e) + "@example.com", Role::kExpert);
    std::vector<people::LanguageSkill> ls;
    for (const std::string& l : langs) {
      if (rng.Below(2)) ls.push_back({l, levels[rng.Below(levels.size())]});
    }
    std::vector<std::string> ds;
    for (const std::string& d : domains) {
      if (rng.Below(3) == 0) ds.push_back(d);
    }
    Profile(c, ls, ds);
    if (rng.Below(2)) ASSERT_TRUE(people_->GrantQualification(manager_, flag->id, {c.user_id, {}, "Checked.", {}}));
    if (rng.Below(3)) {
      ASSERT_TRUE(people_->GrantQualification(manager_, scale->id, {c.user_id, std::to_string(1 + rng.Below(5)), "Tested.", {}}));
    }
    if (rng.Below(2)) {
      ASSERT_TRUE(people_->GrantQualification(manager_, set->id, {c.user_id, json(set->values[rng.Below(3)]).dump(), "Interview.", {}}));
    }
    experts.push_back(c);
  }
  for (int p = 0; p < 4; ++p) {
    json project_reqs = json::array();
    for (uint64_t k = rng.Below(2); k > 0; --k) project_reqs.push_back(random_requirement());
    std::vector<std::string> data;
    for (int i = 0; i < 30; ++i) {
      json d = {{"prompt", "item " + std::to_string(i)}};
      if (rng.Below(3) == 0) d["lang"] = langs[rng.Below(langs.size())];
      if (rng.Below(3) == 0) d["requires"] = json::array({random_requirement()});
      data.push_back(d.dump());
    }
    ProjectFields f;
    f.requirements_json = project_reqs.dump();
    const std::string id = Project(data, 2, experts, f);
    // Everyone works until she is refused or nothing is left for her.
    std::map<std::string, std::set<std::string>> got;
    for (const Caller& e : experts) {
      for (const std::string& item : WorkUntilDone(e, id)) got[e.user_id].insert(item);
    }
    auto project_list = people::ParseRequirements(project_reqs.dump());
    ASSERT_TRUE(project_list);
    ASSERT_TRUE(db_->Read([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(storage::Rows items, c.Query("SELECT id, data, taken FROM items WHERE project_id = ?", {id}));
      for (const Caller& e : experts) {
        ASSAY_ASSIGN_OR_RETURN(people::Facts facts, people::LoadFacts(c, e.user_id, clock_.NowMicros()));
        const bool project_ok = !people::FirstUnmet(*project_list, facts);
        for (const storage::Row& item : items) {
          auto asks = people::ItemRequirements(item.Text(1));
          EXPECT_TRUE(asks.has_value());
          const bool item_ok = project_ok && !people::FirstUnmet(*asks, facts);
          const bool had = got[e.user_id].count(item.Text(0)) > 0;
          EXPECT_FALSE(had && !item_ok) << "expert " << e.user_id << " got item " << item.Text(1)
                                        << " though she fails it; project needs " << project_reqs.dump();
          // Nothing she could do is left below overlap: routing starved nobody.
          EXPECT_FALSE(item_ok && !had && item.Int(2) < 2)
              << "item " << item.Text(1) << " left with " << item.Int(2) << " labels though " << e.user_id << " could";
        }
      }
      return base::Ok();
    }));
  }
}

TEST_P(RoutingTest, ARefusalSaysWhichRequirementInWords) {
  Caller eve = MakeCaller("eve@example.com", Role::kExpert);
  Profile(eve, {{"en", "native"}});
  ProjectFields f;
  f.requirements_json = R"([{"language":"ar","level":"C1"}])";
  const std::string id = Project({R"({"prompt":"p"})"}, 1, {eve}, f);
  auto refused = svc_->AcquireLease(eve, id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kRequirementUnmet);
  EXPECT_EQ(Detail(refused.error(), "requirement"), R"({"language":"ar","level":"C1"})");
  EXPECT_EQ(refused.error().message(),
            "This work needs Arabic (ar) at level C1 or better. Add the language to your profile if you have it.");
  Profile(eve, {{"en", "native"}, {"ar-EG", "C2"}});
  auto lease = svc_->AcquireLease(eve, id);
  ASSERT_TRUE(lease && lease->has_value());
}

TEST_P(RoutingTest, AContractIsAcceptedOnceAndANewVersionAgain) {
  Caller eve = MakeCaller("eve@example.com", Role::kExpert);
  auto v1 = people_->CreateContract(manager_, "Terms", "You assign the IP of your answers.");
  ASSERT_TRUE(v1);
  ProjectFields f;
  f.contract_id = v1->id;
  const std::string id = Project({R"({"prompt":"a"})", R"({"prompt":"b"})"}, 1, {eve}, f);
  auto refused = svc_->AcquireLease(eve, id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kRequirementUnmet);
  EXPECT_EQ(Detail(refused.error(), "contract_id"), "\"" + v1->id + "\"");
  ASSERT_TRUE(people_->Accept(eve, v1->id, "127.0.0.1", "test"));
  auto first = svc_->AcquireLease(eve, id);
  ASSERT_TRUE(first && first->has_value());
  ASSERT_TRUE(Answer(eve, **first, "c1"));
  auto v2 = people_->NewContractVersion(manager_, v1->id, "", "You assign the IP. Keep the data confidential.");
  ASSERT_TRUE(v2);
  ProjectFields patch;
  patch.contract_id = v2->id;
  ASSERT_TRUE(svc_->UpdateProject(manager_, id, patch));
  auto again = svc_->AcquireLease(eve, id);
  ASSERT_FALSE(again);
  EXPECT_EQ(Detail(again.error(), "contract_id"), "\"" + v2->id + "\"");
  EXPECT_EQ(Detail(again.error(), "contract_version"), "2");
  ASSERT_TRUE(people_->Accept(eve, v2->id, "127.0.0.1", "test"));
  EXPECT_TRUE(svc_->AcquireLease(eve, id)->has_value());
}

TEST_P(RoutingTest, OnlyActiveExpertsLeaseAndThePausedOneIsToldWhy) {
  Caller eve = MakeCaller("eve@example.com", Role::kExpert);
  const std::string id = Project({R"({"prompt":"a"})"}, 1, {eve});
  ASSERT_TRUE(people_->SetStatus(manager_, eve.user_id, "paused", "Paused while we review your last batch."));
  auto refused = svc_->AcquireLease(eve, id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kRequirementUnmet);
  EXPECT_EQ(refused.error().message(), "Your work is paused. Reason: Paused while we review your last batch.");
  ASSERT_TRUE(people_->SetStatus(manager_, eve.user_id, "active", "Reviewed: all fine."));
  EXPECT_TRUE(svc_->AcquireLease(eve, id)->has_value());
}

TEST_P(RoutingTest, ADailyCapStopsNewLeasesButNotTheOneInHand) {
  Caller eve = MakeCaller("eve@example.com", Role::kExpert);
  ProjectFields f;
  f.daily_cap = 2;
  const std::string id = Project(std::vector<std::string>(5, R"({"prompt":"p"})"), 1, {eve}, f);
  auto a = svc_->AcquireLease(eve, id);
  ASSERT_TRUE(a && a->has_value());
  ASSERT_TRUE(Answer(eve, **a, "c1"));
  auto b = svc_->AcquireLease(eve, id);
  ASSERT_TRUE(b && b->has_value());
  // At the cap: the lease in hand comes back on a retry, a new one does not.
  auto retry = svc_->AcquireLease(eve, id);
  ASSERT_TRUE(retry && retry->has_value());
  EXPECT_EQ((*retry)->assignment_id, (*b)->assignment_id);
  ASSERT_TRUE(Answer(eve, **b, "c2"));
  auto capped = svc_->AcquireLease(eve, id);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code(), base::ErrorCode::kRequirementUnmet);
  EXPECT_NE(capped.error().message().find("limit of 2 tasks in 24 hours"), std::string::npos);
  clock_.Advance(24LL * 3600 * base::kMicrosPerSecond + 1);
  EXPECT_TRUE(svc_->AcquireLease(eve, id)->has_value());
}

TEST_P(RoutingTest, NoExpertGivesMoreThanTheLargestShare) {
  Caller eve = MakeCaller("eve@example.com", Role::kExpert), ann = MakeCaller("ann@example.com", Role::kExpert);
  ProjectFields f;
  f.max_share = 0.25;  // 10 items × overlap 2 = 20 labels: at most 5 each
  const std::string id = Project(std::vector<std::string>(10, R"({"prompt":"p"})"), 2, {eve, ann}, f);
  std::optional<base::Error> refused;
  EXPECT_EQ(WorkUntilDone(eve, id, &refused).size(), 5u);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message().find("largest share"), std::string::npos);
  EXPECT_EQ(WorkUntilDone(ann, id).size(), 5u);
}

// Items only a few can do go to them first: the one Arabic speaker gets the Arabic items before
// the ones everyone can label.
TEST_P(RoutingTest, ScarceItemsGoFirstToTheFewWhoCanDoThem) {
  Caller amal = MakeCaller("amal@example.com", Role::kExpert);
  std::vector<Caller> others;
  for (int i = 0; i < 4; ++i) others.push_back(MakeCaller("o" + std::to_string(i) + "@example.com", Role::kExpert));
  Profile(amal, {{"ar", "native"}, {"en", "C2"}});
  std::vector<std::string> data;
  for (int i = 0; i < 6; ++i) data.push_back(R"({"prompt":"plain )" + std::to_string(i) + R"("})");
  for (int i = 0; i < 3; ++i) data.push_back(R"({"prompt":"عربي )" + std::to_string(i) + R"(","lang":"ar"})");
  std::vector<Caller> all = others;
  all.push_back(amal);
  const std::string id = Project(data, 1, all);
  std::vector<std::string> firsts;
  for (int n = 0; n < 3; ++n) {
    auto lease = svc_->AcquireLease(amal, id);
    ASSERT_TRUE(lease && lease->has_value());
    firsts.push_back(json::parse((*lease)->item_data_json).value("lang", ""));
    ASSERT_TRUE(Answer(amal, **lease, "a" + std::to_string(n)));
  }
  EXPECT_EQ(firsts, (std::vector<std::string>{"ar", "ar", "ar"}));
  // The others never get an Arabic item.
  for (const Caller& o : others) {
    auto lease = svc_->AcquireLease(o, id);
    ASSERT_TRUE(lease && lease->has_value());
    EXPECT_EQ(json::parse((*lease)->item_data_json).value("lang", ""), "");
  }
}

// The workspace's "N tasks left for you" counts what the lease would hand her: nothing while she
// is refused, only the items whose requires she meets, nothing past her cap or share.
TEST_P(RoutingTest, WhatIsLeftForHerIsWhatTheLeaseWouldHandHer) {
  Caller eve = MakeCaller("eve@example.com", Role::kExpert), amal = MakeCaller("amal@example.com", Role::kExpert);
  Profile(eve, {{"en", "native"}});
  Profile(amal, {{"ar", "native"}, {"en", "C2"}});
  ProjectFields arabic;
  arabic.requirements_json = R"([{"language":"ar","level":"C1"}])";
  const std::string gated = Project(std::vector<std::string>(3, R"({"prompt":"p"})"), 1, {eve, amal}, arabic);
  EXPECT_EQ(svc_->Remaining(eve, gated)->for_you, 0) << "she is refused this project";
  EXPECT_EQ(svc_->Remaining(eve, gated)->in_project, 3);
  EXPECT_EQ(svc_->Remaining(amal, gated)->for_you, 3);

  std::vector<std::string> data(4, R"({"prompt":"plain"})");
  for (int i = 0; i < 2; ++i) data.push_back(R"({"prompt":"عربي","lang":"ar"})");
  const std::string mixed = Project(data, 1, {eve, amal});
  EXPECT_EQ(svc_->Remaining(eve, mixed)->for_you, 4) << "not the Arabic items";
  EXPECT_EQ(svc_->Remaining(amal, mixed)->for_you, 6);
  EXPECT_EQ(WorkUntilDone(eve, mixed).size(), 4u) << "the count was what the lease hands her";

  auto terms = people_->CreateContract(manager_, "Terms", "You assign the IP of your answers.");
  ASSERT_TRUE(terms);
  ProjectFields contract;
  contract.contract_id = terms->id;
  const std::string signed_only = Project(std::vector<std::string>(2, R"({"prompt":"p"})"), 1, {eve}, contract);
  EXPECT_EQ(svc_->Remaining(eve, signed_only)->for_you, 0) << "until she accepts the contract";
  ASSERT_TRUE(people_->Accept(eve, terms->id, "127.0.0.1", "test"));
  EXPECT_EQ(svc_->Remaining(eve, signed_only)->for_you, 2);

  ProjectFields share;
  share.max_share = 0.5;  // 4 items × overlap 1: at most 2 from her
  const std::string shared = Project(std::vector<std::string>(4, R"({"prompt":"p"})"), 1, {eve, amal}, share);
  ASSERT_EQ(WorkUntilDone(eve, shared).size(), 2u);
  EXPECT_EQ(svc_->Remaining(eve, shared)->for_you, 0) << "she gave her largest share";
  EXPECT_EQ(svc_->Remaining(amal, shared)->for_you, 2);

  ASSERT_TRUE(people_->SetStatus(manager_, amal.user_id, "paused", "Checking the last batch."));
  EXPECT_EQ(svc_->Remaining(amal, shared)->for_you, 0) << "paused";
}

TEST_P(RoutingTest, ItemsAskingForUnknownQualificationsAreReportedByLine) {
  const std::string id = Project({R"({"prompt":"fine"})"}, 1, {});
  auto r = svc_->ImportItems(manager_, id,
                             R"({"id":"x1","data":{"prompt":"a","requires":[{"qualification":"nope"}]}})" "\n"
                             R"({"id":"x2","data":{"prompt":"b","lang":"klingon"}})" "\n"
                             R"({"id":"x3","data":{"prompt":"c","lang":"he"}})" "\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->imported, 1);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].line, 2);  // parse errors come first, as lines are read
  EXPECT_NE(r->errors[0].message.find("data.lang"), std::string::npos);
  EXPECT_EQ(r->errors[1].line, 1);
  EXPECT_NE(r->errors[1].message.find("no qualification nope"), std::string::npos);
}

}  // namespace
}  // namespace work
