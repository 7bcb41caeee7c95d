#include "storage/open.h"

#include <chrono>

namespace storage {
namespace {

// Times every transaction of the Db it wraps; the callers' view, so a SQLite write includes the
// wait for its group commit.
class MeteredDb final : public Db {
 public:
  MeteredDb(std::unique_ptr<Db> inner, base::Metrics& metrics, const std::string& driver)
      : inner_(std::move(inner)),
        write_(metrics.GetHistogram(kName, kHelp, {{"driver", driver}, {"op", "write"}})),
        read_(metrics.GetHistogram(kName, kHelp, {{"driver", driver}, {"op", "read"}})) {}

  template <typename F>
  static auto Timed(base::Histogram& h, F&& f) {
    const auto start = std::chrono::steady_clock::now();
    auto result = f();
    h.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return result;
  }

  Dialect dialect() const override { return inner_->dialect(); }
  base::Status Write(const std::function<base::Status(Conn&)>& fn) override {
    return Timed(write_, [&] { return inner_->Write(fn); });
  }
  void WriteAsync(WriteFn fn, WriteDone done) override {
    inner_->WriteAsync(std::move(fn), [&h = write_, start = std::chrono::steady_clock::now(),
                                       done = std::move(done)](base::Status st) {
      h.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      done(std::move(st));
    });
  }
  bool AsyncWrites() const override { return inner_->AsyncWrites(); }
  std::string RowLockClause(std::string_view alias, bool skip_locked) const override {
    return inner_->RowLockClause(alias, skip_locked);
  }
  base::Status Read(const std::function<base::Status(Conn&)>& fn) override {
    return Timed(read_, [&] { return inner_->Read(fn); });
  }
  base::Result<Rows> Query(std::string_view sql, const Params& params) override {
    return Timed(read_, [&] { return inner_->Query(sql, params); });
  }
  DbStats Stats() const override { return inner_->Stats(); }

 private:
  static constexpr const char* kName = "assay_db_seconds";
  static constexpr const char* kHelp = "Database transaction latency by driver and operation";

  std::unique_ptr<Db> inner_;
  base::Histogram& write_;
  base::Histogram& read_;
};

}  // namespace

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

std::string SqlitePath(const std::string& url) {
  if (IsPostgresUrl(url)) return "";
  return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
}

base::Result<std::unique_ptr<Db>> OpenDb(const std::string& url, const DbOptions& o) {
  std::unique_ptr<Db> db;
  if (IsPostgresUrl(url)) {
    ASSAY_ASSIGN_OR_RETURN(db, OpenPostgres(url, o.postgres));
  } else {
    const std::string path = SqlitePath(url);
    if (path.empty()) return base::Error::Invalid("empty database path");
    ASSAY_ASSIGN_OR_RETURN(db, OpenSqlite(path, o.sqlite));
  }
  if (o.metrics) {
    std::string driver = db->dialect() == Dialect::kPostgres ? "postgres" : "sqlite";
    db = std::make_unique<MeteredDb>(std::move(db), *o.metrics, driver);
  }
  return db;
}

}  // namespace storage
