// base::Uuid7Generator — RFC 9562 UUIDv7 strings, time-ordered, from an injected Clock and Rng.
// Ids made by one generator sort in creation order, also within one millisecond
// (a 12-bit counter in rand_a, re-seeded each new millisecond).
//
//   base::Uuid7Generator ids(clock, 7);
//   std::string id = ids.Next();   // "01890a5d-ac96-774b-bcce-b302099a8057"
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/rng.h"

namespace base {

class Uuid7Generator {
 public:
  Uuid7Generator(const Clock& clock, uint64_t seed) : clock_(clock), rng_(seed) {}
  std::string Next();  // thread-safe

  // Where the generator stands, to continue it in another process: a generator given
  // Restore(Save()) of this one (on the same clock) makes the ids this one would make next.
  struct State {
    std::array<uint64_t, 4> rng{};
    int64_t last_ms = -1;
    uint32_t counter = 0;
    bool operator==(const State&) const = default;
  };
  State Save() const;
  void Restore(const State& state);

 private:
  const Clock& clock_;
  mutable std::mutex mu_;
  Rng rng_;               // guarded by mu_
  int64_t last_ms_ = -1;  // guarded by mu_
  uint32_t counter_ = 0;  // guarded by mu_
};

bool IsUuid(std::string_view s);

}  // namespace base
