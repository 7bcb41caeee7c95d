// Helpers shared by the aggregation methods (aggregation.cc, dawid_skene.cc, glad_mace.cc).
// Not part of the public API.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "qc/aggregation.h"

namespace qc::internal {

inline size_t Idx(int64_t v) { return static_cast<size_t>(v); }

// Row ids grouped by task: rows[begin[t] .. begin[t+1]) belong to task t (counting sort).
struct TaskIndex {
  std::vector<int64_t> begin;  // num_tasks + 1
  std::vector<int64_t> rows;
};
TaskIndex BuildTaskIndex(const LabelTable& table);

void ChooseLabels(int32_t num_labels, AggregationResult* result);
void ApplyGold(const GoldLabels* gold, int32_t num_labels, std::vector<double>* posterior);
void NormalizeRows(int32_t num_labels, std::vector<double>* scores);
double SoftmaxRows(int32_t num_labels, std::vector<double>* log_scores);
std::vector<double> MeanRows(int32_t num_labels, const std::vector<double>& posterior);
std::vector<double> VoteCounts(const LabelTable& table, std::span<const double> weight);

}  // namespace qc::internal
