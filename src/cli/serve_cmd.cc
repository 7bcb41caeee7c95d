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
#include "trajectories/journal.h"
#include "http/server.h"
#include "storage/migrations.h"
#include "datasets/export.h"
#include "datasets/import.h"
#include "demo/demo.h"
#include "money/service.h"
#include "money/sweeper.h"
#include "people/service.h"
#include "quality/service.h"
#include "work/browse.h"
#include "work/bulk.h"
#include "work/service.h"
#include "workplace/suites.h"

namespace cli {
namespace {

struct ServeFlags {
  std::string db = "sqlite:var/assay.db";
  std::string address = "127.0.0.1";
  int port = 8080;
  std::string web = "web/dist";
  std::string data_dir = "var/data";  // uploaded files (credential evidence)
  std::string log_level = "info";
  std::string log_file;  // empty: stderr
  int workers = 1024;
  bool access_log = true;
  bool trust_proxy = false;
  http::CapLimits caps;  // connections and body bytes in flight (defaults in http/caps.h)
  int rate_limit = 0;     // requests per second per address and per token; 0: none
  std::string check_contract = "off";  // off | log | answer (api/contract.h)
  // MCP at /mcp
  std::string mcp_suite = "tau2-retail";
  std::string mcp_task;
  bool mcp_anonymous = false;
  // Environment sessions: /api/v1/env and /mcp (an MCP session is an env session).
  std::string env_data;  // tau2-retail data dir; "" = the suite's default
  int env_sessions_per_user = 16;
  int env_sessions_total = 256;
  int env_sessions_shared = -1;  // -1: 7/8 of env_sessions_total
  int env_sessions_guaranteed = 2;
  int env_idle_minutes = 60;
  // Every environment session's limits (env::SessionLimits).
  int64_t env_arguments_bytes = static_cast<int64_t>(env::SessionLimits().max_arguments_bytes);
  int64_t env_trajectory_bytes = static_cast<int64_t>(env::SessionLimits().max_trajectory_bytes);
  int64_t env_world_bytes = static_cast<int64_t>(env::SessionLimits().max_world_bytes);
  int64_t env_call_budget_ops = env::SessionLimits().call_budget_ops;
  // Money (src/money)
  int64_t platform_fee_bps = 0;
  bool scheduled_payouts = false;
  int64_t payout_every_days = 7;
  int64_t payout_min_cents = 5000;
  std::string payout_currency = "USD";
  int money_sweep_seconds = 60;
};

void AddServeFlags(CLI::App* cmd, ServeFlags& f) {
  cmd->add_option("--db", f.db, "sqlite:PATH (or a bare path) or postgresql://user@host:port/db")->capture_default_str();
  cmd->add_option("--address", f.address, "Listen address")->capture_default_str();
  cmd->add_option("--port", f.port, "Listen port (0: any free port)")->capture_default_str();
  cmd->add_option("--web", f.web, "Folder of the built web app")->capture_default_str();
  cmd->add_option("--data-dir", f.data_dir,
                  "Folder for uploaded files (credential evidence); servers sharing a database share it")
      ->capture_default_str();
  cmd->add_option("--log-level", f.log_level, "debug|info|warn|error|off")->capture_default_str();
  cmd->add_option("--log-file", f.log_file, "Append the log to this file instead of stderr (make run: var/demo.log)");
  cmd->add_option("--workers", f.workers, "Requests handled at once (each waiting write holds one)")
      ->capture_default_str();
  cmd->add_flag("!--no-access-log", f.access_log, "Do not log every request");
  cmd->add_flag("--trust-proxy", f.trust_proxy,
                "Behind a reverse proxy: take the client address from X-Forwarded-For (its "
                "right-most entry) and https from X-Forwarded-Proto; without it both are ignored");
  cmd->add_option("--max-connections", f.caps.max_connections,
                  "Connections open at once; past it 503 with Retry-After")
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", f.caps.max_connections_per_address,
                  "Connections open at once from one address (IPv6: one /64); past it 429 with "
                  "Retry-After. Not applied with --trust-proxy")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes-per-address", f.caps.max_body_bytes_per_address,
                  "Request body bytes being read or held for one address; past it 429 with "
                  "Retry-After")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes-in-flight", f.caps.max_body_bytes_in_flight,
                  "Request body bytes being read or held in all; past it 503 with Retry-After")
      ->capture_default_str();
  cmd->add_option("--check-contract", f.check_contract,
                  "Check every answer against the API's schemas (src/api/schemas.json, in "
                  "/api/v1/openapi.json): log a mismatch, or also answer it 500 (for tests)")
      ->capture_default_str()
      ->check(CLI::IsMember({"off", "log", "answer"}));
  cmd->add_option("--rate-limit", f.rate_limit,
                  "Requests per second per client address and per token (or browser); past it 429 "
                  "with Retry-After. Each server counts its own. 0: no limit")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
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
                  "Live environment sessions in all, MCP ones included (never exceeded)")
      ->capture_default_str();
  cmd->add_option("--env-sessions-shared", f.env_sessions_shared,
                  "Sessions anyone may open; past them only users below their guarantee get one "
                  "(default: 7/8 of --env-sessions)");
  cmd->add_option("--env-sessions-guaranteed", f.env_sessions_guaranteed,
                  "Sessions every user can open even when the shared ones are taken")
      ->capture_default_str();
  cmd->add_option("--env-idle-minutes,--mcp-idle-minutes", f.env_idle_minutes,
                  "An environment or MCP session unused this long ends")
      ->capture_default_str();
  cmd->add_option("--env-arguments-bytes", f.env_arguments_bytes,
                  "Largest arguments of one environment tool call, as JSON text (bigger: 413)")
      ->capture_default_str();
  cmd->add_option("--env-trajectory-bytes", f.env_trajectory_bytes,
                  "Calls and results one environment session may record; then it takes no more "
                  "calls (429) and a fork of it neither")
      ->capture_default_str();
  cmd->add_option("--env-world-bytes", f.env_world_bytes,
                  "Size (about its JSON text) a session's world may grow to; a call that would "
                  "grow it further is refused and changes nothing")
      ->capture_default_str();
  cmd->add_option("--platform-fee-bps", f.platform_fee_bps,
                  "Platform fee charged to a project's budget on top of each accrual, in basis points "
                  "(100 = 1%)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  cmd->add_flag("--scheduled-payouts", f.scheduled_payouts,
                "Make a payout batch each period (--payout-every-days) of every payable balance of at "
                "least --payout-min-cents; an admin still marks it paid");
  cmd->add_option("--payout-every-days", f.payout_every_days, "The payout period, in days (UTC)")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  cmd->add_option("--payout-min-cents", f.payout_min_cents, "The scheduled batch's threshold, in cents")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--payout-currency", f.payout_currency, "The scheduled batch's currency")->capture_default_str();
  cmd->add_option("--money-sweep-seconds", f.money_sweep_seconds,
                  "How often auto-approvals (and scheduled batches) are looked for")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--env-call-budget", f.env_call_budget_ops,
                  "Operations (cells read, records searched, days expanded) one tool call may "
                  "spend; a call past it is refused and changes nothing")
      ->capture_default_str();
}

env::SessionStoreOptions EnvOptions(const ServeFlags& f) {
  env::SessionStoreOptions o;
  o.max_per_owner = static_cast<size_t>(std::max(1, f.env_sessions_per_user));
  o.max_total = static_cast<size_t>(std::max(1, f.env_sessions_total));
  o.max_shared = f.env_sessions_shared >= 0 ? static_cast<size_t>(f.env_sessions_shared)
                                            : o.max_total - o.max_total / 8;
  o.guaranteed_per_owner = static_cast<size_t>(std::max(0, f.env_sessions_guaranteed));
  o.idle_expiry_us = int64_t{std::max(1, f.env_idle_minutes)} * 60 * base::kMicrosPerSecond;
  if (!f.env_data.empty()) o.data_dirs["tau2-retail"] = f.env_data;
  o.limits.max_arguments_bytes = static_cast<size_t>(std::max<int64_t>(1, f.env_arguments_bytes));
  o.limits.max_trajectory_bytes = static_cast<size_t>(std::max<int64_t>(1, f.env_trajectory_bytes));
  o.limits.max_world_bytes = static_cast<size_t>(std::max<int64_t>(1, f.env_world_bytes));
  o.limits.call_budget_ops = std::max<int64_t>(1, f.env_call_budget_ops);
  return o;
}

// Each connection is a socket: lift the soft open-file limit (often 1024) to the hard one so
// that a thousand experts can stay connected. Returns the limit in force.
rlim_t RaiseOpenFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return RLIM_INFINITY;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

// Connections past the open-file limit would fail in accept() rather than get their 503: keep
// the cap under it, with room for the database's files and the listener.
int ConnectionsWithinFileLimit(int wanted, rlim_t file_limit, const base::Logger& log) {
  constexpr rlim_t kOtherFiles = 64;
  if (file_limit == RLIM_INFINITY || wanted < 0 ||
      static_cast<rlim_t>(wanted) + kOtherFiles <= file_limit) {
    return wanted;
  }
  const int capped = file_limit > kOtherFiles ? static_cast<int>(file_limit - kOtherFiles) : 1;
  log.Warn("serve.max_connections_lowered", {{"wanted", std::to_string(wanted), true},
                                             {"open_file_limit", std::to_string(file_limit), true},
                                             {"max_connections", std::to_string(capped), true}});
  return capped;
}

int Serve(const ServeFlags& f, bool demo) {
  base::Logger log = base::Logger::Stderr(base::ParseLogLevel(f.log_level));
  if (!f.log_file.empty()) {
    std::optional<base::Logger> file = base::Logger::File(f.log_file, base::ParseLogLevel(f.log_level));
    if (!file) {
      std::cerr << "assay: cannot write the log file " << f.log_file << "\n";
      return 1;
    }
    log = *file;
  }
  const rlim_t file_limit = RaiseOpenFileLimit();
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
  accounts::Service accounts(**db, clock, ids);
  work::Service service(**db, clock, ids);
  people::Service people(**db, clock, ids, {f.data_dir});
  quality::Service quality(**db, clock, &people);
  people.OnQualificationsChanged([&quality] { quality.GoldRulesChanged(); });
  service.SetQualityObserver(&quality);
  money::Service money(**db, clock, ids,
                       {.work = &service,
                        .quality = &quality,
                        .platform_fee_bps = f.platform_fee_bps,
                        .payout_min_cents = f.payout_min_cents,
                        .payout_every_days = f.payout_every_days});
  service.SetPayObserver(&money);
  // The console: the browser's indexer and the bulk jobs' runner, each on its own thread.
  work::ItemBrowser browser(**db, clock, ids, service);
  work::BulkJobs bulk(**db, clock, ids, service, browser);
  service.SetImportListener([&browser](const std::string& project_id) { browser.Wake(project_id); });
  std::string web_root;
  if (std::filesystem::exists(std::filesystem::path(f.web) / "index.html")) web_root = f.web;
  const bool loopback = f.address == "127.0.0.1" || f.address == "localhost" || f.address == "::1";
  if (f.mcp_anonymous && !loopback) {
    std::cerr << "assay: --mcp-anonymous needs a loopback --address (127.0.0.1, ::1, localhost)\n";
    return 2;
  }
  // Environment sessions live in the database: a restart, or another server on the same
  // PostgreSQL, continues them (src/trajectories).
  trajectories::Journal env_journal(**db);
  env::SessionStoreOptions env_options = EnvOptions(f);
  env_options.journal = &env_journal;
  env::SessionStore env_sessions(clock, workplace::Suites(), env_options);
  datasets::Importer importer(**db, clock, ids);
  datasets::Exporter exporter(**db, clock, ids);
  api::Api api({.accounts = &accounts,
                .work = &service,
                .quality = &quality,
                .people = &people,
                .clock = &clock,
                .metrics = &metrics,
                .logger = log,
                .web_root = web_root,
                .mcp = {true, f.mcp_suite, f.mcp_task, f.mcp_anonymous, loopback},
                .env_sessions = &env_sessions,
                .money = &money,
                .importer = &importer,
                .exporter = &exporter,
                .browser = &browser,
                .bulk = &bulk,
                .check_contract = f.check_contract == "answer" ? api::ContractCheck::kAnswer
                                  : f.check_contract == "log"  ? api::ContractCheck::kLog
                                                               : api::ContractCheck::kOff});
  http::ServerOptions opt;
  opt.address = f.address;
  opt.port = static_cast<uint16_t>(f.port);
  opt.worker_threads = f.workers;
  opt.access_log = f.access_log;
  opt.trust_proxy = f.trust_proxy;
  opt.caps = f.caps;
  opt.rate_limits.per_second = f.rate_limit;
  opt.caps.max_connections = ConnectionsWithinFileLimit(f.caps.max_connections, file_limit, log);
  http::Server server(opt, api, log);
  server.StopOnSignals();
  auto port = server.Start();
  if (!port) {
    std::cerr << "assay: " << port.error().ToString() << " " << port.error().DetailsJson() << "\n";
    return 1;
  }
  std::cout << "assay listening on http://" << f.address << ":" << *port << "/"
            << (web_root.empty() ? "  (API only: web app not built)" : "") << "\n";
  if (!f.log_file.empty()) std::cout << "  the log goes to " << f.log_file << "\n";
  if (demo) {
    // The logins come last, so they stay on screen (the log goes to a file with make run).
    const auto seed_start = std::chrono::steady_clock::now();
    auto seed = demo::Seed({accounts, service, people, &money});
    if (!seed) {
      std::cerr << "assay: demo seed failed: " << seed.error().ToString() << "\n";
      return 1;
    }
    const auto seed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - seed_start);
    std::cout << "\nassay demo: " << seed->items << " pairwise items seeded in " << seed_ms.count() << " ms\n";
    std::cout << "  already worked, for the manager's Quality screen: \""
              << seed->worked_project_name << "\" (" << seed->worked_items << " items, "
              << seed->worked_submissions << " submissions by " << seed->worked_experts
              << " more experts)\n";
    std::cout << "  with requirements and a contract: \"" << seed->people_project_name
              << "\" (Arabic at C1, medicine, a licensed clinician: Layla Haddad qualifies after accepting "
                 "the terms; Dr. Okafor is told why she cannot take it)\n";
    std::cout << "  logins (email / password / role):\n";
    for (const auto& l : seed->logins) std::cout << "    " << l.email << "  " << l.password << "  " << l.role << "\n";
  }
  money::Sweeper sweeper(money, clock,
                         {.every_us = int64_t{f.money_sweep_seconds} * base::kMicrosPerSecond,
                          .scheduled_payouts = f.scheduled_payouts,
                          .currency = f.payout_currency},
                         log);
  std::cout << std::flush;
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
