// qc_bench — the quality engine on the synthetic sizes (algorithm only, data in memory).
// Reference times (crowd-kit, FastChat, fast-krippendorff) come from bench/qc/compare.py, which
// runs both on the same CSV files; this binary prints ours.
//
//   build-qc/qc_bench --benchmark_filter=DawidSkene
#include <benchmark/benchmark.h>

#include <map>
#include <string>

#include "qc/aggregation.h"
#include "qc/agreement.h"
#include "qc/parse.h"
#include "qc/ranking.h"
#include "qc/synthetic.h"

namespace {

// The label sizes: 4 classes, overlap 5; 200k tasks and 1,000 workers at 1M rows.
qc::CrowdSpec LabelSpec(int64_t rows) {
  qc::CrowdSpec spec;
  spec.num_tasks = static_cast<int32_t>(rows / 5);
  spec.num_workers = rows >= 1'000'000 ? 1000 : (rows >= 100'000 ? 300 : 100);
  spec.num_labels = 4;
  spec.overlap = 5;
  spec.spammer_fraction = 0.2;
  spec.seed = 42;
  return spec;
}

const qc::SyntheticCrowd& Crowd(int64_t rows) {
  static std::map<int64_t, qc::SyntheticCrowd> cache;
  auto it = cache.find(rows);
  if (it == cache.end()) it = cache.emplace(rows, qc::GenerateCrowd(LabelSpec(rows))).first;
  return it->second;
}

// 10k / 100k / 1M battles; 120 models at 1M.
const qc::SyntheticArena& Arena(int64_t battles) {
  static std::map<int64_t, qc::SyntheticArena> cache;
  auto it = cache.find(battles);
  if (it == cache.end()) {
    const int32_t models = battles >= 1'000'000 ? 120 : (battles >= 100'000 ? 60 : 30);
    it = cache.emplace(battles, qc::GenerateArena({.num_models = models, .num_battles = battles,
                                                   .seed = 42})).first;
  }
  return it->second;
}

void LabelSizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
}

void BM_MajorityVote(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::MajorityVote(crowd.table));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MajorityVote)->Apply(LabelSizes);

void BM_Wawa(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::Wawa(crowd.table));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Wawa)->Apply(LabelSizes);

void BM_DawidSkene(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  int iterations = 0;
  for (auto _ : state) iterations = qc::DawidSkene(crowd.table, {}).iterations;
  state.counters["em_iterations"] = iterations;
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DawidSkene)->Apply(LabelSizes);

void BM_DawidSkene2Threads(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::DawidSkene(crowd.table, {.threads = 2}));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DawidSkene2Threads)->Apply(LabelSizes)->UseRealTime();

void BM_OneCoinDawidSkene(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  int iterations = 0;
  for (auto _ : state) iterations = qc::OneCoinDawidSkene(crowd.table, {}).iterations;
  state.counters["em_iterations"] = iterations;
}
BENCHMARK(BM_OneCoinDawidSkene)->Apply(LabelSizes);

void BM_Glad(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::Glad(crowd.table, {}));
}
BENCHMARK(BM_Glad)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_Mace(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::Mace(crowd.table, {}));
}
BENCHMARK(BM_Mace)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Same work as the reference row: Krippendorff's alpha at 4 levels + Fleiss' kappa + Cohen's
// kappa between the first and second label of every task.
void BM_AgreementLikeReference(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  const qc::LabelTable& t = crowd.table;
  for (auto _ : state) {
    const qc::AlphaInput in = qc::AlphaInputFromTable(t);
    double sum = 0;
    for (qc::Level level : {qc::Level::kNominal, qc::Level::kOrdinal, qc::Level::kInterval, qc::Level::kRatio}) {
      sum += qc::KrippendorffAlpha(in, level);
    }
    std::vector<int32_t> counts(static_cast<size_t>(t.num_tasks()) * 4, 0);
    for (size_t r = 0; r < t.task.size(); ++r) ++counts[static_cast<size_t>(t.task[r]) * 4 + t.label[r]];
    sum += qc::FleissKappa(counts, 4).kappa;
    std::vector<int32_t> first(static_cast<size_t>(t.num_tasks())), second(first.size());
    for (size_t u = 0; u + 1 < in.begin.size(); ++u) {
      first[u] = in.value[static_cast<size_t>(in.begin[u])];
      second[u] = in.value[static_cast<size_t>(in.begin[u]) + 1];
    }
    sum += qc::CohenKappa(first, second, 4, qc::KappaWeights::kNone);
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_AgreementLikeReference)->Apply(LabelSizes);

void BM_LightsKappa(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::LightsKappa(crowd.table, 10, qc::KappaWeights::kNone));
}
BENCHMARK(BM_LightsKappa)->Apply(LabelSizes);

void BattleSizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
}

void BM_BradleyTerry(benchmark::State& state) {
  const auto& arena = Arena(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::BradleyTerry(arena.battles, {}));
}
BENCHMARK(BM_BradleyTerry)->Apply(BattleSizes);

void BM_BootstrapBradleyTerry100(benchmark::State& state) {
  const auto& arena = Arena(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(qc::BootstrapBradleyTerry(arena.battles, {}, {.rounds = 100, .seed = 1, .threads = 2}));
  }
}
BENCHMARK(BM_BootstrapBradleyTerry100)->Apply(BattleSizes)->UseRealTime();

void BM_OnlineElo(benchmark::State& state) {
  const auto& arena = Arena(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(qc::OnlineElo(arena.battles, {}));
}
BENCHMARK(BM_OnlineElo)->Apply(BattleSizes);

// CSV parsing of task,worker,label rows from memory (the CLI maps the file the same way).
void BM_ParseLabelsCsv(benchmark::State& state) {
  const auto& crowd = Crowd(state.range(0));
  const qc::LabelTable& t = crowd.table;
  std::string csv = "task,worker,label\n";
  for (size_t r = 0; r < t.task.size(); ++r) {
    csv.append(t.task_names[t.task[r]]).append(",").append(t.worker_names[t.worker[r]]).append(",")
        .append(t.label_names[t.label[r]]).append("\n");
  }
  for (auto _ : state) benchmark::DoNotOptimize(qc::ParseLabels(csv, qc::InputFormat::kCsv, {}));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
}
BENCHMARK(BM_ParseLabelsCsv)->Apply(LabelSizes);

}  // namespace

BENCHMARK_MAIN();
