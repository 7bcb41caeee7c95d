// qc::StringInterner — maps each distinct string to a dense int32 id, storing it once.
//
// Parsers feed it string_views into a file buffer; lookups of strings seen before allocate
// nothing, so a 10M-row file costs one allocation per distinct task/worker/label, not per row.
//
//   qc::StringInterner workers;
//   int32_t id = workers.Intern("alice");   // 0
//   workers.Intern("alice");                // 0 again, no allocation
//   std::string_view name = workers.Name(id);
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace qc {

class StringInterner {
 public:
  StringInterner();
  // Returns the id of `s`, adding it if new. Ids are dense, in order of first appearance.
  int32_t Intern(std::string_view s);
  // The id of `s`, or -1 if it was never interned.
  int32_t Find(std::string_view s) const;
  std::string_view Name(int32_t id) const { return names_[static_cast<size_t>(id)]; }
  int32_t size() const { return static_cast<int32_t>(names_.size()); }
  const std::vector<std::string_view>& names() const { return names_; }

 private:
  static uint64_t Hash(std::string_view s, uint64_t prefix);
  void Grow();
  size_t SlotOf(std::string_view s, uint64_t hash, uint64_t prefix) const;

  // A deque never moves its elements, so the views in names_ stay valid as it grows.
  std::deque<std::string> storage_;
  std::vector<std::string_view> names_;
  // Open addressing, linear probing; id -1 = empty. Capacity is a power of two, load <= 1/2.
  // Hash and id share a slot so a probe touches one cache line.
  // Short ids (<= 8 bytes, most task/worker/label ids) compare by prefix alone, without
  // touching the stored string.
  struct Slot {
    uint64_t hash = 0;
    uint64_t prefix = 0;  // first 8 bytes, zero padded
    uint32_t size = 0;
    int32_t id = -1;
  };
  static uint64_t Prefix(std::string_view s);
  bool Matches(const Slot& slot, std::string_view s, uint64_t hash, uint64_t prefix) const;
  std::vector<Slot> slots_;
};

}  // namespace qc
