// api::Api — the HTTP API over src/work: the route table (routes.cc) is data, one row per
// route, and drives dispatch, authentication, role gates, body limits, metrics, the OpenAPI
// document and the table-driven access tests. Handlers only adapt: parse → call work → render.
// A request is matched, authenticated and gated when its headers arrive (Api::Admit), so a
// refusal costs none of its body; the handler then gets the caller found there.
//
//   api::Api api(deps);
//   http::Server server(options, api, logger);
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/result.h"
#include "http/message.h"
#include "http/server.h"
#include "accounts/service.h"
#include "money/service.h"
#include "people/service.h"
#include "quality/service.h"
#include "work/service.h"

namespace env { class SessionStore; }
namespace work {
class ItemBrowser;
class BulkJobs;
}  // namespace work
namespace datasets { class Importer; class Exporter; }

namespace api {

// Who may call a route before the work layer checks the object itself.
enum class Gate {
  kPublic,        // anyone
  kSignedIn,      // any signed-in user
  kManager,       // org role manager or admin
  kAdmin,         // org role admin
  kLocalOrAdmin,  // a loopback client (Request::remote_address) or an admin; others 404
};

struct PathParams {
  std::vector<std::pair<std::string, std::string>> values;
  std::string_view Get(std::string_view name) const;
};

// The MCP endpoint (/mcp, Streamable HTTP; mcp_handler.cc). Its sessions are env sessions in
// Deps::env_sessions, so they share its caps and show in the owner's /api/v1/env/sessions.
struct McpEndpoint {
  bool enabled = false;  // false (or no env_sessions): /mcp answers 404
  std::string default_suite = "tau2-retail";  // when the URL has no ?suite=
  std::string default_task;                   // when the URL has no ?task= ("": it must)
  // No bearer token needed: for local MCP clients that cannot send one (the conformance
  // runner). Off unless `assay serve --mcp-anonymous`.
  bool anonymous = false;
  // The server listens on loopback only: requests must name a loopback Host (DNS rebinding).
  bool local_only = false;
};

enum class ContractCheck { kOff, kLog, kAnswer };

// The services the API adapts. Build it with designated initializers (Deps{.work = …}); a new
// service's pointer goes at the end, so that every existing initializer stays valid.
struct Deps {
  accounts::Service* accounts = nullptr;
  work::Service* work = nullptr;
  quality::Service* quality = nullptr;
  people::Service* people = nullptr;
  const base::Clock* clock = nullptr;
  base::Metrics* metrics = nullptr;
  base::Logger logger;
  std::string web_root;  // built web app (web/dist); empty: no UI
  McpEndpoint mcp;
  env::SessionStore* env_sessions = nullptr;  // environment sessions; null: env routes answer 503
  money::Service* money = nullptr;  // time, pay, ledger, payouts; null: money routes answer 503
  datasets::Importer* importer = nullptr;  // ?format= imports (CSV, Label Studio, …); null: 503
  datasets::Exporter* exporter = nullptr;  // exports and their manifests; null: 503
  // The manager's console (work/browse.h, work/bulk.h); null: its routes answer 503.
  work::ItemBrowser* browser = nullptr;
  work::BulkJobs* bulk = nullptr;
  // Check every answer against the route's schemas (api/contract.h): a mismatch is logged, and
  // with kAnswer also answered 500. For tests and development (`assay serve --check-contract`):
  // it parses every JSON body once more.
  ContractCheck check_contract = ContractCheck::kOff;
};

struct Call {
  const http::Request& http;
  PathParams params;
  std::optional<accounts::Caller> caller;  // set for every gate but kPublic
  bool via_cookie = false;
};

using HandlerFn = base::Result<http::Response> (*)(Deps& deps, const Call& call);
// The asynchronous form (lease, submit): the handler starts the work and calls answer once —
// at once, or later from the database's completion thread — with a function that renders the
// response, which runs on the connection's I/O thread. The handler copies what it needs from
// the Call before returning.
using Render = std::function<base::Result<http::Response>()>;
using Answer = std::function<void(Render)>;
using AsyncHandlerFn = void (*)(Deps& deps, const Call& call, Answer answer);

struct Route {
  std::string_view method;
  std::string_view path;      // "/api/v1/projects/{project_id}/items"
  Gate gate;
  HandlerFn handler;
  std::string_view summary;   // OpenAPI
  size_t max_body_bytes = 1 << 20;
  std::string_view body_types = "application/json";  // accepted, comma-separated; "" = no body
  // Set instead of handler on the work loop's hot routes: with a database whose writes are
  // asynchronous (SQLite) the route runs on the I/O thread and no worker waits for the COMMIT;
  // otherwise a worker runs it and waits for the answer.
  AsyncHandlerFn async_handler = nullptr;
};

// Every route the server answers (routes.cc).
const std::vector<Route>& Routes();
// The scope an API token needs for a route (accounts/types.h): read for GET, work for an
// expert's own work, manage for any other change. Cookie sessions have every scope.
accounts::Scope RouteScope(const Route& route);
// The media types a route accepts, from its comma-separated body_types.
std::vector<std::string_view> BodyTypes(const Route& route);

inline constexpr std::string_view kSessionCookie = "assay_session";
// A browser that signed in before (accounts/throttle.h: judged by its own failed sign-ins).
inline constexpr std::string_view kDeviceCookie = "assay_device";
// The session cookie's value in the request, or "".
std::string_view SessionCookieValue(const http::Request& request);
// Any cookie's value in the request, or "".
std::string_view CookieValue(const http::Request& request, std::string_view name);

// Maps an error code to its HTTP status: the one place that does.
int StatusFor(base::ErrorCode code);
// A 429 whose error does not say when to try again (base::Error::RetryAfter) says this.
inline constexpr int64_t kDefaultRetryAfterSeconds = 60;
// The error shape with its status, and Retry-After on a 429 (and on a 503 that says one).
http::Response ErrorJson(const base::Error& error);
// The OpenAPI 3.1 document generated from Routes().
std::string OpenApiJson();

class Api final : public http::Handler {
 public:
  explicit Api(Deps deps);
  http::Admission Admit(http::Request& head, bool may_block) override;
  http::Response Handle(http::Request& request) override;
  bool HandleAsync(http::Request& request, http::Reply& reply) override;
  http::Response ErrorResponse(const base::Error& error, const http::Request& request) override;

 private:
  struct Admitted;  // what Admit found, kept in http::Request::admission
  // The route for the request's method and path (a miss: 404, or 405 naming the path's methods
  // in allow); no route for the web app's files.
  base::Status Match(const http::Request& request, Admitted& admitted) const;
  // The route's gate: passes (admitted.caller set where the gate needs one), refuses, or
  // answers false when the check needs a database read that may block and may_block is false.
  base::Result<bool> CheckGate(const http::Request& request, Admitted& admitted, bool may_block);
  http::Admission Refuse(const http::Request& request, const Admitted& admitted, base::Error error);
  base::Result<http::Response> Dispatch(http::Request& request, Admitted& admitted);
  // The error body, an internal error's log line and the route's metrics.
  http::Response Finish(const http::Request& request, const Route* matched,
                        std::chrono::steady_clock::time_point start, base::Result<http::Response> r);
  base::Result<std::optional<accounts::Caller>> Authenticate(const http::Request& request,
                                                             bool& via_cookie);
  http::Response ServeStatic(const http::Request& request);
  // Runs a handler: an exception it throws is logged, counted and answered as a 500.
  base::Result<http::Response> Guarded(const http::Request& request,
                                       const std::function<base::Result<http::Response>()>& run);
  void HandlerThrew(const http::Request& request, std::string_view what);
  // A route's metric series, looked up once (the lookup builds label strings under a mutex):
  // the latency histogram, and the request counter per status, filled in as statuses occur.
  struct RouteMetrics {
    base::Histogram* latency = nullptr;
    std::string label;
    std::array<std::atomic<base::Counter*>, 400> by_status{};  // status 200..599
  };
  void Observe(const Route* matched, double seconds, int status);
  Deps deps_;
  std::vector<std::unique_ptr<RouteMetrics>> route_metrics_;  // by route index; last: unmatched
};

// Matches a path as sent (percent-encoded) against a route pattern segment by segment, filling
// params with the decoded segments: "/projects/a%2Fb" is one id, "a/b".
bool MatchPath(std::string_view pattern, std::string_view path, PathParams& params);

}  // namespace api
