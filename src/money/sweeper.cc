#include "money/sweeper.h"

#include <chrono>

namespace money {

Sweeper::Sweeper(Service& money, const base::Clock& clock, SweeperOptions options, base::Logger log)
    : money_(money), clock_(clock), options_(std::move(options)), log_(std::move(log)) {
  thread_ = std::thread([this] { Loop(); });
}

Sweeper::~Sweeper() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Sweeper::RunOnce() {
  const accounts::Caller server = accounts::Caller::System();
  auto approved = money_.RunAutoApprovals(server);
  if (!approved) {
    log_.Warn("money.auto_approve_failed", {{"error", approved.error().ToString()}});
  } else if (*approved > 0) {
    const std::string n = std::to_string(*approved);
    log_.Info("money.auto_approved", {{"submissions", n, true}});
  }
  if (!options_.scheduled_payouts) return;
  const int64_t period_us = money_.options().PayoutPeriodUs();
  const int64_t period = clock_.NowMicros() / period_us * period_us;
  auto batch = money_.CreateBatch(server, money_.options().payout_min_cents, options_.currency,
                                  "schedule:" + options_.currency + ":" + std::to_string(period));
  if (batch && batch->created) {
    log_.Info("money.payout_batch", {{"batch", batch->id}, {"payouts", std::to_string(batch->payouts.size()), true}});
  } else if (!batch && batch.error().code() != base::ErrorCode::kFailedPrecondition) {
    log_.Warn("money.payout_batch_failed", {{"error", batch.error().ToString()}});
  }
}

void Sweeper::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    RunOnce();
    lock.lock();
    cv_.wait_for(lock, std::chrono::microseconds(options_.every_us), [&] { return stop_; });
  }
}

}  // namespace money
