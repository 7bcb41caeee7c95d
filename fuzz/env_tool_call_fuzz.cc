// libFuzzer: an agent's tool call on the workplace (every app's tools: mail, chat, calendar,
// files, sheet, books, HR, CRM), as the HTTP env API and MCP's tools/call hand it to the session:
// the first byte picks the tool and the task whose world it runs on, the rest is the arguments as
// JSON text. Every input must come back as a result, an error result or a refusal (schema, size,
// compute budget), never a crash, a hang or an exception; and the session must take a second
// call afterwards.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/clock.h"
#include "env/session.h"
#include "env/suite.h"
#include "workplace/suites.h"

namespace {

struct Fixture {
  base::FakeClock clock;
  std::unique_ptr<env::Suite> suite;
  std::vector<std::string> tools;
  Fixture() {
    auto loaded = workplace::LoadSuite("workplace", "");
    if (!loaded) std::abort();
    suite = std::move(loaded).value();
    for (const env::RegisteredTool* t : suite->tools.List()) tools.push_back(t->tool.name);
    if (tools.empty() || suite->tasks.empty()) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = new Fixture();
  if (size < 1) return 0;
  const std::string& tool = f->tools[data[0] % f->tools.size()];
  const env::Task& task = f->suite->tasks[data[0] % f->suite->tasks.size()];
  env::Session session(f->suite->tools, task.initial, f->clock, 1);
  const std::string_view args(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)session.TryCallJson(tool, args);
  (void)session.TryCallJson(tool, args);  // on the world the first call left
  return 0;
}
