#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "work/template.h"

namespace work {
namespace {

using json = nlohmann::json;

std::string FieldOf(const base::Status& st) {
  if (st) return "";
  for (const auto& d : st.error().details()) {
    if (d.key == "field") return json::parse(d.json_value).get<std::string>();
  }
  return "<no field>";
}

template <typename T>
std::string FieldOf(const base::Result<T>& r) {
  if (r) return "";
  for (const auto& d : r.error().details()) {
    if (d.key == "field") return json::parse(d.json_value).template get<std::string>();
  }
  return "<no field>";
}

const json kData = json::parse(R"({
  "prompt": "What is the first-line treatment for uncomplicated hypertension?",
  "doc": {"text": "Aspirin 🙂 cures everything."},
  "chat": [{"role": "user", "content": "hi"}],
  "code": "int main() {}",
  "responses": [{"id": "r1", "model": "m1", "content": "Thiazides."}, {"id": "r2", "content": "ACE inhibitors."},
                {"content": "Lifestyle first."}]
})");

struct AnswerCase {
  std::string type;  // the component under test
  json component;
  std::vector<json> good;                                // answer[name] values that fit
  std::vector<std::pair<json, std::string>> bad;         // value → first bad field
};

// One entry per input component. Every answer is {"x": value} for a component named "x".
std::vector<AnswerCase> Cases() {
  return {
      {"choice",
       {{"type", "choice"}, {"name", "x"}, {"options", {"yes", "no", {{"value", "maybe"}, {"label", "Maybe"}}}}},
       {"yes", "maybe"},
       {{"perhaps", "answer.x"}, {1, "answer.x"}, {json::array({"yes"}), "answer.x"}}},
      {"choice",
       {{"type", "choice"}, {"name", "x"}, {"options", {"a", "b", "c"}}, {"multiple", true}},
       {json::array({"a"}), json::array({"a", "c"})},
       {{"a", "answer.x"}, {json::array(), "answer.x"}, {json::array({"a", "a"}), "answer.x[1]"},
        {json::array({"a", "z"}), "answer.x[1]"}}},
      {"rating",
       {{"type", "rating"}, {"name", "x"}, {"min", 1}, {"max", 5}, {"labels", {"bad", "poor", "ok", "good", "great"}}},
       {1, 5, 3},
       {{0, "answer.x"}, {6, "answer.x"}, {2.5, "answer.x"}, {"3", "answer.x"}}},
      {"pairwise",
       {{"type", "pairwise"}, {"name", "x"}, {"strength", true}},
       {{{"choice", "a"}}, {{"choice", "tie"}}, {{"choice", "b"}, {"strength", 3}}},
       {{"a", "answer.x"}, {{{"choice", "c"}}, "answer.x.choice"}, {{{"choice", "a"}, {"strength", 4}}, "answer.x.strength"},
        {{{"choice", "a"}, {"why", "x"}}, "answer.x.why"}, {json::object(), "answer.x.choice"}}},
      {"pairwise",
       {{"type", "pairwise"}, {"name", "x"}},
       {{{"choice", "b"}}},
       {{{{"choice", "b"}, {"strength", 2}}, "answer.x.strength"}}},
      {"ranking",
       {{"type", "ranking"}, {"name", "x"}, {"source", "responses"}},
       {json::array({"r1", "r2", "c"}), json::array({"c", "r2", "r1"})},
       {{json::array({"r1", "r2"}), "answer.x"}, {json::array({"r1", "r1", "c"}), "answer.x[1]"},
        {json::array({"r1", "r2", "zz"}), "answer.x[2]"}, {"r1", "answer.x"}}},
      {"rubric",
       {{"type", "rubric"}, {"name", "x"},
        {"criteria", {{{"id", "accuracy"}, {"label", "Accuracy"}}, {{"id", "safety"}, {"label", "Safety"}, {"description", "No harm"}}}},
        {"scale", {{"min", 1}, {"max", 4}}}, {"comments", true}},
       {{{"accuracy", {{"score", 4}}}, {"safety", {{"score", 1}, {"comment", "dosage missing"}}}}},
       {{{{"accuracy", {{"score", 4}}}}, "answer.x.safety"},
        {{{"accuracy", {{"score", 5}}}, {"safety", {{"score", 1}}}}, "answer.x.accuracy.score"},
        {{{"accuracy", {{"score", 2}}}, {"safety", {{"score", 1}}}, {"tone", {{"score", 1}}}}, "answer.x.tone"},
        {{{"accuracy", 2}, {"safety", {{"score", 1}}}}, "answer.x.accuracy"}}},
      {"spans",
       // "Aspirin 🙂 cures everything.": the emoji is 2 UTF-16 units, so "cures" is [11, 16).
       {{"type", "spans"}, {"name", "x"}, {"source", "doc.text"}, {"categories", {"factual", "style"}},
        {"severities", {"minor", "major"}}},
       {json::array(),
        json::array({{{"start", 0}, {"end", 7}, {"text", "Aspirin"}, {"category", "factual"}, {"severity", "major"}},
                     {{"start", 11}, {"end", 16}, {"text", "cures"}, {"category", "style"}, {"severity", "minor"},
                      {"comment", "overclaims"}}})},
       {{json::array({{{"start", 0}, {"end", 7}, {"text", "Aspirin"}, {"category", "factual"}}}), "answer.x[0].severity"},
        {json::array({{{"start", 10}, {"end", 16}, {"text", "cures"}, {"category", "style"}, {"severity", "minor"}}}),
         "answer.x[0].text"},
        {json::array({{{"start", 5}, {"end", 3}, {"text", ""}, {"category", "style"}, {"severity", "minor"}}}), "answer.x[0].end"},
        {json::array({{{"start", 0}, {"end", 99}, {"text", "x"}, {"category", "style"}, {"severity", "minor"}}}), "answer.x[0].end"},
        {json::array({{{"start", 0}, {"end", 7}, {"text", "Aspirin"}, {"category", "tone"}, {"severity", "minor"}}}),
         "answer.x[0].category"},
        {"Aspirin", "answer.x"}}},
      {"rewrite",
       {{"type", "rewrite"}, {"name", "x"}, {"source", "doc.text"}},
       {"Aspirin does not cure everything."},
       {{"", "answer.x"}, {json::array(), "answer.x"}}},
      {"claims",
       {{"type", "claims"}, {"name", "x"}, {"source", "doc.text"}},
       {json::array({{{"claim", "Aspirin cures everything"}, {"verdict", "contradicted"}, {"evidence", "Cochrane 2019"}}})},
       {{json::array(), "answer.x"},
        {json::array({{{"claim", "c"}, {"verdict", "true"}, {"evidence", ""}}}), "answer.x[0].verdict"},
        {json::array({{{"claim", ""}, {"verdict", "supported"}, {"evidence", ""}}}), "answer.x[0].claim"},
        {json::array({{{"claim", "c"}, {"verdict", "supported"}}}), "answer.x[0].evidence"}}},
      {"chat_author",
       {{"type", "chat_author"}, {"name", "x"}},
       {json::array({{{"role", "user"}, {"content", "Is ibuprofen safe with lisinopril?"}},
                     {{"role", "assistant"}, {"content", "It can raise blood pressure; ask your doctor."}}})},
       {{json::array(), "answer.x"}, {json::array({{{"role", "system"}, {"content", "x"}}}), "answer.x[0].role"},
        {json::array({{{"role", "user"}, {"content", ""}}}), "answer.x[0].content"}}},
      {"textarea",
       {{"type", "textarea"}, {"name", "x"}, {"min_length", 3}, {"max_length", 10}},
       {"abc", "ééé", "0123456789"},
       {{"ab", "answer.x"}, {"01234567890", "answer.x"}, {"", "answer.x"}, {7, "answer.x"}}},
  };
}

// Display components, each with one input so the template is complete.
std::vector<json> DisplayComponents() {
  return {{{"type", "text"}, {"source", "prompt"}},
          {{"type", "markdown"}, {"source", "prompt"}, {"label", "Prompt"}},
          {{"type", "code"}, {"source", "code"}, {"language", "cpp"}},
          {{"type", "chat"}, {"source", "chat"}},
          {{"type", "responses"}, {"source", "responses"}}};
}

TEST(Template, EveryComponentTypeHasCases) {
  std::set<std::string> covered;
  for (const AnswerCase& c : Cases()) covered.insert(c.type);
  for (const json& d : DisplayComponents()) covered.insert(d["type"].get<std::string>());
  for (std::string_view t : Template::ComponentTypes()) EXPECT_TRUE(covered.count(std::string(t))) << t;
  EXPECT_EQ(Template::ComponentTypes().size(), 15u);
}

TEST(Template, AnswersAreValidatedPerComponent) {
  for (const AnswerCase& c : Cases()) {
    json tmpl = DisplayComponents();
    tmpl.push_back(c.component);
    auto t = Template::Parse(tmpl);
    ASSERT_TRUE(t.has_value()) << c.component.dump() << ": " << t.error().ToString();
    ASSERT_TRUE(t->ValidateItemData(kData)) << c.type;
    for (const json& good : c.good) {
      base::Status st = t->ValidateAnswer({{"x", good}}, kData);
      EXPECT_TRUE(st) << c.type << " should accept " << good.dump() << ": " << (st ? "" : st.error().ToString());
    }
    for (const auto& [bad, field] : c.bad) {
      base::Status st = t->ValidateAnswer({{"x", bad}}, kData);
      EXPECT_EQ(FieldOf(st), field) << c.type << " given " << bad.dump();
    }
    // Missing, unknown and non-object answers.
    EXPECT_EQ(FieldOf(t->ValidateAnswer(json::object(), kData)), "answer.x") << c.type;
    EXPECT_EQ(FieldOf(t->ValidateAnswer({{"x", c.good.front()}, {"extra", 1}}, kData)), "answer.extra") << c.type;
    EXPECT_EQ(FieldOf(t->ValidateAnswer(json::array(), kData)), "answer") << c.type;
  }
}

TEST(Template, OptionalInputsMayBeLeftOut) {
  auto t = Template::Parse(json::parse(R"([{"type":"rating","name":"r","min":1,"max":3},
                                            {"type":"textarea","name":"note","required":false}])"));
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->ValidateAnswer({{"r", 2}}, json::object()));
  EXPECT_TRUE(t->ValidateAnswer({{"r", 2}, {"note", nullptr}}, json::object()));
  EXPECT_TRUE(t->ValidateAnswer({{"r", 2}, {"note", ""}}, json::object()));
  EXPECT_EQ(FieldOf(t->ValidateAnswer({{"note", "x"}}, json::object())), "answer.r");
}

TEST(Template, AnswerSchemaIsDerived) {
  auto t = Template::Parse(json::parse(R"([{"type":"text","source":"prompt"},
      {"type":"pairwise","name":"preference","strength":true},
      {"type":"textarea","name":"why","required":false,"max_length":500}])"));
  ASSERT_TRUE(t.has_value());
  json schema = json::parse(t->answer_schema());
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], json::array({"preference"}));
  EXPECT_EQ(schema["properties"]["preference"]["properties"]["choice"]["enum"], json::array({"a", "b", "tie"}));
  EXPECT_EQ(schema["properties"]["why"]["maxLength"], 500);
}

TEST(Template, BadTemplatesNameTheField) {
  struct Bad {
    const char* text;
    const char* field;
  };
  const Bad kBad[] = {
      {R"({})", "template"},
      {R"([])", "template"},
      {R"([{"type":"text","source":"p"}])", "template"},  // no input
      {R"([{"type":"slider","name":"x"}])", "template[0].type"},
      {R"([{"name":"x"}])", "template[0].type"},
      {R"([{"type":"rating","min":1,"max":5}])", "template[0].name"},
      {R"([{"type":"rating","name":"x","min":5,"max":1}])", "template[0].max"},
      {R"([{"type":"rating","name":"x","min":1}])", "template[0].max"},
      {R"([{"type":"rating","name":"x","min":1,"max":5,"colour":"red"}])", "template[0].colour"},
      {R"([{"type":"rating","name":"x","min":1,"max":5},{"type":"textarea","name":"x"}])", "template[1].name"},
      {R"([{"type":"choice","name":"x","options":[]}])", "template[0].options"},
      {R"([{"type":"choice","name":"x","options":["a","a"]}])", "template[0].options[1]"},
      {R"([{"type":"choice","name":"x","options":["a"],"multiple":"yes"}])", "template[0].multiple"},
      {R"([{"type":"text"},{"type":"textarea","name":"x"}])", "template[0].source"},
      {R"([{"type":"ranking","name":"x"}])", "template[0].source"},
      {R"([{"type":"rubric","name":"x","criteria":[{"id":"a","label":"A"}]}])", "template[0].scale"},
      {R"([{"type":"rubric","name":"x","criteria":[{"id":"a","label":"A"},{"id":"a","label":"B"}],"scale":{"min":1,"max":3}}])",
       "template[0].criteria[1].id"},
      {R"([{"type":"spans","name":"x","source":"t","categories":[]}])", "template[0].categories"},
      {R"([{"type":"textarea","name":"x","min_length":10,"max_length":5}])", "template[0].max_length"},
      {R"([{"type":"textarea","name":"bad name"}])", "template[0].name"},
      {R"([{"type":"text","source":"p","required":true},{"type":"textarea","name":"x"}])", "template[0].required"},
      {R"(not json)", "template"},
  };
  for (const Bad& b : kBad) {
    auto t = Template::ParseText(b.text);
    EXPECT_EQ(FieldOf(t), b.field) << b.text;
  }
}

TEST(Template, ItemDataMustHoldTheSources) {
  auto t = Template::ParseText(R"([{"type":"markdown","source":"context.prompt"},{"type":"responses","source":"responses"},
                                   {"type":"pairwise","name":"p"}])");
  ASSERT_TRUE(t.has_value());
  json good = json::parse(R"({"context":{"prompt":"q"},"responses":["a",{"content":"b"}]})");
  EXPECT_TRUE(t->ValidateItemData(good));
  EXPECT_EQ(FieldOf(t->ValidateItemData(json::parse(R"({"responses":["a","b"]})"))), "data.context.prompt");
  EXPECT_EQ(FieldOf(t->ValidateItemData(json::parse(R"({"context":{"prompt":"q"},"responses":["a"]})"))), "data.responses");
}

TEST(Utf16, LengthAndSliceCountSurrogatePairs) {
  std::string s = "a🙂b";  // a, U+1F642 (2 units), b
  EXPECT_EQ(Utf16Length(s), 4u);
  std::string out;
  ASSERT_TRUE(Utf16Slice(s, 1, 3, &out));
  EXPECT_EQ(out, "🙂");
  EXPECT_FALSE(Utf16Slice(s, 2, 3, &out));  // inside the pair
  ASSERT_TRUE(Utf16Slice(s, 3, 4, &out));
  EXPECT_EQ(out, "b");
  EXPECT_FALSE(Utf16Slice(s, 3, 5, &out));
}

}  // namespace
}  // namespace work
