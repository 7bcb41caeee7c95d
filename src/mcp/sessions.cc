#include "mcp/sessions.h"

#include <nlohmann/json.hpp>

namespace mcp {
namespace {

// The Server kept with its env session (it refers to that session, which outlives it).
struct Attached final : env::SessionAttachment {
  Attached(env::Session& session, ServerOptions options) : server(session, std::move(options)) {}
  Server server;
};

}  // namespace

base::Result<McpSession> McpSession::Open(env::SessionStore& store, std::string_view owner,
                                          std::string_view suite, std::string_view task) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionInfo info, store.Create(owner, suite, task));
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, store.Get(owner, info.id));
  auto attached = std::make_unique<Attached>(lease.session(),
                                             ServerOptions{.suite = info.suite, .task = info.task});
  Server* server = &attached->server;
  lease.Attach(std::move(attached));
  // Stored at once: a server that rebuilds the session knows it was opened over MCP.
  ASSAY_TRY(lease.StoreAttachment(server->SaveState()));
  return McpSession(std::move(lease), server);
}

base::Result<McpSession> McpSession::Get(env::SessionStore& store, std::string_view owner,
                                         std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, store.Get(owner, id));
  auto* attached = dynamic_cast<Attached*>(lease.attachment());
  if (attached == nullptr && lease.attachment() == nullptr && !lease.stored_attachment().empty()) {
    // Rebuilt from the journal (a restart, another server): the protocol state comes back.
    auto restored = std::make_unique<Attached>(
        lease.session(), ServerOptions{.suite = lease.info().suite, .task = lease.info().task});
    if (restored->server.RestoreState(lease.stored_attachment())) {
      attached = restored.get();
      lease.Attach(std::move(restored));
    }
  }
  if (attached == nullptr) {
    return base::Error::NotFound("environment session " + std::string(id) +
                                 " was not opened over MCP");
  }
  Server* server = &attached->server;
  return McpSession(std::move(lease), server);
}

void McpSession::Bind() {
  server_->SetToolCaller([lease = &lease_](const std::string& name, const nlohmann::json& args) {
    return lease->Call(name, args, env::Actor::kAgent);
  });
}

void McpSession::KeepState() {
  (void)lease_.StoreAttachment(server_->SaveState());  // writes only a changed state
}

std::optional<nlohmann::json> McpSession::Handle(const nlohmann::json& message) {
  Bind();
  std::optional<nlohmann::json> reply = server_->Handle(message);
  KeepState();
  return reply;
}

std::optional<std::string> McpSession::HandleText(std::string_view text) {
  Bind();
  std::optional<std::string> reply = server_->HandleText(text);
  KeepState();
  return reply;
}

}  // namespace mcp
