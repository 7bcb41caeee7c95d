// The work loop's load, for bench/work_loop and bench/scale: C simulated experts doing lease →
// submit against a real server (or nginx in front of several) over loopback keep-alive
// connections, each starting its next cycle when the last is answered (closed loop) or on a
// fixed schedule (--rate, open loop), and the check that the database holds exactly the
// acknowledged submissions.
//
//   work_loop::Setup setup = work_loop::Prepare("sqlite:/tmp/b.db", 64, 100000, false);
//   … start `assay serve --db sqlite:/tmp/b.db` on `port` …
//   work_loop::LoadResult r = work_loop::RunLoad(work_loop::Mode::kWorkLoop, 1, port, setup, 64, 20, 0);
//   work_loop::ExportCheck check = work_loop::CheckExport("sqlite:/tmp/b.db", setup, r.acknowledged);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace work_loop {

using Clock = std::chrono::steady_clock;

// Prints "PROGRAM: what" and exits 1.
[[noreturn]] void Die(const std::string& what);

template <typename T>
T Check(base::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().ToString());
  return std::move(r).value();
}

// Raises this process's open-file limit to `need` (a server started later inherits it), or dies.
void RaiseFdLimit(size_t need);

// ---- setup: users, tokens, project, members and items written straight into the database ----

struct Setup {
  std::string project_id;
  std::vector<std::string> tokens;    // one per expert
  std::vector<std::string> user_ids;  // same order
};

// A project of `items` items at overlap 1 with `experts` members, each with an API token, in the
// database at `db_url` (migrated first); with `requirement`, one flag qualification the project
// asks for and every expert holds.
Setup Prepare(const std::string& db_url, int experts, int64_t items, bool requirement);

// ---- the load ---------------------------------------------------------------------------------

enum class Mode { kWorkLoop, kHealth };

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};

struct LoadResult {
  double per_second = 0;
  Percentiles latency;  // from when each cycle was due
  Percentiles service;  // from when each cycle was sent
  int64_t completed = 0;
  int64_t errors = 0;
  std::map<std::string, int64_t> error_kinds;
  std::set<std::pair<int, int64_t>> acknowledged;
};

// `experts` connections to 127.0.0.1:port split over `client_threads` threads, for `seconds`;
// `rate` is the cycles/s offered across all experts (0 runs closed loop). kHealth asks /healthz
// instead of working.
LoadResult RunLoad(Mode mode, int client_threads, uint16_t port, const Setup& setup, int experts, double seconds,
                   double rate);

// ---- the check: the export holds exactly the acknowledged submissions ------------------------

struct ExportCheck {
  int64_t submissions = 0, lost = 0, duplicated = 0, unacknowledged = 0;
};

ExportCheck CheckExport(const std::string& db_url, const Setup& setup, const std::set<std::pair<int, int64_t>>& acked);

// CPU seconds (user + system) a process has used so far.
double ProcessCpuSeconds(pid_t pid);
// /proc/loadavg's load averages and runnable/total threads, e.g. "1.02 0.87 0.91 2/345 6789".
std::string LoadAverage();

}  // namespace work_loop
