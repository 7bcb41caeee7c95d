// SHA-256 (libsodium).
//
//   std::string hex = base::Sha256Hex("abc");
//   base::Sha256 h; h.Update(a); h.Update(b); std::string hex2 = h.FinalHex();
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace base {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  std::array<uint8_t, 32> Final();
  std::string FinalHex();

 private:
  alignas(64) unsigned char state_[128];  // crypto_hash_sha256_state (104 bytes) fits
};

std::string Sha256Hex(std::string_view bytes);
std::string ToHex(const uint8_t* data, size_t n);
// Constant-time comparison for secrets of equal length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace base
