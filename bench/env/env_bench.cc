// Environment engine benchmarks: tool calls per second, fork cost against state size, state
// hashing, and the tau2 retail replay beside the Python reference's time (20.1 s for all 114
// tasks on this kind of machine, as measured by the tau2-bench evaluator).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "base/clock.h"
#include "env/session.h"
#include "env/tool.h"
#include "env/world.h"
#include "workplace/suites.h"
#include "workplace/tau2/retail.h"

namespace {

constexpr double kReferenceReplaySeconds = 20.1;
const std::string kRetailDir = std::string(ASSAY_SHARED_DATA_DIR) + "/tau2-retail";
constexpr int64_t kCallsPerSession = 20000;  // bounds the recorded trajectory's memory

const env::Suite& Retail() {
  static const std::unique_ptr<env::Suite> suite = [] {
    auto s = workplace::LoadSuite("tau2-retail", kRetailDir);
    if (!s) {
      std::fprintf(stderr, "cannot load tau2-retail: %s\n", s.error().ToString().c_str());
      std::abort();
    }
    return std::move(*s);
  }();
  return *suite;
}

// A read tool call through the whole engine path: schema validation, handler, trajectory record.
void BM_ReadToolCall(benchmark::State& state, const char* tool, const char* args_json,
                     bool record) {
  const env::Suite& suite = Retail();
  base::FakeClock clock;
  const nlohmann::json args = nlohmann::json::parse(args_json);
  auto session = std::make_unique<env::Session>(suite.tools, suite.tasks.front().initial, clock, 1);
  session->set_recording(record);
  int64_t in_session = 0;
  for (auto _ : state) {
    env::ToolResult r = session->Call(tool, args);
    benchmark::DoNotOptimize(r);
    if (++in_session == kCallsPerSession) {
      state.PauseTiming();
      session = std::make_unique<env::Session>(suite.tools, suite.tasks.front().initial, clock, 1);
      session->set_recording(record);
      in_session = 0;
      state.ResumeTiming();
    }
  }
  state.counters["calls_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_ReadToolCall, find_user_id_by_email_recorded, "find_user_id_by_email",
                  R"({"email":"yusuf.rossi7301@example.com"})", true);
BENCHMARK_CAPTURE(BM_ReadToolCall, get_order_details_recorded, "get_order_details",
                  R"({"order_id":"#W2378156"})", true);
BENCHMARK_CAPTURE(BM_ReadToolCall, get_order_details_unrecorded, "get_order_details",
                  R"({"order_id":"#W2378156"})", false);
BENCHMARK_CAPTURE(BM_ReadToolCall, calculate_recorded, "calculate",
                  R"({"expression":"3131.1 + 4777.75 + 367.38"})", true);

// A flat app of n records, each a small object, keyed by id.
env::World WorldOfSize(int64_t n) {
  std::vector<env::Value::Member> records;
  records.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "r%08lld", static_cast<long long>(i));
    records.emplace_back(id, env::Value::Object({{"id", env::Value::String(id)},
                                                 {"amount", env::Value::Float(i * 0.5)},
                                                 {"done", env::Value::Bool(false)}}));
  }
  env::World w;
  w.Set("app", env::Value::Object({{"records", env::Value::Object(std::move(records))}}));
  return w;
}

// Fork = copy the world (snapshot); independent of the state size.
void BM_Fork(benchmark::State& state) {
  const env::World world = WorldOfSize(state.range(0));
  for (auto _ : state) {
    env::World fork = world;
    benchmark::DoNotOptimize(fork);
  }
  state.SetLabel(std::to_string(state.range(0)) + " records");
}
BENCHMARK(BM_Fork)->Arg(1000)->Arg(10000)->Arg(100000);

// Fork, then change one field of one record: path copy of the touched nodes.
void BM_ForkAndWriteOne(benchmark::State& state) {
  const env::World world = WorldOfSize(state.range(0));
  int64_t i = 0;
  for (auto _ : state) {
    env::World fork = world;
    char path[48];
    std::snprintf(path, sizeof path, "/records/r%08lld/done",
                  static_cast<long long>(i++ % state.range(0)));
    auto next = fork.Get("app").SetAt(path, env::Value::Bool(true));
    fork.Set("app", std::move(*next));
    benchmark::DoNotOptimize(fork);
  }
  state.SetLabel(std::to_string(state.range(0)) + " records");
}
BENCHMARK(BM_ForkAndWriteOne)->Arg(1000)->Arg(10000)->Arg(100000);

// Diff of a fork against its origin after one write: skips shared subtrees.
void BM_DiffAfterOneWrite(benchmark::State& state) {
  const env::World world = WorldOfSize(state.range(0));
  env::World fork = world;
  fork.Set("app", *fork.Get("app").SetAt("/records/r00000007/done", env::Value::Bool(true)));
  const env::Value a = world.AsValue(), b = fork.AsValue();
  for (auto _ : state) benchmark::DoNotOptimize(env::Diff(a, b));
  state.SetLabel(std::to_string(state.range(0)) + " records");
}
BENCHMARK(BM_DiffAfterOneWrite)->Arg(1000)->Arg(10000)->Arg(100000);

// Hash of the whole tau2 db (1.5 MB canonical text) after one write: records are cached.
void BM_Tau2DbHashAfterWrite(benchmark::State& state) {
  const env::Value& db = Retail().tasks.front().initial.Get(workplace::tau2::kRetailApp);
  int64_t i = 0;
  for (auto _ : state) {
    auto next = db.SetAt("/orders/#W2378156/status", env::Value::String(i++ % 2 ? "a" : "b"));
    benchmark::DoNotOptimize(next->Sha256());
  }
  state.SetBytesProcessed(state.iterations() * 1503590);
}
BENCHMARK(BM_Tau2DbHashAfterWrite)->Unit(benchmark::kMillisecond);

// All 114 tau2 retail tasks: fork the db, replay the reference actions, hash the final db.
void BM_Tau2ReplayAll(benchmark::State& state) {
  const env::Suite& suite = Retail();
  const env::Value& db = suite.tasks.front().initial.Get(workplace::tau2::kRetailApp);
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto hashes = workplace::tau2::ReplayRetailSuite(db, suite.tasks, suite.tools, threads);
    benchmark::DoNotOptimize(hashes);
  }
  state.counters["reference_s"] = kReferenceReplaySeconds;
  state.SetLabel(std::to_string(threads) + " thread(s); Python reference 20.1 s");
}
BENCHMARK(BM_Tau2ReplayAll)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Loading and normalising db.json (once per process).
void BM_Tau2LoadDb(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(workplace::tau2::LoadRetailDb(kRetailDir + "/db.json"));
}
BENCHMARK(BM_Tau2LoadDb)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
