// mcp::Server — the Model Context Protocol (revision 2025-11-25) over one env::Session, with no
// transport in it: a JSON-RPC 2.0 message in, an optional message out. `assay mcp` feeds it
// lines from stdin; the /mcp route feeds it HTTP POST bodies (one Server per MCP session).
//
//   env::Session session(suite.tools, task.initial, clock, 1);
//   mcp::Server server(session, {.suite = "tau2-retail", .task = "0"});
//   std::optional<std::string> out = server.HandleText(line);  // nullopt: nothing to send
//
// What it answers: initialize (version negotiation), ping, tools/list, tools/call; client
// notifications and responses get no answer. Tool calls go through Session::Call as the agent,
// so they are validated and recorded; schema violations and failures are `isError` results,
// an unknown tool is the JSON-RPC error -32602. Not thread-safe: one caller at a time.
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/session.h"

namespace mcp {

inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
// Every revision we answer in, newest first. The tools part of the protocol is the same in all
// of them for what we offer (text content, isError, readOnlyHint).
const std::vector<std::string_view>& SupportedProtocolVersions();
bool IsSupportedProtocolVersion(std::string_view version);
// The version to answer an initialize asking for `requested`: the same when we support it,
// otherwise our latest (the spec's rule; the client then decides whether to disconnect).
std::string_view NegotiateProtocolVersion(std::string_view requested);

// JSON-RPC 2.0 error codes used here.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

// {"jsonrpc":"2.0","id":id,"error":{"code","message"}}; id null when it could not be read.
nlohmann::json ErrorMessage(const nlohmann::json& id, int code, std::string_view message);

enum class MessageKind { kRequest, kNotification, kResponse, kInvalid };
// What a parsed JSON value is, by JSON-RPC's shape rules (not whether the method exists).
MessageKind Classify(const nlohmann::json& message);

struct ServerOptions {
  std::string suite;  // shown in the instructions
  std::string task;
  std::string version = "0.1.0";  // serverInfo.version
};

// How a tools/call reaches the session when it is kept elsewhere (an env::SessionStore with a
// journal: the step is stored before the answer). An error is answered as a JSON-RPC error.
using ToolCaller = std::function<base::Result<env::ToolResult>(const std::string& name,
                                                               const nlohmann::json& args)>;

class Server {
 public:
  // `session` must outlive the server.
  Server(env::Session& session, ServerOptions options);

  // Tool calls go through `call` from now on (none: Session::Call directly).
  void SetToolCaller(ToolCaller call) { call_ = std::move(call); }
  // The protocol state (negotiated revision, client info, ready) as JSON text, and back: what
  // is kept with a persisted session so that a restarted server answers the same client.
  std::string SaveState() const;
  base::Status RestoreState(std::string_view text);

  // One message (or a batch, when the negotiated revision still has batches) as text. Returns
  // the text to send back, or nullopt when nothing is due (notifications, responses).
  std::optional<std::string> HandleText(std::string_view text);
  // The same on a parsed value.
  std::optional<nlohmann::json> Handle(const nlohmann::json& message);

  // initialize has succeeded (the client may call tools).
  bool initialized() const { return !protocol_version_.empty(); }
  // The client has sent notifications/initialized.
  bool ready() const { return ready_; }
  const std::string& protocol_version() const { return protocol_version_; }
  // The client's clientInfo from initialize, as JSON text ("{}" when it sent none).
  const std::string& client_info_json() const { return client_info_json_; }

 private:
  std::optional<nlohmann::json> HandleOne(const nlohmann::json& message);
  nlohmann::json Request(const nlohmann::json& id, const std::string& method,
                         const nlohmann::json& params);
  nlohmann::json Initialize(const nlohmann::json& id, const nlohmann::json& params);
  nlohmann::json CallTool(const nlohmann::json& id, const nlohmann::json& params);

  env::Session& session_;
  ServerOptions options_;
  ToolCaller call_;
  std::string protocol_version_;  // "" until initialize succeeds
  std::string client_info_json_ = "{}";
  bool ready_ = false;
};

}  // namespace mcp
