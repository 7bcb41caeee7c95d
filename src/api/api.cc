#include <algorithm>
#include <chrono>
#include <future>

#include "api/router.h"
#include "base/file.h"
#include "base/json.h"

namespace api {
namespace {

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

// A cookie-authenticated unsafe request must come from our own origin.
bool SameOrigin(const http::Request& req) {
  std::string_view site = req.GetHeader("sec-fetch-site");
  if (!site.empty()) return site == "same-origin" || site == "none";
  std::string_view origin = req.GetHeader("origin");
  if (origin.empty()) return true;  // not a browser (curl, scripts)
  std::string_view host = req.GetHeader("host");
  return origin == std::string("http://") + std::string(host) ||
         origin == std::string("https://") + std::string(host);
}

std::string_view MimeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

}  // namespace

std::string_view SessionCookieValue(const http::Request& request) {
  return CookieValue(request.GetHeader("cookie"), kSessionCookie);
}

std::vector<std::string_view> BodyTypes(const Route& route) {
  std::vector<std::string_view> out;
  std::string_view types = route.body_types;
  while (!types.empty()) {
    size_t comma = types.find(',');
    out.push_back(types.substr(0, comma));
    types = comma == std::string_view::npos ? std::string_view() : types.substr(comma + 1);
  }
  return out;
}

std::string_view PathParams::Get(std::string_view name) const {
  for (const auto& [k, v] : values) {
    if (k == name) return v;
  }
  return {};
}

bool MatchPath(std::string_view pattern, std::string_view path, PathParams& params) {
  params.values.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty()) return false;
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    size_t ps = pattern.find('/'), qs = path.find('/');
    std::string_view pseg = pattern.substr(0, ps), qseg = path.substr(0, qs);
    if (pseg.size() > 2 && pseg.front() == '{' && pseg.back() == '}') {
      if (qseg.empty()) return false;
      params.values.emplace_back(std::string(pseg.substr(1, pseg.size() - 2)), std::string(qseg));
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view() : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view() : path.substr(qs);
  }
  return true;
}

int StatusFor(base::ErrorCode code) {
  using base::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kLeaseLost: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kFailedPrecondition: return 422;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kInternal: return 500;
    case ErrorCode::kUnavailable: return 503;
  }
  return 500;
}

http::Response ErrorJson(const base::Error& e) {
  std::string body = "{\"error\":{\"code\":\"";
  body += base::ErrorCodeName(e.code());
  body += "\",\"message\":";
  body += base::JsonQuote(e.message());
  body += ",\"details\":";
  body += e.DetailsJson();
  body += "}}";
  return http::Response::Json(StatusFor(e.code()), std::move(body));
}

Api::Api(Deps deps) : deps_(std::move(deps)) {
  if (!deps_.metrics) return;
  const auto& routes = Routes();
  for (size_t i = 0; i <= routes.size(); ++i) {
    auto m = std::make_unique<RouteMetrics>();
    m->label = i < routes.size() ? std::string(routes[i].method) + " " + std::string(routes[i].path) : "unmatched";
    m->latency = &deps_.metrics->GetHistogram("assay_http_request_duration_seconds", "Handler latency by route",
                                              {{"route", m->label}});
    route_metrics_.push_back(std::move(m));
  }
}

void Api::Observe(const Route* matched, double seconds, int status) {
  RouteMetrics& m = *route_metrics_[matched ? static_cast<size_t>(matched - Routes().data()) : route_metrics_.size() - 1];
  m.latency->Observe(seconds);
  auto lookup = [&] {
    return &deps_.metrics->GetCounter("assay_http_requests_total", "Requests by route and status",
                                      {{"route", m.label}, {"status", std::to_string(status)}});
  };
  if (status < 200 || status >= 600) return lookup()->Add();
  std::atomic<base::Counter*>& slot = m.by_status[static_cast<size_t>(status - 200)];
  base::Counter* counter = slot.load(std::memory_order_acquire);
  if (!counter) {
    counter = lookup();  // the same series whichever thread gets here first
    slot.store(counter, std::memory_order_release);
  }
  counter->Add();
}

size_t Api::BodyLimitBytes(std::string_view method, std::string_view path) const {
  PathParams params;
  for (const Route& r : Routes()) {
    if (r.method == method && MatchPath(r.path, path, params)) return r.max_body_bytes;
  }
  return 1 << 20;
}

http::Response Api::ErrorResponse(const base::Error& error, const http::Request&) {
  return ErrorJson(error);
}

base::Result<std::optional<work::Caller>> Api::Authenticate(const http::Request& req,
                                                            bool& via_cookie) {
  std::string_view auth = req.GetHeader("authorization");
  if (auth.size() > 7 && auth.substr(0, 7) == "Bearer ") {
    ASSAY_ASSIGN_OR_RETURN(work::Caller c, deps_.work->AuthenticateBearer(auth.substr(7)));
    return std::optional<work::Caller>(c);
  }
  std::string_view cookie = SessionCookieValue(req);
  if (!cookie.empty()) {
    via_cookie = true;
    ASSAY_ASSIGN_OR_RETURN(work::Caller c, deps_.work->AuthenticateSession(cookie));
    return std::optional<work::Caller>(c);
  }
  return std::optional<work::Caller>();
}

base::Status Api::Match(const http::Request& req, const Route*& matched, PathParams& params) const {
  bool path_known = false;
  for (const Route& r : Routes()) {
    if (!MatchPath(r.path, req.path, params)) continue;
    path_known = true;
    if (r.method == req.method) {
      matched = &r;
      return base::Ok();
    }
  }
  if (path_known) {
    return base::Error(base::ErrorCode::kInvalidArgument, "method not allowed on this path")
        .Detail("method", req.method);
  }
  return base::Error::NotFound("no such route").Detail("path", req.path);
}

base::Result<Call> Api::Admit(const http::Request& req, const Route& route, PathParams params) {
  if (!route.body_types.empty() && !req.body.empty()) {
    const std::string ct = req.ContentType();
    const auto types = BodyTypes(route);
    if (std::find(types.begin(), types.end(), ct) == types.end()) {
      return base::Error(base::ErrorCode::kUnsupportedMediaType, "unsupported content type")
          .Detail("content_type", ct)
          .Detail("accepted", route.body_types);
    }
  }
  Call call{req, std::move(params), std::nullopt, false};
  if (route.gate != Gate::kPublic) {
    ASSAY_ASSIGN_OR_RETURN(call.caller, Authenticate(req, call.via_cookie));
    if (!call.caller) return base::Error::Unauthenticated("sign in first");
    if (call.via_cookie && IsUnsafe(req.method) && !SameOrigin(req)) {
      return base::Error::Forbidden("cross-origin request refused");
    }
    if (route.gate == Gate::kManager && call.caller->role < work::Role::kManager) {
      return base::Error::Forbidden("this needs a manager");
    }
  }
  return call;
}

base::Result<http::Response> Api::Dispatch(http::Request& req, const Route*& matched) {
  PathParams params;
  ASSAY_TRY(Match(req, matched, params));
  ASSAY_ASSIGN_OR_RETURN(Call call, Admit(req, *matched, std::move(params)));
  if (!matched->async_handler) return matched->handler(deps_, call);
  // An asynchronous route on a worker (the database's writes block): wait for its answer here.
  std::promise<Render> answered;
  std::future<Render> render = answered.get_future();
  matched->async_handler(deps_, call, [&answered](Render r) { answered.set_value(std::move(r)); });
  return render.get()();
}

bool Api::HandleAsync(http::Request& req, http::Reply& reply) {
  if (!deps_.work || !deps_.work->AsyncWrites()) return false;
  const auto start = std::chrono::steady_clock::now();
  // Only the few asynchronous routes are tried here; any other request goes to a worker, which
  // matches it against the whole table once.
  const Route* matched = nullptr;
  PathParams params;
  for (const Route& r : Routes()) {
    if (r.async_handler && r.method == req.method && MatchPath(r.path, req.path, params)) {
      matched = &r;
      break;
    }
  }
  if (!matched) return false;
  auto answer = [this, &req, matched, start, reply = std::move(reply)](Render render) mutable {
    reply.Send([this, &req, matched, start, render = std::move(render)] {
      return Finish(req, matched, start, render());
    });
  };
  base::Result<Call> call = Admit(req, *matched, std::move(params));
  if (!call) {
    answer([e = std::move(call).error()]() -> base::Result<http::Response> { return e; });
    return true;
  }
  matched->async_handler(deps_, *call, std::move(answer));
  return true;
}

http::Response Api::Handle(http::Request& req) {
  const bool is_api = req.path.rfind("/api/", 0) == 0 || req.path == "/healthz" ||
                      req.path == "/metrics" || req.path == "/mcp";
  if (!is_api && (req.method == "GET" || req.method == "HEAD") && !deps_.web_root.empty()) {
    return ServeStatic(req);
  }
  const auto start = std::chrono::steady_clock::now();
  const Route* matched = nullptr;
  base::Result<http::Response> r = Dispatch(req, matched);
  return Finish(req, matched, start, std::move(r));
}

http::Response Api::Finish(const http::Request& req, const Route* matched,
                           std::chrono::steady_clock::time_point start, base::Result<http::Response> r) {
  http::Response res = r ? std::move(r).value() : ErrorJson(r.error());
  if (!r && r.error().code() == base::ErrorCode::kInternal) {
    deps_.logger.Error("api.internal_error",
                       {{"request_id", req.request_id}, {"error", r.error().ToString()}});
  }
  if (deps_.metrics) {
    Observe(matched, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), res.status);
  }
  return res;
}

http::Response Api::ServeStatic(const http::Request& req) {
  std::string rel = req.path;
  if (rel.find("..") != std::string::npos) return ErrorJson(base::Error::NotFound("no such file"));
  if (rel == "/" || rel.empty()) rel = "/index.html";
  std::string file = deps_.web_root + rel;
  base::Result<std::string> body = base::ReadFile(file);
  if (!body) {
    // Client-side routes get the app shell; missing assets are 404.
    if (rel.rfind("/assets/", 0) == 0) return ErrorJson(base::Error::NotFound("no such file"));
    file = deps_.web_root + "/index.html";
    body = base::ReadFile(file);
    if (!body) return ErrorJson(base::Error::NotFound("the web app is not built"));
  }
  http::Response res = http::Response::Text(200, std::move(body).value(), std::string(MimeFor(file)));
  res.SetHeader("Cache-Control", rel.rfind("/assets/", 0) == 0 ? "public, max-age=31536000, immutable"
                                                               : "no-cache");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  return res;
}

}  // namespace api
