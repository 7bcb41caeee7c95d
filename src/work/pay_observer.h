// work::PayObserver — what the work loop asks of, and tells, the layer that pays (src/money,
// above it, handed to the Service with SetPayObserver): whether a project's budget still allows
// new leases, and every verdict on a submission (a review, or an auto-approval) inside the
// transaction that records it, so that earnings accrue with the verdict or not at all. Without
// one, leases are never refused for money and nothing accrues.
//
//   work_service.SetPayObserver(&money_service);
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "storage/db.h"

namespace work {

// A verdict as the pay layer sees it.
struct Verdict {
  std::string submission_id;
  std::string project_id;
  std::string expert_id;
  std::string verdict;  // approve | reject
  bool automatic = false;  // auto-approved after the project's delay, not by a person
  int64_t at_us = 0;
};

class PayObserver {
 public:
  virtual ~PayObserver() = default;
  // Before a lease, on a read snapshot: an error (said to the expert) when the project may not
  // hand out new work now because its budget is spent; her live leases are still hers.
  virtual std::optional<base::Error> LeaseRefusal(storage::Conn& c, const std::string& project_id,
                                                  int64_t now_us) = 0;
  // Inside the review's (or auto-approval's) write transaction, after the submission's state
  // changed: accrue what it earns. An error rolls the verdict back.
  virtual base::Status VerdictRecorded(storage::Conn& c, const Verdict& verdict) = 0;
};

}  // namespace work
