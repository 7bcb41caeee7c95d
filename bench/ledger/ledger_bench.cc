// ledger_bench — issue 14's ledger numbers on SQLite, next to the raw durable commit rate of the
// same database in the same run (README.md has the numbers measured here):
//   raw      one-row write transactions, one after another: what one durable COMMIT costs;
//   postings `--threads` threads posting 2-line transactions (money::Ledger::PostOne, idempotency
//            key and all) at once, committed together by the SQLite writer (group commit);
//   audit    `--entries` entries written straight into the ledger tables (through the
//            migration's triggers), then money::Audit over all of them, as `assay ledger audit`.
//
//   build/ledger_bench --threads 64 --postings 100000 --entries 10000000
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/uuid7.h"
#include "money/audit.h"
#include "money/ledger.h"
#include "storage/migrations.h"

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int64_t Flag(int argc, char** argv, const std::string& name, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return std::atoll(argv[i + 1]);
  }
  return fallback;
}

std::unique_ptr<storage::Db> Open(const std::filesystem::path& file, const base::Clock& clock) {
  auto db = storage::OpenAndMigrate("sqlite:" + file.string(), clock);
  if (!db) {
    std::fprintf(stderr, "ledger_bench: %s\n", db.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*db);
}

// One-row write transactions, one after another.
double RawCommits(storage::Db& db, int64_t n) {
  if (!db.Write([](storage::Conn& c) { return c.ExecScript("CREATE TABLE IF NOT EXISTS bench_raw (x INTEGER)"); })) {
    std::exit(1);
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < n; ++i) {
    auto ok = db.Write([i](storage::Conn& c) -> base::Status {
      ASSAY_TRY(c.Exec("INSERT INTO bench_raw (x) VALUES (?)", {i}));
      return base::Ok();
    });
    if (!ok) std::exit(1);
  }
  return static_cast<double>(n) / Since(t0);
}

// `threads` threads posting `n` postings in all; returns postings per second.
double Postings(storage::Db& db, base::Uuid7Generator& ids, const base::Clock& clock, int threads, int64_t n) {
  money::Ledger ledger(ids);
  std::atomic<int64_t> next{0}, failed{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int64_t i = next++; i < n; i = next++) {
        money::Posting p{.idempotency_key = "bench:" + std::to_string(i), .kind = "adjustment", .currency = "USD"};
        p.lines = {{{std::string(money::kExpertPayable), "expert-" + std::to_string(i % 1000)}, 100 + i % 900},
                   {{std::string(money::kCash), ""}, -(100 + i % 900)}};
        if (!ledger.PostOne(db, p, clock.NowMicros())) ++failed;
      }
    });
  }
  for (auto& th : pool) th.join();
  const double s = Since(t0);
  if (failed > 0) std::fprintf(stderr, "ledger_bench: %lld postings failed\n", static_cast<long long>(failed.load()));
  return static_cast<double>(n) / s;
}

// `entries` entries (2 a transaction) straight into the ledger tables, through its triggers.
void Fill(storage::Db& db, int64_t entries) {
  const int64_t txns = entries / 2, chunk = 250'000;
  auto ok = db.Write([](storage::Conn& c) -> base::Status {
    return c.ExecScript(
        "INSERT INTO ledger_accounts (kind, owner, currency) SELECT 'expert_payable', 'fill-' || value, 'USD' FROM "
        "(WITH RECURSIVE n(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM n WHERE value < 999) SELECT value FROM n);"
        "INSERT INTO ledger_accounts (kind, owner, currency) VALUES ('cash', 'fill', 'USD');");
  });
  if (!ok) {
    std::fprintf(stderr, "ledger_bench: accounts: %s\n", ok.error().ToString().c_str());
    std::exit(1);
  }
  for (int64_t from = 0; from < txns; from += chunk) {
    const int64_t to = std::min(txns, from + chunk);
    auto written = db.Write([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(storage::Row base, c.QueryOne("SELECT coalesce(max(seq), 0) FROM ledger_transactions"));
      const int64_t b = base.Int(0);
      const std::string range = "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) + " UNION ALL SELECT i + 1 FROM n "
                                "WHERE i < " + std::to_string(to - 1) + ") ";
      ASSAY_TRY(c.Exec(range + "INSERT INTO ledger_transactions (seq, id, idempotency_key, body_hash, kind, currency, lines, "
                       "created_at_us) SELECT ? + i - ? + 1, 'fill-' || i, 'fill-' || i, '', 'adjustment', 'USD', 2, i FROM n",
                       {b, from}));
      ASSAY_TRY(c.Exec(range + "INSERT INTO ledger_entries (txn_seq, line, account_id, amount_cents) "
                       "SELECT ? + i - ? + 1, l, CASE l WHEN 1 THEN (SELECT id FROM ledger_accounts WHERE kind = "
                       "'expert_payable' AND owner = 'fill-' || (i % 1000)) ELSE (SELECT id FROM ledger_accounts "
                       "WHERE kind = 'cash' AND owner = 'fill') END, CASE l WHEN 1 THEN 100 + i % 900 ELSE -(100 + i % 900) "
                       "END FROM n, (SELECT 1 AS l UNION ALL SELECT 2) ORDER BY 1, 2",
                       {b, from}));
      return base::Ok();
    });
    if (!written) {
      std::fprintf(stderr, "ledger_bench: fill: %s\n", written.error().ToString().c_str());
      std::exit(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = static_cast<int>(Flag(argc, argv, "threads", 64));
  const int64_t postings = Flag(argc, argv, "postings", 100'000);
  const int64_t raw = Flag(argc, argv, "raw", 2'000);
  const int64_t entries = Flag(argc, argv, "entries", 10'000'000);
  const auto dir = std::filesystem::temp_directory_path() / ("ledger_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  base::SystemClock clock;
  base::Uuid7Generator ids(clock, 14);
  {
    auto db = Open(dir / "postings.db", clock);
    const double raw_rate = RawCommits(*db, raw);
    std::printf("raw durable commits, one at a time: %.0f/s (%lld)\n", raw_rate, static_cast<long long>(raw));
    const storage::DbStats before = db->Stats();
    const double rate = Postings(*db, ids, clock, threads, postings);
    const storage::DbStats after = db->Stats();
    std::printf("postings, %d threads: %.0f/s (%lld postings in %lld commits) = %.1fx the raw commit rate\n", threads,
                rate, static_cast<long long>(postings),
                static_cast<long long>(after.write_batches - before.write_batches), rate / raw_rate);
  }
  if (entries > 0) {
    auto db = Open(dir / "audit.db", clock);
    const auto t0 = std::chrono::steady_clock::now();
    Fill(*db, entries);
    std::printf("filled %lld entries in %.1f s\n", static_cast<long long>(entries), Since(t0));
    auto report = money::Audit(*db);
    if (!report) {
      std::fprintf(stderr, "ledger_bench: audit: %s\n", report.error().ToString().c_str());
      return 1;
    }
    std::printf("audit of %lld entries (%lld transactions): %.2f s, %s\n", static_cast<long long>(report->entries),
                static_cast<long long>(report->transactions), report->seconds,
                report->ok() ? "all invariants hold" : "VIOLATIONS");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
