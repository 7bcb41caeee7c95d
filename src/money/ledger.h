// money::Ledger — the double-entry ledger in integer cents. A transaction is one currency and
// 2–1000 lines on accounts (a kind and whose it is), summing to zero; it carries an idempotency
// key: posting the same key and body again answers the same transaction, the same key with
// another body is a Conflict (409). Nothing is ever changed or deleted: a correction is a
// reversal that names the transaction it reverses (once). The database holds these rules too
// (migration 0005: triggers and a deferred foreign key on both drivers), so no code path can
// commit a half-written or unbalanced transaction.
//
//   money::Ledger ledger(ids);
//   money::Posting p{.idempotency_key = "fund:" + request_key, .kind = "funding", .currency = "USD",
//                    .lines = {{{money::kClientFunding, ""}, -50000}, {{money::kProjectBudget, pid}, 50000}}};
//   ASSAY_ASSIGN_OR_RETURN(money::Posted posted, ledger.PostOne(db, p, clock.NowMicros()));
//   // posted.created is false when the key was already posted with this body.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"

namespace money {

// Account kinds (docs in src/money/README.md, "Accounts").
inline constexpr std::string_view kClientFunding = "client_funding";  // owner '': the clients' side
inline constexpr std::string_view kProjectBudget = "project_budget";  // owner: project id
inline constexpr std::string_view kExpertPayable = "expert_payable";  // owner: expert id
inline constexpr std::string_view kExpertPaid = "expert_paid";        // owner: expert id
inline constexpr std::string_view kPlatformFee = "platform_fee";      // owner ''
inline constexpr std::string_view kCash = "cash";                     // owner '': payouts in flight

inline constexpr size_t kMaxLines = 1000;
inline constexpr int64_t kMaxAmountCents = 10'000'000'000'000;  // $100 billion a line

struct AccountKey {
  std::string kind;
  std::string owner;
  auto operator<=>(const AccountKey&) const = default;
};

struct Line {
  AccountKey account;
  int64_t amount_cents = 0;  // positive: into the account; negative: out of it
};

struct Posting {
  std::string idempotency_key;
  std::string kind;  // funding | accrual | payout | payout_paid | reversal | adjustment
  std::string currency;
  std::vector<Line> lines;
  std::optional<std::string> reverses_id;
  // What the transaction is about (for statements and the auditor); part of the body.
  std::optional<std::string> project_id, expert_id, submission_id, payout_id;
  std::string memo;
  std::string detail_json;  // how the amounts were computed; not part of the body
  std::optional<std::string> created_by;
};

struct Transaction {
  std::string id;
  int64_t seq = 0;
  std::string idempotency_key, kind, currency, memo, detail_json;
  std::optional<std::string> reverses_id, project_id, expert_id, submission_id, payout_id, created_by;
  std::vector<Line> lines;
  int64_t created_at_us = 0;
};

struct Posted {
  Transaction txn;
  bool created = false;  // false: the key was posted before with this body
};

// sha256 of what makes a posting the same posting (kind, currency, lines, what it reverses and
// is about, memo).
std::string BodyHash(const Posting& p);
// The checks Post makes before writing: a clear error naming the field.
base::Status ValidatePosting(const Posting& p);
bool IsCurrency(std::string_view currency);

class Ledger {
 public:
  explicit Ledger(base::Uuid7Generator& ids) : ids_(ids) {}

  // Inside the caller's write transaction (run again on a PostgreSQL retry: safe).
  base::Result<Posted> Post(storage::Conn& c, const Posting& p, int64_t now_us);
  // Post in a write transaction of its own; the accounts it resolved are cached after COMMIT.
  // A concurrent post of the same key (PostgreSQL) is answered with the one that committed.
  base::Result<Posted> PostOne(storage::Db& db, const Posting& p, int64_t now_us);
  // The reversal of `txn_id`: every line negated, naming it; refused when it was reversed before
  // (same key: the same reversal back) or is itself a reversal.
  base::Result<Posted> Reverse(storage::Conn& c, std::string_view txn_id, std::string idempotency_key,
                               std::string memo, std::optional<std::string> created_by, int64_t now_us);

  // Runs `write` in a write transaction. PostgreSQL: a concurrent post of the same key that
  // committed first fails ours (on the key, or a lost serialization conflict the driver re-runs);
  // `write` is run again (at most 3 times more), and Post then finds the one that committed.
  static base::Status WriteRetryingKeyRace(storage::Db& db, const storage::WriteFn& write);

  static base::Result<std::optional<Transaction>> Find(storage::Conn& c, std::string_view txn_id);
  static base::Result<std::optional<Transaction>> FindByKey(storage::Conn& c, std::string_view key);
  // An account's balance (0 when it has no entries yet).
  static base::Result<int64_t> Balance(storage::Conn& c, const AccountKey& account, std::string_view currency);

 private:
  using Resolved = std::vector<std::pair<std::string, int64_t>>;  // cache key → account id
  // `p` validated, `hash` its BodyHash; `known_ids` (optional): each line's account id, 0 where
  // not known yet.
  base::Result<Posted> PostResolving(storage::Conn& c, const Posting& p, const std::string& hash, int64_t now_us,
                                     const std::vector<int64_t>* known_ids, Resolved* resolved);
  base::Result<int64_t> AccountId(storage::Conn& c, const AccountKey& a, const std::string& currency,
                                  Resolved* resolved);

  base::Uuid7Generator& ids_;
  std::mutex mu_;
  std::map<std::string, int64_t> accounts_;  // "kind|owner|currency" → id, committed only; guarded by mu_
};

}  // namespace money
