#include "api/contract.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "api/router.h"
#include "base/json.h"
#include "env/schema.h"

namespace api {

extern const char kSchemasJson[];  // schemas_json.cc, generated from schemas.json

const nlohmann::json& ContractDocument() {
  static const nlohmann::json doc = [] {
    auto parsed = base::ParseJson(kSchemasJson);
    if (!parsed) throw std::logic_error("schemas.json: " + parsed.error().ToString());
    return std::move(parsed).value();
  }();
  return doc;
}

std::string RouteKey(const Route& route) {
  return std::string(route.method) + " " + std::string(route.path);
}

const nlohmann::json* RouteContract(const Route& route) {
  const nlohmann::json& routes = ContractDocument()["routes"];
  auto it = routes.find(RouteKey(route));
  return it == routes.end() ? nullptr : &*it;
}

namespace {

constexpr std::string_view kRefPrefix = "#/components/";

nlohmann::json MapRefs(const nlohmann::json& s, bool inline_them) {
  if (s.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : s) out.push_back(MapRefs(v, inline_them));
    return out;
  }
  if (!s.is_object()) return s;
  if (auto ref = s.find("$ref"); ref != s.end() && ref->is_string()) {
    const std::string& target = ref->get_ref<const std::string&>();
    const std::string name = target.substr(kRefPrefix.size());
    if (!inline_them) return {{"$ref", "#/components/schemas/" + name}};
    return MapRefs(ContractDocument()["components"].at(name), true);
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, v] : s.items()) out[key] = MapRefs(v, inline_them);
  return out;
}

struct Compiled {
  const nlohmann::json* entry = nullptr;  // its entry in schemas.json (statuses, media types)
  std::optional<env::Schema> request;
  std::optional<env::Schema> response;
  std::optional<env::Schema> error;  // the route's own error shape (MCP: JSON-RPC's)
};

env::Schema CompileOrDie(const nlohmann::json& schema, const std::string& where) {
  auto compiled = env::Schema::Compile(InlineRefs(schema));
  if (!compiled) {
    throw std::logic_error("schemas.json, " + where + ": " + compiled.error().ToString());
  }
  return std::move(compiled).value();
}

const std::map<std::string, Compiled>& CompiledRoutes() {
  static const std::map<std::string, Compiled> compiled = [] {
    std::map<std::string, Compiled> out;
    for (const auto& [key, entry] : ContractDocument()["routes"].items()) {
      Compiled c;
      c.entry = &entry;
      if (entry.contains("request")) c.request = CompileOrDie(entry["request"], key + " request");
      if (entry.contains("response")) c.response = CompileOrDie(entry["response"], key + " response");
      if (entry.contains("error")) c.error = CompileOrDie(entry["error"], key + " error");
      out.emplace(key, std::move(c));
    }
    return out;
  }();
  return compiled;
}

const env::Schema& ErrorSchema() {
  static const env::Schema schema =
      CompileOrDie(ContractDocument()["components"]["Error"], "components Error");
  return schema;
}

bool IsJson(std::string_view content_type) {
  return content_type.substr(0, content_type.find(';')) == "application/json";
}

base::Status Broken(std::string_view what, const base::Error& error) {
  return base::Error::Invalid(std::string(what) + " " + error.message());
}

}  // namespace

nlohmann::json InlineRefs(const nlohmann::json& schema) { return MapRefs(schema, true); }
nlohmann::json OpenApiRefs(const nlohmann::json& schema) { return MapRefs(schema, false); }

base::Status CheckContract(const Route* matched, const http::Request& request,
                           const http::Response& response) {
  if (response.stream) return base::Ok();  // a download: its lines are not one JSON value
  const bool ok = response.status >= 200 && response.status < 300;
  const bool json = IsJson(response.GetHeader("content-type"));
  const auto& routes = CompiledRoutes();
  const std::string key = matched ? RouteKey(*matched) : "";
  auto it = matched ? routes.find(key) : routes.end();
  if (!ok || !matched) {
    if (!json) return base::Ok();  // a redirect or an empty 304
    auto body = base::ParseJson(response.body);
    if (!body) return base::Error::Invalid("the error answer is not JSON");
    const env::Schema& shape =
        it != routes.end() && it->second.error ? *it->second.error : ErrorSchema();
    if (base::Status s = shape.Validate(*body); !s) return Broken("the error answer:", s.error());
    return base::Ok();
  }
  if (it == routes.end()) return base::Error::Invalid(key + " has no entry in schemas.json");
  const nlohmann::json& entry = *it->second.entry;
  const auto& statuses = entry["status"];
  if (std::find(statuses.begin(), statuses.end(), response.status) == statuses.end()) {
    return base::Error::Invalid("status " + std::to_string(response.status) +
                                " is not among the route's " + base::Dump(statuses));
  }
  if (!request.body.empty() && IsJson(request.ContentType())) {
    if (!it->second.request) return base::Error::Invalid("the route has no request schema");
    if (auto body = base::ParseJson(request.body)) {  // one it could not parse it refused
      if (base::Status s = it->second.request->Validate(*body); !s) {
        return Broken("the request it accepted:", s.error());
      }
    }
  }
  if (!json) {
    if (response.body.empty()) return base::Ok();
    const std::string type(response.GetHeader("content-type"));
    const std::string bare = type.substr(0, type.find(';'));
    const auto& content = entry.value("content", nlohmann::json::array());
    if (std::find(content.begin(), content.end(), bare) == content.end()) {
      return base::Error::Invalid("content type " + bare + " is not among the route's " +
                                  base::Dump(content));
    }
    return base::Ok();
  }
  if (!it->second.response) return base::Error::Invalid("the route has no response schema");
  auto body = base::ParseJson(response.body);
  if (!body) return base::Error::Invalid("the answer is not JSON");
  if (base::Status s = it->second.response->Validate(*body); !s) return Broken("the answer:", s.error());
  return base::Ok();
}

}  // namespace api
