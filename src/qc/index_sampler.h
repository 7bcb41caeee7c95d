// qc::IndexSampler — uniform indices in [0, n) for bootstrap resampling, twice as fast as
// calling Rng::Below per draw: each 64-bit Rng output gives two 32-bit draws (Lemire's
// multiply-shift with rejection, so still exactly uniform). Internal to qc.
#pragma once

#include <cstdint>

#include "base/rng.h"

namespace qc {

class IndexSampler {
 public:
  IndexSampler(base::Rng* rng, uint64_t n)
      : rng_(rng), n_(n), threshold_(n > 0 && n < (uint64_t{1} << 32)
                                         ? static_cast<uint32_t>((uint64_t{1} << 32) % n) : 0) {}

  uint64_t Next() {
    if (n_ >= (uint64_t{1} << 32)) return rng_->Below(n_);
    if (!has_half_) {
      bits_ = rng_->Next();
      has_half_ = true;
    } else {
      bits_ >>= 32;
      has_half_ = false;
    }
    const uint64_t m = (bits_ & 0xFFFFFFFFu) * n_;
    // Rejection keeps the draw exactly uniform; a rejected draw is replaced by a fresh one.
    if (static_cast<uint32_t>(m) < threshold_) return rng_->Below(n_);
    return m >> 32;
  }

 private:
  base::Rng* rng_;
  uint64_t n_;
  uint32_t threshold_;
  uint64_t bits_ = 0;
  bool has_half_ = false;
};

}  // namespace qc
