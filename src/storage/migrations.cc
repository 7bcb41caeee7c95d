#include "storage/migrations.h"

#include <charconv>
#include <set>
#include <string>

namespace storage {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_us INTEGER NOT NULL) STRICT";

base::Result<int64_t> VersionOf(std::string_view name) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  if (ec != std::errc() || p == name.data() || v <= 0) {
    return base::Error::Internal("migration name must start with a number: " + std::string(name));
  }
  return v;
}

}  // namespace

base::Result<std::vector<int64_t>> AppliedMigrations(Db& db) {
  std::vector<int64_t> out;
  ASSAY_TRY(db.Write([&](Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec(kCreateTable));
    ASSAY_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT version FROM schema_migrations ORDER BY version"));
    for (const Row& r : rows) out.push_back(r.Int(0));
    return base::Ok();
  }));
  return out;
}

base::Result<int> Migrate(Db& db, const base::Clock& clock,
                          const std::vector<Migration>& migrations) {
  int applied = 0;
  ASSAY_TRY(db.Write([&](Conn& c) -> base::Status {
    applied = 0;
    ASSAY_TRY(c.Exec(kCreateTable));
    ASSAY_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT version FROM schema_migrations"));
    std::set<int64_t> done;
    for (const Row& r : rows) done.insert(r.Int(0));
    int64_t last = 0;
    for (const Migration& m : migrations) {
      ASSAY_ASSIGN_OR_RETURN(int64_t version, VersionOf(m.name));
      if (version <= last) return base::Error::Internal("migrations out of order at " + std::string(m.name));
      last = version;
      if (done.count(version)) continue;
      base::Status st = c.ExecScript(m.sql);
      if (!st) return base::Error::Internal("migration " + std::string(m.name) + ": " + st.error().message());
      ASSAY_TRY(c.Exec("INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (?, ?, ?)",
                       {version, m.name, clock.NowMicros()}));
      ++applied;
    }
    return base::Ok();
  }));
  return applied;
}

base::Result<std::unique_ptr<Db>> OpenAndMigrate(const std::string& url, const base::Clock& clock,
                                                 const SqliteOptions& options) {
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, OpenDb(url, options));
  ASSAY_TRY(Migrate(*db, clock));
  return db;
}

}  // namespace storage
