#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>

#include "api/router.h"
#include "api/contract.h"
#include "base/file.h"
#include "base/json.h"
#include "http/address.h"

namespace api {
namespace {

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string_view CookieIn(std::string_view header, std::string_view name) {
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

// Whether the request announces a body (Content-Length above 0, or chunked).
bool BodyAnnounced(const http::Request& req) {
  if (!req.GetHeader("transfer-encoding").empty()) return true;
  std::string_view length = req.GetHeader("content-length");
  return length.find_first_not_of('0') != std::string_view::npos;
}

// Paths the route table answers; any other GET is a file of the web app (or its shell).
bool IsApiPath(std::string_view path) {
  return path.rfind("/api/", 0) == 0 || path == "/healthz" || path == "/metrics" || path == "/mcp";
}

// The web app runs from its own files only: no inline script or style, no framing, no other
// origin (web/dist holds none: Vite builds one module script and one stylesheet; React sets
// element styles through the CSSOM, which style-src does not govern).
constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

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
  return CookieIn(request.GetHeader("cookie"), kSessionCookie);
}

std::string_view CookieValue(const http::Request& request, std::string_view name) {
  return CookieIn(request.GetHeader("cookie"), name);
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
    // Split before decoding: an encoded "/" (%2F) is part of its segment, not a separator.
    if (pseg.size() > 2 && pseg.front() == '{' && pseg.back() == '}') {
      if (qseg.empty()) return false;
      params.values.emplace_back(std::string(pseg.substr(1, pseg.size() - 2)),
                                 http::PercentDecode(qseg, false));
    } else if (qseg.find('%') == std::string_view::npos
                   ? pseg != qseg
                   : pseg != http::PercentDecode(qseg, false)) {
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
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kLeaseLost: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kFailedPrecondition: return 422;
    case ErrorCode::kRequirementUnmet: return 403;
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
  http::Response res = http::Response::Json(StatusFor(e.code()), std::move(body));
  if (res.status == 429 || (res.status == 503 && e.retry_after_s() > 0)) {
    res.SetHeader("Retry-After", std::to_string(e.retry_after_s() > 0 ? e.retry_after_s()
                                                                      : kDefaultRetryAfterSeconds));
  }
  return res;
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

http::Response Api::ErrorResponse(const base::Error& error, const http::Request&) {
  return ErrorJson(error);
}

base::Result<std::optional<accounts::Caller>> Api::Authenticate(const http::Request& req,
                                                                bool& via_cookie) {
  std::string_view auth = req.GetHeader("authorization");
  if (auth.size() > 7 && auth.substr(0, 7) == "Bearer ") {
    ASSAY_ASSIGN_OR_RETURN(accounts::Caller c, deps_.accounts->AuthenticateBearer(auth.substr(7)));
    return std::optional<accounts::Caller>(c);
  }
  std::string_view cookie = SessionCookieValue(req);
  if (!cookie.empty()) {
    via_cookie = true;
    ASSAY_ASSIGN_OR_RETURN(accounts::Caller c, deps_.accounts->AuthenticateSession(cookie));
    return std::optional<accounts::Caller>(c);
  }
  return std::optional<accounts::Caller>();
}

// What Admit found when the headers came in, carried to Handle/HandleAsync in
// http::Request::admission so that nothing is matched or looked up twice.
struct Api::Admitted {
  const Route* route = nullptr;  // null: a file of the web app
  PathParams params;
  std::optional<accounts::Caller> caller;
  bool via_cookie = false;
  bool gate_passed = false;  // false with a route: the gate waits for a database read
  std::string allow;         // on a 405: the path's methods
  std::chrono::steady_clock::time_point start;
};

base::Status Api::Match(const http::Request& req, Admitted& admitted) const {
  const bool read = req.method == "GET" || req.method == "HEAD";
  if (read && !deps_.web_root.empty() && !IsApiPath(req.path)) return base::Ok();  // a file
  // HEAD is GET without the body (the server leaves it out).
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  for (const Route& r : Routes()) {
    if (r.method == method && MatchPath(r.path, req.path, admitted.params)) {
      admitted.route = &r;
      return base::Ok();
    }
  }
  PathParams ignored;
  for (const Route& r : Routes()) {
    if (!MatchPath(r.path, req.path, ignored)) continue;
    admitted.allow += (admitted.allow.empty() ? "" : ", ") + std::string(r.method);
    if (r.method == "GET") admitted.allow += ", HEAD";
  }
  if (admitted.allow.empty() && !deps_.web_root.empty() && !IsApiPath(req.path)) {
    admitted.allow = "GET, HEAD";  // the web app's files
  }
  if (!admitted.allow.empty()) {
    return base::Error(base::ErrorCode::kMethodNotAllowed, "method not allowed on this path")
        .Detail("method", req.method)
        .Detail("allow", admitted.allow);
  }
  return base::Error::NotFound("no such route").Detail("path", req.path);
}

// A bearer token scoped below what the route needs (RouteScope) is refused, naming both.
static base::Status CheckScope(const Route& route, const accounts::Caller& caller) {
  const accounts::Scope needed = RouteScope(route);
  if (accounts::ScopesAllow(caller.scopes, needed)) return base::Ok();
  std::string has;
  for (const std::string& name : accounts::ScopeNames(caller.scopes)) has += (has.empty() ? "" : ", ") + name;
  return base::Error::Forbidden("this token may not do this: it needs the " + std::string(accounts::ScopeName(needed)) +
                                " scope")
      .Detail("scope", accounts::ScopeName(needed))
      .Detail("token_scopes", has);
}

base::Result<bool> Api::CheckGate(const http::Request& req, Admitted& admitted, bool may_block) {
  const Route& route = *admitted.route;
  if (route.gate == Gate::kPublic) {
    // A public route that changes an expert's work (/mcp) still honours a token's scopes; the
    // handler authenticates the token itself.
    const std::string_view auth = req.GetHeader("authorization");
    if (RouteScope(route) == accounts::kScopeRead || auth.substr(0, 7) != "Bearer ") return true;
    if (!may_block && !(deps_.work && deps_.work->AsyncWrites())) return false;
    base::Result<accounts::Caller> bearer = deps_.accounts->AuthenticateBearer(auth.substr(7));
    if (bearer) ASSAY_TRY(CheckScope(route, *bearer));
    return true;
  }
  if (route.gate == Gate::kLocalOrAdmin && http::IsLoopbackAddress(req.remote_address)) {
    return true;
  }
  // SQLite reads are local (its writes go through the writer, hence AsyncWrites): they may run
  // on the I/O thread, as the asynchronous routes' do. PostgreSQL's wait on the network.
  if (!may_block && !(deps_.work && deps_.work->AsyncWrites())) return false;
  base::Result<std::optional<accounts::Caller>> found = Authenticate(req, admitted.via_cookie);
  if (route.gate == Gate::kLocalOrAdmin) {  // nothing here for anyone else to find
    if (!found || !*found || (*found)->role != accounts::Role::kAdmin) {
      return base::Error::NotFound("no such route").Detail("path", req.path);
    }
    admitted.caller = **found;
    return true;
  }
  if (!found) return std::move(found).error();
  admitted.caller = *found;
  if (!admitted.caller) return base::Error::Unauthenticated("sign in first");
  if (admitted.via_cookie && IsUnsafe(req.method) && !SameOrigin(req)) {
    return base::Error::Forbidden("cross-origin request refused");
  }
  if (route.gate == Gate::kManager && admitted.caller->role < accounts::Role::kManager) {
    return base::Error::Forbidden("this needs a manager");
  }
  if (route.gate == Gate::kAdmin && admitted.caller->role < accounts::Role::kAdmin) {
    return base::Error::Forbidden("this needs an admin");
  }
  ASSAY_TRY(CheckScope(route, *admitted.caller));
  return true;
}

http::Admission Api::Refuse(const http::Request& req, const Admitted& admitted, base::Error error) {
  http::Response res = Finish(req, admitted.route, admitted.start, std::move(error));
  if (res.status == 405) res.SetHeader("Allow", admitted.allow);
  return http::Admission::Refuse(std::move(res));
}

http::Admission Api::Admit(http::Request& req, bool may_block) {
  auto* admitted = static_cast<Admitted*>(req.admission.get());
  if (!admitted) {  // the first look, on the I/O thread
    auto fresh = std::make_shared<Admitted>();
    admitted = fresh.get();
    req.admission = std::move(fresh);
    admitted->start = std::chrono::steady_clock::now();
    if (base::Status matched = Match(req, *admitted); !matched) {
      return Refuse(req, *admitted, std::move(matched).error());
    }
    if (!admitted->route) return {};  // a file: no body
    const Route& route = *admitted->route;
    if (!route.body_types.empty() && BodyAnnounced(req)) {
      const std::string ct = req.ContentType();
      const auto types = BodyTypes(route);
      if (std::find(types.begin(), types.end(), ct) == types.end()) {
        return Refuse(
            req, *admitted,
            base::Error(base::ErrorCode::kUnsupportedMediaType, "unsupported content type")
                .Detail("content_type", ct)
                .Detail("accepted", route.body_types));
      }
    }
  }
  if (!admitted->route) return {};
  base::Result<bool> passed = CheckGate(req, *admitted, may_block);
  if (!passed) return Refuse(req, *admitted, std::move(passed).error());
  admitted->gate_passed = *passed;
  return http::Admission::Accept(admitted->route->max_body_bytes, /*blocking_step_left=*/!*passed);
}

base::Result<http::Response> Api::Dispatch(http::Request& req, Admitted& admitted) {
  const Route& route = *admitted.route;
  if (!admitted.gate_passed) {  // left by Admit for a worker: this one
    ASSAY_ASSIGN_OR_RETURN(admitted.gate_passed, CheckGate(req, admitted, true));
  }
  Call call{req, std::move(admitted.params), admitted.caller, admitted.via_cookie};
  if (!route.async_handler) return route.handler(deps_, call);
  // An asynchronous route on a worker (the database's writes block): wait for its answer here.
  std::promise<Render> answered;
  std::future<Render> render = answered.get_future();
  route.async_handler(deps_, call, [&answered](Render r) { answered.set_value(std::move(r)); });
  return render.get()();
}

bool Api::HandleAsync(http::Request& req, http::Reply& reply) {
  if (!deps_.work || !deps_.work->AsyncWrites()) return false;
  auto* admitted = static_cast<Admitted*>(req.admission.get());
  if (!admitted || !admitted->route || !admitted->route->async_handler || !admitted->gate_passed) {
    return false;
  }
  const auto start = std::chrono::steady_clock::now();
  const Route* matched = admitted->route;
  // Answered once: by the handler, or here when the handler throws first.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Answer answer = [this, &req, matched, start, answered,
                   reply = std::move(reply)](Render render) mutable {
    if (answered->exchange(true)) return;
    reply.Send([this, &req, matched, start, render = std::move(render)] {
      return Finish(req, matched, start, Guarded(req, render));
    });
  };
  try {
    matched->async_handler(
        deps_, Call{req, std::move(admitted->params), admitted->caller, admitted->via_cookie},
        answer);
    return true;
  } catch (const std::exception& e) {
    HandlerThrew(req, e.what());
  } catch (...) {
    HandlerThrew(req, "unknown exception");
  }
  // Nothing if the handler answered already.
  answer([]() -> base::Result<http::Response> { return base::Error::Internal("internal error"); });
  return true;
}

http::Response Api::Handle(http::Request& req) {
  if (!req.admission) {  // not admitted at header time (a caller other than http::Server)
    http::Admission admission = Admit(req, true);
    if (admission.refusal) return std::move(*admission.refusal);
  }
  Admitted& admitted = *static_cast<Admitted*>(req.admission.get());
  if (!admitted.route) return ServeStatic(req);
  const auto start = std::chrono::steady_clock::now();
  base::Result<http::Response> r = Guarded(req, [&] { return Dispatch(req, admitted); });
  return Finish(req, admitted.route, start, std::move(r));
}

base::Result<http::Response> Api::Guarded(const http::Request& req,
                                          const std::function<base::Result<http::Response>()>& run) {
  // No exception from a handler may take the process down (they run on worker threads, where
  // an escaping exception is std::terminate): answer 500, log it, count it.
  try {
    return run();
  } catch (const std::exception& e) {
    HandlerThrew(req, e.what());
  } catch (...) {
    HandlerThrew(req, "unknown exception");
  }
  return base::Error::Internal("internal error");
}

void Api::HandlerThrew(const http::Request& req, std::string_view what) {
  deps_.logger.Error("api.handler_threw", {{"request_id", req.request_id},
                                           {"method", req.method},
                                           {"path", req.path},
                                           {"error", std::string(what)}});
  if (deps_.metrics) {
    deps_.metrics->GetCounter("assay_http_handler_exceptions_total",
                              "Exceptions caught at the API's dispatch boundary (each answered 500)", {})
        .Add();
  }
}

http::Response Api::Finish(const http::Request& req, const Route* matched,
                           std::chrono::steady_clock::time_point start, base::Result<http::Response> r) {
  http::Response res = r ? std::move(r).value() : ErrorJson(r.error());
  if (deps_.check_contract != ContractCheck::kOff) {
    if (base::Status kept = CheckContract(matched, req, res); !kept) {
      const std::string status = std::to_string(res.status);
      deps_.logger.Error("api.contract_broken", {{"request_id", req.request_id},
                                                 {"method", req.method},
                                                 {"path", req.path},
                                                 {"status", status, true},
                                                 {"error", kept.error().message()}});
      if (deps_.metrics) {
        deps_.metrics->GetCounter("assay_api_contract_broken_total",
                                  "Answers that did not match their route's schemas (--check-contract)", {})
            .Add();
      }
      if (deps_.check_contract == ContractCheck::kAnswer) {
        res = ErrorJson(base::Error::Internal("the answer breaks the API's contract")
                            .Detail("status", static_cast<int64_t>(res.status))
                            .Detail("mismatch", kept.error().message()));
      }
    }
  }
  if (!r && r.error().code() == base::ErrorCode::kInternal) {
    deps_.logger.Error("api.internal_error",
                       {{"request_id", req.request_id}, {"error", r.error().ToString()}});
  }
  if (deps_.metrics) {
    Observe(matched, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), res.status);
  }
  return res;
}

namespace {

// Whether the client accepts this content coding (a q=0 entry refuses it).
bool Accepts(std::string_view accept_encoding, std::string_view coding) {
  size_t at = 0;
  while (at < accept_encoding.size()) {
    size_t end = accept_encoding.find(',', at);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view entry = accept_encoding.substr(at, end - at);
    at = end + 1;
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    const size_t semi = entry.find(';');
    std::string_view name = entry.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != coding) continue;
    if (semi == std::string_view::npos) return true;
    std::string_view q = entry.substr(semi + 1);
    while (!q.empty() && q.front() == ' ') q.remove_prefix(1);
    return !(q.rfind("q=0", 0) == 0 && q.find_first_not_of("q=0.") == std::string_view::npos);
  }
  return false;
}

// Swaps body for file's precompressed twin (file.br, else file.gz) when the client accepts it;
// returns the coding ("" for the file as it is).
std::string_view PrecompressedEncoding(std::string_view accept_encoding, const std::string& file, std::string& body) {
  for (auto [coding, ext] : {std::pair<std::string_view, std::string_view>{"br", ".br"}, {"gzip", ".gz"}}) {
    if (!Accepts(accept_encoding, coding)) continue;
    std::error_code ec;
    const std::string twin = file + std::string(ext);
    if (!std::filesystem::is_regular_file(twin, ec)) continue;
    base::Result<std::string> packed = base::ReadFile(twin);
    if (!packed) continue;
    body = std::move(packed).value();
    return coding;
  }
  return {};
}

}  // namespace

http::Response Api::ServeStatic(const http::Request& req) {
  std::string rel = http::PercentDecode(req.path, false);  // no control byte: the server saw to it
  if (rel.find("..") != std::string::npos) return ErrorJson(base::Error::NotFound("no such file"));
  if (rel == "/" || rel.empty()) rel = "/index.html";
  const bool asset = rel.rfind("/assets/", 0) == 0;
  std::string file = deps_.web_root + rel;
  std::error_code ec;
  base::Result<std::string> body = std::filesystem::is_regular_file(file, ec)
                                       ? base::ReadFile(file)
                                       : base::Error::NotFound("no such file");
  if (!body) {
    // Client-side routes get the app shell; missing assets (and folders) are 404, not cached.
    if (asset) return ErrorJson(base::Error::NotFound("no such file"));
    file = deps_.web_root + "/index.html";
    body = base::ReadFile(file);
    if (!body) return ErrorJson(base::Error::NotFound("the web app is not built"));
  }
  // The type of the file served (the shell's when it stands in for a client-side route); its
  // brotli or gzip twin from the build (web/vite.config.ts) when the client takes it.
  const std::string_view encoding = PrecompressedEncoding(req.GetHeader("accept-encoding"), file, body.value());
  http::Response res = http::Response::Text(200, std::move(body).value(), std::string(MimeFor(file)));
  res.SetHeader("Vary", "Accept-Encoding");
  if (!encoding.empty()) res.SetHeader("Content-Encoding", std::string(encoding));
  res.SetHeader("Cache-Control", asset ? "public, max-age=31536000, immutable" : "no-cache");
  res.SetHeader("Content-Security-Policy", std::string(kPagePolicy));
  res.SetHeader("X-Frame-Options", "DENY");
  res.SetHeader("Referrer-Policy", "same-origin");
  return res;
}

}  // namespace api
