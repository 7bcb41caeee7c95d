// Plain data of money, as money::Service returns it. Amounts are integer cents of `currency`;
// times µs since the Unix epoch UTC; days "YYYY-MM-DD" in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "money/ledger.h"
#include "money/pay.h"

namespace money {

// ---- time ------------------------------------------------------------------------------------
struct BeatRequest {
  std::string beat_id;  // the client's id for this beat (a retry counts once); "" = none
  std::string tab_id;
  int64_t active_ms = 0;  // claimed since the tab's previous beat
  bool visible = true;
  std::optional<int64_t> client_at_us;
};

struct BeatResult {
  int64_t credited_ms = 0;
  int64_t measured_ms = 0;  // the assignment's total so far
  bool duplicate = false;   // this beat_id was received before: nothing credited again
};

struct Dispute {
  std::string id, segment_id, expert_id, expert_name, project_id, project_name;
  int64_t segment_start_us = 0, segment_active_ms = 0;
  int64_t claimed_ms = 0;
  std::string reason;
  std::string status;  // open | accepted | rejected
  std::optional<int64_t> granted_ms;
  std::optional<std::string> resolution, resolved_by_name;
  std::optional<int64_t> resolved_at_us;
  int64_t created_at_us = 0;
};

struct Segment {
  std::string id, project_id, project_name, assignment_id;
  int64_t start_us = 0;
  int64_t active_ms = 0, granted_ms = 0, beats = 0;
  std::optional<Dispute> dispute;  // the latest
};

struct TimesheetDay {
  std::string day;
  int64_t active_ms = 0, granted_ms = 0;
  std::string memo;
  std::vector<Segment> segments;  // oldest first
};

// A submission paid on the time its client claimed (no heartbeats: an API script).
struct UnverifiedTime {
  std::string submission_id, project_id, project_name;
  int64_t submitted_at_us = 0, claimed_ms = 0, paid_ms = 0;
};

struct Timesheet {
  std::string from_day, to_day;
  std::vector<TimesheetDay> days;  // newest first; only days with time or a memo
  std::vector<UnverifiedTime> unverified;
};

// ---- ledger views ------------------------------------------------------------------------------
struct Funded {
  Transaction txn;
  bool created = false;
  int64_t budget_cents = 0;  // the project's budget left after it
};

// One line of an expert's payable account (earnings page, statements).
struct EarningLine {
  std::string txn_id, kind, memo, currency;
  std::optional<std::string> project_id, project_name, submission_id, item_external_id, reverses_id;
  int64_t amount_cents = 0;
  int64_t at_us = 0;
  std::string detail_json;  // the accrual's breakdown ({} for others)
};

struct ProjectEarnings {
  std::string project_id, name, currency;
  int64_t approved = 0, rejected = 0, pending = 0;
  int64_t earned_cents = 0;
  int64_t paid_ms = 0;
  std::optional<int64_t> effective_hourly_cents;  // earned / paid hours; none before any time
};

struct CurrencyEarnings {
  std::string currency;
  int64_t pending_cents = 0;  // estimated, for submissions not reviewed yet
  int64_t payable_cents = 0, in_batch_cents = 0, paid_cents = 0;
};

struct Earnings {
  CurrencyEarnings main;  // the currency she earns most in (USD when none)
  std::vector<CurrencyEarnings> currencies;
  std::vector<ProjectEarnings> projects;
  std::vector<EarningLine> lines;  // newest first, at most 200
  std::optional<int64_t> next_payout_at_us;
  int64_t payout_min_cents = 0;
};

struct Statement {
  std::string expert_id, expert_name, expert_email, currency;
  int64_t from_us = 0, to_us = 0;
  int64_t opening_cents = 0, closing_cents = 0;
  std::vector<EarningLine> lines;  // oldest first
};

struct DaySpend {
  std::string day;
  int64_t cents = 0;
};

struct Costs {
  std::string project_id, currency;
  int64_t funded_cents = 0, spend_cents = 0, budget_left_cents = 0;
  int64_t committed_cents = 0;  // estimated pay for work submitted but not reviewed, and live leases
  int64_t fee_cents = 0;
  int64_t burn_rate_cents_per_day = 0;  // average over the last 7 days
  std::optional<double> days_left;
  std::vector<DaySpend> spend_by_day;  // the last 30 days, oldest first
  int64_t approved_items = 0;
  std::optional<int64_t> cost_per_approved_item_cents;
  std::optional<double> correct_labels;
  std::optional<int64_t> cost_per_correct_label_cents;
  std::string correct_label_method;  // gold | gold+estimated | estimated | none
  std::string correct_label_explanation;
  bool leases_stopped = false;
  std::string leases_stopped_reason;
};

// ---- payouts -----------------------------------------------------------------------------------
struct Payout {
  std::string id, batch_id, expert_id, expert_email, expert_name, currency, status, txn_id;
  std::optional<std::string> paid_txn_id;
  int64_t amount_cents = 0;
};

struct Batch {
  std::string id, currency, status;
  int64_t min_cents = 0;
  int64_t created_at_us = 0;
  std::optional<int64_t> ready_at_us, paid_at_us;
  int64_t total_cents = 0;
  std::vector<Payout> payouts;
  bool created = false;  // false: an existing batch answered again
};

}  // namespace money
