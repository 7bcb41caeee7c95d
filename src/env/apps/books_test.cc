// The books app: balanced entries, reconciliation, trial balance, period close, AR/AP, tasks.
#include "env/apps/books.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "env/apps/app_test_util.h"
#include "env/apps/files.h"

namespace env::apps {
namespace {

using testing::CallError;
using testing::CallOk;

nlohmann::json Entry(const char* date, nlohmann::json lines) {
  return {{"date", date}, {"memo", "test"}, {"lines", std::move(lines)}};
}

int64_t Closing(const nlohmann::json& tb, const std::string& account) {
  for (const auto& row : tb["accounts"]) {
    if (row["account"] == account) {
      return row["closing_debit_cents"].get<int64_t>() - row["closing_credit_cents"].get<int64_t>();
    }
  }
  return 0;
}

TEST(BooksTools, BalancedEntriesPostAndUnbalancedOnesAreRefusedWithoutChanges) {
  testing::Workplace wp;
  Session s = wp.NewSession();
  const std::string before = s.world().Hash();
  std::string err =
      CallError(s, "books_post_entry",
                Entry("2025-10-31", {{{"account", "6700"}, {"debit_cents", 100000}},
                                     {{"account", "1510"}, {"credit_cents", 99999}}}));
  EXPECT_NE(err.find("does not balance: debits $1,000.00, credits $999.99 (difference $0.01)"),
            std::string::npos)
      << err;
  err = CallError(s, "books_post_entry",
                  Entry("2025-10-31", {{{"account", "6999"}, {"debit_cents", 100}},
                                       {{"account", "1000"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("unknown account '6999'"), std::string::npos) << err;
  err = CallError(
      s, "books_post_entry",
      Entry("2025-10-31", {{{"account", "6800"}, {"debit_cents", 100}, {"credit_cents", 100}},
                           {{"account", "1000"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("either debit_cents or credit_cents"), std::string::npos) << err;
  err = CallError(s, "books_post_entry",
                  Entry("2025-09-28", {{{"account", "6300"}, {"debit_cents", 100}},
                                       {{"account", "2000"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("period 2025-09 is closed"), std::string::npos) << err;
  err = CallError(s, "books_post_entry",
                  Entry("2026-02-05", {{{"account", "6300"}, {"debit_cents", 100}},
                                       {{"account", "2000"}, {"credit_cents", 100}}}));
  EXPECT_NE(
      err.find("no accounting period 2026-02; open periods: 2025-10, 2025-11, 2025-12, 2026-01"),
      std::string::npos)
      << err;
  // Schema: cents are integers.
  err = CallError(s, "books_post_entry",
                  Entry("2025-10-31", {{{"account", "6800"}, {"debit_cents", 45.5}},
                                       {{"account", "1000"}, {"credit_cents", 45}}}));
  EXPECT_NE(err.find("debit_cents"), std::string::npos) << err;
  EXPECT_EQ(s.world().Hash(), before);

  nlohmann::json ok =
      CallOk(s, "books_post_entry",
             Entry("2025-10-31", {{{"account", "6700"}, {"debit_cents", 100000}},
                                  {{"account", "1510"}, {"credit_cents", 100000}}}));
  const std::string id = ok["entry_id"];
  const Value* e = s.world().Get("books").At("/entries/" + id);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->Find("period")->AsString(), "2025-10");
  EXPECT_EQ(e->Find("posted_at_us")->AsInt(), wp.clock.NowMicros());
}

TEST(BooksTools, TrialBalanceBalancesAndShowsThePeriodActivity) {
  testing::Workplace wp;
  Session s = wp.NewSession();
  nlohmann::json tb = CallOk(s, "books_trial_balance", {{"period", "2025-10"}});
  EXPECT_TRUE(tb["balanced"].get<bool>());
  EXPECT_EQ(tb["total_debit_cents"], tb["total_credit_cents"]);
  EXPECT_EQ(Closing(tb, "1000"), 6877423);  // the statement's opening, then October's entries
  EXPECT_EQ(Closing(tb, "1200"), 5475000);  // Tailspin, Halcyon (unrecorded wire), Fabrikam
  EXPECT_EQ(Closing(tb, "2000"), -280000);  // B-2290 unpaid
  nlohmann::json sept = CallOk(s, "books_trial_balance", {{"period", "2025-09"}});
  EXPECT_EQ(Closing(sept, "1000"), kOctoberOpeningCents);
  EXPECT_NE(CallError(s, "books_trial_balance", {{"period", "October"}}).find("YYYY-MM"),
            std::string::npos);
}

TEST(BooksTools, ReconcileNeedsTheSameAmountAndOneToOne) {
  testing::Workplace wp;
  Session s = wp.NewSession();
  std::string err =
      CallError(s, "books_reconcile", {{"bank_line_id", "bl-1003"}, {"entry_id", "je-1006"}});
  EXPECT_NE(err.find("moves -$63,985.12 through 1000 Cash - First Harbor Operating but bank line "
                     "bl-1003 is -$2,899.00"),
            std::string::npos)
      << err;
  err = CallError(s, "books_reconcile", {{"bank_line_id", "bl-1001"}, {"entry_id", "je-1001"}});
  EXPECT_NE(err.find("already reconciled"), std::string::npos);
  err = CallError(s, "books_reconcile", {{"bank_line_id", "bl-1003"}, {"entry_id", "je-1001"}});
  EXPECT_NE(err.find("already matched to bank line bl-1001"), std::string::npos) << err;
  CallOk(s, "books_reconcile", {{"bank_line_id", "bl-1003"}, {"entry_id", "je-1003"}});
  EXPECT_EQ(s.world().Get("books").At("/bank_lines/bl-1003/status")->AsString(), "reconciled");
  nlohmann::json open = CallOk(s, "books_list_bank_lines", {{"status", "unreconciled"}});
  EXPECT_EQ(open.size(), 8u);
}

TEST(BooksTools, CloseRefusesUnreconciledLinesThenLocksThePeriod) {
  testing::Workplace wp;
  Session s = wp.NewSession();
  std::string err = CallError(s, "books_close_period", {{"period", "2025-10"}});
  EXPECT_NE(err.find("unreconciled bank lines: bl-1003"), std::string::npos) << err;
  EXPECT_NE(CallError(s, "books_close_period", {{"period", "2025-11"}}).find("close 2025-10 first"),
            std::string::npos);
  for (const Action& a : BooksMonthEndActions()) {
    ToolResult r = s.Run(a);
    ASSERT_FALSE(r.is_error) << a.name << ": " << r.content;
  }
  CallOk(s, "books_close_period", {{"period", "2025-10"}});
  err = CallError(s, "books_post_entry",
                  Entry("2025-10-31", {{{"account", "6700"}, {"debit_cents", 100}},
                                       {{"account", "1510"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("period 2025-10 is closed"), std::string::npos);
  // The books' cash now ends October where the bank statement does.
  nlohmann::json tb = CallOk(s, "books_trial_balance", {{"period", "2025-10"}});
  EXPECT_EQ(Closing(tb, "1000"), kOctoberClosingCents);
  EXPECT_TRUE(tb["balanced"].get<bool>());
}

TEST(BooksTools, InvoicesAndBillsPostAndTrackPayments) {
  testing::Workplace wp;
  Session s = wp.NewSession();
  nlohmann::json inv = CallOk(s, "books_create_invoice",
                              {{"customer", "Wingtip Toys"},
                               {"number", "INV-1050"},
                               {"issue_date", "2025-11-02"},
                               {"due_date", "2025-12-02"},
                               {"amount_cents", 150000}});
  EXPECT_EQ(inv["status"], "open");
  const std::string id = inv["id"];
  EXPECT_NE(CallError(s, "books_create_invoice",
                      {{"customer", "Wingtip Toys"},
                       {"number", "INV-1050"},
                       {"issue_date", "2025-11-02"},
                       {"due_date", "2025-12-02"},
                       {"amount_cents", 150000}})
                .find("already exists"),
            std::string::npos);
  EXPECT_NE(CallError(s, "books_create_invoice",
                      {{"customer", "X"},
                       {"number", "INV-1051"},
                       {"issue_date", "2025-11-02"},
                       {"due_date", "2025-12-02"},
                       {"amount_cents", 1},
                       {"revenue_account", "6000"}})
                .find("not a revenue account"),
            std::string::npos);
  nlohmann::json part =
      CallOk(s, "books_record_payment",
             {{"document_id", id}, {"date", "2025-11-10"}, {"amount_cents", 50000}});
  EXPECT_EQ(part["status"], "partially_paid");
  EXPECT_EQ(part["open_cents"], 100000);
  EXPECT_NE(CallError(s, "books_record_payment",
                      {{"document_id", id}, {"date", "2025-11-10"}, {"amount_cents", 100001}})
                .find("exceeds the open balance $1,000.00"),
            std::string::npos);
  CallOk(s, "books_record_payment",
         {{"document_id", id}, {"date", "2025-11-12"}, {"amount_cents", 100000}});
  EXPECT_EQ(s.world().Get("books").At("/invoices/" + id + "/status")->AsString(), "paid");
  nlohmann::json tb = CallOk(s, "books_trial_balance", {{"period", "2025-11"}});
  EXPECT_TRUE(tb["balanced"].get<bool>());
  EXPECT_EQ(CallOk(s, "books_list_bills", {{"status", "open"}}).size(), 1u);
  EXPECT_EQ(CallOk(s, "books_list_accounts", {{"type", "revenue"}}).size(), 3u);
  EXPECT_EQ(CallOk(s, "books_list_entries", {{"period", "2025-10"}, {"account", "1200"}}).size(),
            4u);  // BluePeak paid, Verdant invoiced and paid, Fabrikam invoiced
}

TEST(BooksTools, AccountsAndBillsAreValidated) {
  testing::Workplace wp;
  Session s = wp.NewSession();
  nlohmann::json a = CallOk(s, "books_create_account",
                            {{"code", "6450"}, {"name", "Conferences"}, {"type", "expense"}});
  EXPECT_EQ(a["normal"], "debit");
  EXPECT_NE(CallError(s, "books_create_account",
                      {{"code", "6450"}, {"name", "Again"}, {"type", "expense"}})
                .find("already exists: Conferences"),
            std::string::npos);
  EXPECT_NE(CallError(s, "books_create_bill",
                      {{"vendor", "Paperclip"},
                       {"number", "P-1"},
                       {"issue_date", "2025-12-01"},
                       {"due_date", "2025-11-01"},
                       {"amount_cents", 100},
                       {"expense_account", "6300"}})
                .find("due_date"),
            std::string::npos);
  EXPECT_NE(CallError(s, "books_create_bill",
                      {{"vendor", "Paperclip"},
                       {"number", "P-1"},
                       {"issue_date", "2025-12-01"},
                       {"due_date", "2025-12-31"},
                       {"amount_cents", 100},
                       {"expense_account", "1000"}})
                .find("not an expense account"),
            std::string::npos);
  CallOk(s, "books_create_bill",
         {{"vendor", "Paperclip"},
          {"number", "P-1"},
          {"issue_date", "2025-12-01"},
          {"due_date", "2025-12-31"},
          {"amount_cents", 100},
          {"expense_account", "6450"}});
  EXPECT_EQ(CallOk(s, "books_list_bills", {{"status", "open"}}).size(), 2u);
  EXPECT_EQ(CallOk(s, "books_list_invoices", {{"status", "paid"}}).size(), 2u);
  EXPECT_NE(
      CallError(s, "books_record_payment",
                {{"document_id", "inv-2025-118"}, {"date", "2025-12-01"}, {"amount_cents", 1}})
          .find("already paid in full"),
      std::string::npos);
}

TEST(BooksTasks, ReferenceActionsPassAndIdleFails) { testing::ExpectSuiteTasksWork("books", 6); }

TEST(BooksTasks, PayingTheWrongInvoiceIsCollateralDamage) {
  testing::ExpectCollateral(
      "books", "books-halcyon-payment", "books_record_payment",
      R"({"document_id":"inv-2025-119","date":"2025-10-24","amount_cents":600000})",
      "/books/invoices/inv-2025-119");
}

// The cross-app finance tasks (hr, crm, sheet, mail and chat with the books) on the workplace
// suite: each passes on its reference and fails idle, like every app's own tasks.
TEST(FinanceCrossTasks, ReferenceActionsPassAndIdleFails) {
  auto suite = LoadSuite("workplace", "");
  ASSERT_TRUE(suite.has_value());
  base::FakeClock clock(testing::kTodayUs);
  size_t finance = 0;
  for (const Task& task : (*suite)->tasks) {
    if (task.id.rfind("cross-", 0) != 0) continue;
    const bool ours = task.id == "cross-payroll-accrual" || task.id == "cross-won-deal-invoice" ||
                      task.id == "cross-actuals-to-sheet" || task.id == "cross-month-end-close";
    if (!ours) continue;
    ++finance;
    SCOPED_TRACE(task.id);
    Session s = Replay((*suite)->tools, task.initial, task.reference_actions, clock, 97);
    for (const Step& step : s.trajectory().steps()) {
      EXPECT_FALSE(step.result.is_error) << step.name << ": " << step.result.content;
    }
    CheckReport report = Check(task, s.world());
    EXPECT_TRUE(report.passed) << report.Render();
    EXPECT_LT(Check(task, task.initial).score, 1.0);
    EXPECT_EQ(
        Replay((*suite)->tools, task.initial, task.reference_actions, clock, 97).world().Hash(),
        s.world().Hash());
  }
  EXPECT_EQ(finance, 4u);
}

TEST(FinanceCrossTasks, MonthEndCloseWithoutTheReportOrWithAStrayEntryFails) {
  auto suite = LoadSuite("workplace", "");
  ASSERT_TRUE(suite.has_value());
  const Task* task = (*suite)->FindTask("cross-month-end-close");
  ASSERT_NE(task, nullptr);
  base::FakeClock clock(testing::kTodayUs);
  std::vector<Action> no_report = task->reference_actions;
  no_report.pop_back();  // the chat message to Dana
  CheckReport report =
      Check(*task, Replay((*suite)->tools, task->initial, no_report, clock, 5).world());
  EXPECT_FALSE(report.passed);
  std::vector<Action> stray = task->reference_actions;
  stray.push_back({"books_record_payment",
                   R"({"document_id":"bill-2290","date":"2025-12-31","amount_cents":280000})"});
  report = Check(*task, Replay((*suite)->tools, task->initial, stray, clock, 5).world());
  bool collateral = false;
  for (const CheckItem& item : report.items) {
    collateral |= item.name.rfind("collateral /books/bills/bill-2290", 0) == 0;
  }
  EXPECT_TRUE(collateral) << report.Render();
}

}  // namespace
}  // namespace env::apps
