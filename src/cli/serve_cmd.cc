// `assay serve` and `assay demo`: the HTTP API + web UI on one port.
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "api/router.h"
#include "base/metrics.h"
#include "base/uuid7.h"
#include "cli/commands.h"
#include "env/session_store.h"
#include "http/server.h"
#include "storage/migrations.h"
#include "work/demo.h"
#include "work/service.h"

namespace cli {
namespace {

struct ServeFlags {
  std::string db = "sqlite:var/assay.db";
  std::string address = "127.0.0.1";
  int port = 8080;
  std::string web = "web/dist";
  std::string log_level = "info";
  int workers = 1024;
  bool access_log = true;
  bool trust_proxy = false;
  // MCP at /mcp
  std::string mcp_suite = "tau2-retail";
  std::string mcp_task;
  bool mcp_anonymous = false;
  // Environment sessions: /api/v1/env and /mcp (an MCP session is an env session).
  std::string env_data;  // tau2-retail data dir; "" = the suite's default
  int env_sessions_per_user = 16;
  int env_sessions_total = 256;
  int env_idle_minutes = 60;
};

void AddServeFlags(CLI::App* cmd, ServeFlags& f) {
  cmd->add_option("--db", f.db, "sqlite:PATH (or a bare path) or postgresql://user@host:port/db")->capture_default_str();
  cmd->add_option("--address", f.address, "Listen address")->capture_default_str();
  cmd->add_option("--port", f.port, "Listen port (0: any free port)")->capture_default_str();
  cmd->add_option("--web", f.web, "Folder of the built web app")->capture_default_str();
  cmd->add_option("--log-level", f.log_level, "debug|info|warn|error|off")->capture_default_str();
  cmd->add_option("--workers", f.workers, "Requests handled at once (each waiting write holds one)")
      ->capture_default_str();
  cmd->add_flag("!--no-access-log", f.access_log, "Do not log every request");
  cmd->add_flag("--trust-proxy", f.trust_proxy, "Honour X-Forwarded-Proto (behind https proxy)");
  cmd->add_option("--mcp-suite", f.mcp_suite, "MCP: suite when /mcp has no ?suite=")
      ->capture_default_str();
  cmd->add_option("--mcp-task", f.mcp_task,
                  "MCP: task when /mcp has no ?task= (default: the URL must name one)");
  cmd->add_flag("--mcp-anonymous", f.mcp_anonymous,
                "MCP: accept /mcp without a bearer token (local clients that cannot send one; "
                "use only on a loopback address)");
  // MCP sessions are environment sessions, so the old MCP-only names set the shared options.
  cmd->add_option("--env-data,--mcp-data", f.env_data,
                  "tau2-retail data folder for /api/v1/env and /mcp (default "
                  "../shared/data/tau2-retail; the workplace suites need none)");
  cmd->add_option("--env-sessions-per-user", f.env_sessions_per_user,
                  "Live environment sessions (HTTP env API and MCP) a user may hold; anonymous "
                  "MCP clients count as one user")
      ->capture_default_str();
  cmd->add_option("--env-sessions,--mcp-max-sessions", f.env_sessions_total,
                  "Live environment sessions in all, MCP ones included")
      ->capture_default_str();
  cmd->add_option("--env-idle-minutes,--mcp-idle-minutes", f.env_idle_minutes,
                  "An environment or MCP session unused this long ends")
      ->capture_default_str();
}

// Each connection is a socket: lift the soft open-file limit (often 1024) to the hard one so
// that a thousand experts can stay connected.
void RaiseOpenFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int Serve(const ServeFlags& f, bool demo) {
  base::Logger log = base::Logger::Stderr(base::ParseLogLevel(f.log_level));
  RaiseOpenFileLimit();
  base::SystemClock clock;
  const std::string path = storage::SqlitePath(f.db);
  if (demo && !path.empty()) {
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    // The demo starts from a fresh database every time.
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  base::Metrics metrics;  // before the Db, which times its transactions into it
  storage::DbOptions db_options;
  db_options.metrics = &metrics;
  auto db = storage::OpenAndMigrate(f.db, clock, db_options);
  if (!db) {
    std::cerr << "assay: cannot open database: " << db.error().ToString() << "\n";
    return 1;
  }
  base::Uuid7Generator ids(clock, static_cast<uint64_t>(clock.NowMicros()));
  work::Service service(**db, clock, ids);
  std::string web_root;
  if (std::filesystem::exists(std::filesystem::path(f.web) / "index.html")) web_root = f.web;
  const bool loopback = f.address == "127.0.0.1" || f.address == "localhost" || f.address == "::1";
  if (f.mcp_anonymous && !loopback) {
    std::cerr << "assay: --mcp-anonymous needs a loopback --address (127.0.0.1, ::1, localhost)\n";
    return 2;
  }
  env::SessionStoreOptions env_options;
  env_options.max_per_owner = static_cast<size_t>(std::max(1, f.env_sessions_per_user));
  env_options.max_total = static_cast<size_t>(std::max(1, f.env_sessions_total));
  env_options.idle_expiry_us =
      int64_t{std::max(1, f.env_idle_minutes)} * 60 * base::kMicrosPerSecond;
  if (!f.env_data.empty()) env_options.data_dirs["tau2-retail"] = f.env_data;
  env::SessionStore env_sessions(clock, env_options);
  api::Api api({&service, &clock, &metrics, log, web_root,
                {true, f.mcp_suite, f.mcp_task, f.mcp_anonymous, loopback},
                &env_sessions});
  http::ServerOptions opt;
  opt.address = f.address;
  opt.port = static_cast<uint16_t>(f.port);
  opt.worker_threads = f.workers;
  opt.access_log = f.access_log;
  opt.trust_forwarded_proto = f.trust_proxy;
  http::Server server(opt, api, log);
  server.StopOnSignals();
  auto port = server.Start();
  if (!port) {
    std::cerr << "assay: " << port.error().ToString() << " " << port.error().DetailsJson() << "\n";
    return 1;
  }
  if (demo) {
    const auto seed_start = std::chrono::steady_clock::now();
    auto seed = work::SeedDemo(service);
    if (!seed) {
      std::cerr << "assay: demo seed failed: " << seed.error().ToString() << "\n";
      return 1;
    }
    const auto seed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - seed_start);
    std::cout << "\nassay demo: " << seed->items << " pairwise items seeded in " << seed_ms.count()
              << " ms\n  logins (email / password / role):\n";
    for (const auto& l : seed->logins) std::cout << "    " << l.email << "  " << l.password << "  " << l.role << "\n";
    std::cout << "  already worked, for the manager's Quality screen: \""
              << seed->worked_project_name << "\" (" << seed->worked_items << " items, "
              << seed->worked_submissions << " submissions by " << seed->worked_experts
              << " more experts)\n";
  }
  std::cout << "assay listening on http://" << f.address << ":" << *port << "/"
            << (web_root.empty() ? "  (API only: web app not built)" : "") << "\n"
            << std::flush;
  server.Wait();
  std::cout << "assay: stopped\n";
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API and the web app");
  AddServeFlags(cmd, *flags);
  cmd->callback([flags] { SetExitCode(Serve(*flags, false)); });
}

void AddDemoCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  flags->db = "sqlite:var/demo.db";
  auto* cmd = app.add_subcommand("demo", "Serve a fresh demo: a manager, three experts, 50 items");
  AddServeFlags(cmd, *flags);
  cmd->callback([flags] { SetExitCode(Serve(*flags, true)); });
}

}  // namespace cli
