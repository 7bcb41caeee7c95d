// Helpers for qc tests: reading test data and rebuilding tables with shuffled rows/renamed ids.
#pragma once

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "base/rng.h"
#include "qc/label_table.h"

namespace qc::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string TestDataPath(const std::string& name) {
  return std::string(ASSAY_SOURCE_DIR) + "/src/qc/testdata/" + name;
}

// The same labels with rows in a random order and every task/worker renamed (prefix + name).
inline LabelTable ShuffledRenamed(const LabelTable& t, uint64_t seed, const std::string& prefix) {
  std::vector<size_t> order(t.task.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  base::Rng rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  LabelTableBuilder b;
  for (size_t r : order) {
    b.Add(prefix + std::string(t.task_names[t.task[r]]), prefix + std::string(t.worker_names[t.worker[r]]),
          t.label_names[t.label[r]]);
  }
  return std::move(b).Build();
}

inline int32_t IdOf(const std::vector<std::string_view>& names, const std::string& name) {
  return static_cast<int32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace qc::testing
