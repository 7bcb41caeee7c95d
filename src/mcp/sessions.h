// MCP sessions are env sessions: `assay mcp` and /mcp open them in the env::SessionStore the
// HTTP env API (/api/v1/env/sessions) uses, and attach an mcp::Server holding the protocol
// state. So there is one store, one suite cache, one set of caps and idle expiry, and the
// Mcp-Session-Id is the env session id: its owner can read the same session's state, diff,
// trajectory and check over the HTTP env API, or end it there.
//
//   env::SessionStore store(clock, workplace::Suites(), {.data_dirs = {{"tau2-retail", dir}}});
//   ASSAY_ASSIGN_OR_RETURN(mcp::McpSession s, mcp::McpSession::Open(store, user_id, "mail",
//                                                                   "mail-star-invoice"));
//   std::optional<std::string> reply = s.server().HandleText(line);
//   // later, per message: mcp::McpSession::Get(store, user_id, s.id())
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "env/session_store.h"
#include "mcp/server.h"

namespace mcp {

// The owner of sessions opened without a user: `assay mcp` over stdio and /mcp under
// `assay serve --mcp-anonymous`. User ids are UUIDs, so it is no one's id and no user's
// listing shows these sessions; they share the store's per-owner cap.
inline constexpr std::string_view kAnonymousOwner = "anonymous";

// One MCP session, held for the caller's exclusive use (the env session's lease) while it lives.
class McpSession {
 public:
  // A new env session on the task's initial world with a fresh (uninitialized) Server on it.
  // kNotFound for an unknown suite or task; kResourceExhausted at one of the store's caps.
  static base::Result<McpSession> Open(env::SessionStore& store, std::string_view owner,
                                       std::string_view suite, std::string_view task);
  // The owner's MCP session `id`. kNotFound when there is none: unknown, expired, ended,
  // someone else's, or an env session not opened over MCP.
  static base::Result<McpSession> Get(env::SessionStore& store, std::string_view owner,
                                      std::string_view id);

  const std::string& id() const { return lease_.info().id; }
  // The protocol on this session: tool calls go through the lease (journaled when the store
  // has a journal), and the protocol state is kept with the session when it changed.
  std::optional<nlohmann::json> Handle(const nlohmann::json& message);
  std::optional<std::string> HandleText(std::string_view text);
  Server& server() { return *server_; }
  env::SessionStore::Lease& lease() { return lease_; }

 private:
  McpSession(env::SessionStore::Lease lease, Server* server)
      : lease_(std::move(lease)), server_(server) {}
  void Bind();       // the server's tool calls go through this lease
  void KeepState();  // the protocol state stored with the session, if it changed
  env::SessionStore::Lease lease_;
  Server* server_;
};

}  // namespace mcp
