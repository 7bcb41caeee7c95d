// The manager's console and the expert's side of it: the data browser, saved views, an item's
// page, review context, bulk jobs with their audit log, skips, remaining work, edits and
// send-backs. Parse → call src/work → render; no rules here.
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "base/json.h"
#include "work/browse.h"
#include "work/bulk.h"
#include "work/console_render.h"
#include "work/render.h"

namespace api {
namespace {

using base::Result;
using http::Response;

base::Error Unavailable() {
  return base::Error(base::ErrorCode::kUnavailable, "the console is not running on this server");
}

int Limit(const Call& call, int fallback, int most) {
  auto v = call.http.QueryParam("limit");
  if (!v) return fallback;
  try {
    return std::clamp(std::stoi(*v), 1, most);
  } catch (...) {
    return fallback;
  }
}

template <typename T, typename F>
std::string List(std::string_view key, const std::vector<T>& xs, F render) {
  std::string out = "{\"" + std::string(key) + "\":[";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) out += ',';
    out += render(xs[i]);
  }
  return out + "]}";
}

// A JSON value as the text a browser query parameter would hold.
std::optional<std::string> ParamText(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number() || v.is_array()) return base::Dump(v);
  return base::Dump(v);
}

Result<work::BulkRequest> ParseBulk(const nlohmann::json& j) {
  work::BulkRequest r;
  ASSAY_ASSIGN_OR_RETURN(r.action, StringField(j, "action"));
  ASSAY_ASSIGN_OR_RETURN(r.reason, StringField(j, "reason", false));
  ASSAY_ASSIGN_OR_RETURN(std::string gold_from, StringField(j, "gold_from", false));
  if (!gold_from.empty()) r.gold_from = gold_from;
  if (auto it = j.find("filter"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return base::Error::Invalid("filter must be an object").Detail("field", "filter");
    const nlohmann::json& f = *it;
    ASSAY_ASSIGN_OR_RETURN(work::BrowseQuery q, work::ParseBrowseQuery([&](std::string_view k) {
                             auto v = f.find(std::string(k));
                             return v == f.end() ? std::nullopt : ParamText(*v);
                           }));
    r.filter = std::move(q);
  }
  if (auto it = j.find("item_ids"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return base::Error::Invalid("item_ids must be a list of ids").Detail("field", "item_ids");
    for (const auto& id : *it) {
      if (!id.is_string()) return base::Error::Invalid("item_ids must be a list of ids").Detail("field", "item_ids");
      r.item_ids.push_back(id.get<std::string>());
    }
  }
  for (const char* key : {"overlap", "expected_count"}) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_number_integer()) return base::Error::Invalid(std::string(key) + " must be an integer").Detail("field", key);
    (std::string_view(key) == "overlap" ? r.overlap : r.expected_count) = it->get<int64_t>();
  }
  if (auto it = j.find("dry_run"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return base::Error::Invalid("dry_run must be true or false").Detail("field", "dry_run");
    r.dry_run = it->get<bool>();
  }
  return r;
}


}  // namespace

Result<Response> BrowseItems(Deps& d, const Call& call) {
  if (!d.browser) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(work::BrowseQuery q,
                         work::ParseBrowseQuery([&](std::string_view k) { return call.http.QueryParam(k); }));
  ASSAY_ASSIGN_OR_RETURN(work::BrowsePage page, d.browser->Browse(*call.caller, call.params.Get("project_id"), q));
  return Response::Json(200, work::RenderBrowsePage(page));
}

Result<Response> ListViews(Deps& d, const Call& call) {
  if (!d.browser) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(auto views, d.browser->ListViews(*call.caller, call.params.Get("project_id")));
  return Response::Json(200, List("views", views, work::RenderSavedView));
}

Result<Response> SaveView(Deps& d, const Call& call) {
  if (!d.browser) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string name, StringField(j, "name"));
  ASSAY_ASSIGN_OR_RETURN(std::string query, StringField(j, "query", false));
  ASSAY_ASSIGN_OR_RETURN(work::SavedView v, d.browser->SaveView(*call.caller, call.params.Get("project_id"), name, query));
  return Response::Json(201, work::RenderSavedView(v));
}

Result<Response> DeleteView(Deps& d, const Call& call) {
  if (!d.browser) return Unavailable();
  ASSAY_TRY(d.browser->DeleteView(*call.caller, call.params.Get("view_id")));
  return Response::Json(200, R"({"deleted":true})");
}

Result<Response> ItemContext(Deps& d, const Call& call) {
  if (!d.browser) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(work::ItemContext ctx, d.browser->GetItemContext(*call.caller, call.params.Get("item_id")));
  return Response::Json(200, work::RenderItemContext(ctx));
}

Result<Response> SubmissionContext(Deps& d, const Call& call) {
  if (!d.browser) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(work::SubmissionContext ctx,
                         d.browser->GetSubmissionContext(*call.caller, call.params.Get("submission_id")));
  return Response::Json(200, work::RenderSubmissionContext(ctx));
}

Result<Response> StartBulk(Deps& d, const Call& call) {
  if (!d.bulk) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(work::BulkRequest req, ParseBulk(j));
  ASSAY_ASSIGN_OR_RETURN(work::BulkStarted s, d.bulk->Start(*call.caller, call.params.Get("project_id"), req));
  return Response::Json(s.job_id.empty() ? 200 : 202, work::RenderBulkStarted(s));
}

Result<Response> GetJob(Deps& d, const Call& call) {
  if (!d.bulk) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(work::Job job, d.bulk->GetJob(*call.caller, call.params.Get("job_id")));
  return Response::Json(200, work::RenderJob(job));
}

Result<Response> ListJobs(Deps& d, const Call& call) {
  if (!d.bulk) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(auto jobs, d.bulk->ListJobs(*call.caller, call.params.Get("project_id"), Limit(call, 50, 200)));
  return Response::Json(200, List("jobs", jobs, work::RenderJob));
}

Result<Response> ProjectAudit(Deps& d, const Call& call) {
  if (!d.bulk) return Unavailable();
  ASSAY_ASSIGN_OR_RETURN(auto entries, d.bulk->Audit(*call.caller, call.params.Get("project_id"), Limit(call, 100, 500)));
  return Response::Json(200, List("entries", entries, work::RenderAuditEntry));
}

Result<Response> JobExport(Deps& d, const Call& call) {
  if (!d.bulk) return Unavailable();
  // Access and the job's state are checked before the headers go out.
  ASSAY_ASSIGN_OR_RETURN(work::JsonlExport exp, d.bulk->OpenExport(*call.caller, call.params.Get("job_id")));
  const std::string name = work::ExportFileName(exp.project().name, d.clock->NowMicros(), "-selection");
  return StreamJsonl(std::move(exp), name);
}

Result<Response> ListSkips(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::SkipSummary s,
                         d.work->ListSkips(*call.caller, call.params.Get("project_id"), Limit(call, 50, 200)));
  return Response::Json(200, work::RenderSkipSummary(s));
}

Result<Response> Remaining(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(work::RemainingWork r, d.work->Remaining(*call.caller, call.params.Get("project_id")));
  return Response::Json(200, work::RenderRemaining(r));
}

Result<Response> EditSubmission(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  auto answer = j.find("answer");
  if (answer == j.end() || !answer->is_object()) {
    return base::Error::Invalid("answer must be an object").Detail("field", "answer");
  }
  work::EditRequest req;
  req.answer_json = base::Dump(*answer);
  if (auto ms = j.find("active_ms"); ms != j.end() && !ms->is_null()) {
    if (!ms->is_number_integer() || ms->get<int64_t>() < 0) {
      return base::Error::Invalid("active_ms must be a whole number of milliseconds").Detail("field", "active_ms");
    }
    req.active_ms = ms->get<int64_t>();
  }
  ASSAY_ASSIGN_OR_RETURN(work::Submission s, d.work->EditSubmission(*call.caller, call.params.Get("submission_id"), req));
  return Response::Json(200, work::RenderSubmission(s));
}

Result<Response> SendBack(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string note, StringField(j, "note"));
  ASSAY_ASSIGN_OR_RETURN(work::Submission s, d.work->SendBack(*call.caller, call.params.Get("submission_id"), note));
  return Response::Json(200, work::RenderSubmission(s));
}

}  // namespace api
