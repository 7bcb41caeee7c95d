#include "datasets/records.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"

namespace datasets {
namespace {

using json = nlohmann::json;

struct Read {
  std::vector<Record> records;
  std::vector<std::pair<int64_t, std::string>> errors;
  base::Status finished = base::Ok();
};

// Feeds `text` in chunks of `chunk` bytes (every split point a reader must survive).
Read ReadAll(const ReaderOptions& options, std::string_view text, size_t chunk = 1 << 20) {
  Read out;
  auto reader = RecordReader::Make(options);
  EXPECT_TRUE(reader.has_value()) << reader.error().ToString();
  ParsedFn on = [&](Parsed p) {
    if (p.record) out.records.push_back(std::move(*p.record));
    else out.errors.emplace_back(p.line, p.error);
  };
  for (size_t at = 0; at < text.size(); at += chunk) {
    out.finished = (*reader)->Feed(text.substr(at, chunk), on);
    if (!out.finished) return out;  // a header that cannot be read ends the file at once
  }
  out.finished = (*reader)->Finish(on);
  return out;
}

std::string Testdata(const std::string& name) {
  auto text = base::ReadFile(std::string(ASSAY_DATASETS_TESTDATA) + "/" + name);
  EXPECT_TRUE(text.has_value()) << name;
  return text ? *text : "";
}

TEST(RecordsTest, JsonlLinesAreRecordsAndBadLinesAreNamedByNumberWhateverTheChunks) {
  const std::string text =
      "{\"id\":\"a\",\"data\":{\"prompt\":\"p1\"}}\r\n"  // 1, CRLF
      "\n"                                              // 2 blank
      "{not json}\n"                                    // 3
      "{\"id\":7,\"data\":{\"prompt\":\"p2\"},\"gold\":{\"x\":1}}\n"  // 4
      "{\"data\":{\"prompt\":\"no newline at the end\"}}";  // 5
  for (size_t chunk : {1, 2, 3, 7, 64, 4096}) {
    Read r = ReadAll({Format::kJsonl, {}}, text, chunk);
    ASSERT_TRUE(r.finished.has_value()) << chunk;
    ASSERT_EQ(r.records.size(), 3u) << chunk;
    EXPECT_EQ(r.records[0].external_id, "a");
    EXPECT_EQ(r.records[0].line, 1);
    EXPECT_EQ(r.records[1].external_id, "7");
    EXPECT_EQ(r.records[1].line, 4);
    EXPECT_EQ(r.records[1].gold_json, R"({"x":1})");
    EXPECT_EQ(r.records[2].line, 5);
    EXPECT_FALSE(r.records[2].external_id.has_value());
    ASSERT_EQ(r.errors.size(), 1u) << chunk;
    EXPECT_EQ(r.errors[0].first, 3);
  }
}

TEST(RecordsTest, AJsonArrayIsReadElementByElementAcrossChunks) {
  const std::string text = "  [\n {\"id\":\"a\",\"data\":{\"t\":\"x, ] y\"}},\n 7,\n {\"id\":\"b\",\"data\":{\"t\":\"\\\"q\\\"\"}}\n]\n";
  for (size_t chunk : {1, 5, 100}) {
    Read r = ReadAll({Format::kJsonl, {}}, text, chunk);
    ASSERT_TRUE(r.finished.has_value()) << r.finished.error().ToString();
    ASSERT_EQ(r.records.size(), 2u) << chunk;
    EXPECT_EQ(json::parse(r.records[0].data_json)["t"], "x, ] y");
    EXPECT_EQ(json::parse(r.records[1].data_json)["t"], "\"q\"");
    EXPECT_EQ(r.records[1].line, 4);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].first, 3);  // the 7 is not an item
  }
}

TEST(RecordsTest, AFileCutShortFailsInsteadOfImportingHalf) {
  Read array = ReadAll({Format::kJsonl, {}}, R"([{"data":{"a":1}}, {"data":{"a":)");
  EXPECT_FALSE(array.finished.has_value());
  Read open = ReadAll({Format::kJsonl, {}}, R"([{"data":{"a":1}})");
  EXPECT_FALSE(open.finished.has_value());
  Read csv = ReadAll({Format::kCsv, {}}, "prompt\n\"never closed\n");
  EXPECT_FALSE(csv.finished.has_value());
}

TEST(RecordsTest, ARecordOverTheLimitIsAnErrorNotAnAllocation) {
  std::string big = "{\"data\":{\"t\":\"" + std::string(kMaxRecordBytes + 10, 'x') + "\"}}\n{\"data\":{}}\n";
  Read r = ReadAll({Format::kJsonl, {}}, big, 65536);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].first, 1);
  EXPECT_NE(r.errors[0].second.find("MiB"), std::string::npos);
  EXPECT_EQ(r.records.size(), 1u);
}

TEST(RecordsTest, CsvWithAMappingBuildsNestedDataAndKeepsQuotedNewlines) {
  auto mapping = CsvMapping::FromJson(
      R"({"question":"prompt","a":"responses.0.content","b":"responses.1.content","model_a":"responses.0.model",
          "weight":"meta.weight:number","tags":"meta.tags:json","note":""})");
  ASSERT_TRUE(mapping.has_value()) << mapping.error().ToString();
  const std::string text =
      "\xEF\xBB\xBFid,question,a,b,model_a,weight,tags,note\r\n"
      "q1,\"Is it \"\"safe\"\"?\",\"Yes,\nmostly\",No,gpt,2.5,\"[1,2]\",ignored\r\n"
      "q2,Short,x,y,,,,\n"
      "q3,Too few fields\n"
      "q4,Bad,x,y,m,heavy,,\n";
  for (size_t chunk : {1, 3, 4096}) {
    Read r = ReadAll({Format::kCsv, *mapping}, text, chunk);
    ASSERT_TRUE(r.finished.has_value()) << r.finished.error().ToString();
    ASSERT_EQ(r.records.size(), 2u) << chunk;
    json d = json::parse(r.records[0].data_json);
    EXPECT_EQ(r.records[0].external_id, "q1");
    EXPECT_EQ(d["prompt"], "Is it \"safe\"?");
    EXPECT_EQ(d["responses"][0]["content"], "Yes,\nmostly");
    EXPECT_EQ(d["responses"][0]["model"], "gpt");
    EXPECT_EQ(d["responses"][1]["content"], "No");
    EXPECT_EQ(d["meta"]["weight"], 2.5);
    EXPECT_EQ(d["meta"]["tags"], json::array({1, 2}));
    EXPECT_FALSE(d.contains("note"));
    EXPECT_EQ(r.records[1].line, 4);  // the quoted newline counts
    EXPECT_FALSE(json::parse(r.records[1].data_json)["responses"][0].contains("model"));  // empty cell: unset
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].first, 5);
    EXPECT_NE(r.errors[0].second.find("fields"), std::string::npos);
    EXPECT_EQ(r.errors[1].first, 6);
    EXPECT_NE(r.errors[1].second.find("weight"), std::string::npos);
  }
}

TEST(RecordsTest, CsvMappingNamingAMissingColumnIsRefused) {
  auto mapping = CsvMapping::FromJson(R"({"nope":"prompt"})");
  ASSERT_TRUE(mapping.has_value());
  Read r = ReadAll({Format::kCsv, *mapping}, "prompt\nx\n");
  EXPECT_FALSE(r.finished.has_value());
  EXPECT_FALSE(CsvMapping::FromJson(R"({"a":"data..x"})").has_value());
  EXPECT_FALSE(CsvMapping::FromJson(R"(["a"])").has_value());
}

TEST(RecordsTest, CsvOfAnAssayExportKeepsTheAnswersAsPriorLabels) {
  const std::string text =
      "item_id,external_id,data,gold,kind,expert,state,submitted_at,answer,answer.preference\n"
      "i1,q1,\"{\"\"prompt\"\":\"\"p\"\"}\",,submission,expert-1a2b3c4d,approved,2026-01-01T00:00:00.000Z,"
      "\"{\"\"preference\"\":{\"\"choice\"\":\"\"a\"\"}}\",a\n";
  Read r = ReadAll({Format::kCsv, {}}, text);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].external_id, "q1");
  EXPECT_EQ(json::parse(r.records[0].data_json), json({{"prompt", "p"}}));
  ASSERT_EQ(r.records[0].priors.size(), 1u);
  EXPECT_EQ(r.records[0].priors[0].source, "expert-1a2b3c4d");
  EXPECT_EQ(json::parse(*r.records[0].priors[0].answer_json), json::parse(R"({"preference":{"choice":"a"}})"));
}

TEST(RecordsTest, LabelStudioDocumentedFilesRead) {
  Read multiple = ReadAll({Format::kLabelStudio, {}}, Testdata("labelstudio/multiple_tasks.json"), 17);
  ASSERT_TRUE(multiple.finished.has_value());
  ASSERT_EQ(multiple.records.size(), 3u);
  EXPECT_EQ(multiple.records[2].external_id, "3");
  EXPECT_EQ(json::parse(multiple.records[1].data_json)["my_text"], "Opossums are opportunistic.");

  Read text = ReadAll({Format::kLabelStudio, {}}, Testdata("labelstudio/text_classification.json"));
  ASSERT_EQ(text.records.size(), 1u);
  const Record& t = text.records[0];
  EXPECT_EQ(json::parse(t.data_json)["meta_info"]["location"], "North Pole");
  ASSERT_EQ(t.priors.size(), 2u);
  EXPECT_EQ(t.priors[0].kind, "annotation");
  EXPECT_EQ(json::parse(t.priors[0].raw_json)["result"][0]["value"]["choices"][0], "Positive");
  EXPECT_EQ(t.priors[1].kind, "prediction");
  EXPECT_EQ(t.priors[1].score, 0.95);

  Read one = ReadAll({Format::kLabelStudio, {}}, Testdata("labelstudio/prediction_task.json"), 9);
  ASSERT_TRUE(one.finished.has_value()) << one.finished.error().ToString();
  ASSERT_EQ(one.records.size(), 1u);
  ASSERT_EQ(one.records[0].priors.size(), 1u);
  EXPECT_EQ(json::parse(one.records[0].priors[0].raw_json)["result"].size(), 2u);

  Read bare = ReadAll({Format::kLabelStudio, {}}, Testdata("labelstudio/no_data_key.json"));
  ASSERT_EQ(bare.records.size(), 1u);
  EXPECT_EQ(json::parse(bare.records[0].data_json), json({{"text", "My awesome opossum"}}));

  Read exported = ReadAll({Format::kLabelStudio, {}}, Testdata("labelstudio/exported_task.json"));
  ASSERT_EQ(exported.records.size(), 1u);
  const Record& e = exported.records[0];
  EXPECT_EQ(e.external_id, "1");
  ASSERT_EQ(e.priors.size(), 3u);
  EXPECT_EQ(e.priors[0].source, "10");  // completed_by
  EXPECT_EQ(json::parse(e.priors[0].raw_json)["lead_time"], 4.288);
  EXPECT_EQ(e.priors[1].source, "model 1");
  EXPECT_EQ(e.priors[2].source, "model 2");
}

TEST(RecordsTest, PromptAndResponsesLinesBecomeTheResponsesShape) {
  const std::string text =
      R"({"id":"r1","prompt":"Why?","responses":["Because.",{"model":"m2","content":"No."}],"topic":"x"})" "\n"
      R"({"prompt":"Hi","completions":["a","b","c"],"models":["m1","m2","m3"]})" "\n"
      R"({"responses":["a","b"]})" "\n";
  Read r = ReadAll({Format::kResponses, {}}, text);
  ASSERT_EQ(r.records.size(), 2u);
  json d0 = json::parse(r.records[0].data_json);
  EXPECT_EQ(r.records[0].external_id, "r1");
  EXPECT_EQ(d0["topic"], "x");
  EXPECT_EQ(d0["responses"][0], json({{"id", "a"}, {"content", "Because."}}));
  EXPECT_EQ(d0["responses"][1]["model"], "m2");
  EXPECT_EQ(d0["responses"][1]["id"], "b");
  json d1 = json::parse(r.records[1].data_json);
  EXPECT_EQ(d1["responses"].size(), 3u);
  EXPECT_EQ(d1["responses"][2]["model"], "m3");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].first, 3);
}

}  // namespace
}  // namespace datasets
