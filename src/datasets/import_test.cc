#include "datasets/import.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/json.h"
#include "work/work_testing.h"

namespace datasets {
namespace {

using json = nlohmann::json;
using work::testing::ItemLine;

// A source that hands out its text, then fails: a client that went away mid-upload.
class BrokenSource final : public ByteSource {
 public:
  BrokenSource(std::string text, std::function<void()> before_failing)
      : text_(std::move(text)), before_failing_(std::move(before_failing)) {}
  base::Result<size_t> Read(char* buf, size_t capacity) override {
    if (at_ == text_.size()) {
      before_failing_();
      return base::Error(base::ErrorCode::kUnavailable, "the client went away");
    }
    const size_t n = std::min(capacity, text_.size() - at_);
    std::copy_n(text_.data() + at_, n, buf);
    at_ += n;
    return n;
  }

 private:
  std::string text_;
  std::function<void()> before_failing_;
  size_t at_ = 0;
};

class ImportTest : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    importer_ = std::make_unique<Importer>(*db_, clock_, ids_, ImporterOptions{.batch_items = 100});
  }
  void TearDown() override {
    importer_.reset();
    WorkFixture::TearDown();
  }
  std::string Project(const std::string& template_json) {
    work::ProjectFields f;
    f.name = "Import";
    f.template_json = template_json;
    auto p = svc_->CreateProject(manager_, f);
    EXPECT_TRUE(p.has_value()) << p.error().ToString();
    return p->id;
  }
  base::Result<ImportOutcome> Import(const std::string& project, const std::string& text, Format format,
                                     CsvMapping mapping = {}) {
    StringSource source(text, 97);  // small reads: records cross them
    return importer_->Import(manager_, project, source, {format, std::move(mapping)});
  }
  int64_t Visible(const std::string& project) {
    auto items = svc_->ListItems(manager_, project, 500, "");
    EXPECT_TRUE(items.has_value());
    return items ? static_cast<int64_t>(items->items.size()) : -1;
  }
  std::unique_ptr<Importer> importer_;
};
ASSAY_INSTANTIATE_WORK_FIXTURE(ImportTest);

TEST_P(ImportTest, JsonlImportsInBatchesWithBadLinesByNumber) {
  std::string project = Project(work::testing::kPairwiseTemplate);
  std::string body;
  for (int i = 0; i < 250; ++i) body += ItemLine(i) + "\n";
  body += "{broken\n" + ItemLine(3) + "\n" + R"({"data":{"responses":["a","b"]}})" + "\n";
  auto r = Import(project, body, Format::kJsonl);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 250);
  EXPECT_EQ(r->skipped, 1);  // ext-3 twice
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].line, 251);
  EXPECT_EQ(r->errors[1].line, 253);
  EXPECT_NE(r->errors[1].message.find("data.prompt"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ?", {project}), 250);
  auto jobs = importer_->ListImports(manager_, project);
  ASSERT_TRUE(jobs.has_value());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, "done");
  EXPECT_EQ((*jobs)[0].imported, 250);
  EXPECT_EQ((*jobs)[0].error_count, 2);
  EXPECT_EQ(json::parse((*jobs)[0].errors_json).size(), 2u);
}

TEST_P(ImportTest, AFailedImportLeavesNothingAndWasNeverVisible) {
  work::Caller expert = MakeCaller("e@x.org", work::Role::kExpert);
  std::string project = Project(work::testing::kPairwiseTemplate);
  ASSERT_TRUE(svc_->AddMember(work::Caller::System(), project, expert.user_id, "expert"));
  std::string body;
  for (int i = 0; i < 450; ++i) body += ItemLine(i) + "\n";
  int64_t written_before_failure = -1, visible_before_failure = -1;
  bool leased_before_failure = true;
  BrokenSource source(body, [&] {
    // Four batches are in the database by now, yet nobody sees or gets them.
    written_before_failure = Count("SELECT count(*) FROM items WHERE project_id = ?", {project});
    visible_before_failure = Visible(project);
    auto lease = svc_->AcquireLease(expert, project);
    leased_before_failure = !lease || lease->has_value();
  });
  auto r = importer_->Import(manager_, project, source, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnavailable);
  EXPECT_GE(written_before_failure, 400);
  EXPECT_EQ(visible_before_failure, 0);
  EXPECT_FALSE(leased_before_failure);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ?", {project}), 0);
  auto jobs = importer_->ListImports(manager_, project);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, "failed");
  EXPECT_NE((*jobs)[0].failure->find("went away"), std::string::npos);
  // The project takes the next import as if nothing had happened.
  auto again = Import(project, ItemLine(1) + "\n", Format::kJsonl);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->imported, 1);
  EXPECT_EQ(Visible(project), 1);
}

TEST_P(ImportTest, AnArrayCutShortImportsNothing) {
  std::string project = Project(work::testing::kPairwiseTemplate);
  std::string body = "[";
  for (int i = 0; i < 300; ++i) body += ItemLine(i) + ",";
  body += R"({"id":"last","data":{"prompt":)";
  auto r = Import(project, body, Format::kJsonl);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("ends"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ?", {project}), 0);
}

TEST_P(ImportTest, OneImportAtATimeAndADeadOneIsCleanedUp) {
  std::string project = Project(work::testing::kPairwiseTemplate);
  std::string body;
  for (int i = 0; i < 150; ++i) body += ItemLine(i) + "\n";
  std::optional<base::Result<ImportOutcome>> second;
  BrokenSource source(body, [&] {
    second = Import(project, ItemLine(999) + "\n", Format::kJsonl);
  });
  ASSERT_FALSE(importer_->Import(manager_, project, source, {}).has_value());
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(second->has_value());
  EXPECT_EQ(second->error().code(), base::ErrorCode::kConflict);

  // A process that died mid-import leaves a running job and invisible items behind.
  std::string job = ids_.Next();
  const int64_t now = clock_.NowMicros();
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO import_jobs (id, project_id, format, state, first_seq, started_at_us, "
                     "heartbeat_at_us) VALUES (?, ?, 'jsonl', 'running', 0, ?, ?)", {job, project, now, now}));
    return c.Exec("INSERT INTO items (id, project_id, external_id, seq, data, created_at_us) VALUES (?, ?, 'ghost', 5, "
                  "'{\"prompt\":\"p\",\"responses\":[\"a\",\"b\"]}', ?)", {ids_.Next(), project, now})
               ? base::Ok() : base::Error::Internal("insert");
  }));
  EXPECT_EQ(Import(project, ItemLine(1) + "\n", Format::kJsonl).error().code(), base::ErrorCode::kConflict);
  clock_.Advance(6 * 60 * base::kMicrosPerSecond);  // its heartbeat is now five minutes old
  auto r = Import(project, ItemLine(1) + "\n", Format::kJsonl);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM items WHERE project_id = ? AND external_id = 'ghost'", {project}), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM import_jobs WHERE id = ? AND state = 'failed'", {job}), 1);
}

TEST_P(ImportTest, OnlyTheProjectsManagersImportAndARefusalReadsNothing) {
  std::string project = Project(work::testing::kPairwiseTemplate);
  work::Caller expert = MakeCaller("e@x.org", work::Role::kExpert);
  ASSERT_TRUE(svc_->AddMember(work::Caller::System(), project, expert.user_id, "expert"));
  work::Caller stranger = MakeCaller("m2@x.org", work::Role::kManager);
  for (const work::Caller& who : {expert, stranger}) {
    bool read = false;
    BrokenSource source(ItemLine(1), [&] { read = true; });
    auto r = importer_->Import(who, project, source, {});
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().code() == base::ErrorCode::kNotFound || r.error().code() == base::ErrorCode::kPermissionDenied);
    EXPECT_FALSE(read);
  }
}

TEST_P(ImportTest, PromptOnlyItemsWaitForResponsesAndAreNotLeased) {
  work::Caller expert = MakeCaller("e@x.org", work::Role::kExpert);
  std::string project = Project(work::testing::kPairwiseTemplate);
  ASSERT_TRUE(svc_->AddMember(work::Caller::System(), project, expert.user_id, "expert"));
  auto r = Import(project, R"({"id":"p1","prompt":"Why is the sky blue?"})" "\n"
                           R"({"id":"p2","prompt":"Two?","responses":["one"]})" "\n",
                  Format::kResponses);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 2);
  EXPECT_EQ(r->awaiting_responses, 2);
  auto lease = svc_->AcquireLease(expert, project);
  ASSERT_TRUE(lease.has_value());
  EXPECT_FALSE(lease->has_value());
  auto progress = svc_->GetProgress(manager_, project);
  EXPECT_EQ(progress->awaiting_responses, 2);
  // Without a prompt there is nothing to generate from: refused, by line.
  auto bad = Import(project, R"({"id":"x","data":{"topic":"t"}})" "\n", Format::kJsonl);
  ASSERT_EQ(bad->errors.size(), 1u);
  EXPECT_NE(bad->errors[0].message.find("data.prompt"), std::string::npos);
}

TEST_P(ImportTest, CsvWithAMappingImportsNestedItems) {
  std::string project = Project(work::testing::kPairwiseTemplate);
  auto mapping = CsvMapping::FromJson(R"({"q":"prompt","a":"responses.0","b":"responses.1"})");
  ASSERT_TRUE(mapping.has_value());
  auto r = Import(project, "id,q,a,b\nc1,\"Is it, really?\",yes,no\nc2,Second,x,\n", Format::kCsv, *mapping);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 2);
  EXPECT_EQ(r->awaiting_responses, 1);  // c2 has one response: the other may be generated
  auto items = svc_->ListItems(manager_, project, 10, "");
  ASSERT_EQ(items->items.size(), 2u);
  EXPECT_EQ(json::parse(items->items[0].data_json),
            json::parse(R"({"prompt":"Is it, really?","responses":["yes","no"]})"));
}

TEST_P(ImportTest, LabelStudioAnnotationsAndPredictionsAreKeptAsPriorLabels) {
  std::string project = Project(R"([{"type":"text","source":"my_text"},
      {"type":"choice","name":"sentiment_class","options":["Positive","Neutral","Negative"]}])");
  auto text = base::ReadFile(std::string(ASSAY_DATASETS_TESTDATA) + "/labelstudio/text_classification.json");
  ASSERT_TRUE(text.has_value());
  json tasks = json::parse(*text);
  tasks[0]["id"] = 41;  // an id makes the task the same item when it comes again
  *text = base::Dump(tasks);
  auto r = Import(project, *text, Format::kLabelStudio);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->imported, 1);
  EXPECT_EQ(r->prior_labels, 2);
  auto rows = db_->Query("SELECT kind, answer, score FROM prior_labels WHERE project_id = ? ORDER BY kind", {project});
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "annotation");
  EXPECT_EQ(json::parse((*rows)[0].Text(1)), json({{"sentiment_class", "Positive"}}));
  EXPECT_EQ((*rows)[1].Text(0), "prediction");
  EXPECT_EQ(json::parse((*rows)[1].Text(1)), json({{"sentiment_class", "Neutral"}}));
  EXPECT_DOUBLE_EQ((*rows)[1].Double(2), 0.95);
  // The same file again: the item is there, its labels too — nothing doubles.
  auto again = Import(project, *text, Format::kLabelStudio);
  EXPECT_EQ(again->skipped, 1);
  EXPECT_EQ(again->prior_labels, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM prior_labels WHERE project_id = ?", {project}), 2);
}

TEST_P(ImportTest, EveryDocumentedLabelStudioFileImports) {
  std::string project = Project(R"([{"type":"textarea","name":"note","required":false}])");
  int expected = 0;
  for (auto [file, items] : {std::pair<const char*, int>{"multiple_tasks.json", 3}, {"text_classification.json", 1},
                             {"prediction_task.json", 1}, {"no_data_key.json", 1}, {"exported_task.json", 1}}) {
    auto text = base::ReadFile(std::string(ASSAY_DATASETS_TESTDATA) + "/labelstudio/" + file);
    ASSERT_TRUE(text.has_value()) << file;
    auto r = Import(project, *text, Format::kLabelStudio);
    ASSERT_TRUE(r.has_value()) << file << ": " << r.error().ToString();
    EXPECT_EQ(r->error_count, 0) << file;
    EXPECT_EQ(r->imported + r->skipped, items) << file;
    expected += static_cast<int>(r->imported);
  }
  EXPECT_EQ(Visible(project), expected);
  // Six labels from the files that have them: 2 (text), 1 (prediction task), 3 (exported, onto task "1").
  EXPECT_EQ(Count("SELECT count(*) FROM prior_labels WHERE project_id = ?", {project}), 6);
}

}  // namespace
}  // namespace datasets
