// scale_bench: the work loop (lease → submit, bench/work_loop's load generator) through Debian's
// nginx (deploy/nginx.conf's upstream, tests/support/nginx_process.h) in front of one `assay
// serve` on SQLite, one on PostgreSQL and two on the same PostgreSQL, and from the same run
// pgbench's TPC-B rate on that PostgreSQL cluster (a throwaway one, scripts/start-postgres).
// Prints cycles/s, the servers' write transactions/s (each lease and each submit is one) and their
// ratio to pgbench's transactions/s: issue 18's goal is >= 0.5 with two servers. See README.md.
//
//   build/scale_bench                       # 20 s per configuration, 64 experts, pgbench -c 16 -j 2 -T 20
//   build/scale_bench --seconds 10 --experts 64 --pgbench-seconds 10
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "load.h"
#include "support/nginx_process.h"
#include "support/postgres_cluster.h"
#include "support/run_command.h"
#include "support/serve_process.h"

namespace {

using work_loop::Die;

struct Flags {
  double seconds = 20;
  int experts = 64;
  double pgbench_seconds = 20;
  int pgbench_clients = 16;
  int pgbench_scale = 16;  // branches: one per client, so pgbench's clients do not all queue on one row
  // Items per configuration = this × seconds (overlap 1): more than any configuration does here.
  int items_per_second = 5000;
  std::string assay = ASSAY_BINARY;
  std::string dir;  // kept when given; else a temp folder, removed at the end
};

struct Config {
  std::string name;
  std::string slug;  // its files' names
  bool postgres = false;
  int servers = 1;
};

struct Measured {
  double cycles_per_second = 0;
};

// The machine's CPU time so far from /proc/stat, all cores: busy and total jiffies.
struct CpuTimes {
  double busy = 0, total = 0;
};

CpuTimes MachineCpu() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  const double busy = user + nice + system + irq + softirq + steal;
  return {busy, busy + idle + iowait};
}

// Percent of all cores busy between `from` and now (this bench, its servers, PostgreSQL and
// whatever else runs on the machine).
double BusyPercentSince(const CpuTimes& from) {
  const CpuTimes now = MachineCpu();
  return now.total > from.total ? 100 * (now.busy - from.busy) / (now.total - from.total) : 0;
}

// CPU seconds of each child of the postmaster (backends, WAL writer, checkpointer …) by pid.
std::map<pid_t, double> PostgresCpu(pid_t postmaster) {
  std::map<pid_t, double> cpu;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const size_t close_paren = line.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream fields(line.substr(close_paren + 2));  // state ppid …
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (ppid == postmaster) cpu[pid] = work_loop::ProcessCpuSeconds(pid);
  }
  return cpu;
}

// PostgreSQL's CPU seconds between `from` (PostgresCpu then) and now; backends that ended in
// between are not counted (the load's connections live through the run).
double PostgresCpuSince(pid_t postmaster, const std::map<pid_t, double>& from) {
  double seconds = 0;
  for (const auto& [pid, cpu] : PostgresCpu(postmaster)) {
    auto before = from.find(pid);
    seconds += cpu - (before == from.end() ? 0 : before->second);
  }
  return seconds;
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--seconds") {
      f.seconds = std::stod(value());
    } else if (a == "--experts") {
      f.experts = std::stoi(value());
    } else if (a == "--pgbench-seconds") {
      f.pgbench_seconds = std::stod(value());
    } else if (a == "--pgbench-clients") {
      f.pgbench_clients = std::stoi(value());
    } else if (a == "--pgbench-scale") {
      f.pgbench_scale = std::stoi(value());
    } else if (a == "--items-per-second") {
      f.items_per_second = std::stoi(value());
    } else if (a == "--assay") {
      f.assay = value();
    } else if (a == "--dir") {
      f.dir = value();
    } else {
      std::printf(
          "usage: scale_bench [--seconds 20] [--experts 64] [--pgbench-seconds 20] [--pgbench-clients 16]\n"
          "       [--pgbench-scale 16] [--items-per-second 5000] [--assay PATH] [--dir TMPDIR]\n");
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return f;
}

// One configuration: fresh database, servers, nginx, the load, the check. Returns cycles/s; sets
// `failed` when a submission was lost or duplicated or a cycle failed.
Measured Run(const Flags& flags, const Config& config, const test::PostgresCluster& pg, pid_t postmaster,
             const std::filesystem::path& dir, bool& failed) {
  const std::string url = config.postgres ? pg.CreateDatabase("scale_" + std::to_string(config.servers))
                                          : "sqlite:" + (dir / "scale.db").string();
  if (url.empty()) Die("could not create a database on " + pg.url());
  const int64_t items = static_cast<int64_t>(flags.items_per_second * flags.seconds) + 10 * flags.experts;
  const work_loop::Setup setup = work_loop::Prepare(url, flags.experts, items, false);
  // Statistics for the planner on the tables just filled, as autovacuum would soon gather and as
  // pgbench -i does for its own; without them PostgreSQL plans the lease query for empty tables.
  if (config.postgres && !test::Psql(url, "VACUUM ANALYZE").empty()) Die("VACUUM ANALYZE on " + url + " failed");
  std::vector<test::ServeProcess> servers;
  std::vector<uint16_t> ports;
  for (int i = 0; i < config.servers; ++i) {
    const std::string log = (dir / (config.slug + "_serve" + std::to_string(i) + ".log")).string();
    servers.push_back(test::StartServe(
        flags.assay, {"--db", url, "--trust-proxy", "--log-level", "warn", "--no-access-log"}, log));
    if (servers.back().port == 0) Die("assay serve did not start (see " + log + ")");
    ports.push_back(servers.back().port);
  }
  test::NginxProcess nginx =
      test::StartNginx(ASSAY_SOURCE_DIR "/deploy/nginx.conf", (dir / ("nginx_" + config.slug)).string(), ports);
  if (!nginx.error.empty()) Die(nginx.error);
  auto servers_cpu = [&] {
    double s = 0;
    for (const test::ServeProcess& p : servers) s += work_loop::ProcessCpuSeconds(p.pid);
    return s;
  };
  const double server_cpu0 = servers_cpu(), nginx_cpu0 = work_loop::ProcessCpuSeconds(nginx.pid),
               client_cpu0 = work_loop::ProcessCpuSeconds(getpid());
  const CpuTimes machine0 = MachineCpu();
  const std::map<pid_t, double> pg_cpu0 = PostgresCpu(postmaster);
  work_loop::LoadResult r =
      work_loop::RunLoad(work_loop::Mode::kWorkLoop, 1, nginx.port, setup, flags.experts, flags.seconds, 0);
  const double server_cpu = servers_cpu() - server_cpu0,
               nginx_cpu = work_loop::ProcessCpuSeconds(nginx.pid) - nginx_cpu0,
               client_cpu = work_loop::ProcessCpuSeconds(getpid()) - client_cpu0;
  const double busy = BusyPercentSince(machine0);
  const double pg_cpu = config.postgres ? PostgresCpuSince(postmaster, pg_cpu0) : 0;
  const std::string load = work_loop::LoadAverage();
  test::StopNginx(nginx);
  for (test::ServeProcess& s : servers) {
    kill(s.pid, SIGTERM);
    waitpid(s.pid, nullptr, 0);
  }
  const work_loop::ExportCheck check = work_loop::CheckExport(url, setup, r.acknowledged);
  const double per_cycle_us = r.completed ? 1e6 / static_cast<double>(r.completed) : 0;
  std::printf("%-22s %9.0f %10.0f %7.1f %7.1f %6lld %5lld %5lld %8.0f %7.0f %7.0f %7.0f %5.0f  %s\n", config.name.c_str(),
              r.per_second, 2 * r.per_second, r.latency.p50, r.latency.p99, static_cast<long long>(r.errors),
              static_cast<long long>(check.lost), static_cast<long long>(check.duplicated), server_cpu * per_cycle_us,
              nginx_cpu * per_cycle_us, client_cpu * per_cycle_us, pg_cpu * per_cycle_us, busy, load.c_str());
  for (const auto& [kind, n] : r.error_kinds) std::printf("        error x%lld: %s\n", static_cast<long long>(n), kind.c_str());
  std::fflush(stdout);
  // unacked: committed submissions whose answer was still on the way when the clock stopped.
  if (check.lost || check.duplicated || r.errors || check.unacknowledged > flags.experts) failed = true;
  return {r.per_second};
}

// pgbench's TPC-B (its default script) on a database of its own on the cluster: transactions/s.
double Pgbench(const Flags& flags, const test::PostgresCluster& pg, pid_t postmaster) {
  const std::string url = pg.CreateDatabase("pgbench");
  if (url.empty()) Die("could not create the pgbench database on " + pg.url());
  const std::string init = "pgbench -i -q -s " + std::to_string(flags.pgbench_scale) + " " + test::ShellQuote(url);
  if (test::RunCommand(init + " >/dev/null 2>&1; echo $?") != "0") Die(init + " failed");
  const std::string run = "pgbench -n -c " + std::to_string(flags.pgbench_clients) + " -j 2 -T " +
                          std::to_string(static_cast<int>(flags.pgbench_seconds)) + " " + test::ShellQuote(url);
  const CpuTimes machine0 = MachineCpu();
  // pgbench's backends end with it: their CPU is read from /proc while it runs, at its end.
  const std::map<pid_t, double> pg_cpu0 = PostgresCpu(postmaster);
  std::map<pid_t, double> pg_cpu1;
  std::thread watch([&] {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(flags.pgbench_seconds - 0.3);
    std::this_thread::sleep_until(end);  // a point in its run, not a wait for anything
    pg_cpu1 = PostgresCpu(postmaster);
  });
  const std::string out = test::RunCommand(run + " 2>&1");
  watch.join();
  const double busy = BusyPercentSince(machine0);
  double pg_cpu = 0;
  for (const auto& [pid, cpu] : pg_cpu1) {
    auto before = pg_cpu0.find(pid);
    pg_cpu += cpu - (before == pg_cpu0.end() ? 0 : before->second);
  }
  const double pg_seconds = flags.pgbench_seconds - 0.3;
  const size_t at = out.find("tps = ");
  if (at == std::string::npos) Die(run + " printed no tps:\n" + out);
  const double tps = std::stod(out.substr(at + 6));
  std::printf("%-22s %9s %10.0f %7s %7s %6s %5s %5s %8s %7s %7s %7.0f %5.0f  %s\n", "pgbench TPC-B", "", tps, "", "",
              "", "", "", "", "", "", 1e6 * pg_cpu / (tps * pg_seconds), busy, work_loop::LoadAverage().c_str());
  std::printf("        %s (-i -s %d first); -n: no vacuum between init and run\n", run.c_str(), flags.pgbench_scale);
  std::fflush(stdout);
  return tps;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  work_loop::RaiseFdLimit(static_cast<size_t>(6 * flags.experts + 256));  // servers and nginx inherit it
  namespace fs = std::filesystem;
  const fs::path dir = flags.dir.empty() ? fs::temp_directory_path() / ("assay_scale_bench_" + std::to_string(getpid()))
                                         : fs::path(flags.dir);
  fs::create_directories(dir);
  std::printf("scale_bench: %g s per configuration, %d experts (closed loop) through nginx, server %s, data in %s\n",
              flags.seconds, flags.experts, flags.assay.c_str(), dir.c_str());
  std::printf("uptime at start: %s\n", test::RunCommand("uptime").c_str());
  bool failed = false;
  double tps = 0, one = 0, two = 0;
  {
    // Static, so that Die (std::exit) stops it too; pg_ctl's server would outlive this process.
    static std::optional<test::PostgresCluster> cluster;
    const test::PostgresCluster& pg = cluster.emplace(ASSAY_SOURCE_DIR "/scripts/start-postgres", (dir / "pg").string());
    if (!pg.error().empty()) Die(pg.error());
    const pid_t postmaster = static_cast<pid_t>(
        std::stol(test::RunCommand("head -n1 " + test::ShellQuote((dir / "pg" / "data" / "postmaster.pid").string()))));
    std::printf("%-22s %9s %10s %7s %7s %6s %5s %5s %8s %7s %7s %7s %5s  %s\n", "configuration", "cycles/s", "write tx/s",
                "p50 ms", "p99 ms", "errors", "lost", "dup", "srv us/c", "nginx", "client", "pg", "cpu %",
                "load (1/5/15 min)");
    Run(flags, {"sqlite, 1 server", "sqlite1", false, 1}, pg, postmaster, dir, failed);
    one = Run(flags, {"postgresql, 1 server", "pg1", true, 1}, pg, postmaster, dir, failed).cycles_per_second;
    two = Run(flags, {"postgresql, 2 servers", "pg2", true, 2}, pg, postmaster, dir, failed).cycles_per_second;
    tps = Pgbench(flags, pg, postmaster);
    cluster.reset();
  }
  std::printf("servers' write tx/s ÷ pgbench TPC-B tx/s: one server %.2f, two servers %.2f (goal: >= 0.50 with two)\n",
              2 * one / tps, 2 * two / tps);
  std::printf("uptime at end: %s\n", test::RunCommand("uptime").c_str());
  if (flags.dir.empty()) fs::remove_all(dir);
  return failed ? 1 : 0;
}
