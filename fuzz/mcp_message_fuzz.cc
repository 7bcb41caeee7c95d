// libFuzzer: a message to the MCP endpoint (mcp::Server::HandleText, what POST /mcp hands it) on
// a workplace session, after a real initialize: any text — a request, a notification, a batch, a
// tools/call with any arguments — must be answered in JSON-RPC (or not at all, for
// notifications and responses), never a crash, a hang or an exception; the server then still
// answers ping.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/clock.h"
#include "env/session.h"
#include "env/suite.h"
#include "mcp/server.h"
#include "workplace/suites.h"

namespace {

struct Fixture {
  base::FakeClock clock;
  std::unique_ptr<env::Suite> suite;
  Fixture() {
    auto loaded = workplace::LoadSuite("workplace", "");
    if (!loaded || (*loaded)->tasks.empty()) std::abort();
    suite = std::move(loaded).value();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = new Fixture();
  env::Session session(f->suite->tools, f->suite->tasks[0].initial, f->clock, 1);
  mcp::Server server(session, {.suite = "workplace", .task = f->suite->tasks[0].id});
  if (!server.HandleText(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" +
                         std::string(mcp::kLatestProtocolVersion) + R"(","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}})")) {
    std::abort();
  }
  (void)server.HandleText(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  (void)server.HandleText(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!server.HandleText(R"({"jsonrpc":"2.0","id":"after","method":"ping"})")) std::abort();
  return 0;
}
