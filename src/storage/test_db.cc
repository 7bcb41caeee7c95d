#include "storage/test_db.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

namespace storage {

namespace {

PostgresOptions AdminOptions() {
  PostgresOptions o;
  o.max_connections = 1;
  return o;
}

}  // namespace

std::string DialectName(Dialect dialect) { return dialect == Dialect::kPostgres ? "Postgres" : "Sqlite"; }

TestDb::TestDb(Dialect dialect) : dialect_(dialect) {
  static std::atomic<int> counter{0};
  const std::string unique = std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
                             std::to_string(std::random_device{}() % 1000000);
  if (dialect_ == Dialect::kSqlite) {
    dir_ = std::filesystem::temp_directory_path() / ("assay_test_" + unique);
    std::filesystem::create_directories(dir_);
    return;
  }
  const char* url = std::getenv("ASSAY_TEST_POSTGRES_URL");
  if (!url || !*url) {
    setup_ = base::Error(base::ErrorCode::kUnavailable,
                         "ASSAY_TEST_POSTGRES_URL is not set, so the PostgreSQL cases cannot run. Start a "
                         "throwaway server with: export ASSAY_TEST_POSTGRES_URL=$(scripts/start-postgres) "
                         "(stop it with scripts/start-postgres --stop). `make test` does this itself.");
    return;
  }
  url_ = url;
  schema_ = "assay_test_" + unique;
  auto admin = OpenPostgres(url_, AdminOptions());
  if (!admin) {
    setup_ = base::Error(admin.error().code(), "ASSAY_TEST_POSTGRES_URL=" + url_ + ": " + admin.error().message());
    return;
  }
  setup_ = (*admin)->Write([&](Conn& c) { return c.ExecScript("CREATE SCHEMA " + schema_); });
}

TestDb::~TestDb() {
  if (dialect_ == Dialect::kSqlite) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  } else if (setup_) {
    if (auto admin = OpenPostgres(url_, AdminOptions())) {
      (void)(*admin)->Write([&](Conn& c) { return c.ExecScript("DROP SCHEMA " + schema_ + " CASCADE"); });
    }
  }
}

base::Result<std::unique_ptr<Db>> TestDb::Open(DbOptions options) const {
  ASSAY_TRY(setup_);
  if (dialect_ == Dialect::kSqlite) return OpenDb("sqlite:" + (dir_ / "t.db").string(), options);
  options.postgres.schema = schema_;
  return OpenDb(url_, options);
}

}  // namespace storage
