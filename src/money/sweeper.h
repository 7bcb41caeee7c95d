// money::Sweeper — the money work `assay serve` does on its own, on one background thread:
// every `every` it auto-approves submissions past their project's delay (which accrues them),
// and, with scheduled payouts on, makes the period's payout batch once a period starts (named by
// the period, so several servers, or a restart, make it once). Marking a batch paid stays a
// person's act: the provider must have paid it.
//
//   money::Sweeper sweeper(money, clock, {.every_us = 60'000'000, .scheduled_payouts = true});
//   // … serve …; the destructor stops the thread
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/log.h"
#include "money/service.h"

namespace money {

struct SweeperOptions {
  int64_t every_us = 60'000'000;
  bool scheduled_payouts = false;  // a batch at each period (Options::payout_every_days, payout_min_cents)
  std::string currency = "USD";
};

class Sweeper {
 public:
  Sweeper(Service& money, const base::Clock& clock, SweeperOptions options, base::Logger log = base::Logger::Null());
  ~Sweeper();
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // One round now (the thread calls it; tests too): auto-approvals, then the period's batch.
  void RunOnce();

 private:
  void Loop();

  Service& money_;
  const base::Clock& clock_;
  SweeperOptions options_;
  base::Logger log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace money
