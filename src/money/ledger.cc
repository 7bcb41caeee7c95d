#include "money/ledger.h"

#include <algorithm>
#include <array>

#include "base/hash.h"

namespace money {
namespace {

constexpr std::array<std::string_view, 6> kAccountKinds = {kClientFunding, kProjectBudget, kExpertPayable,
                                                           kExpertPaid,    kPlatformFee,   kCash};
constexpr std::array<std::string_view, 6> kTxnKinds = {"funding", "accrual",  "payout",
                                                       "payout_paid", "reversal", "adjustment"};

constexpr std::string_view kTxnColumns =
    "seq, id, idempotency_key, kind, currency, memo, detail, reverses_id, project_id, expert_id, submission_id, "
    "payout_id, created_by, created_at_us";

base::Error BadField(std::string field, std::string message) {
  return base::Error::Invalid(std::move(message)).Detail("field", field);
}

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string CacheKey(const AccountKey& a, std::string_view currency) {
  return a.kind + "|" + a.owner + "|" + std::string(currency);
}

// The transaction's entries, in order, with their accounts.
base::Status LoadLines(storage::Conn& c, Transaction& t) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT a.kind, a.owner, e.amount_cents FROM ledger_entries e JOIN ledger_accounts a "
                                 "ON a.id = e.account_id WHERE e.txn_seq = ? ORDER BY e.line",
                                 {t.seq}));
  t.lines.clear();
  for (const storage::Row& r : rows) t.lines.push_back({{r.Text(0), r.Text(1)}, r.Int(2)});
  return base::Ok();
}

Transaction TxnFromRow(const storage::Row& r) {
  Transaction t;
  t.seq = r.Int(0);
  t.id = r.Text(1);
  t.idempotency_key = r.Text(2);
  t.kind = r.Text(3);
  t.currency = r.Text(4);
  t.memo = r.Text(5);
  t.detail_json = r.Text(6);
  t.reverses_id = r.OptText(7);
  t.project_id = r.OptText(8);
  t.expert_id = r.OptText(9);
  t.submission_id = r.OptText(10);
  t.payout_id = r.OptText(11);
  t.created_by = r.OptText(12);
  t.created_at_us = r.Int(13);
  return t;
}

base::Result<std::optional<Transaction>> FindWhere(storage::Conn& c, std::string_view column, std::string_view value) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT " + std::string(kTxnColumns) +
                                                         " FROM ledger_transactions WHERE " + std::string(column) +
                                                         " = ?",
                                                     {value}));
  if (rows.empty()) return std::optional<Transaction>();
  Transaction t = TxnFromRow(rows[0]);
  ASSAY_TRY(LoadLines(c, t));
  return std::optional<Transaction>(std::move(t));
}

constexpr std::string_view kHeaderInsert =
    "INSERT INTO ledger_transactions (id, idempotency_key, body_hash, kind, currency, lines, reverses_id, project_id, "
    "expert_id, submission_id, payout_id, memo, detail, created_by, created_at_us) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// Writes the header and returns its seq. SQLite runs RETURNING through a temporary table built
// for each statement, which cost the single writer more than the insert itself; its rowid is
// read back instead. PostgreSQL answers RETURNING in the same round trip.
base::Result<int64_t> InsertHeader(storage::Conn& c, const storage::Params& params) {
  if (c.dialect() == storage::Dialect::kSqlite) {
    ASSAY_TRY(c.Exec(kHeaderInsert, params));
    ASSAY_ASSIGN_OR_RETURN(storage::Row seq, c.QueryOne("SELECT last_insert_rowid()"));
    return seq.Int(0);
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Row seq, c.QueryOne(std::string(kHeaderInsert) + " RETURNING seq", params));
  return seq.Int(0);
}

// The lines, in order (the triggers check them row by row). SQLite: one prepared single-row
// INSERT per line, because a multi-row INSERT into a table with triggers is first copied into a
// temporary table. PostgreSQL: one multi-row INSERT, one round trip.
base::Status InsertEntries(storage::Conn& c, int64_t seq, const std::vector<Line>& lines,
                           const std::vector<int64_t>& account_ids) {
  constexpr std::string_view kOne = "INSERT INTO ledger_entries (txn_seq, line, account_id, amount_cents) VALUES ";
  if (c.dialect() == storage::Dialect::kSqlite) {
    const std::string sql = std::string(kOne) + "(?, ?, ?, ?)";
    for (size_t i = 0; i < lines.size(); ++i) {
      ASSAY_TRY(c.Exec(sql, {seq, static_cast<int64_t>(i + 1), account_ids[i], lines[i].amount_cents}));
    }
    return base::Ok();
  }
  std::string sql(kOne);
  storage::Params params;
  params.reserve(lines.size() * 4);
  for (size_t i = 0; i < lines.size(); ++i) {
    sql += i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)";
    params.insert(params.end(), {seq, static_cast<int64_t>(i + 1), account_ids[i], lines[i].amount_cents});
  }
  ASSAY_TRY(c.Exec(sql, params));
  return base::Ok();
}

}  // namespace

bool IsCurrency(std::string_view currency) {
  return currency.size() == 3 &&
         std::all_of(currency.begin(), currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

std::string BodyHash(const Posting& p) {
  std::string body = p.kind + "\n" + p.currency + "\n" + p.reverses_id.value_or("") + "\n" +
                     p.project_id.value_or("") + "\n" + p.expert_id.value_or("") + "\n" +
                     p.submission_id.value_or("") + "\n" + p.payout_id.value_or("") + "\n" + p.memo + "\n";
  for (const Line& l : p.lines) {
    body += l.account.kind + "\t" + l.account.owner + "\t" + std::to_string(l.amount_cents) + "\n";
  }
  return base::Sha256Hex(body);
}

base::Status ValidatePosting(const Posting& p) {
  if (p.idempotency_key.empty() || p.idempotency_key.size() > 200) {
    return BadField("idempotency_key", "idempotency_key must have 1 to 200 characters");
  }
  if (!OneOf(kTxnKinds, p.kind)) return BadField("kind", "unknown transaction kind: " + p.kind);
  if (!IsCurrency(p.currency)) {
    return BadField("currency", "currency must be a three-letter ISO 4217 code in capitals, e.g. USD");
  }
  if (p.lines.size() < 2 || p.lines.size() > kMaxLines) {
    return BadField("lines", "a transaction has 2 to 1000 lines");
  }
  __int128 sum = 0;
  for (const Line& l : p.lines) {
    if (!OneOf(kAccountKinds, l.account.kind)) return BadField("lines", "unknown account kind: " + l.account.kind);
    if (l.amount_cents == 0) return BadField("amount_cents", "a line moves a non-zero amount");
    if (l.amount_cents > kMaxAmountCents || l.amount_cents < -kMaxAmountCents) {
      return BadField("amount_cents", "an amount is at most 10,000,000,000,000 cents");
    }
    sum += l.amount_cents;
  }
  if (sum != 0) return BadField("lines", "the lines of a transaction must sum to zero");
  if (p.memo.size() > 2000) return BadField("memo", "memo is at most 2,000 bytes");
  return base::Ok();
}

base::Result<std::optional<Transaction>> Ledger::Find(storage::Conn& c, std::string_view txn_id) {
  return FindWhere(c, "id", txn_id);
}

base::Result<std::optional<Transaction>> Ledger::FindByKey(storage::Conn& c, std::string_view key) {
  return FindWhere(c, "idempotency_key", key);
}

base::Result<int64_t> Ledger::Balance(storage::Conn& c, const AccountKey& a, std::string_view currency) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT balance_cents FROM ledger_accounts WHERE kind = ? AND owner = ? AND currency = ?",
                                 {a.kind, a.owner, currency}));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

base::Result<int64_t> Ledger::AccountId(storage::Conn& c, const AccountKey& a, const std::string& currency,
                                        Resolved* resolved) {
  const std::string key = CacheKey(a, currency);
  {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(key);
    if (it != accounts_.end()) return it->second;
  }
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT id FROM ledger_accounts WHERE kind = ? AND owner = ? AND currency = ?",
                                 {a.kind, a.owner, currency}));
  if (rows.empty()) {
    ASSAY_ASSIGN_OR_RETURN(rows, c.Query("INSERT INTO ledger_accounts (kind, owner, currency) VALUES (?, ?, ?) "
                                         "RETURNING id",
                                         {a.kind, a.owner, currency}));
  }
  if (resolved) resolved->push_back({key, rows.at(0).Int(0)});
  return rows.at(0).Int(0);
}

base::Result<Posted> Ledger::Post(storage::Conn& c, const Posting& p, int64_t now_us) {
  ASSAY_TRY(ValidatePosting(p));
  return PostResolving(c, p, BodyHash(p), now_us, nullptr, nullptr);
}

base::Result<Posted> Ledger::PostResolving(storage::Conn& c, const Posting& p, const std::string& hash, int64_t now_us,
                                           const std::vector<int64_t>* known_ids, Resolved* resolved) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows prior, c.Query("SELECT id, body_hash FROM ledger_transactions "
                                                      "WHERE idempotency_key = ?",
                                                      {p.idempotency_key}));
  if (!prior.empty()) {
    if (prior[0].Text(1) != hash) {
      return base::Error::Conflict("idempotency_key was already used for a different transaction")
          .Detail("field", "idempotency_key")
          .Detail("transaction_id", prior[0].Text(0));
    }
    ASSAY_ASSIGN_OR_RETURN(std::optional<Transaction> t, Find(c, prior[0].Text(0)));
    if (!t) return base::Error::Internal("ledger transaction vanished");
    return Posted{std::move(*t), false};
  }
  std::vector<int64_t> account_ids(p.lines.size(), 0);
  for (size_t i = 0; i < p.lines.size(); ++i) {
    if (known_ids != nullptr && known_ids->at(i) != 0) {
      account_ids[i] = known_ids->at(i);
      continue;
    }
    ASSAY_ASSIGN_OR_RETURN(account_ids[i], AccountId(c, p.lines[i].account, p.currency, resolved));
  }
  Transaction t;
  t.id = ids_.Next();
  t.idempotency_key = p.idempotency_key;
  t.kind = p.kind;
  t.currency = p.currency;
  t.memo = p.memo;
  t.detail_json = p.detail_json;
  t.reverses_id = p.reverses_id;
  t.project_id = p.project_id;
  t.expert_id = p.expert_id;
  t.submission_id = p.submission_id;
  t.payout_id = p.payout_id;
  t.created_by = p.created_by;
  t.lines = p.lines;
  t.created_at_us = now_us;
  std::optional<std::string> detail;
  if (!p.detail_json.empty()) detail = p.detail_json;
  ASSAY_ASSIGN_OR_RETURN(t.seq, InsertHeader(c, {t.id, t.idempotency_key, hash, t.kind, t.currency,
                                                 static_cast<int64_t>(p.lines.size()), t.reverses_id, t.project_id,
                                                 t.expert_id, t.submission_id, t.payout_id, t.memo, detail,
                                                 t.created_by, now_us}));
  ASSAY_TRY(InsertEntries(c, t.seq, p.lines, account_ids));
  return Posted{std::move(t), true};
}

base::Status Ledger::WriteRetryingKeyRace(storage::Db& db, const storage::WriteFn& write) {
  // SQLite's one writer never gets here twice.
  for (int attempt = 0;; ++attempt) {
    base::Status st = db.Write(write);
    if (st) return st;
    // A Conflict naming idempotency_key is Post's own answer (same key, other body): final.
    const bool key_race = st.error().code() == base::ErrorCode::kConflict &&
                          st.error().DetailsJson().find("idempotency_key") == std::string::npos;
    if (!key_race || attempt >= 3) return st;
  }
}

base::Result<Posted> Ledger::PostOne(storage::Db& db, const Posting& p, int64_t now_us) {
  ASSAY_TRY(ValidatePosting(p));
  // On the caller's thread, not the single writer's: the body's hash, and the ids of the
  // accounts already committed (an account is never deleted; 0: resolved in the write).
  const std::string hash = BodyHash(p);
  std::vector<int64_t> known_ids(p.lines.size(), 0);
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < p.lines.size(); ++i) {
      auto it = accounts_.find(CacheKey(p.lines[i].account, p.currency));
      if (it != accounts_.end()) known_ids[i] = it->second;
    }
  }
  Posted posted;
  Resolved resolved;
  ASSAY_TRY(WriteRetryingKeyRace(db, [&](storage::Conn& c) -> base::Status {
    resolved.clear();
    ASSAY_ASSIGN_OR_RETURN(posted, PostResolving(c, p, hash, now_us, &known_ids, &resolved));
    return base::Ok();
  }));
  std::lock_guard lock(mu_);
  if (accounts_.size() > 100000) accounts_.clear();
  for (auto& [key, id] : resolved) accounts_[key] = id;
  return posted;
}

base::Result<Posted> Ledger::Reverse(storage::Conn& c, std::string_view txn_id, std::string idempotency_key,
                                     std::string memo, std::optional<std::string> created_by, int64_t now_us) {
  ASSAY_ASSIGN_OR_RETURN(std::optional<Transaction> original, Find(c, txn_id));
  if (!original) return base::Error::NotFound("no such transaction");
  if (original->kind == "reversal") {
    return base::Error(base::ErrorCode::kFailedPrecondition, "a reversal is not reversed: post a new transaction");
  }
  Posting p;
  p.idempotency_key = std::move(idempotency_key);
  p.kind = "reversal";
  p.currency = original->currency;
  for (const Line& l : original->lines) p.lines.push_back({l.account, -l.amount_cents});
  p.reverses_id = original->id;
  p.project_id = original->project_id;
  p.expert_id = original->expert_id;
  p.submission_id = original->submission_id;
  p.payout_id = original->payout_id;
  p.memo = std::move(memo);
  p.created_by = std::move(created_by);
  ASSAY_ASSIGN_OR_RETURN(storage::Rows done,
                         c.Query("SELECT idempotency_key FROM ledger_transactions WHERE reverses_id = ?", {txn_id}));
  if (!done.empty() && done[0].Text(0) != p.idempotency_key) {
    return base::Error::Conflict("this transaction was already reversed").Detail("transaction_id", std::string(txn_id));
  }
  return Post(c, p, now_us);
}

}  // namespace money
