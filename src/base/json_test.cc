// JSON from outside: invalid UTF-8 never makes a dump throw, and nesting past kMaxJsonDepth is
// refused before anything recursive sees it.
#include "base/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace base {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonTest, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  nlohmann::json j = {{"path", std::string("/api/v1/\xff\xc0\xaf")}};
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);  // what the strict dump does
  const std::string out = Dump(j);
  EXPECT_EQ(out, "{\"path\":\"/api/v1/\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}");
  EXPECT_TRUE(nlohmann::json::parse(out).is_object());
  EXPECT_NE(DumpPretty(j).find("\n  \"path\""), std::string::npos);
}

TEST(JsonTest, ErrorDetailsOfInvalidUtf8StayValidJson) {
  Error e = Error::NotFound("no such route");
  e.Detail("path", std::string_view("/api/v1/\xff"));
  e.Detail(std::string("k\xfe"), std::string_view("v"));
  nlohmann::json details = nlohmann::json::parse(e.DetailsJson());
  EXPECT_EQ(details["path"], "/api/v1/\xEF\xBF\xBD");
  EXPECT_EQ(JsonQuote("\xc0"), "\"\xEF\xBF\xBD\"");
}

TEST(JsonTest, DepthAtTheLimitParsesAndOneMoreIsRefused) {
  EXPECT_TRUE(ParseJson(Nested(kMaxJsonDepth)));
  Result<nlohmann::json> deeper = ParseJson(Nested(kMaxJsonDepth + 1));
  ASSERT_FALSE(deeper);
  EXPECT_EQ(deeper.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(deeper.error().DetailsJson().find("\"max_depth\":128"), std::string::npos);
  // Objects count as arrays do, and brackets inside strings (escaped quotes too) do not count.
  std::string objects;
  for (int i = 0; i <= kMaxJsonDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kMaxJsonDepth + 1, '}');
  EXPECT_FALSE(ParseJson(objects));
  const std::string in_string = "{\"s\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  EXPECT_TRUE(CheckJsonDepth(in_string));
  EXPECT_TRUE(ParseJson(in_string));
}

TEST(JsonTest, AHundredThousandDeepIsRefusedQuickly) {
  Result<nlohmann::json> r = ParseJson(Nested(100000));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("nested too deeply"), std::string::npos);
}

// Found by fuzz/fuzz_json_body: a number too large for a double is a clear error, in a document
// well formed or not (nlohmann throws out_of_range for it, which used to escape ParseJson: a
// 500 from the API, a crash elsewhere).
TEST(JsonTest, ANumberTooLargeIsAnErrorNotAnException) {
  for (const char* text : {R"({"name": 1E6666})", R"({"name": 666666666666666E6666lease_x", )", "-1e400"}) {
    Result<nlohmann::json> r = ParseJson(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << text;
  }
  EXPECT_TRUE(ParseJson("1e308"));
}

}  // namespace
}  // namespace base
