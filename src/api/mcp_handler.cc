// /mcp — the MCP Streamable HTTP transport (revision 2025-11-25) over src/mcp. One JSON-RPC
// message per POST, answered with one application/json body (the spec lets a server answer
// without SSE); notifications and responses get 202. initialize opens a session on the task
// the URL names (/mcp?suite=tau2-retail&task=0, else the serve defaults) — an env session in
// Deps::env_sessions, owned by the token's user — and returns its id in Mcp-Session-Id; later
// requests must carry it (unknown or someone else's: 404, so the client re-initializes);
// DELETE ends it; GET is 405 (we push nothing). Transport-level failures are JSON-RPC error
// bodies with no id, as the spec allows.
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "api/handlers.h"
#include "base/json.h"
#include "env/session_store.h"
#include "mcp/server.h"
#include "mcp/sessions.h"

namespace api {
namespace {

using base::Result;
using http::Response;
using nlohmann::json;

constexpr int kTransportError = -32000;  // as the SDKs use for HTTP-level refusals
constexpr int kSessionNotFound = -32001;

Response RpcError(int status, const json& id, int code, std::string_view message) {
  Response r = Response::Json(status, base::Dump(mcp::ErrorMessage(id, code, message)));
  if (status == 401) r.SetHeader("WWW-Authenticate", "Bearer");
  return r;
}

// "host:port" / "[::1]:port" / "host" → the host part.
std::string_view HostPart(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

// DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends Host and Origin
// evil.example. On a loopback server the Host must be a loopback name; an Origin, when a
// browser sends one, must be the server itself or (on loopback) another local page.
std::optional<Response> CheckOrigin(const McpEndpoint& m, const http::Request& req) {
  std::string_view host = req.GetHeader("host");
  if (m.local_only && !IsLoopbackHost(HostPart(host))) {
    return RpcError(403, nullptr, kTransportError, "Forbidden: Host must be a loopback name");
  }
  std::string_view origin = req.GetHeader("origin");
  if (origin.empty()) return std::nullopt;  // not a browser
  size_t scheme = origin.find("://");
  std::string_view authority = scheme == std::string_view::npos ? "" : origin.substr(scheme + 3);
  const bool same = !authority.empty() && authority == host;
  if (same || (m.local_only && IsLoopbackHost(HostPart(authority)))) return std::nullopt;
  return RpcError(403, nullptr, kTransportError, "Forbidden: Origin not allowed");
}

// The session owner: the token's user, or mcp::kAnonymousOwner when the server lets clients in
// without a token.
Result<std::string> Owner(Deps& d, const http::Request& req) {
  std::string_view auth = req.GetHeader("authorization");
  if (auth.size() > 7 && auth.substr(0, 7) == "Bearer ") {
    ASSAY_ASSIGN_OR_RETURN(accounts::Caller c, d.accounts->AuthenticateBearer(auth.substr(7)));
    return c.user_id;
  }
  if (d.mcp.anonymous) return std::string(mcp::kAnonymousOwner);
  return base::Error::Unauthenticated("send Authorization: Bearer <token> (assay token create)");
}

// Origin, then the caller; the owner or the response refusing.
std::variant<std::string, Response> Admit(Deps& d, const http::Request& req) {
  if (auto refused = CheckOrigin(d.mcp, req)) return std::move(*refused);
  Result<std::string> owner = Owner(d, req);
  if (!owner)
    return RpcError(401, nullptr, kTransportError, "Unauthorized: " + owner.error().message());
  return std::move(owner).value();
}

bool AcceptsJson(std::string_view accept) {
  return accept.empty() || accept.find("application/json") != std::string_view::npos ||
         accept.find("*/*") != std::string_view::npos ||
         accept.find("application/*") != std::string_view::npos;
}

Response Reply(const std::optional<json>& reply) {
  if (!reply) return Response::Empty(202);
  // An error with no id means the message itself was unusable: an HTTP error too.
  const bool unusable = reply->is_object() && reply->contains("error") && reply->at("id").is_null();
  return Response::Json(unusable ? 400 : 200, base::Dump(*reply));
}

Response Initialize(Deps& d, const Call& call, const std::string& owner, const json& message) {
  const std::string suite = call.http.QueryParam("suite").value_or(d.mcp.default_suite);
  const std::string task = call.http.QueryParam("task").value_or(d.mcp.default_task);
  const json& id = message["id"];
  if (task.empty()) {
    return RpcError(
        400, id, mcp::kInvalidParams,
        "no task chosen: connect to /mcp?suite=" + suite + "&task=<id> (see `assay env list`)");
  }
  Result<mcp::McpSession> opened = mcp::McpSession::Open(*d.env_sessions, owner, suite, task);
  if (!opened)
    return RpcError(StatusFor(opened.error().code()), id, mcp::kInvalidParams,
                    opened.error().message());
  std::optional<json> reply = opened->Handle(message);
  if (!reply || reply->contains("error")) {
    (void)d.env_sessions->Delete(owner, opened->id());  // a failed initialize opens nothing
    return Reply(reply);
  }
  Response r = Response::Json(200, base::Dump(*reply));
  r.SetHeader("Mcp-Session-Id", opened->id());
  return r;
}

bool Served(const Deps& d) { return d.mcp.enabled && d.env_sessions != nullptr; }

}  // namespace

Result<Response> McpPost(Deps& d, const Call& call) {
  if (!Served(d)) return base::Error::NotFound("MCP is not served here");
  auto admitted = Admit(d, call.http);
  if (auto* refused = std::get_if<Response>(&admitted)) return std::move(*refused);
  const std::string& owner = std::get<std::string>(admitted);
  if (!AcceptsJson(call.http.GetHeader("accept"))) {
    return RpcError(406, nullptr, kTransportError,
                    "Not Acceptable: this endpoint answers application/json");
  }
  std::string_view version = call.http.GetHeader("mcp-protocol-version");
  if (!version.empty() && !mcp::IsSupportedProtocolVersion(version)) {
    return RpcError(400, nullptr, kTransportError,
                    "Bad Request: unsupported MCP-Protocol-Version " + std::string(version));
  }
  Result<json> message = base::ParseJson(call.http.body);
  if (!message)
    return RpcError(400, nullptr, mcp::kParseError, "Parse error: " + message.error().message());

  std::string_view session_id = call.http.GetHeader("mcp-session-id");
  if (session_id.empty()) {
    if (mcp::Classify(*message) == mcp::MessageKind::kRequest &&
        (*message)["method"] == "initialize") {
      return Initialize(d, call, owner, *message);
    }
    return RpcError(400, nullptr, kTransportError,
                    "Bad Request: Mcp-Session-Id header required (send initialize first)");
  }
  Result<mcp::McpSession> session = mcp::McpSession::Get(*d.env_sessions, owner, session_id);
  if (!session) return RpcError(404, nullptr, kSessionNotFound, "Session not found");
  return Reply(session->Handle(*message));
}

Result<Response> McpGet(Deps& d, const Call& call) {
  if (!Served(d)) return base::Error::NotFound("MCP is not served here");
  if (auto refused = CheckOrigin(d.mcp, call.http)) return std::move(*refused);
  Response r =
      RpcError(405, nullptr, kTransportError, "Method Not Allowed: no server-sent event stream");
  r.SetHeader("Allow", "POST, DELETE");
  return r;
}

Result<Response> McpDelete(Deps& d, const Call& call) {
  if (!Served(d)) return base::Error::NotFound("MCP is not served here");
  auto admitted = Admit(d, call.http);
  if (auto* refused = std::get_if<Response>(&admitted)) return std::move(*refused);
  std::string_view session_id = call.http.GetHeader("mcp-session-id");
  if (session_id.empty())
    return RpcError(400, nullptr, kTransportError, "Bad Request: Mcp-Session-Id header required");
  const std::string& owner = std::get<std::string>(admitted);
  // Only a session opened over MCP ends here (the env API's DELETE ends any of the owner's).
  if (!mcp::McpSession::Get(*d.env_sessions, owner, session_id)) {
    return RpcError(404, nullptr, kSessionNotFound, "Session not found");
  }
  if (!d.env_sessions->Delete(owner, session_id)) {
    return RpcError(404, nullptr, kSessionNotFound, "Session not found");  // ended meanwhile
  }
  return Response::Empty(200);
}

}  // namespace api
