// env::Sha256 — SHA-256 that uses the x86 SHA extensions when the CPU has them (3-6x faster than
// libsodium's portable code) and falls back to base::Sha256 otherwise. State hashes run over
// whole worlds (tau2's db is 1.5 MB of text per hash), so this is the engine's hot loop.
//
//   env::Sha256Stream h;
//   h.Update("ab"); h.Update("c");
//   std::string hex = h.FinalHex();   // == base::Sha256Hex("abc")
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/hash.h"

namespace env {

class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view bytes);
  std::string FinalHex();

  // Whether this CPU runs the SHA-extension path.
  static bool Accelerated();

 private:
  void Compress(const uint8_t* blocks, size_t count);

  bool accelerated_;
  base::Sha256 fallback_;
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace env
