// The route contract (api/contract.h): every route has its schemas, and the check catches an
// answer that drifted from them.
#include "api/contract.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "api/router.h"

namespace api {
namespace {

using nlohmann::json;

const Route& Find(std::string_view method, std::string_view path) {
  for (const Route& r : Routes()) {
    if (r.method == method && r.path == path) return r;
  }
  throw std::logic_error("no route " + std::string(method) + " " + std::string(path));
}

http::Request JsonRequest(std::string body) {
  http::Request req;
  req.method = "POST";
  req.body = std::move(body);
  if (!req.body.empty()) req.headers.push_back({"content-type", "application/json"});
  return req;
}

TEST(ContractTest, EveryRouteHasItsSchemasAndNoEntryIsStale) {
  std::set<std::string> keys;
  for (const Route& r : Routes()) {
    const std::string key = RouteKey(r);
    keys.insert(key);
    const json* entry = RouteContract(r);
    ASSERT_NE(entry, nullptr) << key << " has no entry in src/api/schemas.json";
    ASSERT_TRUE(entry->contains("status")) << key;
    const json& statuses = (*entry)["status"];
    const bool only_empty = statuses == json::array({204});
    // A body it reads has a schema (routes that read none say so in theirs).
    const auto types = BodyTypes(r);
    if (std::find(types.begin(), types.end(), "application/json") != types.end()) {
      EXPECT_TRUE(entry->contains("request")) << key << " reads a JSON body: it needs a request schema";
    }
    // What it answers: a JSON schema, other media types, or nothing (204).
    EXPECT_TRUE(only_empty || entry->contains("response") || entry->contains("content") ||
                statuses == json::array({200, 204}))
        << key << " answers a body: it needs a response schema or content types";
    if (entry->contains("response")) {
      EXPECT_NE((*entry)["response"], json({{"type", "object"}}))
          << key << ": a real schema, not just {\"type\":\"object\"}";
    }
  }
  for (const auto& [key, entry] : ContractDocument()["routes"].items()) {
    EXPECT_TRUE(keys.count(key)) << key << " is in schemas.json but not a route";
  }
}

TEST(ContractTest, EveryReferenceNamesAComponent) {
  std::function<void(const json&, const std::string&)> walk = [&](const json& s, const std::string& where) {
    if (s.is_object()) {
      if (auto ref = s.find("$ref"); ref != s.end()) {
        const std::string target = ref->get<std::string>();
        ASSERT_EQ(target.rfind("#/components/", 0), 0u) << where << ": " << target;
        EXPECT_TRUE(ContractDocument()["components"].contains(target.substr(13))) << where << ": " << target;
      }
      for (const auto& [k, v] : s.items()) walk(v, where + "/" + k);
    } else if (s.is_array()) {
      for (const auto& v : s) walk(v, where);
    }
  };
  walk(ContractDocument(), "");
}

TEST(ContractTest, AnAnswerThatDriftedFromItsSchemaIsCaught) {
  const Route& me = Find("GET", "/api/v1/me");
  http::Request get;
  get.method = "GET";
  const json user = {{"id", "u1"}, {"email", "a@x.org"}, {"name", ""}, {"role", "expert"},
                     {"created_at", "2026-01-01T00:00:00.000Z"}};
  EXPECT_TRUE(CheckContract(&me, get, http::Response::Json(200, user.dump())));
  // A field gone, a field the schema does not know, a field of another type, another status.
  json missing = user;
  missing.erase("email");
  auto gone = CheckContract(&me, get, http::Response::Json(200, missing.dump()));
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message().find("email"), std::string::npos) << gone.error().message();
  json extra = user;
  extra["password_hash"] = "x";
  auto leaked = CheckContract(&me, get, http::Response::Json(200, extra.dump()));
  ASSERT_FALSE(leaked);
  EXPECT_NE(leaked.error().message().find("password_hash"), std::string::npos) << leaked.error().message();
  json retyped = user;
  retyped["role"] = 3;
  EXPECT_FALSE(CheckContract(&me, get, http::Response::Json(200, retyped.dump())));
  EXPECT_FALSE(CheckContract(&me, get, http::Response::Json(201, user.dump())));
  EXPECT_FALSE(CheckContract(&me, get, http::Response::Json(200, "not json")));
}

TEST(ContractTest, ErrorsKeepTheErrorShape) {
  const Route& me = Find("GET", "/api/v1/me");
  http::Request get;
  get.method = "GET";
  EXPECT_TRUE(CheckContract(&me, get, ErrorJson(base::Error::NotFound("no such thing"))));
  EXPECT_TRUE(CheckContract(nullptr, get, ErrorJson(base::Error::NotFound("no such route"))));
  EXPECT_FALSE(CheckContract(&me, get, http::Response::Json(404, R"({"message":"gone"})")));
  // MCP answers JSON-RPC's error object instead.
  const Route& mcp = Find("POST", "/mcp");
  const json rpc = {{"jsonrpc", "2.0"}, {"id", 1}, {"error", {{"code", -32601}, {"message", "no such method"}}}};
  EXPECT_TRUE(CheckContract(&mcp, JsonRequest("{}"), http::Response::Json(404, rpc.dump())));
}

TEST(ContractTest, ARequestItAcceptedMustMatchItsSchema) {
  const Route& renew = Find("POST", "/api/v1/assignments/{assignment_id}/renew");
  const auto ok = http::Response::Json(200, R"({"expires_at":"2026-01-01T00:10:00.000Z"})");
  EXPECT_TRUE(CheckContract(&renew, JsonRequest(R"({"lease_token":"t"})"), ok));
  // A handler that answered 2xx to a body without the field its schema requires has drifted.
  EXPECT_FALSE(CheckContract(&renew, JsonRequest(R"({"token":"t"})"), ok));
  EXPECT_FALSE(CheckContract(&renew, JsonRequest(R"({"lease_token":7})"), ok));
}

TEST(ContractTest, DownloadsNameTheirMediaTypes) {
  const Route& acceptance = Find("GET", "/api/v1/me/contracts/{acceptance_id}");
  http::Request get;
  get.method = "GET";
  EXPECT_TRUE(CheckContract(&acceptance, get, http::Response::Text(200, "# Contract", "text/markdown; charset=utf-8")));
  EXPECT_FALSE(CheckContract(&acceptance, get, http::Response::Text(200, "<p>", "text/html; charset=utf-8")));
}

TEST(ContractTest, TheOpenApiDocumentCarriesTheSchemas) {
  const json doc = json::parse(OpenApiJson());
  const json& me = doc["paths"]["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
  EXPECT_EQ(me, json({{"$ref", "#/components/schemas/User"}}));
  EXPECT_TRUE(doc["components"]["schemas"]["User"]["properties"].contains("email"));
  const json& renew =
      doc["paths"]["/api/v1/assignments/{assignment_id}/renew"]["post"]["requestBody"]["content"]["application/json"]["schema"];
  EXPECT_EQ(renew["required"], json::array({"lease_token"}));
  // A reference inside a component points into the document's own components.
  const std::string text = OpenApiJson();
  EXPECT_EQ(text.find("\"#/components/Submission\""), std::string::npos);
  EXPECT_NE(text.find("\"#/components/schemas/Submission\""), std::string::npos);
}

}  // namespace
}  // namespace api
