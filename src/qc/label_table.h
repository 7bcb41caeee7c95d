// qc::LabelTable — categorical crowd labels as parallel int32 columns (task, worker, label).
//
// Strings are interned once by LabelTableBuilder; every algorithm in qc works on the dense ids.
// Label ids are assigned in sorted label order (numerically when every label is a number), so
// "smallest label id" is a stable, documented tie-break independent of row order.
//
//   qc::LabelTableBuilder b;
//   b.Add("t1", "alice", "cat");
//   b.Add("t1", "bob", "dog");
//   qc::LabelTable table = std::move(b).Build();
//   table.num_tasks();  // 1
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "qc/interner.h"

namespace qc {

struct LabelTable {
  std::vector<int32_t> task;    // per row
  std::vector<int32_t> worker;  // per row
  std::vector<int32_t> label;   // per row, in [0, num_labels)
  std::vector<std::string_view> task_names;
  std::vector<std::string_view> worker_names;
  std::vector<std::string_view> label_names;  // sorted
  // Keeps the strings the names point to alive; shared so copies of the table stay valid.
  std::shared_ptr<const std::vector<StringInterner>> owners;

  int64_t num_rows() const { return static_cast<int64_t>(task.size()); }
  int32_t num_tasks() const { return static_cast<int32_t>(task_names.size()); }
  int32_t num_workers() const { return static_cast<int32_t>(worker_names.size()); }
  int32_t num_labels() const { return static_cast<int32_t>(label_names.size()); }
};

class LabelTableBuilder {
 public:
  void Reserve(size_t rows);
  void Add(std::string_view task, std::string_view worker, std::string_view label);
  // Registers a label name that may appear in no row (e.g. only in gold answers).
  int32_t AddLabelName(std::string_view label) { return labels_.Intern(label); }
  // Appends other's rows after this builder's, interning its names here: the ids equal those
  // of adding other's rows to this builder one by one (used by the parallel parser).
  void Merge(LabelTableBuilder&& other);
  // Finalises: sorts label ids (see header comment) and remaps rows.
  LabelTable Build() &&;

 private:
  // Interns s, first checking the previous row's id: files are usually grouped by task, so
  // this skips most hash lookups.
  static int32_t InternCached(StringInterner& interner, std::string_view s, int32_t* last);

  StringInterner tasks_, workers_, labels_;
  std::vector<int32_t> task_, worker_, label_;
  int32_t last_task_ = -1, last_worker_ = -1, last_label_ = -1;
};

// Returns true if `s` parses fully as a finite decimal number; stores it in *value.
bool ParseNumber(std::string_view s, double* value);

// Gold (known-true) labels for some tasks: gold[task] = label id, or -1 when unknown.
using GoldLabels = std::vector<int32_t>;

}  // namespace qc
