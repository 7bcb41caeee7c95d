// storage::Db — the one interface src/work talks to. Drivers (sqlite/, later postgres/) implement
// it; the SQL callers write is the portable dialect from DESIGN.md: `?` placeholders, RETURNING,
// ON CONFLICT, integers for money and microsecond timestamps, JSON as text.
//
//   std::unique_ptr<storage::Db> db = *storage::OpenSqlite("var/assay.db", {});
//   int64_t n = 0;
//   ASSAY_TRY(db->Write([&](storage::Conn& c) -> base::Status {
//     ASSAY_ASSIGN_OR_RETURN(n, c.Exec("UPDATE items SET taken = taken + 1 WHERE id = ?", {id}));
//     return base::Ok();
//   }));
//   ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, db->Query("SELECT id FROM items WHERE seq > ?", {7}));
//
// SQLite: Write() runs its function inside a transaction on the single writer. Concurrent Write()
// calls are committed together (group commit): each function runs inside its own savepoint, so an
// error returned by one rolls back only its own changes, and every caller returns only after the
// shared COMMIT is durable. PostgreSQL (postgres_db.h): each Write() is its own SERIALIZABLE
// transaction, run again when it loses a serialization conflict — so a Write function must be
// safe to re-run (reset its outputs first). A Write function must not call Write() or Read() on
// the same Db (it would wait for itself); use the Conn it is given.
//
// WriteAsync() is Write() without the wait: on SQLite it queues fn for the writer and returns,
// and the writer calls done after the batch's COMMIT — so a server on an event loop can hand a
// write over without parking a thread on it (AsyncWrites() says whether it returns early).
//
// Opening by URL (sqlite:PATH, a bare path, postgresql://…) and latency metrics: open.h.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace storage {

enum class Dialect { kSqlite, kPostgres };

// One SQL value: NULL, 64-bit integer, double or text. Implicit from the C++ types so that
// parameter lists read naturally: {id, 42, 1.5, nullptr, std::optional<std::string>{}}.
class Value {
 public:
  enum class Kind { kNull, kInt, kDouble, kText };
  Value() = default;
  Value(std::nullptr_t) {}                                         // NOLINT
  Value(int v) : kind_(Kind::kInt), int_(v) {}                     // NOLINT
  Value(int64_t v) : kind_(Kind::kInt), int_(v) {}                 // NOLINT
  Value(uint64_t v) : kind_(Kind::kInt), int_(static_cast<int64_t>(v)) {}  // NOLINT
  Value(double v) : kind_(Kind::kDouble), double_(v) {}            // NOLINT
  Value(std::string v) : kind_(Kind::kText), text_(std::move(v)) {}  // NOLINT
  Value(std::string_view v) : kind_(Kind::kText), text_(v) {}      // NOLINT
  Value(const char* v) : kind_(Kind::kText), text_(v) {}           // NOLINT
  template <typename T>
  Value(const std::optional<T>& v) {                               // NOLINT
    if (v) *this = Value(*v);
  }
  Value(bool) = delete;  // say 0/1 explicitly

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  int64_t AsInt() const { return kind_ == Kind::kDouble ? static_cast<int64_t>(double_) : int_; }
  double AsDouble() const { return kind_ == Kind::kInt ? static_cast<double>(int_) : double_; }
  const std::string& AsText() const { return text_; }

 private:
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  double double_ = 0;
  std::string text_;
};

using Params = std::vector<Value>;

// One result row. Columns by index; Int/Text of a NULL give 0 / "".
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return values_.at(i).is_null(); }
  int64_t Int(size_t i) const { return values_.at(i).AsInt(); }
  double Double(size_t i) const { return values_.at(i).AsDouble(); }
  const std::string& Text(size_t i) const { return values_.at(i).AsText(); }
  std::optional<std::string> OptText(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional<std::string>(Text(i));
  }
  std::optional<int64_t> OptInt(size_t i) const {
    return IsNull(i) ? std::nullopt : std::optional<int64_t>(Int(i));
  }
  const Value& operator[](size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

// A connection inside a transaction. Statements are prepared once per connection and cached.
class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement; returns the number of rows changed (INSERT/UPDATE/DELETE).
  // A constraint violation returns ErrorCode::kConflict.
  virtual base::Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs a query (SELECT or … RETURNING) and collects all rows.
  virtual base::Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs SQL text with several statements and no parameters (migrations).
  virtual base::Status ExecScript(std::string_view sql) = 0;
  // Streams rows to fn; stops early (and returns that error) if fn returns an error.
  virtual base::Status QueryEach(std::string_view sql, const Params& params,
                                 const std::function<base::Status(const Row&)>& fn) = 0;
  // Streams the rows of a query whose columns are all integers (NULL reads as 0) to fn without
  // building a Row for each: for scans of millions of rows (money::Audit). The values are valid
  // during the call only. The default goes through QueryEach.
  virtual base::Status QueryEachInts(std::string_view sql, const Params& params,
                                     const std::function<base::Status(std::span<const int64_t>)>& fn);
  // The first row, or NotFound.
  base::Result<Row> QueryOne(std::string_view sql, const Params& params = {});
  // Row locks, for writers that pick rows others may be picking at once (a work queue). SQLite
  // has one writer and needs none: there these do nothing. PostgreSQL runs a Write transaction
  // that uses them READ COMMITTED instead of SERIALIZABLE, so writers that would all pick the
  // same row queue on it, or skip to the next one, instead of failing and re-running.
  //
  // Declares that this Write transaction locks the rows it depends on itself; before its first
  // statement. LockRows declares it too.
  virtual base::Status UseRowLocking() { return base::Ok(); }
  // Locks the rows a SELECT finds until the transaction ends (PostgreSQL: SELECT … FOR UPDATE).
  virtual base::Status LockRows(std::string_view select_sql, const Params& params = {});
};

using WriteFn = std::function<base::Status(Conn&)>;
using WriteDone = std::function<void(base::Status)>;

struct DbStats {
  int64_t write_calls = 0;    // Write() functions run
  int64_t write_batches = 0;  // COMMITs (≤ write_calls with group commit)
  int64_t write_retries = 0;  // PostgreSQL: runs repeated after a serialization conflict
};

class Db {
 public:
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;
  // Runs fn in a write transaction (group committed, see the file comment). If fn returns an
  // error its changes are rolled back and that error is returned.
  virtual base::Status Write(const std::function<base::Status(Conn&)>& fn) = 0;
  // Runs fn as Write() does and calls done with what Write() would return, once that is final
  // (the COMMIT durable, or fn's error rolled back). done runs on a thread of the driver's —
  // SQLite: its completion thread, in commit order, while the writer runs the next batch — so it
  // must be quick, must not throw and must not call this Db: hand the rest on (e.g. post it to an
  // event loop). fn and done are kept until used.
  // The default runs Write() and calls done before returning.
  virtual void WriteAsync(WriteFn fn, WriteDone done);
  // True when WriteAsync() returns before the write is done (the caller never blocks on it).
  virtual bool AsyncWrites() const { return false; }
  // The clause that makes a SELECT lock the rows of table `alias` it returns, skipping rows
  // other transactions hold with skip_locked: " FOR UPDATE OF alias [SKIP LOCKED]" on
  // PostgreSQL, "" on SQLite (see Conn's row locks; the transaction must UseRowLocking()).
  virtual std::string RowLockClause(std::string_view /*alias*/, bool /*skip_locked*/) const { return ""; }
  // Runs fn on a read connection inside one read transaction (a consistent snapshot).
  virtual base::Status Read(const std::function<base::Status(Conn&)>& fn) = 0;
  virtual DbStats Stats() const = 0;

  // One read-only query (a single statement is its own snapshot).
  virtual base::Result<Rows> Query(std::string_view sql, const Params& params = {});
};

// `?` placeholders → PostgreSQL's `$1, $2, …`, leaving quoted strings, quoted identifiers and
// comments alone. The PostgreSQL driver runs every statement through it.
std::string RewritePlaceholdersForPostgres(std::string_view sql);

}  // namespace storage
