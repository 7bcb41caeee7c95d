// money time credit — how heartbeats become measured time (pure: the server applies it beat by
// beat, tests feed it whole streams).
//
// The workspace sends a heartbeat for the lease it works on about every 15 s while the person
// types, points, scrolls or reads with the page focused, none while idle (60 s) or hidden; each
// says how much active time its tab counted since its previous beat (claimed_ms). The server
// trusts only its own clock: a beat received at `at_us` credits
//     min(claimed_ms, at_us − max(previous beat on this lease, lease start), kMaxBeatCreditMs)
// ending at at_us — 0 for a beat that says its tab was hidden. So an idle gap earns nothing past
// what the next beat claims, two tabs on one lease never count the same second twice (the gap is
// measured from the lease's last beat, whichever tab sent it), a client clock that is off changes
// nothing, and a flood of beats cannot claim more than the wall clock. Credited time falls into
// 10-minute buckets (UTC), split at their edges: the time segments of the timesheet.
//
// Paid time of a submission (PaidTime): with heartbeats, the measured time (+ the tail since the
// last beat up to the submit, as claimed, at most one beat's worth, + time a manager granted on a
// dispute), never more than the lease was held; without any (an API script), the claimed time
// capped at the time the lease was held, marked unverified.
//
//   int64_t credited = 0;
//   std::vector<money::BucketCredit> c = money::CreditBeat(last_beat_us, leased_at_us, {now_us, 15'000}, &credited);
#pragma once

#include <cstdint>
#include <vector>

namespace money {

inline constexpr int64_t kBucketUs = 10LL * 60 * 1'000'000;  // a time segment
inline constexpr int64_t kBucketMs = kBucketUs / 1000;
inline constexpr int64_t kMaxBeatCreditMs = 30'000;  // two beats' worth: a late beat still counts

struct Beat {
  int64_t at_us = 0;       // server time the beat arrived
  int64_t claimed_ms = 0;  // active time its tab counted since its previous beat
  bool visible = true;
};

struct BucketCredit {
  int64_t bucket_start_us = 0;
  int64_t ms = 0;
};

inline int64_t BucketStart(int64_t at_us) {
  const int64_t r = at_us % kBucketUs;
  return at_us - (r < 0 ? r + kBucketUs : r);
}

// The credit of one beat (see above), split into buckets; *credited_ms is its total.
// previous_beat_us: the lease's previous beat (0: none yet).
std::vector<BucketCredit> CreditBeat(int64_t previous_beat_us, int64_t leased_at_us, const Beat& beat,
                                     int64_t* credited_ms);

// The active time between the last beat and the submit that no beat reported: the claimed total
// beyond the measured time, at most the time since the last beat and one beat's worth.
int64_t TailMs(int64_t claimed_ms, int64_t measured_ms, int64_t last_beat_us, int64_t finished_at_us);

struct PaidTime {
  int64_t claimed_ms = 0, measured_ms = 0, held_ms = 0, paid_ms = 0;
  bool verified = false;  // backed by heartbeats
};
// measured_ms already includes the tail and granted time.
PaidTime ComputePaidTime(int64_t claimed_ms, int64_t beats, int64_t measured_ms, int64_t held_ms);

}  // namespace money
