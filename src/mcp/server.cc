#include "mcp/server.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace mcp {
namespace {

using nlohmann::json;

// JSON-RPC batches were part of MCP in these revisions only (2025-06-18 removed them).
bool AllowsBatches(std::string_view version) {
  return version == "2025-03-26" || version == "2024-11-05";
}

json Result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

// A valid request id: a string or a number (MCP forbids null).
bool ValidId(const json& id) { return id.is_string() || id.is_number(); }

}  // namespace

const std::vector<std::string_view>& SupportedProtocolVersions() {
  static const std::vector<std::string_view> kVersions = {kLatestProtocolVersion, "2025-06-18",
                                                          "2025-03-26", "2024-11-05"};
  return kVersions;
}

bool IsSupportedProtocolVersion(std::string_view version) {
  const auto& v = SupportedProtocolVersions();
  return std::find(v.begin(), v.end(), version) != v.end();
}

std::string_view NegotiateProtocolVersion(std::string_view requested) {
  return IsSupportedProtocolVersion(requested) ? requested : kLatestProtocolVersion;
}

json ErrorMessage(const json& id, int code, std::string_view message) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"error", {{"code", code}, {"message", std::string(message)}}}};
}

MessageKind Classify(const json& m) {
  if (!m.is_object()) return MessageKind::kInvalid;
  auto version = m.find("jsonrpc");
  if (version == m.end() || *version != "2.0") return MessageKind::kInvalid;
  auto method = m.find("method");
  auto id = m.find("id");
  if (method != m.end()) {
    if (!method->is_string()) return MessageKind::kInvalid;
    auto params = m.find("params");
    if (params != m.end() && !params->is_object() && !params->is_array()) {
      return MessageKind::kInvalid;
    }
    if (id == m.end()) return MessageKind::kNotification;
    return ValidId(*id) ? MessageKind::kRequest : MessageKind::kInvalid;
  }
  // A response to a request of ours: result or error, never both.
  if (id != m.end() && (m.contains("result") != m.contains("error"))) return MessageKind::kResponse;
  return MessageKind::kInvalid;
}

Server::Server(env::Session& session, ServerOptions options)
    : session_(session), options_(std::move(options)) {}

std::optional<std::string> Server::HandleText(std::string_view text) {
  base::Result<json> parsed = base::ParseJson(text);
  if (!parsed)
    return base::Dump(ErrorMessage(nullptr, kParseError, "Parse error: " + parsed.error().message()));
  // A message of an unexpected shape must not end the server (stdio: the client's process).
  std::optional<json> out;
  try {
    out = Handle(*parsed);
  } catch (const std::exception& e) {
    return base::Dump(ErrorMessage(nullptr, kInternalError, std::string("Internal error: ") + e.what()));
  }
  if (!out) return std::nullopt;
  return base::Dump(*out);
}

std::optional<json> Server::Handle(const json& message) {
  if (!message.is_array()) return HandleOne(message);
  if (!AllowsBatches(protocol_version_)) {
    return ErrorMessage(
        nullptr, kInvalidRequest,
        "Invalid Request: JSON-RPC batches are not part of MCP " +
            (initialized() ? protocol_version_ : std::string(kLatestProtocolVersion)));
  }
  if (message.empty())
    return ErrorMessage(nullptr, kInvalidRequest, "Invalid Request: empty batch");
  json replies = json::array();
  for (const json& m : message) {
    if (m.is_object() && m.value("method", "") == "initialize") {
      replies.push_back(ErrorMessage(m.value("id", json()), kInvalidRequest,
                                     "Invalid Request: initialize must not be batched"));
      continue;
    }
    if (std::optional<json> r = HandleOne(m)) replies.push_back(std::move(*r));
  }
  if (replies.empty()) return std::nullopt;
  return replies;
}

std::optional<json> Server::HandleOne(const json& m) {
  switch (Classify(m)) {
    case MessageKind::kInvalid: {
      json id = m.is_object() && m.contains("id") && ValidId(m["id"]) ? m["id"] : json();
      return ErrorMessage(id, kInvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message");
    }
    case MessageKind::kResponse:
      return std::nullopt;  // we send no requests, so there is nothing to match it to
    case MessageKind::kNotification:
      // initialized marks the client ready; cancelled and the rest need no action from a
      // server that answers every request before reading the next.
      if (m["method"] == "notifications/initialized" && initialized()) ready_ = true;
      return std::nullopt;
    case MessageKind::kRequest:
      break;
  }
  const json params = m.contains("params") ? m["params"] : json::object();
  return Request(m["id"], m["method"].get<std::string>(), params);
}

json Server::Request(const json& id, const std::string& method, const json& params) {
  if (method == "ping") return Result(id, json::object());
  if (method == "initialize") return Initialize(id, params);
  if (!initialized()) {
    // Lifecycle: only pings may come before the initialize response.
    return ErrorMessage(id, kInvalidRequest,
                        "Invalid Request: the session is not initialized; send initialize first");
  }
  if (method == "tools/list") {
    // Every tool in one page: no cursor is ever returned, so a client never sends one back.
    return Result(id, {{"tools", session_.tools().McpTools()}});
  }
  if (method == "tools/call") return CallTool(id, params);
  return ErrorMessage(id, kMethodNotFound, "Method not found: " + method);
}

std::string Server::SaveState() const {
  return base::Dump(json{{"protocol_version", protocol_version_},
                         {"client_info", client_info_json_},
                         {"ready", ready_}});
}

base::Status Server::RestoreState(std::string_view text) {
  ASSAY_ASSIGN_OR_RETURN(json state, base::ParseJson(text));
  if (!state.is_object() || !state.value("protocol_version", json()).is_string() ||
      !state.value("client_info", json()).is_string() || !state.value("ready", json()).is_boolean()) {
    return base::Error::Invalid("not an MCP session's saved state");
  }
  protocol_version_ = state["protocol_version"].get<std::string>();
  client_info_json_ = state["client_info"].get<std::string>();
  ready_ = state["ready"].get<bool>();
  return base::Ok();
}

json Server::Initialize(const json& id, const json& params) {
  if (initialized())
    return ErrorMessage(id, kInvalidRequest, "Invalid Request: already initialized");
  if (!params.is_object() || !params.contains("protocolVersion") ||
      !params["protocolVersion"].is_string()) {
    return ErrorMessage(id, kInvalidParams,
                        "Invalid params: protocolVersion (a string) is required");
  }
  protocol_version_ =
      std::string(NegotiateProtocolVersion(params["protocolVersion"].get<std::string>()));
  client_info_json_ = base::Dump(params.value("clientInfo", json::object()));
  std::string instructions =
      "Tools of the assay environment suite '" + options_.suite + "', task " + options_.task +
      ". Each call acts on this session's own copy of the task's world and is "
      "recorded in its trajectory.";
  return Result(id, {{"protocolVersion", protocol_version_},
                     {"capabilities", {{"tools", {{"listChanged", false}}}}},
                     {"serverInfo", {{"name", "assay"}, {"version", options_.version}}},
                     {"instructions", instructions}});
}

json Server::CallTool(const json& id, const json& params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    return ErrorMessage(id, kInvalidParams, "Invalid params: name (a string) is required");
  }
  const std::string name = params["name"].get<std::string>();
  if (session_.tools().Find(name) == nullptr) {
    return ErrorMessage(id, kInvalidParams, "Unknown tool: " + name);
  }
  json args = params.contains("arguments") ? params["arguments"] : json::object();
  if (args.is_null()) args = json::object();
  if (!args.is_object()) {
    return ErrorMessage(id, kInvalidParams, "Invalid params: arguments must be an object");
  }
  // Schema violations and the tool's own failures come back as is_error results the model can
  // act on (the spec's "tool execution errors").
  env::ToolResult r;
  if (call_) {
    base::Result<env::ToolResult> called = call_(name, args);
    // Refused unrecorded (over a limit, a closed session, another server's call came first):
    // an isError result saying why, as Session::Call answers a call over a limit.
    r = called ? std::move(called).value() : env::ToolResult::Error(called.error().message());
  } else {
    r = session_.Call(name, args, env::Actor::kAgent);
  }
  return Result(id, {{"content", json::array({{{"type", "text"}, {"text", r.content}}})},
                     {"isError", r.is_error}});
}

}  // namespace mcp
