// Every route the server answers, as data. Dispatch, auth gates, body limits, metrics labels,
// the OpenAPI document and the access tests all read this table.
#include <nlohmann/json.hpp>

#include "api/handlers.h"

namespace api {

const std::vector<Route>& Routes() {
  constexpr size_t kImportBytes = 256u << 20;
  constexpr size_t kJsonBytes = 1u << 20;  // Route's defaults, for rows that set a later field
  constexpr std::string_view kJson = "application/json";
  constexpr size_t kWorldBytes = 32u << 20;  // a session on a given world carries its state
  static const std::vector<Route> kRoutes = {
      {"GET", "/healthz", Gate::kPublic, Healthz, "Liveness", 0, ""},
      {"GET", "/metrics", Gate::kPublic, MetricsText, "Prometheus metrics", 0, ""},
      {"GET", "/api/v1/openapi.json", Gate::kPublic, OpenApi, "This document", 0, ""},
      {"POST", "/api/v1/auth/login", Gate::kPublic, Login, "Sign in; sets the session cookie"},
      {"POST", "/api/v1/auth/logout", Gate::kSignedIn, Logout, "Sign out"},
      {"GET", "/api/v1/me", Gate::kSignedIn, Me, "The signed-in user", 0, ""},
      {"GET", "/api/v1/me/submissions", Gate::kSignedIn, MySubmissions, "My submissions with reviews", 0, ""},
      {"GET", "/api/v1/me/stats", Gate::kSignedIn, MyStats, "My per-project scores", 0, ""},
      {"POST", "/api/v1/tokens", Gate::kSignedIn, CreateToken, "Create an API token (shown once)"},
      {"POST", "/api/v1/users", Gate::kManager, CreateUser, "Create a user"},
      {"GET", "/api/v1/projects", Gate::kSignedIn, ListProjects, "Projects I belong to", 0, ""},
      {"POST", "/api/v1/projects", Gate::kManager, CreateProject, "Create a project"},
      {"GET", "/api/v1/projects/{project_id}", Gate::kSignedIn, GetProject, "A project", 0, ""},
      {"PATCH", "/api/v1/projects/{project_id}", Gate::kSignedIn, UpdateProject, "Change a project"},
      {"POST", "/api/v1/projects/{project_id}/members", Gate::kSignedIn, AddMember, "Add a member"},
      {"GET", "/api/v1/projects/{project_id}/members", Gate::kSignedIn, ListMembers, "Members (managers)", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/progress", Gate::kSignedIn, Progress, "Progress and throughput", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/quality", Gate::kSignedIn, Quality,
       "Agreement, worker skills, aggregated labels (cached)", 0, ""},
      {"POST", "/api/v1/projects/{project_id}/items", Gate::kSignedIn, ImportItems,
       "Import items (JSONL or JSON array)", kImportBytes,
       "application/json,application/x-ndjson,application/jsonl,text/plain"},
      {"GET", "/api/v1/projects/{project_id}/items", Gate::kSignedIn, ListItems, "Items", 0, ""},
      {"POST", "/api/v1/projects/{project_id}/leases", Gate::kSignedIn, nullptr, "Lease the next item", kJsonBytes,
       kJson, Lease},
      {"GET", "/api/v1/projects/{project_id}/submissions", Gate::kSignedIn, ListSubmissions, "Submissions", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/export", Gate::kSignedIn, Export, "Export JSONL (streamed)", 0, ""},
      {"GET", "/api/v1/assignments/{assignment_id}", Gate::kSignedIn, GetAssignment, "An assignment", 0, ""},
      {"POST", "/api/v1/assignments/{assignment_id}/renew", Gate::kSignedIn, Renew, "Extend a lease"},
      {"POST", "/api/v1/assignments/{assignment_id}/submit", Gate::kSignedIn, nullptr, "Submit an answer (idempotent)",
       kJsonBytes, kJson, Submit},
      {"POST", "/api/v1/assignments/{assignment_id}/return", Gate::kSignedIn, Return, "Give the item back"},
      {"GET", "/api/v1/items/{item_id}", Gate::kSignedIn, GetItem, "An item (managers, reviewers)", 0, ""},
      {"GET", "/api/v1/submissions/{submission_id}", Gate::kSignedIn, GetSubmission, "A submission", 0, ""},
      {"POST", "/api/v1/submissions/{submission_id}/review", Gate::kSignedIn, ReviewSubmission, "Approve or reject"},
      // MCP (Streamable HTTP): the handler authenticates itself, as anonymous MCP is an option.
      {"POST", "/mcp", Gate::kPublic, McpPost, "MCP: one JSON-RPC message (?suite=&task= on initialize)"},
      {"GET", "/mcp", Gate::kPublic, McpGet, "MCP: no server-sent stream here (405)", 0, ""},
      {"DELETE", "/mcp", Gate::kPublic, McpDelete, "MCP: end the session", 0, ""},
      // Environments (env_handlers.cc): sessions belong to their creator.
      {"GET", "/api/v1/env/suites", Gate::kSignedIn, EnvListSuites, "Environment suites", 0, ""},
      {"GET", "/api/v1/env/suites/{suite}/tasks", Gate::kSignedIn, EnvListTasks, "A suite's tasks", 0, ""},
      {"POST", "/api/v1/env/sessions", Gate::kSignedIn, EnvCreateSession,
       "Start a session on a task or a given world", kWorldBytes},
      {"GET", "/api/v1/env/sessions", Gate::kSignedIn, EnvListSessions, "My environment sessions", 0, ""},
      {"GET", "/api/v1/env/sessions/{session_id}", Gate::kSignedIn, EnvGetSession, "A session", 0, ""},
      {"DELETE", "/api/v1/env/sessions/{session_id}", Gate::kSignedIn, EnvDeleteSession, "End a session", 0, ""},
      {"GET", "/api/v1/env/sessions/{session_id}/tools", Gate::kSignedIn, EnvTools,
       "Tools as OpenAI functions (?format=mcp)", 0, ""},
      {"POST", "/api/v1/env/sessions/{session_id}/call", Gate::kSignedIn, EnvCall, "Call a tool"},
      {"GET", "/api/v1/env/sessions/{session_id}/state", Gate::kSignedIn, EnvState,
       "The world (?app=NAME for one app)", 0, ""},
      {"GET", "/api/v1/env/sessions/{session_id}/diff", Gate::kSignedIn, EnvDiff, "Changes since the start", 0, ""},
      {"GET", "/api/v1/env/sessions/{session_id}/trajectory", Gate::kSignedIn, EnvTrajectory,
       "Calls so far as OpenAI messages (?format=raw)", 0, ""},
      {"POST", "/api/v1/env/sessions/{session_id}/fork", Gate::kSignedIn, EnvFork, "Copy a session"},
      {"POST", "/api/v1/env/sessions/{session_id}/check", Gate::kSignedIn, EnvCheck, "Score against the task"},
  };
  return kRoutes;
}

std::string OpenApiJson() {
  nlohmann::json doc = {
      {"openapi", "3.1.0"},
      {"info", {{"title", "assay API"}, {"version", "1"}}},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "assay_session"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", {"code", "message", "details"}},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"details", {{"type", "object"}}}}}}}}}}}}}}},
      {"paths", nlohmann::json::object()}};
  for (const Route& r : Routes()) {
    std::string method(r.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    nlohmann::json op = {{"summary", r.summary},
                         {"operationId", method + std::string(r.path)},
                         {"responses",
                          {{"default",
                            {{"description", "error"},
                             {"content",
                              {{"application/json",
                                {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
    nlohmann::json params = nlohmann::json::array();
    std::string_view p = r.path;
    for (size_t open = p.find('{'); open != std::string_view::npos; open = p.find('{', open + 1)) {
      size_t close = p.find('}', open);
      params.push_back({{"name", std::string(p.substr(open + 1, close - open - 1))},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.gate != Gate::kPublic) {
      op["security"] = nlohmann::json::array({{{"bearer", nlohmann::json::array()}},
                                              {{"cookie", nlohmann::json::array()}}});
    }
    if (!r.body_types.empty()) {
      nlohmann::json content = nlohmann::json::object();
      for (std::string_view type : BodyTypes(r)) {
        content[std::string(type)] = {{"schema", {{"type", "object"}}}};
      }
      op["requestBody"] = {{"content", content}};
    }
    op["responses"]["2XX"] = {{"description", "success"}};
    doc["paths"][std::string(r.path)][method] = op;
  }
  return doc.dump();
}

}  // namespace api
