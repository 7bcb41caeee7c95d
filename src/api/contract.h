// api contract — the typed contract of every route: the JSON Schemas of its request and
// response bodies (src/api/schemas.json, compiled into the binary). The OpenAPI document
// carries them, the web app's types are checked against them (web/src/lib/contract.ts), and a
// server started with Deps::check_contract (`assay serve --check-contract`; every API test,
// the browser tests and the Python client's) checks every answer it gives against them:
//
//   - a 2xx JSON answer against the route's response schema, and the JSON request body it
//     accepted against the route's request schema;
//   - any other JSON answer against the error shape.
//
// A mismatch is logged (api.contract_broken), counted (assay_api_contract_broken_total) and
// answered 500 in place of the drifted body, so that a test sees it whether or not it looks.
//
// schemas.json: {"components": {Name: schema}, "routes": {"METHOD /path": {"status": [200],
// "request": schema, "response": schema, "content": ["text/csv"]}}}. A schema refers to a
// component as {"$ref": "#/components/Name"}.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/message.h"

namespace api {

struct Route;

// The parsed schemas.json.
const nlohmann::json& ContractDocument();
// The route's entry in it, or null when it has none (the contract test finds those).
const nlohmann::json* RouteContract(const Route& route);
// The key of a route in schemas.json: "GET /api/v1/projects/{project_id}".
std::string RouteKey(const Route& route);
// A schema with every {"$ref": "#/components/X"} replaced by the component (for validation).
nlohmann::json InlineRefs(const nlohmann::json& schema);
// A schema with its references pointed at the OpenAPI document's #/components/schemas/X.
nlohmann::json OpenApiRefs(const nlohmann::json& schema);

// OK, or InvalidArgument naming what in the request or the answer breaks the contract.
// matched is null for a request that matched no route (its answer is an error).
base::Status CheckContract(const Route* matched, const http::Request& request,
                           const http::Response& response);

}  // namespace api
