#include "qc/aggregation.h"

#include "qc/aggregation_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc {
namespace internal {

TaskIndex BuildTaskIndex(const LabelTable& table) {
  TaskIndex index;
  index.begin.assign(Idx(table.num_tasks()) + 1, 0);
  for (int32_t t : table.task) ++index.begin[Idx(t) + 1];
  for (size_t t = 1; t < index.begin.size(); ++t) index.begin[t] += index.begin[t - 1];
  std::vector<int64_t> cursor(index.begin.begin(), index.begin.end() - 1);
  index.rows.resize(table.task.size());
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    index.rows[Idx(cursor[Idx(table.task[Idx(r)])]++)] = r;
  }
  return index;
}

// Picks the label of each task from its posterior row; smallest id wins ties.
void ChooseLabels(int32_t num_labels, AggregationResult* result) {
  const size_t k = Idx(num_labels);
  const size_t tasks = k == 0 ? 0 : result->posterior.size() / k;
  result->label.assign(tasks, 0);
  result->confidence.assign(tasks, 0.0);
  result->ties_broken = 0;
  for (size_t t = 0; t < tasks; ++t) {
    const double* p = &result->posterior[t * k];
    size_t best = 0;
    bool tie = false;
    for (size_t c = 1; c < k; ++c) {
      if (p[c] > p[best]) {
        best = c;
        tie = false;
      } else if (p[c] == p[best]) {
        tie = true;
      }
    }
    result->label[t] = static_cast<int32_t>(best);
    result->confidence[t] = p[best];
    result->ties_broken += tie ? 1 : 0;
  }
}

// Sets gold tasks' posteriors to one-hot on the gold label.
void ApplyGold(const GoldLabels* gold, int32_t num_labels, std::vector<double>* posterior) {
  if (gold == nullptr) return;
  const size_t k = Idx(num_labels);
  for (size_t t = 0; t < gold->size(); ++t) {
    if ((*gold)[t] < 0) continue;
    std::fill_n(posterior->begin() + static_cast<ptrdiff_t>(t * k), k, 0.0);
    (*posterior)[t * k + Idx((*gold)[t])] = 1.0;
  }
}

// Normalises each task row of scores to sum 1; an all-zero row becomes uniform.
void NormalizeRows(int32_t num_labels, std::vector<double>* scores) {
  const size_t k = Idx(num_labels);
  for (size_t base = 0; base < scores->size(); base += k) {
    double sum = 0;
    for (size_t c = 0; c < k; ++c) sum += (*scores)[base + c];
    const double inv = sum > 0 ? 1.0 / sum : 0.0;
    for (size_t c = 0; c < k; ++c) {
      (*scores)[base + c] = sum > 0 ? (*scores)[base + c] * inv : 1.0 / static_cast<double>(k);
    }
  }
}

// Turns per-task log scores into posteriors in place (max-shifted softmax); returns the sum of
// per-task log normalisers, i.e. the marginal log-likelihood when the scores are log joints.
double SoftmaxRows(int32_t num_labels, std::vector<double>* log_scores) {
  const size_t k = Idx(num_labels);
  double log_likelihood = 0;
  for (size_t base = 0; base < log_scores->size(); base += k) {
    double* row = &(*log_scores)[base];
    double max = row[0];
    for (size_t c = 1; c < k; ++c) max = std::max(max, row[c]);
    if (!std::isfinite(max)) {  // a task no model state can explain: stay uniform
      for (size_t c = 0; c < k; ++c) row[c] = 1.0 / static_cast<double>(k);
      continue;
    }
    double sum = 0;
    for (size_t c = 0; c < k; ++c) {
      row[c] = std::exp(row[c] - max);
      sum += row[c];
    }
    for (size_t c = 0; c < k; ++c) row[c] /= sum;
    log_likelihood += max + std::log(sum);
  }
  return log_likelihood;
}

std::vector<double> MeanRows(int32_t num_labels, const std::vector<double>& posterior) {
  const size_t k = Idx(num_labels);
  std::vector<double> mean(k, 0.0);
  const size_t tasks = posterior.size() / std::max<size_t>(k, 1);
  for (size_t t = 0; t < tasks; ++t) {
    for (size_t c = 0; c < k; ++c) mean[c] += posterior[t * k + c];
  }
  for (double& m : mean) m /= static_cast<double>(std::max<size_t>(tasks, 1));
  return mean;
}

std::vector<double> VoteCounts(const LabelTable& table, std::span<const double> weight) {
  const size_t k = Idx(table.num_labels());
  std::vector<double> counts(Idx(table.num_tasks()) * k, 0.0);
  for (size_t r = 0; r < table.task.size(); ++r) {
    const double w = weight.empty() ? 1.0 : weight[Idx(table.worker[r])];
    counts[Idx(table.task[r]) * k + Idx(table.label[r])] += w;
  }
  return counts;
}

}  // namespace internal

using internal::Idx;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> WorkerAccuracy(const LabelTable& table, std::span<const int32_t> truth) {
  const internal::TaskIndex index = internal::BuildTaskIndex(table);
  std::vector<double> correct(Idx(table.num_workers()), 0.0);
  std::vector<double> total(Idx(table.num_workers()), 0.0);
  for (size_t t = 0; t + 1 < index.begin.size(); ++t) {
    if (truth[t] < 0) continue;
    for (int64_t i = index.begin[t]; i < index.begin[t + 1]; ++i) {
      const size_t r = Idx(index.rows[Idx(i)]);
      bool duplicate = false;  // same worker gave the same label to this task before
      for (int64_t j = index.begin[t]; j < i && !duplicate; ++j) {
        const size_t q = Idx(index.rows[Idx(j)]);
        duplicate = table.worker[q] == table.worker[r] && table.label[q] == table.label[r];
      }
      if (duplicate) continue;
      total[Idx(table.worker[r])] += 1;
      correct[Idx(table.worker[r])] += table.label[r] == truth[t] ? 1 : 0;
    }
  }
  std::vector<double> accuracy(correct.size());
  for (size_t w = 0; w < accuracy.size(); ++w) {
    accuracy[w] = total[w] > 0 ? correct[w] / total[w] : kNaN;
  }
  return accuracy;
}

AggregationResult WeightedMajorityVote(const LabelTable& table,
                                       std::span<const double> worker_weight,
                                       const GoldLabels* gold) {
  AggregationResult result;
  result.num_labels = table.num_labels();
  result.posterior = internal::VoteCounts(table, worker_weight);
  internal::NormalizeRows(table.num_labels(), &result.posterior);
  internal::ApplyGold(gold, table.num_labels(), &result.posterior);
  internal::ChooseLabels(table.num_labels(), &result);
  result.worker_skill = WorkerAccuracy(table, result.label);
  return result;
}

AggregationResult MajorityVote(const LabelTable& table, const GoldLabels* gold) {
  return WeightedMajorityVote(table, {}, gold);
}

AggregationResult Wawa(const LabelTable& table, const GoldLabels* gold) {
  const AggregationResult mv = MajorityVote(table, gold);
  std::vector<double> weight = mv.worker_skill;
  for (double& w : weight) w = std::isnan(w) ? 0.0 : w;
  AggregationResult result = WeightedMajorityVote(table, weight, gold);
  result.worker_skill = mv.worker_skill;  // Wawa's skill is agreement with plain MV
  return result;
}

}  // namespace qc
