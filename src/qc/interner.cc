#include "qc/interner.h"

#include <cstring>

namespace qc {

StringInterner::StringInterner() : slots_(64, -1), slot_hashes_(64, 0) {}

uint64_t StringInterner::Hash(std::string_view s) {
  // FNV-1a over 8-byte words then a final mix: fast for the short ids crowd data has.
  uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    h = (h ^ word) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

size_t StringInterner::SlotOf(std::string_view s, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (slots_[slot] >= 0) {
    if (slot_hashes_[slot] == hash && names_[static_cast<size_t>(slots_[slot])] == s) break;
    slot = (slot + 1) & mask;
  }
  return slot;
}

int32_t StringInterner::Find(std::string_view s) const {
  return slots_[SlotOf(s, Hash(s))];
}

int32_t StringInterner::Intern(std::string_view s) {
  const uint64_t hash = Hash(s);
  size_t slot = SlotOf(s, hash);
  if (slots_[slot] >= 0) return slots_[slot];
  const auto id = static_cast<int32_t>(names_.size());
  names_.push_back(storage_.emplace_back(s));
  slots_[slot] = id;
  slot_hashes_[slot] = hash;
  if (names_.size() * 2 > slots_.size()) Grow();
  return id;
}

void StringInterner::Grow() {
  std::vector<int32_t> old_slots = std::move(slots_);
  std::vector<uint64_t> old_hashes = std::move(slot_hashes_);
  slots_.assign(old_slots.size() * 2, -1);
  slot_hashes_.assign(old_slots.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (size_t i = 0; i < old_slots.size(); ++i) {
    if (old_slots[i] < 0) continue;
    size_t slot = old_hashes[i] & mask;
    while (slots_[slot] >= 0) slot = (slot + 1) & mask;
    slots_[slot] = old_slots[i];
    slot_hashes_[slot] = old_hashes[i];
  }
}

}  // namespace qc
