// Synthetic crowds and arenas with known truth, from a seed (base::Rng): for tests that must be
// able to fail and for benchmarks on the sizes.
//
//   qc::CrowdSpec spec{.num_tasks = 1000, .num_workers = 50, .spammer_fraction = 0.3};
//   qc::SyntheticCrowd crowd = qc::GenerateCrowd(spec);
//   crowd.truth[task];  // the label each task really has
#pragma once

#include <cstdint>
#include <vector>

#include "qc/label_table.h"
#include "qc/ranking.h"

namespace qc {

enum class WorkerKind : uint8_t {
  kHonest,     // right with probability `accuracy`, else a uniformly random wrong label
  kSpammer,    // a uniformly random label, whatever the truth
  kAdversary,  // always wrong, consistently: answers (truth + 1) mod K
};

struct CrowdSpec {
  int32_t num_tasks = 1000;
  int32_t num_workers = 50;
  int32_t num_labels = 4;
  int32_t overlap = 5;  // distinct workers per task (<= num_workers)
  double min_accuracy = 0.6, max_accuracy = 0.95;  // honest workers, uniform in between
  double spammer_fraction = 0;
  double adversary_fraction = 0;
  uint64_t seed = 1;
};

struct SyntheticCrowd {
  LabelTable table;  // labels named "0".."K-1", tasks "t<i>", workers "w<j>"
  std::vector<int32_t> truth;      // per task (label id)
  std::vector<WorkerKind> kind;    // per worker
  std::vector<double> accuracy;    // per worker: the generating P(correct)
};
SyntheticCrowd GenerateCrowd(const CrowdSpec& spec);

struct ArenaSpec {
  int32_t num_models = 20;
  int64_t num_battles = 10000;
  double rating_spread = 300;  // true Elo ratings uniform in 1000 ± spread/2
  double tie_rate = 0.1;
  uint64_t seed = 1;
};

struct SyntheticArena {
  BattleTable battles;  // models "m<i>"
  std::vector<double> true_rating;
};
SyntheticArena GenerateArena(const ArenaSpec& spec);

}  // namespace qc
