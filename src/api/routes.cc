// Every route the server answers, as data. Dispatch, auth gates, body limits, metrics labels,
// the OpenAPI document and the access tests all read this table.
#include <nlohmann/json.hpp>

#include <set>

#include "base/json.h"
#include "api/contract.h"
#include "api/handlers.h"

namespace api {

const std::vector<Route>& Routes() {
  constexpr size_t kImportBytes = 256u << 20;
  constexpr size_t kJsonBytes = 1u << 20;  // Route's defaults, for rows that set a later field
  constexpr std::string_view kJson = "application/json";
  constexpr size_t kWorldBytes = 32u << 20;  // a session on a given world carries its state
  constexpr size_t kEvidenceBytes = 10u << 20;  // people::Options::max_evidence_bytes
  static const std::vector<Route> kRoutes = {
      {"GET", "/healthz", Gate::kPublic, Healthz, "Liveness", 0, ""},
      {"GET", "/metrics", Gate::kLocalOrAdmin, MetricsText,
       "Prometheus metrics (loopback or admin)", 0, ""},
      {"GET", "/api/v1/openapi.json", Gate::kPublic, OpenApi, "This document", 0, ""},
      {"POST", "/api/v1/auth/login", Gate::kPublic, Login, "Sign in; sets the session cookie"},
      {"POST", "/api/v1/auth/logout", Gate::kSignedIn, Logout, "Sign out"},
      {"GET", "/api/v1/me", Gate::kSignedIn, Me, "The signed-in user", 0, ""},
      {"GET", "/api/v1/me/submissions", Gate::kSignedIn, MySubmissions, "My submissions with reviews", 0, ""},
      {"GET", "/api/v1/me/stats", Gate::kSignedIn, MyStats, "My per-project scores", 0, ""},
      {"POST", "/api/v1/me/password", Gate::kSignedIn, ChangePassword,
       "Change my password (ends my other sessions, revokes my tokens)"},
      {"POST", "/api/v1/tokens", Gate::kSignedIn, CreateToken, "Create an API token (shown once)"},
      {"GET", "/api/v1/tokens", Gate::kSignedIn, ListTokens, "My API tokens", 0, ""},
      {"DELETE", "/api/v1/tokens/{token_id}", Gate::kSignedIn, RevokeToken, "Revoke one of my tokens", 0, ""},
      {"POST", "/api/v1/users", Gate::kManager, CreateUser, "Create a user"},
      {"GET", "/api/v1/users", Gate::kAdmin, ListUsers, "The org's users with their state (?q=&limit=&cursor=)", 0, ""},
      {"PATCH", "/api/v1/users/{user_id}", Gate::kAdmin, UpdateUser,
       "Deactivate or reactivate a user (sessions and tokens end at once)"},
      {"POST", "/api/v1/users/{user_id}/password-reset", Gate::kAdmin, IssuePasswordReset,
       "A one-time password-reset link for a user (shown once; valid a day)", kJsonBytes, ""},
      {"POST", "/api/v1/auth/password-reset/inspect", Gate::kPublic, InspectPasswordReset,
       "Whom a password-reset link is for"},
      {"POST", "/api/v1/auth/password-reset", Gate::kPublic, ResetPassword,
       "Set a new password with a reset link (once; ends every session and token)"},
      {"GET", "/api/v1/projects", Gate::kSignedIn, ListProjects, "Projects I belong to", 0, ""},
      {"POST", "/api/v1/projects", Gate::kManager, CreateProject, "Create a project"},
      {"GET", "/api/v1/projects/{project_id}", Gate::kSignedIn, GetProject, "A project", 0, ""},
      {"PATCH", "/api/v1/projects/{project_id}", Gate::kSignedIn, UpdateProject, "Change a project"},
      {"POST", "/api/v1/projects/{project_id}/members", Gate::kSignedIn, AddMember,
       "Invite someone by email (the same answer whether or not the email has an account)"},
      {"GET", "/api/v1/projects/{project_id}/members", Gate::kSignedIn, ListMembers,
       "Members with their activity, and pending invitations (managers)", 0, ""},
      {"PATCH", "/api/v1/projects/{project_id}/members/{user_id}", Gate::kSignedIn, UpdateMember,
       "Change a member's role (never above the account's role; a manager always stays)"},
      {"DELETE", "/api/v1/projects/{project_id}/members/{user_id}", Gate::kSignedIn, RemoveMember,
       "Remove a member: her live leases go back, her submissions stay", 0, ""},
      {"GET", "/api/v1/me/invitations", Gate::kSignedIn, MyInvitations, "My pending invitations", 0, ""},
      {"POST", "/api/v1/invitations/{invitation_id}/accept", Gate::kSignedIn, AcceptInvitation, "Join a project"},
      {"POST", "/api/v1/invitations/{invitation_id}/decline", Gate::kSignedIn, DeclineInvitation,
       "Decline an invitation"},
      {"GET", "/api/v1/projects/{project_id}/progress", Gate::kSignedIn, Progress, "Progress and throughput", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/quality", Gate::kSignedIn, Quality,
       "Agreement, worker skills, aggregated labels (cached)", 0, ""},
      {"POST", "/api/v1/projects/{project_id}/items", Gate::kSignedIn, ImportItems,
       "Import items (JSONL or JSON array; ?format=csv|labelstudio|responses|jsonl)", kImportBytes,
       "application/json,application/x-ndjson,application/jsonl,text/plain,text/csv"},
      {"GET", "/api/v1/projects/{project_id}/items", Gate::kSignedIn, BrowseItems,
       "The data browser: items filtered, searched, sorted, paged, with an exact total (managers, reviewers)", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/views", Gate::kSignedIn, ListViews, "Saved views: the browser's tabs", 0,
       ""},
      {"POST", "/api/v1/projects/{project_id}/views", Gate::kSignedIn, SaveView, "Save a view (a name and a query)"},
      {"DELETE", "/api/v1/views/{view_id}", Gate::kSignedIn, DeleteView, "Delete a saved view (its creator, managers)",
       0, ""},
      {"GET", "/api/v1/items/{item_id}/context", Gate::kSignedIn, ItemContext,
       "An item's page: every answer side by side, consensus, gold compared, history", 0, ""},
      {"POST", "/api/v1/projects/{project_id}/bulk", Gate::kSignedIn, StartBulk,
       "A bulk action on a selection, confirmed by its count (a job; dry_run counts)"},
      {"GET", "/api/v1/projects/{project_id}/jobs", Gate::kSignedIn, ListJobs, "The project's bulk jobs", 0, ""},
      {"GET", "/api/v1/jobs/{job_id}", Gate::kSignedIn, GetJob, "A bulk job and its progress", 0, ""},
      {"GET", "/api/v1/jobs/{job_id}/export", Gate::kSignedIn, JobExport,
       "An export job's selection as JSONL (streamed)", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/audit", Gate::kSignedIn, ProjectAudit,
       "Who did what in bulk, when, on how many items (managers)", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/skips", Gate::kSignedIn, ListSkips,
       "Skips by reason and the latest ones (managers, reviewers)", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/remaining", Gate::kSignedIn, Remaining,
       "Work left: for me and in the project", 0, ""},
      {"POST", "/api/v1/projects/{project_id}/leases", Gate::kSignedIn, nullptr, "Lease the next item", kJsonBytes,
       kJson, Lease},
      {"GET", "/api/v1/projects/{project_id}/submissions", Gate::kSignedIn, ListSubmissions, "Submissions", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/export", Gate::kSignedIn, Export,
       "Export (streamed): ?format=jsonl|sft|dpo|openai|labelstudio|csv", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/leaderboard", Gate::kSignedIn, Leaderboard,
       "Models ranked from approved pairwise answers (Bradley–Terry, bootstrap, Elo)", 0, ""},
      {"GET", "/api/v1/projects/{project_id}/exports", Gate::kSignedIn, ListExports,
       "Manifests of the project's exports, newest first (managers)", 0, ""},
      {"GET", "/api/v1/assignments/{assignment_id}", Gate::kSignedIn, GetAssignment, "An assignment", 0, ""},
      {"POST", "/api/v1/assignments/{assignment_id}/renew", Gate::kSignedIn, Renew, "Extend a lease"},
      {"POST", "/api/v1/assignments/{assignment_id}/submit", Gate::kSignedIn, nullptr, "Submit an answer (idempotent)",
       kJsonBytes, kJson, Submit},
      {"POST", "/api/v1/assignments/{assignment_id}/return", Gate::kSignedIn, Return, "Give the item back"},
      {"GET", "/api/v1/items/{item_id}", Gate::kSignedIn, GetItem, "An item (managers, reviewers)", 0, ""},
      {"GET", "/api/v1/submissions/{submission_id}", Gate::kSignedIn, GetSubmission, "A submission", 0, ""},
      {"POST", "/api/v1/submissions/{submission_id}/review", Gate::kSignedIn, ReviewSubmission, "Approve or reject"},
      {"PATCH", "/api/v1/submissions/{submission_id}", Gate::kSignedIn, EditSubmission,
       "Edit my answer while it waits for review and the lease rules allow (the earlier version is kept)"},
      {"POST", "/api/v1/submissions/{submission_id}/send-back", Gate::kSignedIn, SendBack,
       "Send an answer back to its expert with a note (reviewers, managers)"},
      {"GET", "/api/v1/submissions/{submission_id}/context", Gate::kSignedIn, SubmissionContext,
       "Review context: the other answers, consensus, gold compared, the expert's record", 0, ""},
      // People (people_handlers.cc)
      {"GET", "/api/v1/me/profile", Gate::kSignedIn, GetMyProfile,
       "My profile with its status history, credentials, qualifications and contracts", 0, ""},
      {"PUT", "/api/v1/me/profile", Gate::kSignedIn, PutMyProfile, "Set my profile"},
      {"POST", "/api/v1/me/credentials", Gate::kSignedIn, AddMyCredential, "Add a credential"},
      {"PUT", "/api/v1/me/credentials/{credential_id}/evidence", Gate::kSignedIn, PutEvidence,
       "Upload a credential's evidence (PDF, PNG or JPEG)", kEvidenceBytes, "application/pdf,image/png,image/jpeg"},
      {"GET", "/api/v1/credentials/{credential_id}/evidence", Gate::kSignedIn, GetEvidence,
       "A credential's evidence file (its owner, reviewers, managers)", 0, ""},
      {"POST", "/api/v1/credentials/{credential_id}/verification", Gate::kSignedIn, VerifyCredential,
       "Mark a credential verified or rejected, with a note (reviewers, managers)"},
      {"GET", "/api/v1/experts", Gate::kSignedIn, ListExperts, "The experts directory (reviewers, managers)", 0, ""},
      {"GET", "/api/v1/experts/{user_id}", Gate::kSignedIn, GetExpert, "An expert's profile and history", 0, ""},
      {"POST", "/api/v1/experts/{user_id}/status", Gate::kManager, SetExpertStatus,
       "Change an expert's status, with a reason she reads"},
      {"GET", "/api/v1/taxonomy", Gate::kSignedIn, GetTaxonomy, "The domain taxonomy", 0, ""},
      {"POST", "/api/v1/taxonomy", Gate::kAdmin, AddTaxonomyPath, "Add a domain to the taxonomy"},
      {"GET", "/api/v1/qualifications", Gate::kSignedIn, ListQualifications, "Qualifications", 0, ""},
      {"POST", "/api/v1/qualifications", Gate::kManager, CreateQualification, "Create a qualification"},
      {"POST", "/api/v1/qualifications/{qualification_id}/grants", Gate::kManager, GrantQualification,
       "Grant a qualification, with a reason"},
      {"POST", "/api/v1/qualifications/{qualification_id}/revocations", Gate::kManager, RevokeQualification,
       "Revoke a qualification, with a reason"},
      {"GET", "/api/v1/me/qualifications", Gate::kSignedIn, MyQualifications, "My qualifications", 0, ""},
      {"GET", "/api/v1/contracts", Gate::kManager, ListContracts, "Contracts (every version)", 0, ""},
      {"POST", "/api/v1/contracts", Gate::kManager, CreateContract, "Publish a contract (version 1)"},
      {"POST", "/api/v1/contracts/{contract_id}/versions", Gate::kManager, NewContractVersion,
       "Publish a new version of a contract"},
      {"GET", "/api/v1/contracts/{contract_id}", Gate::kSignedIn, GetContract,
       "A contract's text (managers; experts whose project requires it)", 0, ""},
      {"POST", "/api/v1/contracts/{contract_id}/accept", Gate::kSignedIn, AcceptContract,
       "Accept a contract (again: the same acceptance, 200)", kJsonBytes, ""},
      {"GET", "/api/v1/me/contracts", Gate::kSignedIn, MyContracts, "What I accepted", 0, ""},
      {"GET", "/api/v1/me/contracts/{acceptance_id}", Gate::kSignedIn, DownloadAcceptance,
       "Download what I accepted (markdown with the record)", 0, ""},
      // Money and time (money_handlers.cc)
      {"POST", "/api/v1/assignments/{assignment_id}/heartbeats", Gate::kSignedIn, Heartbeat,
       "Activity heartbeat on my live lease (measured time)", 16u << 10},
      {"GET", "/api/v1/me/timesheet", Gate::kSignedIn, MyTimesheet,
       "My measured time by day and segment (?from=&to= days, UTC)", 0, ""},
      {"PUT", "/api/v1/me/timesheet/{day}/memo", Gate::kSignedIn, PutMemo, "My memo on a day"},
      {"POST", "/api/v1/segments/{segment_id}/disputes", Gate::kSignedIn, OpenDispute,
       "Dispute a time segment of mine: the time it should show, and why"},
      {"GET", "/api/v1/projects/{project_id}/disputes", Gate::kSignedIn, ListDisputes,
       "Time disputes on a project (managers)", 0, ""},
      {"POST", "/api/v1/disputes/{dispute_id}/resolve", Gate::kSignedIn, ResolveDispute,
       "Accept (granting time) or reject a time dispute, with a reason (managers)"},
      {"POST", "/api/v1/projects/{project_id}/funding", Gate::kSignedIn, Fund,
       "Fund a project's budget (idempotent by key; managers)"},
      {"GET", "/api/v1/projects/{project_id}/costs", Gate::kSignedIn, Costs,
       "Spend, budget left, burn rate, cost per approved item and per correct label (managers)", 0, ""},
      {"GET", "/api/v1/me/earnings", Gate::kSignedIn, MyEarnings,
       "My pending, payable, in-batch and paid money, per project and line by line", 0, ""},
      {"GET", "/api/v1/me/statements", Gate::kSignedIn, MyStatement,
       "My statement of a period (?from=&to= days; format=json|csv|html)", 0, ""},
      {"POST", "/api/v1/submissions/{submission_id}/fraud", Gate::kSignedIn, RecordFraud,
       "Record a confirmed fraud finding, with a reason: the submission's pay is reversed (managers)"},
      {"POST", "/api/v1/payouts/batches", Gate::kAdmin, CreateBatch,
       "Gather payable balances of at least min_cents into a payout batch"},
      {"GET", "/api/v1/payouts/batches", Gate::kAdmin, ListBatches, "Payout batches, newest first", 0, ""},
      {"GET", "/api/v1/payouts/batches/{batch_id}", Gate::kAdmin, GetBatch, "A payout batch", 0, ""},
      {"GET", "/api/v1/payouts/batches/{batch_id}/export", Gate::kAdmin, ExportBatch,
       "A payout batch as CSV for the payment provider", 0, ""},
      {"POST", "/api/v1/payouts/batches/{batch_id}/paid", Gate::kAdmin, MarkBatchPaid,
       "The provider paid the batch: post the payments (again: the same batch)", kJsonBytes, ""},
      {"POST", "/api/v1/ledger/transactions/{transaction_id}/reversal", Gate::kAdmin, ReverseTransaction,
       "Reverse a funding or adjustment, with a reason"},
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

accounts::Scope RouteScope(const Route& route) {
  // An expert's own work: what a token scoped "work" may change (docs/api.md, "Tokens").
  static const std::set<std::pair<std::string_view, std::string_view>> kWork = {
      {"POST", "/api/v1/projects/{project_id}/leases"},
      {"POST", "/api/v1/assignments/{assignment_id}/renew"},
      {"POST", "/api/v1/assignments/{assignment_id}/submit"},
      {"POST", "/api/v1/assignments/{assignment_id}/return"},
      {"POST", "/api/v1/invitations/{invitation_id}/accept"},
      {"POST", "/api/v1/invitations/{invitation_id}/decline"},
      {"PUT", "/api/v1/me/profile"},
      {"POST", "/api/v1/me/credentials"},
      {"PUT", "/api/v1/me/credentials/{credential_id}/evidence"},
      {"POST", "/api/v1/contracts/{contract_id}/accept"},
      {"POST", "/api/v1/env/sessions"},
      {"DELETE", "/api/v1/env/sessions/{session_id}"},
      {"POST", "/api/v1/env/sessions/{session_id}/call"},
      {"POST", "/api/v1/env/sessions/{session_id}/fork"},
      {"POST", "/api/v1/env/sessions/{session_id}/check"},
      {"POST", "/mcp"},
      {"DELETE", "/mcp"},
  };
  if (route.method == "GET") return accounts::kScopeRead;
  if (route.path == "/api/v1/auth/logout") return accounts::kScopeRead;  // a token has no session to end
  return kWork.count({route.method, route.path}) ? accounts::kScopeWork : accounts::kScopeManage;
}

std::string OpenApiJson() {
  const nlohmann::json& contract = ContractDocument();
  nlohmann::json schemas = nlohmann::json::object();
  for (const auto& [name, schema] : contract["components"].items()) schemas[name] = OpenApiRefs(schema);
  nlohmann::json doc = {
      {"openapi", "3.1.0"},
      {"info", {{"title", "assay API"}, {"version", "1"}}},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "assay_session"}}}}},
        {"schemas", schemas}}},
      {"paths", nlohmann::json::object()}};
  for (const Route& r : Routes()) {
    std::string method(r.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const nlohmann::json* entry = RouteContract(r);
    const nlohmann::json error_schema = entry && entry->contains("error")
                                            ? OpenApiRefs((*entry)["error"])
                                            : nlohmann::json{{"$ref", "#/components/schemas/Error"}};
    nlohmann::json op = {{"summary", r.summary},
                         {"operationId", method + std::string(r.path)},
                         {"responses",
                          {{"default",
                            {{"description", "error"},
                             {"content", {{"application/json", {{"schema", error_schema}}}}}}}}}};
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
      // An admin's credentials, or none at all from loopback.
      if (r.gate == Gate::kLocalOrAdmin) op["security"].push_back(nlohmann::json::object());
    }
    if (!r.body_types.empty()) {
      nlohmann::json content = nlohmann::json::object();
      for (std::string_view type : BodyTypes(r)) {
        const bool json = type == "application/json";
        content[std::string(type)] = {
            {"schema", json && entry && entry->contains("request")
                           ? OpenApiRefs((*entry)["request"])
                           : nlohmann::json{{"type", "string"}, {"format", "binary"}}}};
      }
      op["requestBody"] = {{"content", content}};
    }
    // Each success status the route answers, with its body: JSON per its schema, or the other
    // media types it sends (downloads), or none (204).
    const nlohmann::json statuses = entry ? entry->value("status", nlohmann::json::array({200}))
                                          : nlohmann::json::array({200});
    for (const auto& status : statuses) {
      nlohmann::json response = {{"description", std::string(http::StatusReason(status.get<int>()))}};
      nlohmann::json content = nlohmann::json::object();
      if (status != 204 && entry && entry->contains("response")) {
        content["application/json"] = {{"schema", OpenApiRefs((*entry)["response"])}};
      }
      if (entry) {
        for (const auto& type : entry->value("content", nlohmann::json::array())) {
          content[type.get<std::string>()] = nlohmann::json::object();
        }
      }
      if (!content.empty() && status != 204) response["content"] = content;
      op["responses"][std::to_string(status.get<int>())] = response;
    }
    doc["paths"][std::string(r.path)][method] = op;
  }
  return base::Dump(doc);
}

}  // namespace api
