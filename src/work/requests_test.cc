#include "work/requests.h"

#include <gtest/gtest.h>

namespace work {
namespace {

TEST(Requests, SubmitBodyKeepsTheAnswerBytes) {
  const std::string answer = "{ \"preference\" : {\"choice\":\"b\"},\n  \"why\": \"caf\\u00e9 \\\"quoted\\\"\" }";
  const std::string body = "{\"lease_token\":\"t\",\"answer\": " + answer + " \n, \"client_submission_id\":\"c1\",\"active_ms\":12}";
  auto r = ParseSubmitBody("a1", body);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->answer_json, answer);
  EXPECT_EQ(r->assignment_id, "a1");
  EXPECT_EQ(r->lease_token, "t");
  EXPECT_EQ(r->client_submission_id, "c1");
  EXPECT_EQ(r->active_ms, 12);
  auto scalar = ParseSubmitBody("a1", R"({"lease_token":"t","client_submission_id":"c","answer":42})");
  ASSERT_TRUE(scalar.has_value());
  EXPECT_EQ(scalar->answer_json, "42");
}

TEST(Requests, SubmitBodyErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case kCases[] = {
      {R"({"lease_token":"t","client_submission_id":"c"})", "answer"},
      {R"({"answer":{},"client_submission_id":"c"})", "lease_token"},
      {R"({"answer":{},"lease_token":"t"})", "client_submission_id"},
      {R"({"answer":{},"lease_token":"t","client_submission_id":"c","active_ms":"x"})", "active_ms"},
      {R"({"answer":{},"lease_token":"t","client_submission_id":"c","extra":1})", "extra"},
      {R"({"answer":{,"lease_token":"t"})", "body"},
      {R"([1,2])", "body"},
  };
  for (const Case& c : kCases) {
    auto r = ParseSubmitBody("a", c.body);
    ASSERT_FALSE(r.has_value()) << c.body;
    EXPECT_EQ(r.error().DetailsJson(), std::string("{\"field\":\"") + c.field + "\"}") << c.body;
  }
}

TEST(Requests, ProjectFields) {
  auto f = ParseProjectFields(R"({"name":"P","template":[{"type":"rating","name":"r","min":1,"max":3}],"overlap":2})");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(*f->name, "P");
  EXPECT_EQ(*f->overlap, 2);
  EXPECT_EQ(*f->template_json, R"([{"type":"rating","name":"r","min":1,"max":3}])");
  EXPECT_FALSE(f->lease_seconds.has_value());
  EXPECT_EQ(ParseProjectFields(R"({"overlap":"2"})").error().DetailsJson(), R"({"field":"overlap"})");
  EXPECT_EQ(ParseProjectFields(R"({"colour":1})").error().DetailsJson(), R"({"field":"colour"})");
  auto dyn = ParseProjectFields(R"({"max_overlap":5,"target_confidence":0.9})");
  ASSERT_TRUE(dyn.has_value());
  EXPECT_EQ(*dyn->max_overlap, 5);
  EXPECT_DOUBLE_EQ(*dyn->target_confidence, 0.9);
  EXPECT_EQ(ParseProjectFields(R"({"target_confidence":"high"})").error().DetailsJson(),
            R"({"field":"target_confidence"})");
}

}  // namespace
}  // namespace work
