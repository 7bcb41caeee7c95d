// Route handlers: parse → call src/work → render. No rules here.
#include "api/handlers.h"

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "work/render.h"
#include "work/requests.h"

namespace api {
namespace {

using base::Result;
using http::Response;

int LimitParam(const Call& call) {
  auto v = call.http.QueryParam("limit");
  if (!v) return 100;
  try {
    return std::clamp(std::stoi(*v), 1, work::kMaxPageSize);
  } catch (...) {
    return 100;
  }
}

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
  out += '}';
  return out;
}

std::string CookieHeader(const Call& call, std::string_view value, int64_t max_age_s) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(value) +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_s);
  if (call.http.secure) c += "; Secure";
  return c;
}

}  // namespace

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

Result<Response> Healthz(Deps&, const Call&) { return Response::Json(200, R"({"status":"ok"})"); }

Result<Response> MetricsText(Deps& d, const Call&) {
  return Response::Text(200, d.metrics ? d.metrics->RenderPrometheus() : "",
                        "text/plain; version=0.0.4");
}

Result<Response> OpenApi(Deps&, const Call&) { return Response::Json(200, OpenApiJson()); }

Result<Response> Login(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string email, StringField(j, "email"));
  ASSAY_ASSIGN_OR_RETURN(std::string password, StringField(j, "password"));
  ASSAY_ASSIGN_OR_RETURN(work::Session s, d.work->Login(email, password, call.http.remote_address));
  Response r = Response::Json(200, "{\"user\":" + work::RenderUser(s.user) + "}");
  const int64_t max_age_s = (s.expires_at_us - d.clock->NowMicros()) / base::kMicrosPerSecond;
  r.SetHeader("Set-Cookie", CookieHeader(call, s.token, max_age_s));
  return r;
}

Result<Response> Logout(Deps& d, const Call& call) {
  std::string_view token = SessionCookieValue(call.http);
  if (!token.empty()) ASSAY_TRY(d.work->Logout(token));
  Response r = Response::Empty(204);
  r.SetHeader("Set-Cookie", CookieHeader(call, "", 0));
  return r;
}

Result<Response> Me(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::User u, d.work->GetMe(*call.caller));
  return Response::Json(200, work::RenderUser(u));
}

Result<Response> MySubmissions(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(auto page, d.work->MySubmissions(*call.caller, LimitParam(call),
                                                          call.http.QueryParam("cursor").value_or("")));
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

Result<Response> CreateToken(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string name, StringField(j, "name", false));
  ASSAY_ASSIGN_OR_RETURN(std::string token, d.work->CreateApiToken(*call.caller, name));
  return Response::Json(201, "{\"token\":" + base::JsonQuote(token) + "}");
}

Result<Response> CreateUser(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string email, StringField(j, "email"));
  ASSAY_ASSIGN_OR_RETURN(std::string password, StringField(j, "password", false));
  ASSAY_ASSIGN_OR_RETURN(std::string role_name, StringField(j, "role"));
  ASSAY_ASSIGN_OR_RETURN(std::string name, StringField(j, "name", false));
  ASSAY_ASSIGN_OR_RETURN(work::Role role, work::ParseRole(role_name));
  ASSAY_ASSIGN_OR_RETURN(work::User u, d.work->CreateUser(*call.caller, email, password, role, name));
  return Response::Json(201, "{\"user\":" + work::RenderUser(u) + "}");
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
  ASSAY_ASSIGN_OR_RETURN(work::ProjectFields f, work::ParseProjectFields(call.http.body));
  ASSAY_ASSIGN_OR_RETURN(work::Project p, d.work->CreateProject(*call.caller, f));
  return Response::Json(201, work::RenderProject(p));
}

Result<Response> GetProject(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::Project p, d.work->GetProject(*call.caller, call.params.Get("project_id")));
  return Response::Json(200, work::RenderProject(p));
}

Result<Response> UpdateProject(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::ProjectFields f, work::ParseProjectFields(call.http.body));
  ASSAY_ASSIGN_OR_RETURN(work::Project p,
                         d.work->UpdateProject(*call.caller, call.params.Get("project_id"), f));
  return Response::Json(200, work::RenderProject(p));
}

Result<Response> AddMember(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string user, StringField(j, "user_id", false));
  if (user.empty()) {
    ASSAY_ASSIGN_OR_RETURN(user, StringField(j, "email"));
  }
  ASSAY_ASSIGN_OR_RETURN(std::string role, StringField(j, "role"));
  ASSAY_TRY(d.work->AddMember(*call.caller, call.params.Get("project_id"), user, role));
  return Response::Json(201, R"({"ok":true})");
}

Result<Response> ListMembers(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(auto members, d.work->ListMembers(*call.caller, call.params.Get("project_id")));
  std::string out = "{\"members\":[";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i) out += ',';
    out += work::RenderMember(members[i]);
  }
  return Response::Json(200, out + "]}");
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
  work::QualityQuery q;
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
  ASSAY_ASSIGN_OR_RETURN(work::QualityView v, d.work->ProjectQuality(*call.caller, call.params.Get("project_id")));
  ASSAY_ASSIGN_OR_RETURN(std::string body, work::RenderQuality(v, q));
  return Response::Json(200, body);
}

Result<Response> ImportItems(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::ImportResult r, d.work->ImportItems(*call.caller, call.params.Get("project_id"),
                                                                  call.http.body));
  return Response::Json(200, work::RenderImportResult(r));
}

Result<Response> ListItems(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(auto page, d.work->ListItems(*call.caller, call.params.Get("project_id"),
                                                      LimitParam(call),
                                                      call.http.QueryParam("cursor").value_or("")));
  return Response::Json(200, RenderPage("items", page, work::RenderItem));
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
  if (order != "asc" && order != "desc") {
    return base::Error::Invalid("order must be asc or desc").Detail("field", "order");
  }
  filter.oldest_first = order == "asc";
  ASSAY_ASSIGN_OR_RETURN(auto page, d.work->ListSubmissions(*call.caller, call.params.Get("project_id"),
                                                            filter, LimitParam(call),
                                                            call.http.QueryParam("cursor").value_or("")));
  return Response::Json(200, RenderPage("submissions", page, work::RenderSubmission));
}

Result<Response> Export(Deps& d, const Call& call) {
  const std::string format = call.http.QueryParam("format").value_or("jsonl");
  if (format != "jsonl") return base::Error::Invalid("unknown export format").Detail("format", format);
  // Check access before the headers go out, so a refusal is a proper error response.
  ASSAY_ASSIGN_OR_RETURN(work::Project p, d.work->GetProject(*call.caller, call.params.Get("project_id")));
  Response r;
  r.headers.push_back({"Content-Type", "application/x-ndjson"});
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + p.id + ".jsonl\""});
  work::Service* svc = d.work;
  work::Caller caller = *call.caller;
  std::string project_id = p.id;
  r.stream = [svc, caller, project_id](const http::ChunkSink& sink) -> base::Status {
    std::string buffer;
    base::Status s = svc->ExportJsonl(caller, project_id, [&](std::string_view line) -> base::Status {
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
  ASSAY_TRY(d.work->ReturnAssignment(*call.caller, call.params.Get("assignment_id"), token));
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
