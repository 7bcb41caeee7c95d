// For tests: a fresh, empty database on either driver, so one suite runs against both.
//   SQLite: a file in a new temporary directory (removed at the end).
//   PostgreSQL: a new schema in the server named by ASSAY_TEST_POSTGRES_URL (dropped at the end),
//   so concurrent test processes never see each other's tables. Without the variable, Open()
//   fails saying how to start a server (`make test` starts one itself).
//
//   class MyTest : public ::testing::TestWithParam<storage::Dialect> {};
//   TEST_P(MyTest, X) { storage::TestDb t(GetParam()); auto db = t.Open(); ASSERT_TRUE(db) << … }
//   INSTANTIATE_TEST_SUITE_P(Drivers, MyTest, ASSAY_BOTH_DIALECTS, storage::DialectTestName<…>);
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "base/result.h"
#include "storage/open.h"

namespace storage {

class TestDb {
 public:
  explicit TestDb(Dialect dialect);
  ~TestDb();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  // Opens a Db on this test's database (again and again: reopening checks durability).
  base::Result<std::unique_ptr<Db>> Open(DbOptions options = {}) const;

 private:
  Dialect dialect_;
  std::filesystem::path dir_;  // SQLite
  std::string url_, schema_;   // PostgreSQL
  base::Status setup_;
};

// gtest parameter values and names ("Sqlite", "Postgres").
inline constexpr Dialect kBothDialectValues[] = {Dialect::kSqlite, Dialect::kPostgres};
#define ASSAY_BOTH_DIALECTS ::testing::ValuesIn(::storage::kBothDialectValues)
std::string DialectName(Dialect dialect);
inline void PrintTo(Dialect dialect, std::ostream* os) { *os << DialectName(dialect); }
template <typename Info>
std::string DialectTestName(const Info& info) {
  return DialectName(info.param);
}

}  // namespace storage
