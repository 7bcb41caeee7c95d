// Handler functions named by the route table (routes.cc).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "api/router.h"
#include "work/service.h"

namespace api {

// Shared by the handler files: the body as a JSON object ({} when empty), and a string field
// (a clear error naming the field when it is missing or not a string).
base::Result<nlohmann::json> BodyObject(const Call& call);
base::Result<std::string> StringField(const nlohmann::json& j, const char* key, bool required = true);
// ?limit= of a list: 1 to work::kMaxPageSize (500), 100 when absent or not a number.
int LimitParam(const Call& call);
// An optional RFC 3339 time field (µs), a clear error naming the field when malformed.
base::Result<std::optional<int64_t>> TimeField(const nlohmann::json& j, const char* key);
// A time (µs) as the API renders it, RFC 3339 UTC; OptTime: null when absent.
nlohmann::json Time(int64_t us);
nlohmann::json OptTime(const std::optional<int64_t>& us);

// A streamed JSONL download of a bulk export job's selection (work::JsonlExport) as an attachment
// named filename; the project's own export goes through datasets::Exporter (Export).
http::Response StreamJsonl(work::JsonlExport exp, const std::string& filename);
// `pay` on project create/PATCH (money_handlers.cc): TakePay splits it off the body and checks
// it (on a PATCH against the project's current pay) before anything changes; StorePay stores it
// once the project is written; ProjectResponse renders the project with its pay.
struct PayInBody {
  std::string rest_json;  // the body without pay
  std::string pay_json;   // "" when the body has none
};
base::Result<PayInBody> TakePay(Deps& d, const Call& call, std::string_view project_id);
base::Status StorePay(Deps& d, const Call& call, std::string_view project_id, const PayInBody& pay);
base::Result<http::Response> ProjectResponse(Deps& d, const Call& call, int status, const work::Project& p);

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
// account_handlers.cc
ASSAY_API_HANDLER(CreateToken)
ASSAY_API_HANDLER(ListTokens)
ASSAY_API_HANDLER(RevokeToken)
ASSAY_API_HANDLER(ChangePassword)
ASSAY_API_HANDLER(CreateUser)
ASSAY_API_HANDLER(UpdateUser)
ASSAY_API_HANDLER(ListUsers)
ASSAY_API_HANDLER(IssuePasswordReset)
ASSAY_API_HANDLER(InspectPasswordReset)
ASSAY_API_HANDLER(ResetPassword)
ASSAY_API_HANDLER(ListProjects)
ASSAY_API_HANDLER(CreateProject)
ASSAY_API_HANDLER(GetProject)
ASSAY_API_HANDLER(UpdateProject)
ASSAY_API_HANDLER(AddMember)
ASSAY_API_HANDLER(ListMembers)
ASSAY_API_HANDLER(UpdateMember)
ASSAY_API_HANDLER(RemoveMember)
ASSAY_API_HANDLER(MyInvitations)
ASSAY_API_HANDLER(AcceptInvitation)
ASSAY_API_HANDLER(DeclineInvitation)
ASSAY_API_HANDLER(GetItem)
ASSAY_API_HANDLER(Progress)
ASSAY_API_HANDLER(Quality)
ASSAY_API_HANDLER(ImportItems)
ASSAY_API_HANDLER(ListSubmissions)
ASSAY_API_HANDLER(Export)
ASSAY_API_HANDLER(ListExports)
ASSAY_API_HANDLER(Leaderboard)
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
// people_handlers.cc
ASSAY_API_HANDLER(GetMyProfile)
ASSAY_API_HANDLER(PutMyProfile)
ASSAY_API_HANDLER(AddMyCredential)
ASSAY_API_HANDLER(PutEvidence)
ASSAY_API_HANDLER(GetEvidence)
ASSAY_API_HANDLER(VerifyCredential)
ASSAY_API_HANDLER(ListExperts)
ASSAY_API_HANDLER(GetExpert)
ASSAY_API_HANDLER(SetExpertStatus)
ASSAY_API_HANDLER(GetTaxonomy)
ASSAY_API_HANDLER(AddTaxonomyPath)
ASSAY_API_HANDLER(ListQualifications)
ASSAY_API_HANDLER(CreateQualification)
ASSAY_API_HANDLER(GrantQualification)
ASSAY_API_HANDLER(RevokeQualification)
ASSAY_API_HANDLER(MyQualifications)
ASSAY_API_HANDLER(ListContracts)
ASSAY_API_HANDLER(CreateContract)
ASSAY_API_HANDLER(NewContractVersion)
ASSAY_API_HANDLER(GetContract)
ASSAY_API_HANDLER(AcceptContract)
ASSAY_API_HANDLER(MyContracts)
ASSAY_API_HANDLER(DownloadAcceptance)
// console_handlers.cc
ASSAY_API_HANDLER(BrowseItems)
ASSAY_API_HANDLER(ListViews)
ASSAY_API_HANDLER(SaveView)
ASSAY_API_HANDLER(DeleteView)
ASSAY_API_HANDLER(ItemContext)
ASSAY_API_HANDLER(SubmissionContext)
ASSAY_API_HANDLER(StartBulk)
ASSAY_API_HANDLER(GetJob)
ASSAY_API_HANDLER(ListJobs)
ASSAY_API_HANDLER(ProjectAudit)
ASSAY_API_HANDLER(JobExport)
ASSAY_API_HANDLER(ListSkips)
ASSAY_API_HANDLER(Remaining)
ASSAY_API_HANDLER(EditSubmission)
ASSAY_API_HANDLER(SendBack)
// money_handlers.cc
ASSAY_API_HANDLER(Heartbeat)
ASSAY_API_HANDLER(MyTimesheet)
ASSAY_API_HANDLER(PutMemo)
ASSAY_API_HANDLER(OpenDispute)
ASSAY_API_HANDLER(ListDisputes)
ASSAY_API_HANDLER(ResolveDispute)
ASSAY_API_HANDLER(Fund)
ASSAY_API_HANDLER(Costs)
ASSAY_API_HANDLER(MyEarnings)
ASSAY_API_HANDLER(MyStatement)
ASSAY_API_HANDLER(RecordFraud)
ASSAY_API_HANDLER(CreateBatch)
ASSAY_API_HANDLER(ListBatches)
ASSAY_API_HANDLER(GetBatch)
ASSAY_API_HANDLER(ExportBatch)
ASSAY_API_HANDLER(MarkBatchPaid)
ASSAY_API_HANDLER(ReverseTransaction)
#undef ASSAY_API_HANDLER

}  // namespace api
