// A throwaway PostgreSQL cluster in a folder of its own, started with scripts/start-postgres and
// stopped when this goes out of scope (the folder stays: it lies in the caller's temp folder).
// For the system tests and bench/scale. Header-only.
//
//   test::PostgresCluster pg(ASSAY_SOURCE_DIR "/scripts/start-postgres", (dir / "pg").string());
//   ASSERT_TRUE(pg.error().empty()) << pg.error();   // PostgreSQL missing, or it did not start
//   std::string url = pg.CreateDatabase("scale");     // a fresh, empty database on the cluster
//   test::Psql(url, "SELECT count(*) FROM submissions");
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/run_command.h"

namespace test {

// psql's unaligned, tuples-only output of `sql` on `url` (rows a line, columns split by '|').
inline std::string Psql(const std::string& url, const std::string& sql) {
  return RunCommand("psql " + ShellQuote(url) + " -XAtqc " + ShellQuote(sql) + " 2>&1");
}

class PostgresCluster {
 public:
  PostgresCluster(std::string start_script, std::string dir)
      : script_(std::move(start_script)), dir_(std::move(dir)) {
    if (!Installed()) {
      error_ = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): scripts/install-deps "
               "installs it, and `make test` runs that first";
      return;
    }
    const std::string log = dir_ + ".start.log";
    url_ = RunCommand(ShellQuote(script_) + " " + ShellQuote(dir_) + " 2>" + ShellQuote(log));
    if (url_.rfind("postgresql://", 0) != 0) {
      std::ifstream in(log);
      std::stringstream said;
      said << in.rdbuf();
      error_ = script_ + " did not start PostgreSQL in " + dir_ + ": " + said.str();
      url_.clear();
    }
  }
  ~PostgresCluster() {
    if (!url_.empty()) RunCommand(ShellQuote(script_) + " --stop " + ShellQuote(dir_) + " >/dev/null 2>&1");
  }
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  const std::string& error() const { return error_; }
  const std::string& url() const { return url_; }  // the cluster's assay_test database

  // Drops and creates database `name` ([a-z0-9_]) and returns its URL ("" when psql failed).
  std::string CreateDatabase(const std::string& name) const {
    Psql(url_, "DROP DATABASE IF EXISTS " + name);
    Psql(url_, "CREATE DATABASE " + name);
    const std::string url = url_.substr(0, url_.rfind('/') + 1) + name;
    return Psql(url, "SELECT 1") == "1" ? url : "";
  }

 private:
  static bool Installed() {
    std::error_code ec;
    for (const auto& version : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      if (std::filesystem::exists(version.path() / "bin" / "initdb")) return true;
    }
    return false;
  }

  std::string script_;
  std::string dir_;
  std::string url_;
  std::string error_;
};

}  // namespace test
