// Payout batches: every expert_payable balance of at least a threshold moves to cash (in
// flight) as one payout per expert, written in chunks with ids derived from the batch and the
// expert; marking the batch paid moves cash → expert_paid per payout. Both steps resume where a
// crash left them and never pay anyone twice (idempotency keys payout:<id>, paid:<id>).
#include <algorithm>
#include <functional>
#include <map>

#include "money/internal.h"
#include "money/service.h"
#include "money/statement.h"

namespace money {
namespace {

base::Status RequireAdmin(const Caller& caller) {
  if (caller.role != accounts::Role::kAdmin) return base::Error::Forbidden("payouts are for admins");
  return base::Ok();
}

constexpr std::string_view kBatchColumns = "id, currency, status, min_cents, created_at_us, ready_at_us, paid_at_us";
constexpr std::string_view kPayoutSelect =
    "SELECT p.batch_id, p.id, p.expert_id, u.email, u.name, p.currency, p.status, p.txn_id, p.paid_txn_id, "
    "p.amount_cents FROM payouts p JOIN users u ON u.id = p.expert_id ";

Batch BatchFromRow(const storage::Row& r) {
  return Batch{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.OptInt(5), r.OptInt(6)};
}

// A row of kPayoutSelect, added to its batch.
void AddPayout(Batch& b, const storage::Row& r) {
  b.payouts.push_back({r.Text(1), b.id, r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7),
                       r.OptText(8), r.Int(9)});
  b.total_cents += r.Int(9);
}

// Runs `chunk` in write transactions of its own until one writes nothing: each picks up where
// the last committed, so a crash between two loses nothing. `chunk` returns how many it wrote
// (it may be run again on a PostgreSQL retry).
base::Status WriteInChunks(storage::Db& db, const std::function<base::Result<int64_t>(storage::Conn&)>& chunk) {
  for (;;) {
    int64_t written = 0;
    ASSAY_TRY(db.Write([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(written, chunk(c));
      return base::Ok();
    }));
    if (written == 0) return base::Ok();
  }
}

}  // namespace

base::Result<Batch> Service::LoadBatch(storage::Conn& c, std::string_view batch_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows b,
                         c.Query("SELECT " + std::string(kBatchColumns) + " FROM payout_batches WHERE id = ?", {batch_id}));
  if (b.empty()) return base::Error::NotFound("no such payout batch");
  Batch out = BatchFromRow(b[0]);
  ASSAY_TRY(c.QueryEach(std::string(kPayoutSelect) + "WHERE p.batch_id = ? ORDER BY p.expert_id", {batch_id},
                        [&](const storage::Row& r) -> base::Status {
                          AddPayout(out, r);
                          return base::Ok();
                        }));
  return out;
}

base::Status Service::BuildBatchChunks(const std::string& batch_id, const std::string& currency, int64_t min_cents) {
  const int64_t chunk = std::max<int64_t>(1, options_.payout_chunk);
  return WriteInChunks(db_, [&](storage::Conn& c) -> base::Result<int64_t> {
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(
        storage::Rows due,
        c.Query("SELECT a.owner, a.balance_cents FROM ledger_accounts a WHERE a.kind = 'expert_payable' AND "
                "a.currency = ? AND a.balance_cents > 0 AND a.balance_cents >= ? AND NOT EXISTS (SELECT 1 FROM "
                "payouts p WHERE p.batch_id = ? AND p.expert_id = a.owner) ORDER BY a.owner LIMIT ?",
                {currency, min_cents, batch_id, chunk}));
    for (const storage::Row& r : due) {
      const std::string expert = r.Text(0), payout_id = internal::DerivedId("payout|" + batch_id + "|" + expert);
      Posting p{.idempotency_key = "payout:" + payout_id, .kind = "payout", .currency = currency};
      p.lines = {{{std::string(kExpertPayable), expert}, -r.Int(1)}, {{std::string(kCash), ""}, r.Int(1)}};
      p.expert_id = expert;
      p.payout_id = payout_id;
      p.memo = "Payout batch " + batch_id;
      ASSAY_ASSIGN_OR_RETURN(Posted posted, ledger_.Post(c, p, now));
      ASSAY_TRY(c.Exec("INSERT INTO payouts (id, batch_id, expert_id, currency, amount_cents, status, txn_id, "
                       "created_at_us) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                       {payout_id, batch_id, expert, currency, r.Int(1), posted.txn.id, now}));
    }
    if (due.empty()) {
      ASSAY_TRY(c.Exec("UPDATE payout_batches SET status = 'open', ready_at_us = ? WHERE id = ? AND status = "
                       "'building'",
                       {now, batch_id}));
    }
    return static_cast<int64_t>(due.size());
  });
}

base::Result<Batch> Service::CreateBatch(const Caller& caller, int64_t min_cents, std::string_view currency_in,
                                         std::string_view key) {
  ASSAY_TRY(RequireAdmin(caller));
  const std::string currency = currency_in.empty() ? "USD" : std::string(currency_in);
  if (!IsCurrency(currency)) {
    return base::Error::Invalid("currency must be a three-letter ISO 4217 code in capitals, e.g. USD")
        .Detail("field", "currency");
  }
  if (min_cents < 0 || min_cents > kMaxAmountCents) {
    return base::Error::Invalid("min_cents must be a whole number of cents, 0 or more").Detail("field", "min_cents");
  }
  if (key.size() > 150) return base::Error::Invalid("idempotency_key is at most 150 characters").Detail("field", "idempotency_key");
  std::string batch_id;
  int64_t batch_min = min_cents;
  bool created = false;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    created = false;
    // A batch a crash left building is finished first, whatever was asked now.
    ASSAY_ASSIGN_OR_RETURN(storage::Rows building, c.Query("SELECT id, min_cents FROM payout_batches WHERE currency = ? "
                                                           "AND status = 'building' ORDER BY created_at_us LIMIT 1",
                                                           {currency}));
    if (!building.empty()) {
      batch_id = building[0].Text(0);
      batch_min = building[0].Int(1);
      return base::Ok();
    }
    // Named by the request's key, or by the ledger position: the same request (or state) is the
    // same batch.
    ASSAY_ASSIGN_OR_RETURN(storage::Row head, c.QueryOne("SELECT coalesce(max(seq), 0) FROM ledger_transactions"));
    batch_id = internal::DerivedId("batch|" + currency + "|" + std::to_string(min_cents) + "|" +
                                   (key.empty() ? "at:" + std::to_string(head.Int(0)) : "key:" + std::string(key)));
    ASSAY_ASSIGN_OR_RETURN(storage::Rows existing, c.Query("SELECT 1 FROM payout_batches WHERE id = ?", {batch_id}));
    if (!existing.empty()) return base::Ok();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows due, c.Query("SELECT 1 FROM ledger_accounts WHERE kind = 'expert_payable' AND "
                                                      "currency = ? AND balance_cents > 0 AND balance_cents >= ? LIMIT 1",
                                                      {currency, min_cents}));
    if (due.empty()) {
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "nobody has a payable balance of at least " + DecimalAmount(min_cents) + " " + currency +
                             ": no batch was made")
          .Detail("field", "min_cents");
    }
    std::optional<std::string> by;
    if (!caller.user_id.empty()) by = caller.user_id;
    ASSAY_TRY(c.Exec("INSERT INTO payout_batches (id, currency, min_cents, status, created_by, created_at_us) "
                     "VALUES (?, ?, ?, 'building', ?, ?)",
                     {batch_id, currency, min_cents, by, clock_.NowMicros()}));
    created = true;
    return base::Ok();
  }));
  ASSAY_TRY(BuildBatchChunks(batch_id, currency, batch_min));
  Batch out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(out, LoadBatch(c, batch_id));
    return base::Ok();
  }));
  out.created = created;
  return out;
}

base::Result<std::vector<Batch>> Service::ListBatches(const Caller& caller) {
  ASSAY_TRY(RequireAdmin(caller));
  std::vector<Batch> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    out.clear();
    // The latest 100 batches, then all their payouts in one query.
    constexpr std::string_view kLatest = "FROM payout_batches ORDER BY created_at_us DESC, id LIMIT 100";
    std::map<std::string, size_t> index;
    ASSAY_TRY(c.QueryEach("SELECT " + std::string(kBatchColumns) + " " + std::string(kLatest), {},
                          [&](const storage::Row& r) -> base::Status {
                            index[r.Text(0)] = out.size();
                            out.push_back(BatchFromRow(r));
                            return base::Ok();
                          }));
    return c.QueryEach(std::string(kPayoutSelect) + "WHERE p.batch_id IN (SELECT id " + std::string(kLatest) +
                           ") ORDER BY p.batch_id, p.expert_id",
                       {}, [&](const storage::Row& r) -> base::Status {
                         auto it = index.find(r.Text(0));
                         if (it != index.end()) AddPayout(out[it->second], r);
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<Batch> Service::GetBatch(const Caller& caller, std::string_view batch_id) {
  ASSAY_TRY(RequireAdmin(caller));
  Batch out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(out, LoadBatch(c, batch_id));
    return base::Ok();
  }));
  return out;
}

base::Result<std::string> Service::BatchCsv(const Caller& caller, std::string_view batch_id) {
  ASSAY_ASSIGN_OR_RETURN(Batch b, GetBatch(caller, batch_id));
  if (b.status == "building") {
    return base::Error(base::ErrorCode::kFailedPrecondition, "the batch is still being built: run it again to finish");
  }
  std::string csv = "payout_id,batch_id,expert_id,expert_email,expert_name,amount_cents,amount,currency,reference,status\r\n";
  for (const Payout& p : b.payouts) {
    csv += CsvField(p.id) + "," + CsvField(b.id) + "," + CsvField(p.expert_id) + "," + CsvField(p.expert_email) + "," +
           CsvField(p.expert_name) + "," + std::to_string(p.amount_cents) + "," + DecimalAmount(p.amount_cents) + "," +
           CsvField(p.currency) + "," + CsvField("assay payout " + p.id) + "," + p.status + "\r\n";
  }
  return csv;
}

base::Result<Batch> Service::MarkPaid(const Caller& caller, std::string_view batch_id) {
  ASSAY_TRY(RequireAdmin(caller));
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows b, c.Query("SELECT status FROM payout_batches WHERE id = ?", {batch_id}));
    if (b.empty()) return base::Error::NotFound("no such payout batch");
    if (b[0].Text(0) == "building") {
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "the batch is still being built: create it again to finish it before marking it paid");
    }
    if (b[0].Text(0) == "open") {
      ASSAY_TRY(c.Exec("UPDATE payout_batches SET status = 'paying' WHERE id = ?", {batch_id}));
    }
    return base::Ok();
  }));
  const int64_t chunk = std::max<int64_t>(1, options_.payout_chunk);
  ASSAY_TRY(WriteInChunks(db_, [&](storage::Conn& c) -> base::Result<int64_t> {
    const int64_t now = clock_.NowMicros();
    ASSAY_ASSIGN_OR_RETURN(storage::Rows due, c.Query("SELECT id, expert_id, currency, amount_cents FROM payouts "
                                                      "WHERE batch_id = ? AND status = 'pending' ORDER BY id LIMIT ?",
                                                      {batch_id, chunk}));
    for (const storage::Row& r : due) {
      Posting p{.idempotency_key = "paid:" + r.Text(0), .kind = "payout_paid", .currency = r.Text(2)};
      p.lines = {{{std::string(kCash), ""}, -r.Int(3)}, {{std::string(kExpertPaid), r.Text(1)}, r.Int(3)}};
      p.expert_id = r.Text(1);
      p.payout_id = r.Text(0);
      p.memo = "Paid: batch " + std::string(batch_id);
      if (!caller.user_id.empty()) p.created_by = caller.user_id;
      ASSAY_ASSIGN_OR_RETURN(Posted posted, ledger_.Post(c, p, now));
      ASSAY_TRY(c.Exec("UPDATE payouts SET status = 'paid', paid_txn_id = ? WHERE id = ?", {posted.txn.id, r.Text(0)}));
    }
    if (due.empty()) {
      std::optional<std::string> by;
      if (!caller.user_id.empty()) by = caller.user_id;
      ASSAY_TRY(c.Exec("UPDATE payout_batches SET status = 'paid', paid_at_us = ?, paid_by = ? WHERE id = ? AND "
                       "status = 'paying'",
                       {now, by, batch_id}));
    }
    return static_cast<int64_t>(due.size());
  }));
  return GetBatch(caller, batch_id);
}

}  // namespace money
