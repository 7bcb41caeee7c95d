#include "qc/synthetic.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/rng.h"

namespace qc {
namespace {

size_t Idx(int64_t v) { return static_cast<size_t>(v); }

// "t17", "w3", "m42": built by append (g++ 12 warns falsely on "t" + std::to_string).
std::string Name(char prefix, int64_t i) {
  std::string name(1, prefix);
  name += std::to_string(i);
  return name;
}

std::vector<WorkerKind> DrawKinds(const CrowdSpec& spec, base::Rng* rng) {
  std::vector<WorkerKind> kind(Idx(spec.num_workers), WorkerKind::kHonest);
  const auto spammers = static_cast<size_t>(std::lround(spec.spammer_fraction * spec.num_workers));
  const auto adversaries = static_cast<size_t>(std::lround(spec.adversary_fraction * spec.num_workers));
  for (size_t w = 0; w < kind.size(); ++w) {
    if (w < spammers) kind[w] = WorkerKind::kSpammer;
    else if (w < spammers + adversaries) kind[w] = WorkerKind::kAdversary;
  }
  std::shuffle(kind.begin(), kind.end(), *rng);
  return kind;
}

int32_t Answer(WorkerKind kind, double accuracy, int32_t truth, int32_t k, base::Rng* rng) {
  switch (kind) {
    case WorkerKind::kSpammer: return static_cast<int32_t>(rng->Below(Idx(k)));
    case WorkerKind::kAdversary: return (truth + 1) % k;
    case WorkerKind::kHonest: break;
  }
  if (k == 1 || rng->Uniform() < accuracy) return truth;
  const auto wrong = static_cast<int32_t>(rng->Below(Idx(k - 1)));
  return wrong >= truth ? wrong + 1 : wrong;
}

}  // namespace

SyntheticCrowd GenerateCrowd(const CrowdSpec& spec) {
  base::Rng rng(spec.seed);
  SyntheticCrowd crowd;
  crowd.kind = DrawKinds(spec, &rng);
  for (WorkerKind kind : crowd.kind) {
    const double u = rng.Uniform();
    crowd.accuracy.push_back(kind == WorkerKind::kHonest
                                 ? spec.min_accuracy + u * (spec.max_accuracy - spec.min_accuracy)
                                 : kind == WorkerKind::kSpammer ? 1.0 / spec.num_labels : 0.0);
  }
  auto interners = std::make_shared<std::vector<StringInterner>>(3);
  LabelTable& t = crowd.table;
  for (int32_t i = 0; i < spec.num_tasks; ++i) (*interners)[0].Intern(Name('t', i));
  for (int32_t w = 0; w < spec.num_workers; ++w) (*interners)[1].Intern(Name('w', w));
  for (int32_t l = 0; l < spec.num_labels; ++l) (*interners)[2].Intern(std::to_string(l));
  t.task_names = (*interners)[0].names();
  t.worker_names = (*interners)[1].names();
  t.label_names = (*interners)[2].names();
  const int32_t overlap = std::min(spec.overlap, spec.num_workers);
  const size_t rows = Idx(spec.num_tasks) * Idx(overlap);
  t.task.reserve(rows);
  t.worker.reserve(rows);
  t.label.reserve(rows);
  std::vector<int32_t> chosen;
  for (int32_t task = 0; task < spec.num_tasks; ++task) {
    const auto truth = static_cast<int32_t>(rng.Below(Idx(spec.num_labels)));
    crowd.truth.push_back(truth);
    chosen.clear();
    while (static_cast<int32_t>(chosen.size()) < overlap) {  // distinct workers per task
      const auto w = static_cast<int32_t>(rng.Below(Idx(spec.num_workers)));
      if (std::find(chosen.begin(), chosen.end(), w) != chosen.end()) continue;
      chosen.push_back(w);
      t.task.push_back(task);
      t.worker.push_back(w);
      t.label.push_back(Answer(crowd.kind[Idx(w)], crowd.accuracy[Idx(w)], truth,
                               spec.num_labels, &rng));
    }
  }
  t.owners = std::move(interners);
  return crowd;
}

SyntheticArena GenerateArena(const ArenaSpec& spec) {
  base::Rng rng(spec.seed);
  SyntheticArena arena;
  BattleTableBuilder builder;
  builder.Reserve(Idx(spec.num_battles));
  std::vector<std::string> names;
  for (int32_t m = 0; m < spec.num_models; ++m) {
    names.push_back(Name('m', m));
    arena.true_rating.push_back(1000 + (rng.Uniform() - 0.5) * spec.rating_spread);
  }
  for (int64_t i = 0; i < spec.num_battles; ++i) {
    const auto a = static_cast<int32_t>(rng.Below(Idx(spec.num_models)));
    auto b = static_cast<int32_t>(rng.Below(Idx(spec.num_models - 1)));
    if (b >= a) ++b;
    const double p_a = 1 / (1 + std::pow(10.0, (arena.true_rating[Idx(b)] - arena.true_rating[Idx(a)]) / 400));
    Outcome outcome = Outcome::kTie;
    if (rng.Uniform() >= spec.tie_rate) outcome = rng.Uniform() < p_a ? Outcome::kModelA : Outcome::kModelB;
    builder.Add(names[Idx(a)], names[Idx(b)], outcome);
  }
  arena.battles = std::move(builder).Build();
  // Model ids follow first appearance; reorder true ratings to match.
  std::vector<double> by_id(arena.true_rating.size());
  for (size_t id = 0; id < arena.battles.model_names.size(); ++id) {
    const std::string_view name = arena.battles.model_names[id];
    by_id[id] = arena.true_rating[Idx(std::stoi(std::string(name.substr(1))))];
  }
  arena.true_rating = std::move(by_id);
  return arena;
}

}  // namespace qc
