// people::Service on both drivers: profiles and their validation, status history, the
// directory, credentials and evidence files, qualifications (by hand and by gold accuracy),
// contracts and acceptances the database keeps as they were.
#include "people/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "accounts/service.h"
#include "base/hash.h"
#include "people/requirements.h"
#include "storage/migrations.h"
#include "storage/test_db.h"

namespace people {
namespace {

using accounts::Caller;
using accounts::Role;

class PeopleTest : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  void SetUp() override {
    test_db_ = std::make_unique<storage::TestDb>(GetParam());
    auto db = test_db_->Open();
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_, clock_).has_value());
    accounts_ = std::make_unique<accounts::Service>(*db_, clock_, ids_);
    dir_ = std::filesystem::temp_directory_path() /
           ("assay_people_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Options o;
    o.data_dir = dir_.string();
    o.max_evidence_bytes = 4096;
    people_ = std::make_unique<Service>(*db_, clock_, ids_, o);
    manager_ = Make("manager@example.com", Role::kManager);
    expert_ = Make("eve@example.com", Role::kExpert);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Caller Make(const std::string& email, Role role) {
    auto u = accounts_->EnsureUser(email, role, email.substr(0, email.find('@')));
    EXPECT_TRUE(u.has_value());
    return {u->id, role};
  }
  ProfileFields Fields() {
    ProfileFields f;
    f.headline = "Cardiologist, 12 years";
    f.bio = "I read ECGs for a living.";
    f.domains = {"medicine/cardiology"};
    f.languages = {{"ar-eg", "native"}, {"en", "C2"}};
    f.rate_cents = 12000;
    f.timezone = "UTC";
    f.availability_hours = 10;
    return f;
  }
  static std::string Field(const base::Error& e) {
    for (const base::ErrorDetail& d : e.details()) {
      if (d.key == "field") return d.json_value;
    }
    return "";
  }

  std::unique_ptr<storage::TestDb> test_db_;
  base::FakeClock clock_;
  base::Uuid7Generator ids_{clock_, 3};
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<accounts::Service> accounts_;
  std::unique_ptr<Service> people_;
  std::filesystem::path dir_;
  Caller manager_, expert_;
};

INSTANTIATE_TEST_SUITE_P(Drivers, PeopleTest, ASSAY_BOTH_DIALECTS,
                         storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>);

TEST_P(PeopleTest, AProfileIsCheckedFieldByFieldAndKept) {
  auto saved = people_->UpdateMyProfile(expert_, Fields());
  ASSERT_TRUE(saved.has_value()) << saved.error().ToString();
  EXPECT_EQ(saved->languages.size(), 2u);
  EXPECT_EQ(saved->languages[0].tag, "ar-EG");  // normalized case
  EXPECT_EQ(saved->domains, std::vector<std::string>{"medicine/cardiology"});
  EXPECT_EQ(saved->status, "active");
  struct Bad {
    std::function<void(ProfileFields&)> change;
    std::string field;
  };
  std::vector<Bad> bad = {
      {[](ProfileFields& f) { f.languages[1].tag = "english"; }, "\"languages[1].tag\""},
      {[](ProfileFields& f) { f.languages[0].level = "fluent"; }, "\"languages[0].level\""},
      {[](ProfileFields& f) { f.rate_cents = -1; }, "\"rate_cents\""},
      {[](ProfileFields& f) { f.domains = {"medicine/heart"}; }, "\"domains[0]\""},
      {[](ProfileFields& f) { f.timezone = "Mars/Olympus"; }, "\"timezone\""},
      {[](ProfileFields& f) { f.availability_hours = 169; }, "\"availability_hours\""},
      {[](ProfileFields& f) { f.currency = "usd"; }, "\"currency\""},
  };
  for (const Bad& b : bad) {
    ProfileFields f = Fields();
    b.change(f);
    auto r = people_->UpdateMyProfile(expert_, f);
    ASSERT_FALSE(r.has_value()) << b.field;
    EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
    EXPECT_EQ(Field(r.error()), b.field);
  }
  // Nothing of the refused updates was written.
  auto mine = people_->MyProfile(expert_);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->profile.rate_cents, 12000);
  EXPECT_EQ(mine->profile.languages.size(), 2u);
}

TEST_P(PeopleTest, StatusChangesNeedAReasonTheExpertReads) {
  auto no_reason = people_->SetStatus(manager_, expert_.user_id, "paused", " ");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(Field(no_reason.error()), "\"reason\"");
  EXPECT_EQ(people_->SetStatus(expert_, expert_.user_id, "paused", "myself").error().code(),
            base::ErrorCode::kPermissionDenied);
  ASSERT_TRUE(people_->SetStatus(manager_, expert_.user_id, "paused", "Paused while we check your last ten answers."));
  auto wrong = people_->SetStatus(manager_, expert_.user_id, "vetting", "back to vetting");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), base::ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(people_->SetStatus(manager_, expert_.user_id, "active", "Checked: your answers hold up. Welcome back."));
  ASSERT_TRUE(people_->SetStatus(manager_, expert_.user_id, "removed", "Copied model answers into 40 tasks."));
  EXPECT_FALSE(people_->SetStatus(manager_, expert_.user_id, "active", "undo"));  // only an admin
  auto mine = people_->MyProfile(expert_);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->history.size(), 3u);
  EXPECT_EQ(mine->history[0].from, "active");
  EXPECT_EQ(mine->history[0].to, "paused");
  EXPECT_EQ(mine->history[0].reason, "Paused while we check your last ten answers.");
  EXPECT_EQ(mine->history[0].changed_by_name, "manager");
  EXPECT_EQ(mine->profile.status, "removed");
  // What a page may offer is what SetStatus allows: an admin alone brings a removed expert back.
  EXPECT_EQ(StatusMoves("removed", false), std::vector<std::string>{});
  EXPECT_EQ(StatusMoves("removed", true), std::vector<std::string>{"active"});
  EXPECT_EQ(StatusMoves("active", false), (std::vector<std::string>{"paused", "removed"}));
  EXPECT_EQ(StatusMoves("applicant", false), (std::vector<std::string>{"vetting", "active", "removed"}));
  // The history cannot be rewritten or erased.
  for (const char* sql : {"UPDATE expert_status_changes SET reason = 'nothing happened'",
                          "DELETE FROM expert_status_changes"}) {
    EXPECT_FALSE(db_->Write([&](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec(sql));
      return base::Ok();
    })) << sql;
  }
  if (db_->dialect() == storage::Dialect::kPostgres) {
    for (const char* sql : {"TRUNCATE expert_status_changes", "TRUNCATE qualification_grants",
                            "TRUNCATE contract_acceptances"}) {
      EXPECT_FALSE(db_->Write([&](storage::Conn& c) -> base::Status {
        ASSAY_TRY(c.Exec(sql));
        return base::Ok();
      })) << sql;
    }
  }
}

TEST_P(PeopleTest, TheDirectoryFiltersForStaffOnly) {
  Caller ana = Make("ana@example.com", Role::kExpert), ben = Make("ben@example.com", Role::kExpert);
  ProfileFields a = Fields();
  ASSERT_TRUE(people_->UpdateMyProfile(ana, a));
  ProfileFields b = Fields();
  b.domains = {"law/contracts"};
  b.languages = {{"he", "native"}};
  b.rate_cents = 30000;
  b.headline = "Contract lawyer";
  ASSERT_TRUE(people_->UpdateMyProfile(ben, b));
  auto names = [&](DirectoryFilter f) {
    std::vector<std::string> out;
    auto r = people_->Directory(manager_, f);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    for (const Profile& p : r.value_or(std::vector<Profile>{})) out.push_back(p.name);
    return out;
  };
  DirectoryFilter f;
  EXPECT_EQ(names(f), (std::vector<std::string>{"eve", "ana", "ben"}));
  f.domain = "medicine";
  EXPECT_EQ(names(f), std::vector<std::string>{"ana"});
  f = {};
  f.language = "ar";
  EXPECT_EQ(names(f), std::vector<std::string>{"ana"});
  f = {};
  f.max_rate_cents = 20000;
  EXPECT_EQ(names(f), std::vector<std::string>{"ana"});
  f = {};
  f.query = "LAWYER";
  EXPECT_EQ(names(f), std::vector<std::string>{"ben"});
  auto q = people_->CreateQualification(manager_, {"Bar admission", "flag", {}, {}, {}, "", {}});
  ASSERT_TRUE(q);
  ASSERT_TRUE(people_->GrantQualification(manager_, q->id, {"ben@example.com", {}, "Bar number checked.", {}}));
  f = {};
  f.qualification = q->id;
  EXPECT_EQ(names(f), std::vector<std::string>{"ben"});
  EXPECT_EQ(people_->Directory(expert_, {}).error().code(), base::ErrorCode::kPermissionDenied);
}

TEST_P(PeopleTest, EvidenceIsTypeCheckedSizeLimitedAndShownOnlyToItsOwnerAndStaff) {
  auto cred = people_->AddCredential(expert_, {"licence", "Medical licence", "GMC", "1234567", "UK", "2028-01-31"});
  ASSERT_TRUE(cred.has_value()) << cred.error().ToString();
  const std::string pdf = "%PDF-1.4\n% a tiny pdf\n";
  EXPECT_EQ(people_->AttachEvidence(expert_, cred->id, "application/pdf", "<html>nope</html>").error().code(),
            base::ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(people_->AttachEvidence(expert_, cred->id, "image/png", pdf).error().code(),
            base::ErrorCode::kUnsupportedMediaType);  // the bytes say PDF
  EXPECT_EQ(people_->AttachEvidence(expert_, cred->id, "application/pdf", pdf + std::string(5000, 'x')).error().code(),
            base::ErrorCode::kPayloadTooLarge);
  Caller other = Make("other@example.com", Role::kExpert);
  EXPECT_EQ(people_->AttachEvidence(other, cred->id, "application/pdf", pdf).error().code(), base::ErrorCode::kNotFound);
  auto attached = people_->AttachEvidence(expert_, cred->id, "application/pdf", pdf);
  ASSERT_TRUE(attached.has_value()) << attached.error().ToString();
  EXPECT_EQ(attached->evidence_bytes, static_cast<int64_t>(pdf.size()));
  auto file = people_->Evidence(manager_, cred->id);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->content_type, "application/pdf");
  std::ifstream in(file->path, std::ios::binary);
  std::string stored((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(stored, pdf);
  EXPECT_EQ(std::filesystem::path(file->path).parent_path(), dir_ / "evidence");
  EXPECT_EQ(people_->Evidence(other, cred->id).error().code(), base::ErrorCode::kNotFound);
  // A person checks it; a rejection says why.
  EXPECT_FALSE(people_->VerifyCredential(manager_, cred->id, "rejected", ""));
  EXPECT_EQ(people_->VerifyCredential(expert_, cred->id, "verified", "").error().code(), base::ErrorCode::kPermissionDenied);
  auto verified = people_->VerifyCredential(manager_, cred->id, "verified", "Checked on the GMC register.");
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->status, "verified");
  EXPECT_EQ(verified->verified_by_name, "manager");
  EXPECT_EQ(people_->AttachEvidence(expert_, cred->id, "application/pdf", pdf).error().code(),
            base::ErrorCode::kFailedPrecondition);  // checked evidence stays
}

TEST_P(PeopleTest, QualificationsAreTypedAndGrantedWithReasons) {
  auto scale = people_->CreateQualification(manager_, {"ECG reading", "scale", 1, 5, {}, "1 to 5", {}});
  ASSERT_TRUE(scale.has_value()) << scale.error().ToString();
  auto set = people_->CreateQualification(manager_, {"Arabic dialect", "set", {}, {}, {"Egyptian", "Levantine"}, "", {}});
  ASSERT_TRUE(set);
  EXPECT_EQ(people_->CreateQualification(expert_, {"x", "flag", {}, {}, {}, "", {}}).error().code(),
            base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(people_->CreateQualification(manager_, {"ECG reading", "flag", {}, {}, {}, "", {}}).error().code(),
            base::ErrorCode::kConflict);
  EXPECT_FALSE(people_->GrantQualification(manager_, scale->id, {expert_.user_id, "3", "", {}}));  // no reason
  EXPECT_FALSE(people_->GrantQualification(manager_, scale->id, {expert_.user_id, "9", "Tested.", {}}));
  EXPECT_FALSE(people_->GrantQualification(manager_, set->id, {expert_.user_id, "\"Gulf\"", "Tested.", {}}));
  ASSERT_TRUE(people_->GrantQualification(manager_, scale->id, {"eve@example.com", "3", "Passed the ECG test.", {}}));
  ASSERT_TRUE(people_->GrantQualification(manager_, set->id,
                                          {expert_.user_id, "\"Egyptian\"", "Interview", clock_.NowMicros() + 1000}));
  auto grants = people_->MyGrants(expert_);
  ASSERT_TRUE(grants && grants->size() == 2u);
  clock_.Advance(2000);  // the set grant expired
  grants = people_->MyGrants(expert_);
  ASSERT_TRUE(grants && grants->size() == 1u);
  EXPECT_EQ(grants->front().value_json, "3");
  EXPECT_EQ(grants->front().reason, "Passed the ECG test.");
  ASSERT_TRUE(people_->RevokeQualification(manager_, scale->id, expert_.user_id, "Retested: failed."));
  EXPECT_TRUE(people_->MyGrants(expert_)->empty());
  // She reads what was taken away and why, newest first, beside what she was granted.
  auto mine = people_->MyProfile(expert_);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->grant_history.size(), 3u);
  EXPECT_TRUE(mine->grant_history[0].revoked);
  EXPECT_EQ(mine->grant_history[0].qualification_name, "ECG reading");
  EXPECT_EQ(mine->grant_history[0].reason, "Retested: failed.");
  EXPECT_EQ(mine->grant_history[0].value_json, "3");
  EXPECT_FALSE(mine->grant_history[2].revoked);
  EXPECT_EQ(mine->grant_history[2].reason, "Passed the ECG test.");
  EXPECT_FALSE(people_->RevokeQualification(manager_, scale->id, expert_.user_id, "again"));
}

// A gold rule grants, lowers and revokes as accuracy moves, with reasons, and leaves a person's
// own grant alone.
TEST_P(PeopleTest, GoldAccuracyGrantsAndRevokes) {
  GoldRule rule;
  rule.min_answers = 10;
  rule.threshold = 0.8;
  auto flag = people_->CreateQualification(manager_, {"Reliable", "flag", {}, {}, {}, "", rule});
  auto scale = people_->CreateQualification(manager_, {"Gold accuracy", "scale", 0, 100, {}, "", rule});
  ASSERT_TRUE(flag && scale) << (flag ? scale.error().ToString() : flag.error().ToString());
  auto held = [&](const std::string& id) -> std::optional<std::string> {
    auto grants = people_->MyGrants(expert_);
    for (const Grant& g : grants.value()) {
      if (g.qualification_id == id) return g.value_json;
    }
    return std::nullopt;
  };
  ASSERT_TRUE(people_->ApplyGoldAccuracy(flag->id, expert_.user_id, 9, 9));  // too few answers
  EXPECT_FALSE(held(flag->id));
  ASSERT_TRUE(people_->ApplyGoldAccuracy(flag->id, expert_.user_id, 9, 10));
  ASSERT_TRUE(people_->ApplyGoldAccuracy(scale->id, expert_.user_id, 9, 10));
  EXPECT_EQ(held(flag->id), "true");
  EXPECT_EQ(held(scale->id), "90");
  clock_.Advance(1);
  ASSERT_TRUE(people_->ApplyGoldAccuracy(scale->id, expert_.user_id, 17, 20));
  EXPECT_EQ(held(scale->id), "85");
  clock_.Advance(1);
  ASSERT_TRUE(people_->ApplyGoldAccuracy(flag->id, expert_.user_id, 14, 20));
  ASSERT_TRUE(people_->ApplyGoldAccuracy(scale->id, expert_.user_id, 14, 20));
  EXPECT_FALSE(held(flag->id));
  EXPECT_FALSE(held(scale->id));
  auto rows = db_->Query("SELECT reason FROM qualification_grants WHERE qualification_id = ? ORDER BY granted_at_us, id",
                         {flag->id});
  ASSERT_TRUE(rows && rows->size() == 2u);
  EXPECT_EQ(rows->at(1).Text(0), "Revoked: gold accuracy fell below the threshold: 14 of 20 gold answers right (70%; the threshold is 80%)");
  // The grant history is the database's to keep: neither rewritten nor erased.
  for (const char* sql : {"UPDATE qualification_grants SET reason = 'always held'", "DELETE FROM qualification_grants"}) {
    EXPECT_FALSE(db_->Write([&](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec(sql));
      return base::Ok();
    })) << sql;
  }
  // A manager's own grant is a person's decision: gold accuracy does not take it away.
  clock_.Advance(1);
  ASSERT_TRUE(people_->GrantQualification(manager_, flag->id, {expert_.user_id, {}, "Vouched for by the lead.", {}}));
  clock_.Advance(1);
  ASSERT_TRUE(people_->ApplyGoldAccuracy(flag->id, expert_.user_id, 1, 20));
  EXPECT_EQ(held(flag->id), "true");
}

TEST_P(PeopleTest, ContractsAreVersionedAndAcceptancesCannotChange) {
  auto v1 = people_->CreateContract(manager_, "Expert terms", "# Terms\nYou assign the IP of your work.");
  ASSERT_TRUE(v1.has_value()) << v1.error().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->sha256, base::Sha256Hex("# Terms\nYou assign the IP of your work."));
  // An expert reads a contract only when a project of hers requires it (or she accepted it).
  EXPECT_EQ(people_->GetContract(expert_, v1->id).error().code(), base::ErrorCode::kNotFound);
  EXPECT_EQ(people_->Accept(expert_, v1->id, "1.2.3.4", "test").error().code(), base::ErrorCode::kNotFound);
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO projects (id, name, instructions, template, answer_schema, overlap, lease_seconds, "
                     "created_at_us, updated_at_us, contract_id) VALUES ('p1', 'P', '', '[]', '{}', 1, 60, 1, 1, ?)",
                     {v1->id}));
    ASSAY_TRY(c.Exec("INSERT INTO project_members (project_id, user_id, role, created_at_us) VALUES ('p1', ?, 'expert', 1)",
                     {expert_.user_id}));
    return base::Ok();
  }));
  auto gate = db_->Read([&](storage::Conn& c) { return RequireAcceptance(c, v1->id, expert_.user_id); });
  ASSERT_FALSE(gate);
  EXPECT_EQ(gate.error().code(), base::ErrorCode::kRequirementUnmet);
  EXPECT_NE(gate.error().DetailsJson().find(v1->id), std::string::npos);
  auto first = people_->Accept(expert_, v1->id, "1.2.3.4", "Firefox");
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->acceptance.sha256, v1->sha256);
  auto again = people_->Accept(expert_, v1->id, "9.9.9.9", "curl");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->acceptance.id, first->acceptance.id);
  EXPECT_EQ(again->acceptance.address, "1.2.3.4");  // the first one stands
  EXPECT_TRUE(db_->Read([&](storage::Conn& c) { return RequireAcceptance(c, v1->id, expert_.user_id); }));
  // The database itself refuses to change or delete an acceptance, or a published text.
  for (const char* sql : {"UPDATE contract_acceptances SET address = 'elsewhere'", "DELETE FROM contract_acceptances",
                          "UPDATE contracts SET body = 'other terms'"}) {
    auto st = db_->Write([&](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec(sql));
      return base::Ok();
    });
    EXPECT_FALSE(st.has_value()) << sql;
  }
  auto doc = people_->AcceptanceDocument(expert_, first->acceptance.id);
  ASSERT_TRUE(doc);
  EXPECT_NE(doc->find("Text sha256: " + v1->sha256), std::string::npos);
  EXPECT_NE(doc->find("You assign the IP of your work."), std::string::npos);
  EXPECT_EQ(people_->AcceptanceDocument(Make("x@example.com", Role::kExpert), first->acceptance.id).error().code(),
            base::ErrorCode::kNotFound);
  // A new version is another contract to accept.
  auto v2 = people_->NewContractVersion(manager_, v1->id, "", "# Terms\nYou assign the IP. Confidentiality applies.");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->family_id, v1->id);
  EXPECT_EQ(v2->title, "Expert terms");
  EXPECT_FALSE(db_->Read([&](storage::Conn& c) { return RequireAcceptance(c, v2->id, expert_.user_id); }));
}

TEST_P(PeopleTest, OnlyAnAdminExtendsTheTaxonomy) {
  Caller admin = Make("admin@example.com", Role::kAdmin);
  EXPECT_EQ(people_->AddTaxonomyPath(manager_, "medicine/sports", "Sports medicine").error().code(),
            base::ErrorCode::kPermissionDenied);
  EXPECT_FALSE(people_->AddTaxonomyPath(admin, "astrology/charts", "Charts"));  // no parent
  EXPECT_FALSE(people_->AddTaxonomyPath(admin, "Medicine/Sports", "Sports"));
  EXPECT_EQ(people_->AddTaxonomyPath(admin, "medicine", "Medicine").error().code(), base::ErrorCode::kConflict);
  ASSERT_TRUE(people_->AddTaxonomyPath(admin, "medicine/sports", "Sports medicine"));
  ProfileFields f = Fields();
  f.domains = {"medicine/sports"};
  EXPECT_TRUE(people_->UpdateMyProfile(expert_, f));
}

}  // namespace
}  // namespace people
