// Handler functions named by the route table (routes.cc).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "api/router.h"

namespace api {

// Shared by the handler files: the body as a JSON object ({} when empty), and a string field
// (a clear error naming the field when it is missing or not a string).
base::Result<nlohmann::json> BodyObject(const Call& call);
base::Result<std::string> StringField(const nlohmann::json& j, const char* key, bool required = true);

// An asynchronous handler's answer that is an error found before any work started.
inline Render Failed(base::Error error) {
  return [error = std::move(error)]() -> base::Result<http::Response> { return error; };
}

// Asynchronous (Route::async_handler): the work loop's hot routes.
void Lease(Deps& deps, const Call& call, Answer answer);
void Submit(Deps& deps, const Call& call, Answer answer);

#define ASSAY_API_HANDLER(name) base::Result<http::Response> name(Deps& deps, const Call& call);
ASSAY_API_HANDLER(Healthz)
ASSAY_API_HANDLER(MetricsText)
ASSAY_API_HANDLER(OpenApi)
ASSAY_API_HANDLER(Login)
ASSAY_API_HANDLER(Logout)
ASSAY_API_HANDLER(Me)
ASSAY_API_HANDLER(MySubmissions)
ASSAY_API_HANDLER(MyStats)
ASSAY_API_HANDLER(CreateToken)
ASSAY_API_HANDLER(CreateUser)
ASSAY_API_HANDLER(ListProjects)
ASSAY_API_HANDLER(CreateProject)
ASSAY_API_HANDLER(GetProject)
ASSAY_API_HANDLER(UpdateProject)
ASSAY_API_HANDLER(AddMember)
ASSAY_API_HANDLER(ListMembers)
ASSAY_API_HANDLER(GetItem)
ASSAY_API_HANDLER(Progress)
ASSAY_API_HANDLER(Quality)
ASSAY_API_HANDLER(ImportItems)
ASSAY_API_HANDLER(ListItems)
ASSAY_API_HANDLER(ListSubmissions)
ASSAY_API_HANDLER(Export)
ASSAY_API_HANDLER(GetAssignment)
ASSAY_API_HANDLER(Renew)
ASSAY_API_HANDLER(Return)
ASSAY_API_HANDLER(GetSubmission)
ASSAY_API_HANDLER(ReviewSubmission)
ASSAY_API_HANDLER(McpPost)  // mcp_handler.cc
ASSAY_API_HANDLER(McpGet)
ASSAY_API_HANDLER(McpDelete)
// env_handlers.cc
ASSAY_API_HANDLER(EnvListSuites)
ASSAY_API_HANDLER(EnvListTasks)
ASSAY_API_HANDLER(EnvCreateSession)
ASSAY_API_HANDLER(EnvListSessions)
ASSAY_API_HANDLER(EnvGetSession)
ASSAY_API_HANDLER(EnvDeleteSession)
ASSAY_API_HANDLER(EnvTools)
ASSAY_API_HANDLER(EnvCall)
ASSAY_API_HANDLER(EnvState)
ASSAY_API_HANDLER(EnvDiff)
ASSAY_API_HANDLER(EnvTrajectory)
ASSAY_API_HANDLER(EnvFork)
ASSAY_API_HANDLER(EnvCheck)
#undef ASSAY_API_HANDLER

}  // namespace api
