// accounts::PasswordHasher — argon2id password hashes (libsodium crypto_pwhash_str) with a cap
// on how many run at once: each takes ~80 ms and 64 MiB at the interactive limits, so a burst of
// logins must queue instead of exhausting memory.
//
//   accounts::PasswordHasher hasher(/*max_concurrent=*/2);
//   std::string stored = hasher.Hash("correct horse");
//   bool ok = hasher.Verify(stored, attempt);
#pragma once

#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>

namespace accounts {

class PasswordHasher {
 public:
  // fast_for_tests: libsodium's minimum limits (never below them), to keep suites fast.
  explicit PasswordHasher(int max_concurrent, bool fast_for_tests = false);
  // "" when hashing failed (out of memory).
  std::string Hash(std::string_view password);
  bool Verify(const std::string& stored_hash, std::string_view password);
  // The same work as Verify for an account with no password, so that an unknown email and a
  // wrong password take alike long.
  void VerifyDummy(std::string_view password);

 private:
  std::counting_semaphore<64> slots_;
  const bool fast_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // set once under dummy_once_
};

}  // namespace accounts
