#include "base/rng.h"

#include <sodium.h>

#include <cstdlib>

namespace base {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void EnsureSodium() {
  // sodium_init is idempotent and thread-safe; a failure means no usable entropy source.
  if (sodium_init() < 0) std::abort();
}

}  // namespace

Rng::Rng(uint64_t seed) {
  for (auto& s : s_) s = SplitMix64(seed);
}

Rng Rng::FromState(const std::array<uint64_t, 4>& state) {
  Rng r(0);
  for (size_t i = 0; i < 4; ++i) r.s_[i] = state[i];
  return r;
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

uint64_t Rng::Below(uint64_t bound) {
  // Lemire's nearly divisionless method.
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

Rng Rng::Split() { return Rng(Next() ^ 0xa0761d6478bd642fULL); }

void SecureRandomBytes(void* out, size_t n) {
  EnsureSodium();
  randombytes_buf(out, n);
}

std::string SecureRandomHex(size_t n_bytes) {
  std::string raw(n_bytes, '\0');
  SecureRandomBytes(raw.data(), n_bytes);
  std::string hex(n_bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 n_bytes);
  hex.pop_back();
  return hex;
}

std::string SecureRandomBase64Url(size_t n_bytes) {
  std::string raw(n_bytes, '\0');
  SecureRandomBytes(raw.data(), n_bytes);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(n_bytes, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    n_bytes, variant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

}  // namespace base
