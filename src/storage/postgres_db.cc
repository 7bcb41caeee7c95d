#include "storage/postgres_db.h"

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

namespace storage {
namespace {

// Type OIDs from pg_type.h (server headers are not installed with libpq-dev).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26, kFloat4Oid = 700,
              kFloat8Oid = 701, kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool IsRetryable(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

// SQLSTATE classes → our codes, as the SQLite driver maps its result codes: integrity (23) is a
// Conflict, data exceptions (22) bad input, lost serialization/connection Unavailable.
base::Error PgError(PGconn* conn, const PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view s = state ? state : "";
  std::string msg = std::string(what) + ": " + Trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
  if (s.substr(0, 2) == "23") return base::Error::Conflict(msg);
  if (s.substr(0, 2) == "22") return base::Error::Invalid(msg);
  if (s.substr(0, 2) == "40" || s.substr(0, 2) == "08" || s.substr(0, 3) == "57P" ||
      PQstatus(conn) != CONNECTION_OK) {
    return base::Error(base::ErrorCode::kUnavailable, msg);
  }
  return base::Error::Internal(msg);
}

Value CellValue(const PGresult* r, int row, int col, Oid type) {
  if (PQgetisnull(r, row, col)) return Value();
  const char* v = PQgetvalue(r, row, col);
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: return Value(static_cast<int64_t>(std::strtoll(v, nullptr, 10)));
    case kFloat4Oid:
    case kFloat8Oid: return Value(std::strtod(v, nullptr));
    case kNumericOid:  // sum(bigint) is numeric: an integer unless it has a fraction
      if (std::strpbrk(v, ".eEN") == nullptr) return Value(static_cast<int64_t>(std::strtoll(v, nullptr, 10)));
      return Value(std::strtod(v, nullptr));
    case kBoolOid: return Value(static_cast<int64_t>(v[0] == 't' ? 1 : 0));
    default: return Value(std::string(v, PQgetlength(r, row, col)));
  }
}

class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }
  Dialect dialect() const override { return Dialect::kPostgres; }

  // Starts a unit of work: `begin` is sent together with the first statement (empty: autocommit).
  void Start(std::string begin) {
    if (cache_.size() >= kMaxCachedStatements) {
      PgResult r(PQexec(conn_, "DEALLOCATE ALL"));
      cache_.clear();
    }
    begin_ = std::move(begin);
    in_transaction_ = !begin_.empty();
    retryable_ = false;
  }

  // Ends the transaction Start() opened (nothing to do if no statement ran).
  base::Status Finish(bool commit) {
    bool sent_begin = begin_.empty();
    begin_.clear();
    if (!in_transaction_ || !sent_begin) {
      in_transaction_ = false;
      return base::Ok();
    }
    in_transaction_ = false;
    PgResult r(PQexec(conn_, commit ? "COMMIT" : "ROLLBACK"));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Failed(r.get(), commit ? "commit" : "rollback");
    return base::Ok();
  }

  base::Status UseRowLocking() override {
    if (!in_transaction_) return base::Ok();
    if (begin_.empty()) return base::Error::Internal("UseRowLocking() after the transaction's first statement");
    begin_ = "BEGIN ISOLATION LEVEL READ COMMITTED";
    return base::Ok();
  }

  base::Status LockRows(std::string_view select_sql, const Params& params) override {
    ASSAY_TRY(UseRowLocking());
    std::string sql(select_sql);
    sql += " FOR UPDATE";
    base::Result<Rows> locked = Query(sql, params);
    if (!locked) return std::move(locked).error();
    return base::Ok();
  }

  // A serialization failure or deadlock happened in this transaction: run it again.
  bool retryable() const { return retryable_; }
  bool broken() const { return dead_ || PQstatus(conn_) != CONNECTION_OK; }

  base::Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    ASSAY_ASSIGN_OR_RETURN(PgResult r, Run(sql, params));
    const char* n = PQcmdTuples(r.get());
    return static_cast<int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }

  base::Result<Rows> Query(std::string_view sql, const Params& params) override {
    ASSAY_ASSIGN_OR_RETURN(PgResult r, Run(sql, params));
    Rows rows;
    ASSAY_TRY(ForEachRow(r.get(), [&](Row row) -> base::Status {
      rows.push_back(std::move(row));
      return base::Ok();
    }));
    return rows;
  }

  base::Status QueryEach(std::string_view sql, const Params& params,
                         const std::function<base::Status(const Row&)>& fn) override {
    ASSAY_ASSIGN_OR_RETURN(PgResult r, Run(sql, params));
    return ForEachRow(r.get(), [&](Row row) { return fn(row); });
  }

  base::Status ExecScript(std::string_view sql) override {
    std::string text = begin_.empty() ? std::string(sql) : begin_ + ";\n" + std::string(sql);
    begin_.clear();
    PgResult r(PQexec(conn_, text.c_str()));
    ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Failed(r.get(), "script");
    return base::Ok();
  }

 private:
  base::Error Failed(const PGresult* r, std::string_view what) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (state && IsRetryable(state)) retryable_ = true;
    return PgError(conn_, r, what);
  }

  static base::Status ForEachRow(const PGresult* r, const std::function<base::Status(Row)>& fn) {
    const int nrows = PQntuples(r), ncols = PQnfields(r);
    std::vector<Oid> types(ncols);
    for (int c = 0; c < ncols; ++c) types[c] = PQftype(r, c);
    for (int i = 0; i < nrows; ++i) {
      std::vector<Value> values;
      values.reserve(ncols);
      for (int c = 0; c < ncols; ++c) values.push_back(CellValue(r, i, c, types[c]));
      ASSAY_TRY(fn(Row(std::move(values))));
    }
    return base::Ok();
  }

  // One pipeline: [BEGIN] [PREPARE if new on this connection] EXECUTE, Sync — one round trip.
  base::Result<PgResult> Run(std::string_view sql, const Params& params) {
    if (broken()) return PgError(conn_, nullptr, "connection");
    const int n = static_cast<int>(params.size());
    std::vector<std::string> text(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<Oid> types(n, 0);  // 0: the server infers the type from the context
    for (int i = 0; i < n; ++i) {
      const Value& v = params[i];
      switch (v.kind()) {
        case Value::Kind::kNull: break;
        case Value::Kind::kInt:
          text[i] = std::to_string(v.AsInt());
          types[i] = kInt8Oid;
          values[i] = text[i].c_str();
          break;
        case Value::Kind::kDouble: {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", v.AsDouble());
          text[i] = buf;
          types[i] = kFloat8Oid;
          values[i] = text[i].c_str();
          break;
        }
        case Value::Kind::kText:
          if (std::memchr(v.AsText().data(), 0, v.AsText().size()) != nullptr) {
            return base::Error::Invalid("text with a NUL byte cannot be stored (parameter " + std::to_string(i + 1) + ")");
          }
          values[i] = v.AsText().c_str();
          break;
      }
    }
    auto cached = cache_.find(sql);
    const bool prepare = cached == cache_.end();
    const std::string name = prepare ? std::string("s").append(std::to_string(next_statement_++)) : cached->second;
    const bool begin = !begin_.empty();

    if (PQenterPipelineMode(conn_) != 1) return PgError(conn_, nullptr, "pipeline");
    bool sent = true;
    if (begin) sent = PQsendQueryParams(conn_, begin_.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    if (sent && prepare) {
      std::string rewritten = RewritePlaceholdersForPostgres(sql);
      sent = PQsendPrepare(conn_, name.c_str(), rewritten.c_str(), n, types.data()) == 1;
    }
    if (sent) sent = PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0) == 1;
    if (sent) sent = PQpipelineSync(conn_) == 1;
    if (!sent) {
      base::Error e = PgError(conn_, nullptr, "send");
      dead_ = true;  // a half-sent pipeline cannot be resumed; the pool drops this connection
      return e;
    }
    begin_.clear();

    // Each step's result, then a NULL; the Sync's result last.
    const int steps = (begin ? 1 : 0) + (prepare ? 1 : 0) + 1;
    std::vector<PgResult> results(steps);
    for (int s = 0; s < steps; ++s) {
      while (PGresult* r = PQgetResult(conn_)) {
        if (!results[s]) results[s].reset(r);
        else PQclear(r);
      }
    }
    PgResult sync(PQgetResult(conn_));
    if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(conn_) != 1) {
      dead_ = true;
      return PgError(conn_, nullptr, "pipeline sync");
    }
    int s = 0;
    if (begin && PQresultStatus(results[s++].get()) != PGRES_COMMAND_OK) return Failed(results[0].get(), "begin");
    if (prepare) {
      if (PQresultStatus(results[s].get()) != PGRES_COMMAND_OK) return Failed(results[s].get(), "prepare");
      cache_.emplace(std::string(sql), name);
      ++s;
    }
    ExecStatusType st = PQresultStatus(results[s].get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Failed(results[s].get(), "query");
    return std::move(results[s]);
  }

  static constexpr size_t kMaxCachedStatements = 256;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  PGconn* conn_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> cache_;  // sql → statement name
  int64_t next_statement_ = 0;
  std::string begin_;  // BEGIN not yet sent
  bool in_transaction_ = false;
  bool retryable_ = false;
  bool dead_ = false;  // out of step with the server: never reused
};

base::Status CheckSchemaName(const std::string& schema) {
  for (char ch : schema) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
      return base::Error::Invalid("schema name must be [a-z0-9_]: " + schema);
    }
  }
  return base::Ok();
}

class PgDb final : public Db {
 public:
  PgDb(std::string url, PostgresOptions o) : url_(std::move(url)), o_(std::move(o)) {}
  ~PgDb() override = default;

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string RowLockClause(std::string_view alias, bool skip_locked) const override {
    std::string clause = " FOR UPDATE OF ";
    clause += alias;
    if (skip_locked) clause += " SKIP LOCKED";
    return clause;
  }

  base::Result<std::unique_ptr<PgConn>> Connect() {
    const std::string options = o_.schema.empty() ? "" : "-c search_path=" + o_.schema;
    const char* keys[] = {"dbname", "options", "application_name", nullptr};
    const char* values[] = {url_.c_str(), options.c_str(), "assay", nullptr};
    PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    auto conn = std::make_unique<PgConn>(raw);
    if (!raw || PQstatus(raw) != CONNECTION_OK) {
      return base::Error(base::ErrorCode::kUnavailable,
                         "cannot connect to PostgreSQL: " + Trimmed(raw ? PQerrorMessage(raw) : "out of memory"));
    }
    PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);  // "already exists, skipping" etc.
    return conn;
  }

  void AddIdle(std::unique_ptr<PgConn> conn) {
    std::lock_guard lock(mu_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

  base::Status Write(const std::function<base::Status(Conn&)>& fn) override {
    const int attempts = std::max(1, o_.max_write_attempts);
    for (int attempt = 1;; ++attempt) {
      ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Acquire());
      conn->Start("BEGIN ISOLATION LEVEL SERIALIZABLE");
      base::Status st = RunGuarded(fn, *conn);
      if (st && !conn->retryable()) {
        st = conn->Finish(/*commit=*/true);
      } else {
        (void)conn->Finish(/*commit=*/false);
      }
      const bool retry = conn->retryable();
      Release(std::move(conn));
      if (!retry) {
        write_calls_.fetch_add(1, std::memory_order_relaxed);
        if (st) write_batches_.fetch_add(1, std::memory_order_relaxed);
        return st;
      }
      if (attempt >= attempts) {
        return base::Error(base::ErrorCode::kUnavailable,
                           "too much contention: the transaction lost " + std::to_string(attempts) +
                               " serialization conflicts in a row; retry");
      }
      write_retries_.fetch_add(1, std::memory_order_relaxed);
      Backoff(attempt);
    }
  }

  base::Status Read(const std::function<base::Status(Conn&)>& fn) override {
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Acquire());
    conn->Start("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    base::Status st = RunGuarded(fn, *conn);
    base::Status end = conn->Finish(/*commit=*/static_cast<bool>(st));
    if (st && !end) st = std::move(end);
    Release(std::move(conn));
    return st;
  }

  // A single statement needs no explicit transaction: it reads one snapshot by itself.
  base::Result<Rows> Query(std::string_view sql, const Params& params) override {
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> conn, Acquire());
    conn->Start("");
    base::Result<Rows> rows = conn->Query(sql, params);
    Release(std::move(conn));
    return rows;
  }

  DbStats Stats() const override {
    return {write_calls_.load(std::memory_order_relaxed), write_batches_.load(std::memory_order_relaxed),
            write_retries_.load(std::memory_order_relaxed)};
  }

 private:
  static base::Status RunGuarded(const std::function<base::Status(Conn&)>& fn, Conn& conn) {
    try {
      return fn(conn);
    } catch (const std::exception& e) {
      return base::Error::Internal(std::string("exception in transaction: ") + e.what());
    }
  }

  // Random sleep that grows with the attempt so that conflicting writers spread out.
  static void Backoff(int attempt) {
    thread_local std::minstd_rand rng{std::random_device{}()};
    const int cap_us = std::min(20000, 100 << std::min(attempt, 8));
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % cap_us));
  }

  base::Result<std::unique_ptr<PgConn>> Acquire() {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty() || open_ < std::max(1, o_.max_connections); });
      if (!idle_.empty()) {
        std::unique_ptr<PgConn> conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_;  // reserve the slot, connect outside the lock
    }
    auto conn = Connect();
    if (!conn) {
      {
        std::lock_guard lock(mu_);
        --open_;
      }
      cv_.notify_one();
    }
    return conn;
  }

  void Release(std::unique_ptr<PgConn> conn) {
    {
      std::lock_guard lock(mu_);
      if (conn->broken()) {
        --open_;  // closed below; the next Acquire opens a fresh one
      } else {
        idle_.push_back(std::move(conn));
      }
    }
    cv_.notify_one();
  }

  const std::string url_;
  const PostgresOptions o_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;  // guarded by mu_
  int open_ = 0;                               // guarded by mu_: idle + in use
  std::atomic<int64_t> write_calls_{0};
  std::atomic<int64_t> write_batches_{0};
  std::atomic<int64_t> write_retries_{0};
};

}  // namespace

base::Result<std::unique_ptr<Db>> OpenPostgres(const std::string& url, const PostgresOptions& options) {
  ASSAY_TRY(CheckSchemaName(options.schema));
  auto db = std::make_unique<PgDb>(url, options);
  // Connect once now so that a wrong URL is reported by Open, not by the first request.
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<PgConn> first, db->Connect());
  db->AddIdle(std::move(first));
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace storage
