#include "qc/interner.h"

#include <cstring>

namespace qc {

StringInterner::StringInterner() : slots_(64) {}

uint64_t StringInterner::Prefix(std::string_view s) {
  uint64_t prefix = 0;
  const size_t n = s.size() < 8 ? s.size() : 8;
  for (size_t i = 0; i < n; ++i) prefix |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
  return prefix;
}

uint64_t StringInterner::Hash(std::string_view s, uint64_t prefix) {
  // Word-at-a-time multiply-xorshift; the final mix (murmur3's fmix64) spreads short ids.
  uint64_t h = (prefix ^ (s.size() * 0x9E3779B97F4A7C15ULL)) * 0xff51afd7ed558ccdULL;
  for (size_t i = 8; i < s.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, s.data() + i, s.size() - i < 8 ? s.size() - i : 8);
    h = (h ^ (h >> 29) ^ word) * 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

bool StringInterner::Matches(const Slot& slot, std::string_view s, uint64_t hash,
                             uint64_t prefix) const {
  if (slot.hash != hash || slot.size != s.size() || slot.prefix != prefix) return false;
  return s.size() <= 8 || names_[static_cast<size_t>(slot.id)] == s;
}

size_t StringInterner::SlotOf(std::string_view s, uint64_t hash, uint64_t prefix) const {
  const size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (slots_[slot].id >= 0 && !Matches(slots_[slot], s, hash, prefix)) {
    slot = (slot + 1) & mask;
  }
  return slot;
}

int32_t StringInterner::Find(std::string_view s) const {
  const uint64_t prefix = Prefix(s);
  return slots_[SlotOf(s, Hash(s, prefix), prefix)].id;
}

int32_t StringInterner::Intern(std::string_view s) {
  const uint64_t prefix = Prefix(s);
  const uint64_t hash = Hash(s, prefix);
  size_t slot = SlotOf(s, hash, prefix);
  if (slots_[slot].id >= 0) return slots_[slot].id;
  const auto id = static_cast<int32_t>(names_.size());
  names_.push_back(storage_.emplace_back(s));
  slots_[slot] = {hash, prefix, static_cast<uint32_t>(s.size()), id};
  if (names_.size() * 2 > slots_.size()) Grow();
  return id;
}

void StringInterner::Grow() {
  std::vector<Slot> old_slots = std::move(slots_);
  slots_.assign(old_slots.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& old : old_slots) {
    if (old.id < 0) continue;
    size_t slot = old.hash & mask;
    while (slots_[slot].id >= 0) slot = (slot + 1) & mask;
    slots_[slot] = old;
  }
}

}  // namespace qc
