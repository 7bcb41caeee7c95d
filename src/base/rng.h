// base::Rng — seeded, reproducible randomness (xoshiro256**, seeded by splitmix64).
// Not for secrets: use base::SecureRandomBytes (libsodium) for tokens and salts.
//
//   base::Rng rng(42);
//   uint64_t x = rng.Next();
//   double u = rng.Uniform();          // [0, 1)
//   size_t i = rng.Below(n);           // [0, n)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace base {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double Uniform();               // [0, 1), 53 random bits
  uint64_t Below(uint64_t bound); // [0, bound), unbiased; bound > 0
  // A new generator whose stream is independent of this one (for per-thread streams).
  Rng Split();
  // The generator's whole state, to save it and carry on later exactly where it stopped (a
  // persisted environment session's id generator): Rng::FromState(r.State()) continues r.
  std::array<uint64_t, 4> State() const { return {s_[0], s_[1], s_[2], s_[3]}; }
  static Rng FromState(const std::array<uint64_t, 4>& state);

  // UniformRandomBitGenerator, so std::shuffle and <random> distributions accept it.
  using result_type = uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~uint64_t{0}; }
  result_type operator()() { return Next(); }

 private:
  uint64_t s_[4];
};

// Cryptographically secure random bytes (libsodium).
void SecureRandomBytes(void* out, size_t n);
// n secure random bytes, as lowercase hex / base64url without padding.
std::string SecureRandomHex(size_t n_bytes);
std::string SecureRandomBase64Url(size_t n_bytes);

}  // namespace base
