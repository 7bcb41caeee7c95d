#include "base/uuid7.h"

#include <array>

namespace base {

std::string Uuid7Generator::Next() {
  std::array<uint8_t, 16> b{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t ms = clock_.NowMicros() / 1000;
    if (ms <= last_ms_) {
      ms = last_ms_;
      if (++counter_ > 0xfff) {  // counter exhausted: borrow the next millisecond
        ++ms;
        counter_ = static_cast<uint32_t>(rng_.Below(0x800));
      }
    } else {
      counter_ = static_cast<uint32_t>(rng_.Below(0x800));  // leave room to count up
    }
    last_ms_ = ms;
    for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
    b[6] = static_cast<uint8_t>(0x70 | ((counter_ >> 8) & 0x0f));
    b[7] = static_cast<uint8_t>(counter_ & 0xff);
    uint64_t r = rng_.Next();
    for (int i = 8; i < 16; ++i) b[i] = static_cast<uint8_t>(r >> (8 * (i - 8)));
  }
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 0xf];
  }
  return s;
}

Uuid7Generator::State Uuid7Generator::Save() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {rng_.State(), last_ms_, counter_};
}

void Uuid7Generator::Restore(const State& state) {
  std::lock_guard<std::mutex> lock(mu_);
  rng_ = Rng::FromState(state.rng);
  last_ms_ = state.last_ms;
  counter_ = state.counter;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace base
