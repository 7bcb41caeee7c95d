// assay ledger audit|accrue and assay payouts batch|export|paid: the money operations an admin or
// a cron job runs on the database directly.
//   ledger audit --db URL: recomputes every balance and checks the invariants (money/audit.h);
//          exit 0 when all hold, 1 with a report naming each violation, 2 on a usage error.
//   ledger accrue --db URL: auto-approves what is past its project's delay, then accrues every
//          verdict that has not (re-runnable: an up-to-date ledger posts nothing).
//   payouts batch --db URL --min-cents N [--currency C] [--key K]: gathers payable balances into
//          a batch (finishing one a crash left building) and prints its payouts.
//   payouts export --db URL --batch ID: the batch as CSV for the payment provider, on stdout.
//   payouts paid --db URL --batch ID: the provider paid it: posts the payments (resumable).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/offline.h"
#include "money/audit.h"
#include "money/service.h"
#include "money/statement.h"

namespace cli {
namespace {

struct Opts {
  std::string db, currency = "USD", key, batch;
  int64_t min_cents = 0, max_listed = 50, chunk = 500;
};

// The offline services with money wired as `assay serve` wires it.
struct OfflineMoney {
  explicit OfflineMoney(std::unique_ptr<OfflineWork> w, int64_t chunk)
      : work(std::move(w)), money(*work->db, work->clock, work->ids, {.work = &work->service, .payout_chunk = chunk}) {
    work->service.SetPayObserver(&money);
  }
  ~OfflineMoney() { work->service.SetPayObserver(nullptr); }
  std::unique_ptr<OfflineWork> work;
  money::Service money;
};

std::unique_ptr<OfflineMoney> Open(const Opts& o, std::string_view command) {
  auto w = OpenOfflineWork(o.db, command);
  if (!w) return nullptr;
  return std::make_unique<OfflineMoney>(std::move(w), o.chunk);
}

int Fail(std::string_view command, const base::Error& e) {
  std::cerr << "assay " << command << ": " << e.message() << " " << e.DetailsJson() << "\n";
  return 1;
}

void Audit(const Opts& o) {
  auto w = OpenOfflineWork(o.db, "ledger audit");
  if (!w) return SetExitCode(2);  // the database named cannot be opened: a usage error
  auto report = money::Audit(*w->db, {.max_listed = o.max_listed});
  if (!report) return SetExitCode(Fail("ledger audit", report.error()));
  std::cout << money::AuditText(*report);
  SetExitCode(report->ok() ? 0 : 1);
}

void Accrue(const Opts& o) {
  auto m = Open(o, "ledger accrue");
  if (!m) return SetExitCode(2);
  auto approved = m->money.RunAutoApprovals(accounts::Caller::System(), 1'000'000);
  if (!approved) return SetExitCode(Fail("ledger accrue", approved.error()));
  auto posted = m->money.AccrueAll(accounts::Caller::System());
  if (!posted) return SetExitCode(Fail("ledger accrue", posted.error()));
  std::cout << *approved << " submissions auto-approved, " << *posted << " transactions posted\n";
}

void PrintBatch(const money::Batch& b) {
  std::cout << "batch " << b.id << " " << b.status << " " << b.currency << " " << money::DecimalAmount(b.total_cents)
            << " in " << b.payouts.size() << " payouts\n";
  for (const money::Payout& p : b.payouts) {
    std::cout << "  " << p.id << "  " << p.expert_email << "  " << money::DecimalAmount(p.amount_cents) << " "
              << p.currency << "  " << p.status << "\n";
  }
}

void Batch(const Opts& o) {
  auto m = Open(o, "payouts batch");
  if (!m) return SetExitCode(2);
  auto b = m->money.CreateBatch(accounts::Caller::System(), o.min_cents, o.currency, o.key);
  if (!b) return SetExitCode(Fail("payouts batch", b.error()));
  PrintBatch(*b);
}

void Export(const Opts& o) {
  auto m = Open(o, "payouts export");
  if (!m) return SetExitCode(2);
  auto csv = m->money.BatchCsv(accounts::Caller::System(), o.batch);
  if (!csv) return SetExitCode(Fail("payouts export", csv.error()));
  std::cout << *csv;
}

void Paid(const Opts& o) {
  auto m = Open(o, "payouts paid");
  if (!m) return SetExitCode(2);
  auto b = m->money.MarkPaid(accounts::Caller::System(), o.batch);
  if (!b) return SetExitCode(Fail("payouts paid", b.error()));
  PrintBatch(*b);
}

CLI::App* WithDb(CLI::App* cmd, Opts& o) {
  cmd->add_option("--db", o.db, "Database: PATH, sqlite:PATH or postgresql://…")->required();
  return cmd;
}

}  // namespace

void AddLedgerCommand(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  auto* ledger = app.add_subcommand("ledger", "The money ledger: audit it, accrue what is due");
  ledger->require_subcommand(1);
  auto* audit = WithDb(ledger->add_subcommand("audit", "Recompute every balance and check the invariants "
                                                       "(exit 0: all hold; 1: violations, listed; 2: usage)"),
                       *o);
  audit->add_option("--max-listed", o->max_listed, "Violations listed per kind")->capture_default_str();
  audit->callback([o] { Audit(*o); });
  auto* accrue = WithDb(ledger->add_subcommand("accrue", "Auto-approve what is past its delay, then accrue every "
                                                         "verdict not yet accrued (re-runnable)"),
                        *o);
  accrue->callback([o] { Accrue(*o); });
}

void AddPayoutsCommand(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  auto* payouts = app.add_subcommand("payouts", "Payout batches: gather, export for the provider, mark paid");
  payouts->require_subcommand(1);
  auto* batch = WithDb(payouts->add_subcommand("batch", "Gather every payable balance of at least --min-cents"), *o);
  batch->add_option("--min-cents", o->min_cents, "Smallest balance paid out, in cents")->required();
  batch->add_option("--currency", o->currency, "ISO 4217 code")->capture_default_str();
  batch->add_option("--key", o->key, "Names the batch: the same key again answers the same batch");
  batch->add_option("--chunk", o->chunk, "Payouts written per transaction")->capture_default_str();
  batch->callback([o] { Batch(*o); });
  auto* csv = WithDb(payouts->add_subcommand("export", "A batch as CSV for the payment provider"), *o);
  csv->add_option("--batch", o->batch, "The batch id")->required();
  csv->callback([o] { Export(*o); });
  auto* paid = WithDb(payouts->add_subcommand("paid", "The provider paid the batch: post the payments"), *o);
  paid->add_option("--batch", o->batch, "The batch id")->required();
  paid->add_option("--chunk", o->chunk, "Payouts written per transaction")->capture_default_str();
  paid->callback([o] { Paid(*o); });
}

}  // namespace cli
