#include "qc/label_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace qc {

bool ParseNumber(std::string_view s, double* value) {
  if (s.empty()) return false;
  const char* begin = s.data();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), *value);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*value);
}

void LabelTableBuilder::Reserve(size_t rows) {
  task_.reserve(rows);
  worker_.reserve(rows);
  label_.reserve(rows);
}

void LabelTableBuilder::Add(std::string_view task, std::string_view worker,
                            std::string_view label) {
  task_.push_back(InternCached(tasks_, task, &last_task_));
  worker_.push_back(InternCached(workers_, worker, &last_worker_));
  label_.push_back(InternCached(labels_, label, &last_label_));
}

int32_t LabelTableBuilder::InternCached(StringInterner& interner, std::string_view s,
                                        int32_t* last) {
  if (*last >= 0) {
    // Inline byte compare: ids are short, and a memcmp call per field costs more than the loop.
    const std::string_view prev = interner.Name(*last);
    bool same = prev.size() == s.size();
    for (size_t i = 0; same && i < s.size(); ++i) same = prev[i] == s[i];
    if (same) return *last;
  }
  *last = interner.Intern(s);
  return *last;
}

void LabelTableBuilder::Merge(LabelTableBuilder&& other) {
  auto remap = [](const StringInterner& from, StringInterner& to) {
    std::vector<int32_t> id(static_cast<size_t>(from.size()));
    for (int32_t i = 0; i < from.size(); ++i) id[static_cast<size_t>(i)] = to.Intern(from.Name(i));
    return id;
  };
  const std::vector<int32_t> task_id = remap(other.tasks_, tasks_);
  const std::vector<int32_t> worker_id = remap(other.workers_, workers_);
  const std::vector<int32_t> label_id = remap(other.labels_, labels_);
  Reserve(task_.size() + other.task_.size());
  for (size_t r = 0; r < other.task_.size(); ++r) {
    task_.push_back(task_id[static_cast<size_t>(other.task_[r])]);
    worker_.push_back(worker_id[static_cast<size_t>(other.worker_[r])]);
    label_.push_back(label_id[static_cast<size_t>(other.label_[r])]);
  }
  last_task_ = last_worker_ = last_label_ = -1;
}

namespace {

// Label order: numeric when all labels are numbers (so "10" sorts after "9"), else bytewise.
std::vector<int32_t> SortedLabelOrder(const std::vector<std::string_view>& names) {
  std::vector<int32_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> numbers(names.size());
  bool all_numeric = true;
  for (size_t i = 0; i < names.size() && all_numeric; ++i) {
    all_numeric = ParseNumber(names[i], &numbers[i]);
  }
  if (all_numeric) {
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      return numbers[a] < numbers[b] || (numbers[a] == numbers[b] && names[a] < names[b]);
    });
  } else {
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b) { return names[a] < names[b]; });
  }
  return order;
}

}  // namespace

LabelTable LabelTableBuilder::Build() && {
  LabelTable table;
  const std::vector<int32_t> order = SortedLabelOrder(labels_.names());
  std::vector<int32_t> new_id(order.size());
  for (size_t rank = 0; rank < order.size(); ++rank) {
    new_id[order[rank]] = static_cast<int32_t>(rank);
    table.label_names.push_back(labels_.Name(order[rank]));
  }
  for (int32_t& l : label_) l = new_id[l];
  table.task_names = tasks_.names();
  table.worker_names = workers_.names();
  table.task = std::move(task_);
  table.worker = std::move(worker_);
  table.label = std::move(label_);
  // Moving an interner keeps its deque nodes, so the views above stay valid.
  auto owners = std::make_shared<std::vector<StringInterner>>();
  owners->reserve(3);
  owners->push_back(std::move(tasks_));
  owners->push_back(std::move(workers_));
  owners->push_back(std::move(labels_));
  table.owners = std::move(owners);
  return table;
}

}  // namespace qc
