// Route handlers: parse → call src/work → render. No rules here.
#include "api/handlers.h"

#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "datasets/export.h"
#include "datasets/import.h"
#include "quality/render.h"
#include "work/render.h"
#include "work/requests.h"

namespace api {
namespace {

using base::Result;
using http::Response;

template <typename T, typename RenderFn>
std::string RenderPage(std::string_view key, const work::Page<T>& page, RenderFn render) {
  std::string out = "{\"";
  out += key;
  out += "\":[";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i) out += ',';
    out += render(page.items[i]);
  }
  out += "],\"next_cursor\":";
  out += page.next_cursor ? base::JsonQuote(*page.next_cursor) : "null";
  if (page.total) out += ",\"total\":" + std::to_string(*page.total);  // every match, exactly
  out += '}';
  return out;
}

}  // namespace

int LimitParam(const Call& call) {
  auto v = call.http.QueryParam("limit");
  if (!v) return 100;
  try {
    return std::clamp(std::stoi(*v), 1, work::kMaxPageSize);
  } catch (...) {
    return 100;
  }
}

Result<nlohmann::json> BodyObject(const Call& call) {
  if (call.http.body.empty()) return nlohmann::json::object();
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, base::ParseJson(call.http.body));
  if (!j.is_object()) return base::Error::Invalid("the body must be a JSON object");
  return j;
}

Result<std::string> StringField(const nlohmann::json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return base::Error::Invalid(std::string("missing field ") + key).Detail("field", key);
    return std::string();
  }
  if (!it->is_string()) return base::Error::Invalid(std::string(key) + " must be a string").Detail("field", key);
  return it->get<std::string>();
}

nlohmann::json Time(int64_t us) { return base::FormatRfc3339(us); }
nlohmann::json OptTime(const std::optional<int64_t>& us) { return us ? Time(*us) : nlohmann::json(nullptr); }

Result<Response> Healthz(Deps&, const Call&) { return Response::Json(200, R"({"status":"ok"})"); }

Result<Response> MetricsText(Deps& d, const Call&) {
  return Response::Text(200, d.metrics ? d.metrics->RenderPrometheus() : "",
                        "text/plain; version=0.0.4");
}

Result<Response> OpenApi(Deps&, const Call&) { return Response::Json(200, OpenApiJson()); }

Result<Response> MySubmissions(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(auto page, d.work->MySubmissions(*call.caller, LimitParam(call),
                                                          call.http.QueryParam("cursor").value_or(""),
                                                          call.http.QueryParam("project_id").value_or("")));
  return Response::Json(200, RenderPage("submissions", page, work::RenderSubmission));
}

Result<Response> MyStats(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(auto stats, d.work->MyStats(*call.caller));
  std::string out = "{\"projects\":[";
  for (size_t i = 0; i < stats.size(); ++i) {
    if (i) out += ',';
    out += work::RenderExpertStats(stats[i]);
  }
  return Response::Json(200, out + "]}");
}

Result<Response> ListProjects(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(auto projects, d.work->ListProjects(*call.caller));
  std::string out = "{\"projects\":[";
  for (size_t i = 0; i < projects.size(); ++i) {
    if (i) out += ',';
    out += work::RenderProject(projects[i]);
  }
  return Response::Json(200, out + "]}");
}

Result<Response> CreateProject(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(PayInBody pay, TakePay(d, call, ""));
  ASSAY_ASSIGN_OR_RETURN(work::ProjectFields f, work::ParseProjectFields(pay.rest_json));
  ASSAY_ASSIGN_OR_RETURN(work::Project p, d.work->CreateProject(*call.caller, f));
  ASSAY_TRY(StorePay(d, call, p.id, pay));
  return ProjectResponse(d, call, 201, p);
}

Result<Response> GetProject(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::Project p, d.work->GetProject(*call.caller, call.params.Get("project_id")));
  return ProjectResponse(d, call, 200, p);
}

Result<Response> UpdateProject(Deps& d, const Call& call) {
  const std::string_view project_id = call.params.Get("project_id");
  ASSAY_ASSIGN_OR_RETURN(PayInBody pay, TakePay(d, call, project_id));
  ASSAY_ASSIGN_OR_RETURN(work::ProjectFields f, work::ParseProjectFields(pay.rest_json));
  ASSAY_ASSIGN_OR_RETURN(work::Project p, d.work->UpdateProject(*call.caller, project_id, f));
  ASSAY_TRY(StorePay(d, call, project_id, pay));
  return ProjectResponse(d, call, 200, p);
}

Result<Response> AddMember(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string email, StringField(j, "email"));
  ASSAY_ASSIGN_OR_RETURN(std::string role, StringField(j, "role"));
  ASSAY_TRY(d.work->InviteMember(*call.caller, call.params.Get("project_id"), email, role));
  // The same answer whether or not someone has an account with this email.
  return Response::Json(202, base::Dump(nlohmann::json{{"invited", email}, {"role", role}}));
}

Result<Response> ListMembers(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::MemberList list, d.work->ListMembers(*call.caller, call.params.Get("project_id")));
  std::string out = "{\"members\":[";
  for (size_t i = 0; i < list.members.size(); ++i) {
    if (i) out += ',';
    out += work::RenderMember(list.members[i]);
  }
  out += "],\"invitations\":[";
  for (size_t i = 0; i < list.invitations.size(); ++i) {
    if (i) out += ',';
    out += work::RenderInvitation(list.invitations[i]);
  }
  return Response::Json(200, out + "]}");
}

Result<Response> UpdateMember(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string role, StringField(j, "role"));
  ASSAY_TRY(d.work->UpdateMember(*call.caller, call.params.Get("project_id"), call.params.Get("user_id"), role));
  return Response::Json(200, base::Dump(nlohmann::json{{"user_id", call.params.Get("user_id")}, {"role", role}}));
}

Result<Response> RemoveMember(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(int64_t returned,
                         d.work->RemoveMember(*call.caller, call.params.Get("project_id"), call.params.Get("user_id")));
  return Response::Json(200, base::Dump(nlohmann::json{{"removed", call.params.Get("user_id")},
                                                       {"leases_returned", returned}}));
}

Result<Response> MyInvitations(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<work::Invitation> list, d.work->MyInvitations(*call.caller));
  std::string out = "{\"invitations\":[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    out += work::RenderInvitation(list[i]);
  }
  return Response::Json(200, out + "]}");
}

Result<Response> AcceptInvitation(Deps& d, const Call& call) {
  ASSAY_TRY(d.work->AnswerInvitation(*call.caller, call.params.Get("invitation_id"), true));
  return Response::Json(200, R"({"accepted":true})");
}

Result<Response> DeclineInvitation(Deps& d, const Call& call) {
  ASSAY_TRY(d.work->AnswerInvitation(*call.caller, call.params.Get("invitation_id"), false));
  return Response::Json(200, R"({"declined":true})");
}

Result<Response> GetItem(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::ItemView item, d.work->GetItem(*call.caller, call.params.Get("item_id")));
  return Response::Json(200, work::RenderItem(item));
}

Result<Response> Progress(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::Progress p, d.work->GetProgress(*call.caller, call.params.Get("project_id")));
  return Response::Json(200, work::RenderProgress(p));
}

Result<Response> Quality(Deps& d, const Call& call) {
  quality::QualityQuery q;
  q.field = call.http.QueryParam("field").value_or("");
  q.method = call.http.QueryParam("method").value_or("ds");
  q.limit = LimitParam(call);
  if (auto offset = call.http.QueryParam("offset")) {
    try {
      q.offset = std::stoll(*offset);
    } catch (...) {
      return base::Error::Invalid("offset must be an integer").Detail("field", "offset");
    }
  }
  ASSAY_ASSIGN_OR_RETURN(quality::ProjectQuality report,
                         d.quality->Report(*call.caller, call.params.Get("project_id"), q.method));
  q.identities = report.identities;
  ASSAY_ASSIGN_OR_RETURN(std::string body, quality::RenderQuality(report.view, q));
  return Response::Json(200, body);
}

namespace {

// POST …/items?format=F[&mapping={…}] (or a text/csv body): the streamed importer of src/datasets.
Result<Response> ImportWithFormat(Deps& d, const Call& call, const std::string& format_name) {
  if (!d.importer) return base::Error(base::ErrorCode::kUnavailable, "this server does not import other formats");
  datasets::ImportOptions options;
  ASSAY_ASSIGN_OR_RETURN(options.format, datasets::ParseFormat(format_name));
  if (auto mapping = call.http.QueryParam("mapping"); mapping && !mapping->empty()) {
    ASSAY_ASSIGN_OR_RETURN(options.mapping, datasets::CsvMapping::FromJson(*mapping));
  }
  datasets::StringSource body(call.http.body);
  ASSAY_ASSIGN_OR_RETURN(datasets::ImportOutcome r,
                         d.importer->Import(*call.caller, call.params.Get("project_id"), body, options));
  return Response::Json(200, datasets::RenderImportOutcome(r));
}

}  // namespace

Result<Response> ImportItems(Deps& d, const Call& call) {
  std::optional<std::string> format = call.http.QueryParam("format");
  if (!format && call.http.ContentType() == "text/csv") format = "csv";
  if (format) return ImportWithFormat(d, call, *format);
  ASSAY_ASSIGN_OR_RETURN(work::ImportResult r, d.work->ImportItems(*call.caller, call.params.Get("project_id"),
                                                                  call.http.body));
  return Response::Json(200, work::RenderImportResult(r));
}

void Lease(Deps& d, const Call& call, Answer answer) {
  auto after = [&]() -> Result<std::string> {
    ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
    return StringField(j, "after", false);
  }();
  if (!after) return answer(Failed(std::move(after).error()));
  d.work->AcquireLeaseAsync(*call.caller, call.params.Get("project_id"), *after,
                            [answer = std::move(answer)](Result<std::optional<work::Lease>> lease) {
                              answer([lease = std::move(lease)]() -> Result<Response> {
                                if (!lease) return lease.error();
                                if (!*lease) return Response::Empty(204);
                                return Response::Json(200, work::RenderLease(**lease));
                              });
                            });
}

Result<Response> ListSubmissions(Deps& d, const Call& call) {
  work::SubmissionFilter filter;
  filter.state = call.http.QueryParam("state");
  filter.expert_id = call.http.QueryParam("expert_id");
  filter.item_id = call.http.QueryParam("item_id");
  const std::string order = call.http.QueryParam("order").value_or("desc");
  if (order != "asc" && order != "desc" && order != "risk") {
    return base::Error::Invalid("order must be asc, desc or risk").Detail("field", "order");
  }
  filter.oldest_first = order == "asc";
  filter.by_risk = order == "risk";  // the review queue, riskiest first
  ASSAY_ASSIGN_OR_RETURN(auto page, d.work->ListSubmissions(*call.caller, call.params.Get("project_id"),
                                                            filter, LimitParam(call),
                                                            call.http.QueryParam("cursor").value_or("")));
  return Response::Json(200, RenderPage("submissions", page, work::RenderSubmission));
}

namespace {

// attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded> (RFC 6266): the name as
// the project has it for browsers that read filename*, a plain one for the rest.
std::string Attachment(const std::string& name) {
  std::string ascii, encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char ch : name) {
    const bool plain = std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_';
    ascii += plain ? static_cast<char>(ch) : '_';
    if (plain) encoded += static_cast<char>(ch);
    else encoded += std::string{'%', kHex[ch >> 4], kHex[ch & 15]};
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

Result<Response> Export(Deps& d, const Call& call) {
  if (!d.exporter) return base::Error(base::ErrorCode::kUnavailable, "this server does not export");
  datasets::ExportOptions options;
  ASSAY_ASSIGN_OR_RETURN(options.format, datasets::ParseExportFormat(call.http.QueryParam("format").value_or("jsonl")));
  const std::string states = call.http.QueryParam("states").value_or("approved,pending");
  if (states != "approved" && states != "approved,pending") {
    return base::Error::Invalid("states must be approved or approved,pending").Detail("field", "states");
  }
  options.approved_only = states == "approved";
  const std::string pairs = call.http.QueryParam("pairs").value_or("best_worst");
  if (pairs != "best_worst" && pairs != "all") return base::Error::Invalid("pairs must be best_worst or all").Detail("field", "pairs");
  options.all_pairs = pairs == "all";
  // Access is checked here, before the headers go out: a refusal is a proper error response,
  // and the stream below cannot be refused once it has started.
  ASSAY_ASSIGN_OR_RETURN(datasets::Export exp, d.exporter->Open(*call.caller, call.params.Get("project_id"), options));
  Response r;
  r.headers.push_back({"Content-Type", std::string(datasets::ExportContentType(options.format))});
  r.headers.push_back({"Content-Disposition", Attachment(exp.FileName())});
  r.stream = [exp = std::move(exp)](const http::ChunkSink& sink) -> base::Status {
    std::string buffer;
    auto m = exp.Stream([&](std::string_view text) -> base::Status {
      buffer += text;
      if (buffer.size() >= 64 * 1024) {
        if (!sink(buffer)) return base::Error(base::ErrorCode::kUnavailable, "client went away");
        buffer.clear();
      }
      return base::Ok();
    });
    if (!m) return m.error();
    if (!buffer.empty() && !sink(buffer)) return base::Error(base::ErrorCode::kUnavailable, "client went away");
    return base::Ok();
  };
  return r;
}

Response StreamJsonl(work::JsonlExport exp, const std::string& filename) {
  Response r;
  r.headers.push_back({"Content-Type", "application/x-ndjson"});
  r.headers.push_back({"Content-Disposition", Attachment(filename)});
  r.stream = [exp = std::move(exp)](const http::ChunkSink& sink) -> base::Status {
    std::string buffer;
    base::Status s = exp.Stream([&](std::string_view line) -> base::Status {
      buffer += line;
      buffer += '\n';
      if (buffer.size() >= 64 * 1024) {
        if (!sink(buffer)) return base::Error(base::ErrorCode::kUnavailable, "client went away");
        buffer.clear();
      }
      return base::Ok();
    });
    if (!s) return s;
    if (!buffer.empty() && !sink(buffer)) return base::Error(base::ErrorCode::kUnavailable, "client went away");
    return base::Ok();
  };
  return r;
}

Result<Response> Leaderboard(Deps& d, const Call& call) {
  if (!d.exporter) return base::Error(base::ErrorCode::kUnavailable, "this server has no leaderboards");
  datasets::LeaderboardOptions options;
  if (auto rounds = call.http.QueryParam("bootstrap")) {
    char* end = nullptr;
    const long n = std::strtol(rounds->c_str(), &end, 10);
    if (rounds->empty() || *end != '\0' || n < 0 || n > 1000) {
      return base::Error::Invalid("bootstrap must be a number of rounds from 0 to 1000").Detail("field", "bootstrap");
    }
    options.rounds = static_cast<int>(n);
  }
  ASSAY_ASSIGN_OR_RETURN(datasets::LeaderboardResult lb,
                         d.exporter->Leaderboard(*call.caller, call.params.Get("project_id"), options));
  return Response::Json(200, datasets::RenderLeaderboard(lb));
}

Result<Response> ListExports(Deps& d, const Call& call) {
  if (!d.exporter) return base::Error(base::ErrorCode::kUnavailable, "this server does not export");
  ASSAY_ASSIGN_OR_RETURN(std::vector<std::string> manifests,
                         d.exporter->ListManifests(*call.caller, call.params.Get("project_id"), LimitParam(call)));
  std::string body = "{\"exports\":[";
  for (size_t i = 0; i < manifests.size(); ++i) body += (i ? "," : "") + manifests[i];
  return Response::Json(200, body + "]}");
}

Result<Response> GetAssignment(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::Assignment a, d.work->GetAssignment(*call.caller, call.params.Get("assignment_id")));
  return Response::Json(200, work::RenderAssignment(a));
}

Result<Response> Renew(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string token, StringField(j, "lease_token"));
  ASSAY_ASSIGN_OR_RETURN(int64_t expires_us,
                         d.work->RenewLease(*call.caller, call.params.Get("assignment_id"), token));
  return Response::Json(200, "{\"expires_at\":\"" + base::FormatRfc3339(expires_us) + "\"}");
}

void Submit(Deps& d, const Call& call, Answer answer) {
  Result<work::SubmitRequest> req = work::ParseSubmitBody(call.params.Get("assignment_id"), call.http.body);
  if (!req) return answer(Failed(std::move(req).error()));
  d.work->SubmitAsync(*call.caller, *req, [answer = std::move(answer)](Result<work::SubmitResult> r) {
    answer([r = std::move(r)]() -> Result<Response> {
      if (!r) return r.error();
      return Response::Json(r->created ? 201 : 200, "{\"submission\":" + work::RenderSubmission(r->submission) + "}");
    });
  });
}

Result<Response> Return(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string token, StringField(j, "lease_token"));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason", false));
  ASSAY_ASSIGN_OR_RETURN(std::string note, StringField(j, "note", false));
  ASSAY_TRY(d.work->ReturnAssignment(*call.caller, call.params.Get("assignment_id"), token, reason, note));
  return Response::Json(200, R"({"returned":true})");
}

Result<Response> GetSubmission(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::Submission s, d.work->GetSubmission(*call.caller, call.params.Get("submission_id")));
  return Response::Json(200, work::RenderSubmission(s));
}

Result<Response> ReviewSubmission(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string verdict, StringField(j, "verdict"));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason", false));
  ASSAY_ASSIGN_OR_RETURN(work::Review r, d.work->ReviewSubmission(*call.caller, call.params.Get("submission_id"),
                                                                 verdict, reason));
  return Response::Json(200, work::RenderReview(r));
}

}  // namespace api
