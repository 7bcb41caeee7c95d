#include "money/time_credit.h"

#include <algorithm>

namespace money {

std::vector<BucketCredit> CreditBeat(int64_t previous_beat_us, int64_t leased_at_us, const Beat& beat,
                                     int64_t* credited_ms) {
  std::vector<BucketCredit> out;
  *credited_ms = 0;
  const int64_t since_us = beat.at_us - std::max(previous_beat_us, leased_at_us);
  if (!beat.visible || beat.claimed_ms <= 0 || since_us <= 0) return out;
  const int64_t ms = std::min({beat.claimed_ms, since_us / 1000, kMaxBeatCreditMs});
  if (ms <= 0) return out;
  *credited_ms = ms;
  // [at − ms, at) split at bucket edges, oldest first.
  int64_t from_us = beat.at_us - ms * 1000;
  while (from_us < beat.at_us) {
    const int64_t bucket = BucketStart(from_us);
    const int64_t until_us = std::min(beat.at_us, bucket + kBucketUs);
    out.push_back({bucket, (until_us - from_us) / 1000});
    from_us = until_us;
  }
  return out;
}

int64_t TailMs(int64_t claimed_ms, int64_t measured_ms, int64_t last_beat_us, int64_t finished_at_us) {
  if (finished_at_us <= last_beat_us) return 0;
  return std::clamp<int64_t>(std::min({claimed_ms - measured_ms, (finished_at_us - last_beat_us) / 1000,
                                       kMaxBeatCreditMs}),
                             0, kMaxBeatCreditMs);
}

PaidTime ComputePaidTime(int64_t claimed_ms, int64_t beats, int64_t measured_ms, int64_t held_ms) {
  PaidTime t;
  t.claimed_ms = std::max<int64_t>(0, claimed_ms);
  t.measured_ms = std::max<int64_t>(0, measured_ms);
  t.held_ms = std::max<int64_t>(0, held_ms);
  t.verified = beats > 0;
  t.paid_ms = std::min(t.verified ? t.measured_ms : t.claimed_ms, t.held_ms);
  return t;
}

}  // namespace money
