// Categorical label aggregation: majority vote, Wawa, Dawid–Skene (full and one-coin), GLAD,
// MACE. Every method returns per-task posteriors, the chosen label with its confidence and a
// per-worker skill; all work on the int columns of a LabelTable (no strings, no maps).
//
//   qc::LabelTable table = ...;                       // see label_table.h
//   qc::AggregationResult r = qc::DawidSkene(table, {});
//   table.label_names[r.label[task]];                 // aggregated label of `task`
//   r.confusion[(w * K + true_k) * K + observed_k];   // worker w's confusion matrix
//
// Tie-break (all methods): among labels with the same top score the smallest label id wins;
// label ids follow sorted label order (see label_table.h). `ties_broken` counts such tasks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "qc/label_table.h"

namespace qc {

struct AggregationResult {
  int32_t num_labels = 0;
  std::vector<double> posterior;   // num_tasks × num_labels, row-major by task
  std::vector<int32_t> label;      // per task
  std::vector<double> confidence;  // per task: posterior of `label`
  // Per worker. MV/Wawa: agreement with the aggregate (duplicate rows counted once, as
  // crowd-kit does); DS: expected accuracy sum_k prior_k·P(k|k); one-coin DS: accuracy;
  // GLAD: ability alpha; MACE: probability of not spamming.
  std::vector<double> worker_skill;
  std::vector<double> confusion;        // DS only: worker × true × observed, rows sum to 1
  std::vector<double> prior;            // class prior (model-based methods)
  std::vector<double> task_difficulty;  // GLAD only: beta (higher = easier)
  int iterations = 0;
  bool converged = true;
  int64_t ties_broken = 0;
  double log_likelihood = 0;  // marginal log-likelihood of the labels (model-based methods)
};

// Stopping rule of the EM loops.
enum class StopRule {
  // crowd-kit's rule: stop when ELBO/rows improves by less than `tolerance`.
  kElboDelta,
  // Dawid & Skene's classic rule: stop when no prior or error rate moves by `tolerance`.
  kMaxParamDelta,
};

struct EmOptions {
  int max_iterations = 100;
  double tolerance = 1e-5;
  StopRule stop_rule = StopRule::kElboDelta;
  // Lower clip of error rates and priors before logs (crowd-kit uses 1e-10). 0 = the classic
  // unsmoothed EM of the 1979 paper, where zero rates stay zero.
  double probability_floor = 1e-10;
  // Threads for the E-step on big inputs (>= 20k tasks). Results do not depend on it.
  int threads = 1;
};

struct GladOptions {
  int max_iterations = 100;
  double tolerance = 1e-5;  // on the change of the expected log-likelihood Q
  int newton_steps = 3;     // diagonal Newton steps per M-step
};

struct MaceOptions {
  int max_iterations = 100;
  double tolerance = 1e-7;   // relative change of the log-likelihood
  double smoothing = 0.01;   // added to expected counts in the M-step (as MACE's EM mode)
  double initial_competence = 0.8;
};

// `gold` (optional, size num_tasks, -1 = unknown) fixes the truth of those tasks.
AggregationResult MajorityVote(const LabelTable& table, const GoldLabels* gold = nullptr);
// Majority vote where each row counts worker_weight[worker].
AggregationResult WeightedMajorityVote(const LabelTable& table,
                                       std::span<const double> worker_weight,
                                       const GoldLabels* gold = nullptr);
AggregationResult Wawa(const LabelTable& table, const GoldLabels* gold = nullptr);
// Initialisation: posteriors = vote proportions per task (Dawid & Skene 1979, eq. 3.1), then
// an M-step. Each iteration: E-step, gold correction, priors = mean posterior, M-step.
AggregationResult DawidSkene(const LabelTable& table, const EmOptions& options,
                             const GoldLabels* gold = nullptr);
AggregationResult OneCoinDawidSkene(const LabelTable& table, const EmOptions& options,
                                    const GoldLabels* gold = nullptr);
AggregationResult Glad(const LabelTable& table, const GladOptions& options,
                       const GoldLabels* gold = nullptr);
AggregationResult Mace(const LabelTable& table, const MaceOptions& options,
                       const GoldLabels* gold = nullptr);

// Agreement of each worker's distinct (task, label) answers with `truth` (per task, -1 =
// skip): fraction correct, as crowd-kit's get_accuracy. Workers with no scored rows get NaN.
std::vector<double> WorkerAccuracy(const LabelTable& table, std::span<const int32_t> truth);

}  // namespace qc
