// work_loop_bench: C simulated experts do lease → submit against a real `assay serve` (SQLite,
// synchronous=FULL) over loopback keep-alive connections, and from the same run the two
// references: the raw durable one-row insert+commit rate on the same disk, and /healthz
// requests/s on the same server with the same connection count. See README.md.
//
// By default each expert starts its next cycle as soon as the last one is answered (closed loop).
// With --rate R the experts together are offered R cycles/s on a fixed schedule (open loop, as
// wrk2 does), and a cycle's latency counts from when it was due, so a slow server cannot hide
// its queue by slowing the load down (coordinated omission).
//
//   build/work_loop_bench --experts 16,256,1000 --seconds 20
//   build/work_loop_bench --experts 256 --seconds 10 --rate 3000
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "load.h"
#include "storage/sqlite_db.h"
#include "support/serve_process.h"

namespace {

using work_loop::Check;
using work_loop::CheckExport;
using work_loop::Die;
using work_loop::ExportCheck;
using work_loop::LoadAverage;
using work_loop::LoadResult;
using work_loop::Mode;
using work_loop::Prepare;
using work_loop::ProcessCpuSeconds;
using work_loop::RaiseFdLimit;
using work_loop::RunLoad;
using work_loop::Setup;

struct Flags {
  std::vector<int> experts = {16, 256, 1000};
  double seconds = 20;
  double health_seconds = 5;
  double rate = 0;  // cycles/s offered across all experts; 0 = closed loop
  int client_threads = 1;
  // Each run twice: as is, then with one requirement on the project (a flag qualification every
  // expert holds), to measure what routing by requirements costs the work loop.
  bool compare_requirement = false;
  int pairs = 1;  // with compare_requirement: alternating runs without / with, medians compared
  std::string assay = ASSAY_BINARY;
  std::string dir;
  std::vector<std::string> server_args;
};

// ---- the server -------------------------------------------------------------------------------

test::ServeProcess StartServer(const Flags& flags, const std::string& db_path, const std::string& log_path) {
  std::vector<std::string> args = {"--db", "sqlite:" + db_path};
  args.insert(args.end(), flags.server_args.begin(), flags.server_args.end());
  test::ServeProcess s = test::StartServe(flags.assay, args, log_path);
  if (s.port == 0) Die("assay serve did not start (see " + log_path + ")");
  return s;
}

void StopServer(test::ServeProcess& s) {
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--experts") {
      f.experts.clear();
      std::stringstream ss(value());
      for (std::string part; std::getline(ss, part, ',');) f.experts.push_back(std::stoi(part));
    } else if (a == "--seconds") {
      f.seconds = std::stod(value());
    } else if (a == "--health-seconds") {
      f.health_seconds = std::stod(value());
    } else if (a == "--rate") {
      f.rate = std::stod(value());
      if (!(f.rate >= 0)) Die("--rate must be a number of cycles/s >= 0");
    } else if (a == "--compare-requirement") {
      f.compare_requirement = true;
    } else if (a == "--pairs") {
      f.pairs = std::max(1, std::stoi(value()));
    } else if (a == "--client-threads") {
      f.client_threads = std::stoi(value());
    } else if (a == "--assay") {
      f.assay = value();
    } else if (a == "--dir") {
      f.dir = value();
    } else if (a == "--server-arg") {
      f.server_args.push_back(value());
    } else {
      std::printf(
          "usage: work_loop_bench [--experts 16,256,1000] [--seconds 20] [--health-seconds 5]\n"
          "       [--rate CYCLES_PER_S] [--client-threads 1] [--assay PATH] [--dir TMPDIR] [--server-arg ARG]...\n"
          "       [--compare-requirement]\n"
          "  --compare-requirement  run each count twice, the second time with one requirement on the\n"
          "            project (every expert holds it), and print the ratio\n"
          "  --pairs N  with --compare-requirement: N alternating runs without / with (drift on a shared\n"
          "            machine falls on both alike), then the medians of each and their ratio\n"
          "  --rate R  offer R cycles/s in total on a fixed schedule (open loop) and measure latency from\n"
          "            when each cycle was due; 0 (default) runs closed loop\n");
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return f;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  const int most = *std::max_element(flags.experts.begin(), flags.experts.end());
  RaiseFdLimit(static_cast<size_t>(2 * most + 256));  // the server (a child) inherits it
  namespace fs = std::filesystem;
  const fs::path dir = flags.dir.empty() ? fs::temp_directory_path() / ("assay_work_loop_" + std::to_string(getpid()))
                                         : fs::path(flags.dir);
  fs::create_directories(dir);
  std::printf("work_loop_bench: %g s per run, server %s, data in %s\n", flags.seconds, flags.assay.c_str(), dir.c_str());
  const double raw = Check(storage::MeasureRawCommitsPerSecond((dir / "raw.db").string(), 2000), "raw commits");
  std::printf("reference: raw durable SQLite insert+commit (one row, synchronous=FULL, same disk): %.0f commits/s\n", raw);
  const bool paced = flags.rate > 0;
  if (paced) {
    std::printf("mode: paced, %.0f cycles/s offered across the experts (open loop); latency from when each cycle\n"
                "      was due (coordinated omission corrected), svc from when it was sent\n",
                flags.rate);
    std::printf("%7s %10s %10s %8s %8s %8s %8s %8s %7s %6s %6s %7s %12s %9s  %s\n", "experts", "offered/s", "cycles/s",
                "p50 ms", "p99 ms", "max ms", "svc p50", "svc p99", "errors", "lost", "dup", "unacked", "healthz/s",
                "x raw", "load (1/5/15 min)");
  } else {
    std::printf("mode: closed loop, each expert starts its next cycle when the last is answered (--rate R to pace)\n");
    std::printf("%7s %10s %8s %8s %8s %7s %6s %6s %7s %12s %9s  %s\n", "experts", "cycles/s", "p50 ms", "p99 ms",
                "max ms", "errors", "lost", "dup", "unacked", "healthz/s", "x raw", "load (1/5/15 min)");
  }
  int failed = 0;
  for (int experts : flags.experts) {
   double plain_rate = 0;
   std::vector<bool> runs{false};
   if (flags.compare_requirement) {
     runs.clear();
     for (int i = 0; i < flags.pairs; ++i) runs.insert(runs.end(), {false, true});
   }
   // Per variant (0: without, 1: with the requirement): cycles/s and server CPU per cycle.
   std::vector<double> rates[2], cpus[2];
   for (bool requirement : runs) {
    const fs::path db_path = dir / ("c" + std::to_string(experts) + (requirement ? "r" : "") + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path.string() + suffix);
    // Enough items that nobody runs dry: 20k cycles/s is beyond this machine.
    const int64_t items = static_cast<int64_t>(20000 * flags.seconds) + 10 * experts;
    Setup setup = Prepare("sqlite:" + db_path.string(), experts, items, requirement);
    test::ServeProcess server = StartServer(flags, db_path.string(), (dir / ("serve_c" + std::to_string(experts) + ".log")).string());
    const double server_cpu0 = ProcessCpuSeconds(server.pid), client_cpu0 = ProcessCpuSeconds(getpid());
    LoadResult loop = RunLoad(Mode::kWorkLoop, flags.client_threads, server.port, setup, experts, flags.seconds, flags.rate);
    const double server_cpu = ProcessCpuSeconds(server.pid) - server_cpu0;
    const double client_cpu = ProcessCpuSeconds(getpid()) - client_cpu0;
    const std::string load = LoadAverage();
    // The reference stays closed loop: it measures how many requests/s the server can answer.
    LoadResult health = RunLoad(Mode::kHealth, flags.client_threads, server.port, setup, experts, flags.health_seconds, 0);
    StopServer(server);
    ExportCheck check = CheckExport("sqlite:" + db_path.string(), setup, loop.acknowledged);
    std::printf("%6d%s ", experts, requirement ? "r" : " ");
    if (paced) std::printf("%10.0f ", flags.rate);
    std::printf("%10.0f %8.1f %8.1f %8.1f ", loop.per_second, loop.latency.p50, loop.latency.p99, loop.latency.max);
    if (paced) std::printf("%8.1f %8.1f ", loop.service.p50, loop.service.p99);
    std::printf("%7lld %6lld %6lld %7lld %12.0f %9.2f  %s\n", static_cast<long long>(loop.errors),
                static_cast<long long>(check.lost), static_cast<long long>(check.duplicated),
                static_cast<long long>(check.unacknowledged), health.per_second, loop.per_second / raw, load.c_str());
    if (paced && loop.per_second < 0.95 * flags.rate) {
      std::printf("        NOT KEEPING UP: achieved %.0f of %.0f offered cycles/s (%.0f %%); the server (or this machine) is\n"
                  "        saturated at this rate, so its latencies grow with the run length and mean only that\n",
                  loop.per_second, flags.rate, 100 * loop.per_second / flags.rate);
    }
    rates[requirement].push_back(loop.per_second);
    if (loop.completed > 0) cpus[requirement].push_back(1e6 * server_cpu / static_cast<double>(loop.completed));
    if (loop.completed > 0) {
      std::printf("        CPU per cycle: server %.0f us, load generator %.0f us\n", 1e6 * server_cpu / static_cast<double>(loop.completed),
                  1e6 * client_cpu / static_cast<double>(loop.completed));
    }
    for (const auto& [kind, n] : loop.error_kinds) std::printf("        error x%lld: %s\n", static_cast<long long>(n), kind.c_str());
    for (const auto& [kind, n] : health.error_kinds) std::printf("        healthz error x%lld: %s\n", static_cast<long long>(n), kind.c_str());
    // unacked: committed submissions whose answer was still on the way when the clock stopped.
    if (check.lost || check.duplicated || loop.errors || check.unacknowledged > experts) ++failed;
    if (!requirement) plain_rate = loop.per_second;
    if (requirement && plain_rate > 0) {
      std::printf("        with one requirement: %.0f cycles/s = %.1f %% of the same run without (goal: >= 85 %%)\n",
                  loop.per_second, 100 * loop.per_second / plain_rate);
    }
    std::fflush(stdout);
   }
   if (flags.compare_requirement && flags.pairs > 1 && !cpus[0].empty() && !cpus[1].empty()) {
     const double r0 = Median(rates[0]), r1 = Median(rates[1]), c0 = Median(cpus[0]), c1 = Median(cpus[1]);
     std::printf("%6d  medians of %d alternating pairs: %.0f cycles/s without, %.0f with one requirement = %.1f %%"
                 " (goal: >= 85 %%); server CPU per cycle %.0f us without, %.0f us with (+%.1f %%)\n",
                 experts, flags.pairs, r0, r1, 100 * r1 / r0, c0, c1, 100 * (c1 / c0 - 1));
     std::fflush(stdout);
   }
  }
  if (flags.dir.empty()) fs::remove_all(dir);
  return failed ? 1 : 0;
}
