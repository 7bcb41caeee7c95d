#include "mcp/sessions.h"

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
  return McpSession(std::move(lease), server);
}

base::Result<McpSession> McpSession::Get(env::SessionStore& store, std::string_view owner,
                                         std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, store.Get(owner, id));
  auto* attached = dynamic_cast<Attached*>(lease.attachment());
  if (attached == nullptr) {
    return base::Error::NotFound("environment session " + std::string(id) +
                                 " was not opened over MCP");
  }
  Server* server = &attached->server;
  return McpSession(std::move(lease), server);
}

}  // namespace mcp
