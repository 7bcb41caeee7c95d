#include "accounts/password.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "base/rng.h"

namespace accounts {

PasswordHasher::PasswordHasher(int max_concurrent, bool fast_for_tests)
    : slots_(std::clamp(max_concurrent, 1, 64)), fast_(fast_for_tests) {
  if (sodium_init() < 0) std::abort();  // libsodium cannot run: nothing here is safe
}

std::string PasswordHasher::Hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  const unsigned long long ops = fast_ ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const size_t mem = fast_ ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  slots_.acquire();
  const int rc = crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                                       crypto_pwhash_ALG_ARGON2ID13);
  slots_.release();
  return rc == 0 ? std::string(out) : std::string();
}

bool PasswordHasher::Verify(const std::string& stored_hash, std::string_view password) {
  slots_.acquire();
  const int rc = crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size());
  slots_.release();
  return rc == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) {
  std::call_once(dummy_once_, [&] { dummy_hash_ = Hash(base::SecureRandomHex(16)); });
  (void)Verify(dummy_hash_, password);
}

}  // namespace accounts
