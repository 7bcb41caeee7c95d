// `assay mcp --suite S --task T` — an MCP server over stdio on one task's world, for MCP
// clients that launch their servers (Claude Desktop, the SDKs' stdio transports). Newline-
// delimited JSON-RPC on stdin/stdout; only protocol messages go to stdout, everything else to
// stderr. EOF ends it: the trajectory is written (--trajectory-out) and the task is checked.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "cli/commands.h"
#include "env/session_store.h"
#include "env/task.h"
#include "mcp/sessions.h"
#include "workplace/suites.h"

namespace cli {
namespace {

struct McpOptions {
  std::string suite = "tau2-retail";
  std::string task;
  std::string data_dir;  // "" = the suite's default
  std::string trajectory_out;
};

int RunMcp(const McpOptions& o) {
  // The same store /mcp and the HTTP env API use, here holding this one session: it loads the
  // suite and readies the task's checker as `assay env run` judges it.
  env::SessionStoreOptions options;
  if (!o.data_dir.empty()) options.data_dirs[o.suite] = o.data_dir;
  base::SystemClock clock;
  env::SessionStore store(clock, workplace::Suites(), options);
  auto opened = mcp::McpSession::Open(store, mcp::kAnonymousOwner, o.suite, o.task);
  if (!opened) {
    std::fprintf(stderr, "assay mcp: %s\n", opened.error().ToString().c_str());
    return 2;
  }
  // Held for the process's life (a lease is never swept, however long the client idles).
  mcp::McpSession& s = *opened;
  env::Session& session = s.lease().session();
  std::fprintf(stderr, "assay mcp: suite %s, task %s, %zu tools; JSON-RPC on stdin\n",
               o.suite.c_str(), o.task.c_str(), session.tools().size());
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::optional<std::string> reply = s.HandleText(line);
    if (!reply) continue;
    reply->push_back('\n');
    std::fwrite(reply->data(), 1, reply->size(), stdout);
    std::fflush(stdout);
  }

  if (!o.trajectory_out.empty()) {
    std::ofstream out(o.trajectory_out);
    out << base::DumpPretty(session.trajectory().ToOpenAiMessages()) << "\n";
    if (!out) std::fprintf(stderr, "assay mcp: cannot write %s\n", o.trajectory_out.c_str());
  }
  const env::Task& task = *s.lease().task();
  const env::CheckReport report = env::Check(task, session.world());
  std::fprintf(stderr, "assay mcp: %zu calls; task %s %s (score %.2f)\n",
               session.trajectory().size(), task.id.c_str(),
               report.passed ? "passed" : "not passed", report.score);
  return 0;
}

}  // namespace

void AddMcpCommand(CLI::App& app) {
  auto o = std::make_shared<McpOptions>();
  auto* cmd = app.add_subcommand("mcp", "Serve one task's tools to an MCP client over stdio");
  cmd->add_option("--suite", o->suite, "suite name (see `assay env list`)")->capture_default_str();
  cmd->add_option("--task", o->task, "task id in the suite")->required();
  cmd->add_option("--data", o->data_dir,
                  "directory with the suite's data files (only tau2-retail has any)");
  cmd->add_option("--trajectory-out", o->trajectory_out,
                  "write the calls as OpenAI chat messages here at the end");
  cmd->callback([o] { SetExitCode(RunMcp(*o)); });
}

}  // namespace cli
