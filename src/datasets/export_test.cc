#include "datasets/export.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "base/json.h"
#include "datasets/import.h"
#include "work/work_testing.h"

namespace datasets {
namespace {

using json = nlohmann::json;

constexpr const char* kRewriteTemplate =
    R"([{"type":"markdown","source":"prompt"},{"type":"rewrite","name":"better","source":"draft"},
        {"type":"chat_author","name":"dialogue","required":false}])";

class ExportTest : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    exporter_ = std::make_unique<Exporter>(*db_, clock_, ids_);
    importer_ = std::make_unique<Importer>(*db_, clock_, ids_);
    for (int i = 0; i < 3; ++i) experts_.push_back(MakeCaller("e" + std::to_string(i) + "@x.org", work::Role::kExpert));
  }
  void TearDown() override {
    exporter_.reset();
    importer_.reset();
    WorkFixture::TearDown();
  }
  std::string Project(const std::string& template_json, const std::string& items, int64_t overlap = 3) {
    work::ProjectFields f;
    f.name = "Ärzte: Q&A / v2";
    f.template_json = template_json;
    f.overlap = overlap;
    auto p = svc_->CreateProject(manager_, f);
    EXPECT_TRUE(p.has_value()) << p.error().ToString();
    auto r = svc_->ImportItems(manager_, p->id, items);
    EXPECT_TRUE(r.has_value() && r->error_count == 0);
    for (const work::Caller& e : experts_) EXPECT_TRUE(svc_->AddMember(work::Caller::System(), p->id, e.user_id, "expert"));
    return p->id;
  }
  // Expert `e` answers the next item she is given; returns the submission id.
  std::string Answer(size_t e, const std::string& project, const std::string& answer) {
    auto lease = svc_->AcquireLease(experts_[e], project);
    EXPECT_TRUE(lease.has_value() && lease->has_value());
    auto s = svc_->Submit(experts_[e], {(*lease)->assignment_id, (*lease)->lease_token, "c" + std::to_string(++n_), answer, 2000});
    EXPECT_TRUE(s.has_value()) << s.error().ToString();
    return s->submission.id;
  }
  struct Out {
    std::string text;
    ExportManifest manifest;
  };
  Out Run(const std::string& project, ExportFormat format, ExportOptions options = {}) {
    options.format = format;
    auto e = exporter_->Open(manager_, project, options);
    EXPECT_TRUE(e.has_value()) << e.error().ToString();
    Out out;
    auto m = e->Stream([&](std::string_view t) -> base::Status {
      out.text += t;
      return base::Ok();
    });
    EXPECT_TRUE(m.has_value()) << m.error().ToString();
    if (m) out.manifest = *m;
    return out;
  }
  static std::vector<json> Lines(const std::string& text) {
    std::vector<json> out;
    size_t at = 0;
    for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) out.push_back(json::parse(text.substr(at, nl - at)));
    return out;
  }
  std::unique_ptr<Exporter> exporter_;
  std::unique_ptr<Importer> importer_;
  std::vector<work::Caller> experts_;
  int n_ = 0;
};

// TRL's preference type (huggingface.co/docs/trl/dataset_formats): standard
// {"prompt": str, "chosen": str, "rejected": str}; conversational: prompt a list of
// {"role", "content"} messages, chosen and rejected lists of assistant messages.
void ExpectTrlPreference(const json& r, bool conversational) {
  for (const char* k : {"prompt", "chosen", "rejected"}) ASSERT_TRUE(r.contains(k)) << k;
  if (!conversational) {
    for (const char* k : {"prompt", "chosen", "rejected"}) EXPECT_TRUE(r[k].is_string()) << k;
    return;
  }
  for (const char* k : {"prompt", "chosen", "rejected"}) {
    ASSERT_TRUE(r[k].is_array()) << k;
    for (const json& m : r[k]) {
      ASSERT_TRUE(m.is_object());
      EXPECT_TRUE(m["role"].is_string() && m["content"].is_string()) << m;
    }
  }
  EXPECT_EQ(r["chosen"].size(), 1u);
  EXPECT_EQ(r["chosen"][0]["role"], "assistant");
  EXPECT_EQ(r["rejected"][0]["role"], "assistant");
}

TEST_P(ExportTest, DpoPairsFollowTheMajorityWithVotesMarginAndPseudonyms) {
  std::string project = Project(work::testing::kPairwiseTemplate,
                                work::testing::ItemLine(0) + "\n" + work::testing::ItemLine(1) + "\n");
  // Item 0: a, a, b → A chosen over B. Item 1: a, b, tie → no majority, no pair.
  for (auto [e, a0, a1] : {std::tuple{0, "a", "a"}, {1, "a", "b"}, {2, "b", "tie"}}) {
    Answer(e, project, std::string(R"({"preference":{"choice":")") + a0 + "\"}}");
    Answer(e, project, std::string(R"({"preference":{"choice":")") + a1 + "\"}}");
  }
  Out out = Run(project, ExportFormat::kDpo);
  std::vector<json> lines = Lines(out.text);
  ASSERT_EQ(lines.size(), 1u) << out.text;
  const json& r = lines[0];
  ExpectTrlPreference(r, false);
  EXPECT_EQ(r["prompt"], "Question 0");
  EXPECT_EQ(r["chosen"], "answer A");
  EXPECT_EQ(r["rejected"], "answer B");
  EXPECT_EQ(r["votes"], json({{"chosen", 2}, {"rejected", 1}, {"tie", 0}}));
  EXPECT_DOUBLE_EQ(r["agreement"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(r["margin"].get<double>(), 1.0 / 3);
  EXPECT_EQ(r["provenance"]["external_id"], "ext-0");
  ASSERT_EQ(r["provenance"]["experts"].size(), 3u);
  for (const json& who : r["provenance"]["experts"]) {
    EXPECT_TRUE(std::regex_match(who.get<std::string>(), std::regex("expert-[0-9a-f]{8}"))) << who;
  }
  EXPECT_EQ(out.manifest.items, 2);
  EXPECT_EQ(out.manifest.records, 1);
  EXPECT_EQ(out.manifest.skipped_items, 1);
  EXPECT_EQ(out.manifest.experts, "pseudonym");
  EXPECT_EQ(out.manifest.file_name, "Ärzte-Q-A-v2-dpo-2026-01-01.jsonl");

  // The project may name experts by id instead.
  work::ProjectFields patch;
  patch.export_experts = "id";
  ASSERT_TRUE(svc_->UpdateProject(manager_, project, patch).has_value());
  json again = Lines(Run(project, ExportFormat::kDpo).text).at(0);
  std::set<std::string> ids;
  for (const json& who : again["provenance"]["experts"]) ids.insert(who.get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{experts_[0].user_id, experts_[1].user_id, experts_[2].user_id}));
}

TEST_P(ExportTest, DpoFromRankingsAndConversationsUsesTheConversationalForm) {
  std::string items =
      R"({"id":"r1","data":{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Capital of France?"}],)"
      R"("responses":[{"id":"x","content":"Paris."},{"id":"y","content":"Lyon."},{"id":"z","content":"I think Paris, maybe."}]}})" "\n";
  std::string project = Project(R"([{"type":"chat","source":"messages"},{"type":"ranking","name":"order","source":"responses"}])",
                                items);
  Answer(0, project, R"({"order":["x","z","y"]})");
  Answer(1, project, R"({"order":["x","y","z"]})");
  Answer(2, project, R"({"order":["z","x","y"]})");
  std::vector<json> best_worst = Lines(Run(project, ExportFormat::kDpo).text);
  ASSERT_EQ(best_worst.size(), 1u);
  ExpectTrlPreference(best_worst[0], true);
  EXPECT_EQ(best_worst[0]["prompt"].size(), 2u);  // the system message is kept
  EXPECT_EQ(best_worst[0]["chosen"][0]["content"], "Paris.");
  EXPECT_EQ(best_worst[0]["rejected"][0]["content"], "Lyon.");
  EXPECT_EQ(best_worst[0]["votes"]["chosen"], 3);
  ExportOptions all;
  all.all_pairs = true;
  std::vector<json> pairs = Lines(Run(project, ExportFormat::kDpo, all).text);
  ASSERT_EQ(pairs.size(), 3u);  // x>z (2:1), x>y (3:0), z>y (2:1)
  std::set<std::pair<std::string, std::string>> got;
  for (const json& p : pairs) got.emplace(p["chosen_id"].get<std::string>(), p["rejected_id"].get<std::string>());
  EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"x", "z"}, {"x", "y"}, {"z", "y"}}));
}

TEST_P(ExportTest, SftAndOpenaiCarryRewritesAndAuthoredChatsNotRejectedOnes) {
  const std::string tools =
      R"([{"type":"function","function":{"name":"lookup","description":"Find a drug","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}])";
  std::string project =
      Project(kRewriteTemplate, R"({"id":"s1","data":{"system":"You are a pharmacist.","prompt":"Dose of X?","draft":"Take some.","tools":)" +
                                    tools + "}}\n");
  Answer(0, project, R"({"better":"Take 5 mg twice a day.","dialogue":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]})");
  const std::string rejected = Answer(1, project, R"({"better":"Whatever."})");
  ASSERT_TRUE(svc_->ReviewSubmission(manager_, rejected, "reject", "This rewrite does not answer the question.").has_value());

  std::vector<json> sft = Lines(Run(project, ExportFormat::kSft).text);
  ASSERT_EQ(sft.size(), 2u);  // the rewrite and the authored chat of expert 0
  EXPECT_EQ(sft[0]["messages"], json::parse(R"([{"role":"system","content":"You are a pharmacist."},
      {"role":"user","content":"Dose of X?"},{"role":"assistant","content":"Take 5 mg twice a day."}])"));
  EXPECT_EQ(sft[0]["provenance"]["field"], "better");
  EXPECT_EQ(sft[1]["messages"].size(), 3u);  // system, then the authored turns
  EXPECT_EQ(sft[1]["messages"][2]["content"], "Hello.");

  // OpenAI's chat fine-tuning lines: exactly messages (+ tools), each message a role it knows
  // with string content; tools as the chat completions API takes them.
  std::vector<json> openai = Lines(Run(project, ExportFormat::kOpenai).text);
  ASSERT_EQ(openai.size(), 2u);
  for (const json& line : openai) {
    std::set<std::string> keys;
    for (auto& [k, v] : line.items()) keys.insert(k);
    EXPECT_EQ(keys, (std::set<std::string>{"messages", "tools"}));
    for (const json& m : line["messages"]) {
      EXPECT_TRUE(m["role"] == "system" || m["role"] == "user" || m["role"] == "assistant") << m;
      EXPECT_TRUE(m["content"].is_string());
    }
    EXPECT_EQ(line["messages"].back()["role"], "assistant");
    EXPECT_EQ(line["tools"], json::parse(tools));
  }
}

// Import → export → import into a fresh project gives the same items and the same answers
// (as prior labels), for JSONL, CSV and Label Studio.
TEST_P(ExportTest, RoundTripsKeepItemsAndAnswers) {
  std::string source = Project(work::testing::kPairwiseTemplate,
                               work::testing::ItemLine(0) + "\n" + work::testing::ItemLine(1) + "\n" +
                                   R"({"data":{"prompt":"No id, \"quoted\", two\nlines","responses":["x","y"]}})" "\n");
  std::multiset<std::string> answers;
  for (size_t e = 0; e < 3; ++e) {
    for (int i = 0; i < 3; ++i) {
      std::string a = R"({"preference":{"choice":")" + std::string(e == 1 ? "b" : "a") + R"(","strength":)" +
                      std::to_string(i + 1) + R"(},"why":"because, \"really\"\nx"})";
      Answer(e, source, a);
      answers.insert(json::parse(a).dump());
    }
  }
  auto items_of = [&](const std::string& project) {
    std::map<std::string, json> out;
    auto rows = db_->Query("SELECT external_id, data, id FROM items WHERE project_id = ? ORDER BY seq", {project});
    for (const auto& r : *rows) out[r.IsNull(0) ? r.Text(2) : r.Text(0)] = json::parse(r.Text(1));
    return out;
  };
  const std::map<std::string, json> original = items_of(source);
  for (auto [format, import_format] : {std::pair{ExportFormat::kJsonl, Format::kJsonl}, {ExportFormat::kCsv, Format::kCsv},
                                       {ExportFormat::kLabelStudio, Format::kLabelStudio}}) {
    SCOPED_TRACE(std::string(ExportFormatName(format)));
    Out out = Run(source, format);
    std::string target = Project(work::testing::kPairwiseTemplate, "");
    StringSource body(out.text, 101);
    auto r = importer_->Import(manager_, target, body, {import_format, {}});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r->error_count, 0) << (r->errors.empty() ? "" : r->errors[0].message);
    EXPECT_EQ(r->imported, 3);
    EXPECT_EQ(r->prior_labels, 9);
    std::map<std::string, json> copied = items_of(target);
    ASSERT_EQ(copied.size(), 3u);
    for (const auto& [key, data] : original) {
      if (key.rfind("ext-", 0) == 0) {
        EXPECT_EQ(copied[key], data) << key;  // by external id
      }
    }
    std::multiset<std::string> before, after;  // and every item's data, the one without an id too
    for (const auto& [key, data] : original) before.insert(data.dump());
    for (const auto& [key, data] : copied) after.insert(data.dump());
    EXPECT_EQ(after, before);
    std::multiset<std::string> got;
    auto rows = db_->Query("SELECT answer FROM prior_labels WHERE project_id = ?", {target});
    for (const auto& row : *rows) got.insert(json::parse(row.Text(0)).dump());
    EXPECT_EQ(got, answers);
  }
}

TEST_P(ExportTest, OnlyManagersExportAndUnfinishedImportsAreNotInIt) {
  std::string project = Project(work::testing::kPairwiseTemplate, work::testing::ItemLine(0) + "\n");
  auto refused = exporter_->Open(experts_[0], project, {.format = ExportFormat::kCsv});
  ASSERT_FALSE(refused.has_value());
  auto stranger = MakeCaller("stranger@x.org", work::Role::kManager);
  auto hidden = exporter_->Open(stranger, project, {.format = ExportFormat::kCsv});
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code(), base::ErrorCode::kNotFound);
  // An import still running: its items are written but not visible, so not exported.
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO items (id, project_id, seq, external_id, data, created_at_us) VALUES ('late', ?, 99, 'late', '{}', 1)", {project}));
    return base::Ok();
  }).has_value());
  Out out = Run(project, ExportFormat::kCsv);
  EXPECT_EQ(out.text.find("late"), std::string::npos) << out.text;
  EXPECT_EQ(out.manifest.items, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM exports WHERE project_id = ?", {project}), 1);
  auto manifest = db_->Query("SELECT manifest FROM exports WHERE project_id = ?", {project});
  json m = json::parse((*manifest)[0].Text(0));
  EXPECT_EQ(m["format"], "csv");
  EXPECT_EQ(m["counts"]["items"], 1);
  EXPECT_EQ(m["created_by"], manager_.user_id);
}

INSTANTIATE_TEST_SUITE_P(Drivers, ExportTest, ASSAY_BOTH_DIALECTS);

}  // namespace
}  // namespace datasets
