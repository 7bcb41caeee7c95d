// The books app: balanced entries, reconciliation, trial balance, period close, AR/AP, tasks.
#include "workplace/books.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "workplace/apps_test_util.h"
#include "workplace/files.h"

namespace workplace {
namespace {

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

class BooksTools : public WorkplaceTest {};

TEST_F(BooksTools, BalancedEntriesPostAndUnbalancedOnesAreRefusedWithoutChanges) {
  const std::string before = session_->world().Hash();
  std::string err = Err("books_post_entry",
                        Entry("2025-10-31", {{{"account", "6700"}, {"debit_cents", 100000}},
                                             {{"account", "1510"}, {"credit_cents", 99999}}}));
  EXPECT_NE(err.find("does not balance: debits $1,000.00, credits $999.99 (difference $0.01)"),
            std::string::npos)
      << err;
  err =
      Err("books_post_entry", Entry("2025-10-31", {{{"account", "6999"}, {"debit_cents", 100}},
                                                   {{"account", "1000"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("unknown account '6999'"), std::string::npos) << err;
  err = Err("books_post_entry",
            Entry("2025-10-31", {{{"account", "6800"}, {"debit_cents", 100}, {"credit_cents", 100}},
                                 {{"account", "1000"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("either debit_cents or credit_cents"), std::string::npos) << err;
  err =
      Err("books_post_entry", Entry("2025-09-28", {{{"account", "6300"}, {"debit_cents", 100}},
                                                   {{"account", "2000"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("period 2025-09 is closed"), std::string::npos) << err;
  err =
      Err("books_post_entry", Entry("2026-02-05", {{{"account", "6300"}, {"debit_cents", 100}},
                                                   {{"account", "2000"}, {"credit_cents", 100}}}));
  EXPECT_NE(
      err.find("no accounting period 2026-02; open periods: 2025-10, 2025-11, 2025-12, 2026-01"),
      std::string::npos)
      << err;
  // Schema: cents are integers.
  err = Err("books_post_entry", Entry("2025-10-31", {{{"account", "6800"}, {"debit_cents", 45.5}},
                                                     {{"account", "1000"}, {"credit_cents", 45}}}));
  EXPECT_NE(err.find("debit_cents"), std::string::npos) << err;
  EXPECT_EQ(session_->world().Hash(), before);

  nlohmann::json ok = Ok("books_post_entry",
                         Entry("2025-10-31", {{{"account", "6700"}, {"debit_cents", 100000}},
                                              {{"account", "1510"}, {"credit_cents", 100000}}}));
  const std::string id = ok["entry_id"];
  const Value* e = session_->world().Get("books").At("/entries/" + id);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->Find("period")->AsString(), "2025-10");
  EXPECT_EQ(e->Find("posted_at_us")->AsInt(), clock_.NowMicros());
}

TEST_F(BooksTools, TrialBalanceBalancesAndShowsThePeriodActivity) {
  nlohmann::json tb = Ok("books_trial_balance", {{"period", "2025-10"}});
  EXPECT_TRUE(tb["balanced"].get<bool>());
  EXPECT_EQ(tb["total_debit_cents"], tb["total_credit_cents"]);
  EXPECT_EQ(Closing(tb, "1000"), 6877423);  // the statement's opening, then October's entries
  EXPECT_EQ(Closing(tb, "1200"), 5475000);  // Tailspin, Halcyon (unrecorded wire), Fabrikam
  EXPECT_EQ(Closing(tb, "2000"), -280000);  // B-2290 unpaid
  nlohmann::json sept = Ok("books_trial_balance", {{"period", "2025-09"}});
  EXPECT_EQ(Closing(sept, "1000"), kOctoberOpeningCents);
  EXPECT_NE(Err("books_trial_balance", {{"period", "October"}}).find("YYYY-MM"), std::string::npos);
}

TEST_F(BooksTools, ReconcileNeedsTheSameAmountAndOneToOne) {
  std::string err = Err("books_reconcile", {{"bank_line_id", "bl-1003"}, {"entry_id", "je-1006"}});
  EXPECT_NE(err.find("moves -$63,985.12 through 1000 Cash - First Harbor Operating but bank line "
                     "bl-1003 is -$2,899.00"),
            std::string::npos)
      << err;
  err = Err("books_reconcile", {{"bank_line_id", "bl-1001"}, {"entry_id", "je-1001"}});
  EXPECT_NE(err.find("already reconciled"), std::string::npos);
  err = Err("books_reconcile", {{"bank_line_id", "bl-1003"}, {"entry_id", "je-1001"}});
  EXPECT_NE(err.find("already matched to bank line bl-1001"), std::string::npos) << err;
  Ok("books_reconcile", {{"bank_line_id", "bl-1003"}, {"entry_id", "je-1003"}});
  EXPECT_EQ(session_->world().Get("books").At("/bank_lines/bl-1003/status")->AsString(),
            "reconciled");
  nlohmann::json open = Ok("books_list_bank_lines", {{"status", "unreconciled"}});
  EXPECT_EQ(open.size(), 8u);
}

TEST_F(BooksTools, CloseRefusesUnreconciledLinesThenLocksThePeriod) {
  std::string err = Err("books_close_period", {{"period", "2025-10"}});
  EXPECT_NE(err.find("unreconciled bank lines: bl-1003"), std::string::npos) << err;
  EXPECT_NE(Err("books_close_period", {{"period", "2025-11"}}).find("close 2025-10 first"),
            std::string::npos);
  for (const Action& a : BooksMonthEndActions()) {
    ToolResult r = session_->Run(a);
    ASSERT_FALSE(r.is_error) << a.name << ": " << r.content;
  }
  Ok("books_close_period", {{"period", "2025-10"}});
  err =
      Err("books_post_entry", Entry("2025-10-31", {{{"account", "6700"}, {"debit_cents", 100}},
                                                   {{"account", "1510"}, {"credit_cents", 100}}}));
  EXPECT_NE(err.find("period 2025-10 is closed"), std::string::npos);
  // The books' cash now ends October where the bank statement does.
  nlohmann::json tb = Ok("books_trial_balance", {{"period", "2025-10"}});
  EXPECT_EQ(Closing(tb, "1000"), kOctoberClosingCents);
  EXPECT_TRUE(tb["balanced"].get<bool>());
}

TEST_F(BooksTools, InvoicesAndBillsPostAndTrackPayments) {
  nlohmann::json inv = Ok("books_create_invoice", {{"customer", "Wingtip Toys"},
                                                   {"number", "INV-1050"},
                                                   {"issue_date", "2025-11-02"},
                                                   {"due_date", "2025-12-02"},
                                                   {"amount_cents", 150000}});
  EXPECT_EQ(inv["status"], "open");
  const std::string id = inv["id"];
  EXPECT_NE(Err("books_create_invoice", {{"customer", "Wingtip Toys"},
                                         {"number", "INV-1050"},
                                         {"issue_date", "2025-11-02"},
                                         {"due_date", "2025-12-02"},
                                         {"amount_cents", 150000}})
                .find("already exists"),
            std::string::npos);
  EXPECT_NE(Err("books_create_invoice", {{"customer", "X"},
                                         {"number", "INV-1051"},
                                         {"issue_date", "2025-11-02"},
                                         {"due_date", "2025-12-02"},
                                         {"amount_cents", 1},
                                         {"revenue_account", "6000"}})
                .find("not a revenue account"),
            std::string::npos);
  nlohmann::json part = Ok("books_record_payment",
                           {{"document_id", id}, {"date", "2025-11-10"}, {"amount_cents", 50000}});
  EXPECT_EQ(part["status"], "partially_paid");
  EXPECT_EQ(part["open_cents"], 100000);
  EXPECT_NE(Err("books_record_payment",
                {{"document_id", id}, {"date", "2025-11-10"}, {"amount_cents", 100001}})
                .find("exceeds the open balance $1,000.00"),
            std::string::npos);
  Ok("books_record_payment",
     {{"document_id", id}, {"date", "2025-11-12"}, {"amount_cents", 100000}});
  EXPECT_EQ(session_->world().Get("books").At("/invoices/" + id + "/status")->AsString(), "paid");
  nlohmann::json tb = Ok("books_trial_balance", {{"period", "2025-11"}});
  EXPECT_TRUE(tb["balanced"].get<bool>());
  EXPECT_EQ(Ok("books_list_bills", {{"status", "open"}}).size(), 1u);
  EXPECT_EQ(Ok("books_list_accounts", {{"type", "revenue"}}).size(), 3u);
  EXPECT_EQ(Ok("books_list_entries", {{"period", "2025-10"}, {"account", "1200"}}).size(),
            4u);  // BluePeak paid, Verdant invoiced and paid, Fabrikam invoiced
}

TEST_F(BooksTools, AccountsAndBillsAreValidated) {
  nlohmann::json a =
      Ok("books_create_account", {{"code", "6450"}, {"name", "Conferences"}, {"type", "expense"}});
  EXPECT_EQ(a["normal"], "debit");
  EXPECT_NE(Err("books_create_account", {{"code", "6450"}, {"name", "Again"}, {"type", "expense"}})
                .find("already exists: Conferences"),
            std::string::npos);
  EXPECT_NE(Err("books_create_bill", {{"vendor", "Paperclip"},
                                      {"number", "P-1"},
                                      {"issue_date", "2025-12-01"},
                                      {"due_date", "2025-11-01"},
                                      {"amount_cents", 100},
                                      {"expense_account", "6300"}})
                .find("due_date"),
            std::string::npos);
  EXPECT_NE(Err("books_create_bill", {{"vendor", "Paperclip"},
                                      {"number", "P-1"},
                                      {"issue_date", "2025-12-01"},
                                      {"due_date", "2025-12-31"},
                                      {"amount_cents", 100},
                                      {"expense_account", "1000"}})
                .find("not an expense account"),
            std::string::npos);
  Ok("books_create_bill", {{"vendor", "Paperclip"},
                           {"number", "P-1"},
                           {"issue_date", "2025-12-01"},
                           {"due_date", "2025-12-31"},
                           {"amount_cents", 100},
                           {"expense_account", "6450"}});
  EXPECT_EQ(Ok("books_list_bills", {{"status", "open"}}).size(), 2u);
  EXPECT_EQ(Ok("books_list_invoices", {{"status", "paid"}}).size(), 2u);
  EXPECT_NE(Err("books_record_payment",
                {{"document_id", "inv-2025-118"}, {"date", "2025-12-01"}, {"amount_cents", 1}})
                .find("already paid in full"),
            std::string::npos);
}

TEST(BooksTasks, PayingTheWrongInvoiceIsCollateralDamage) {
  testing::ExpectCollateral(
      "books", "books-halcyon-payment", "books_record_payment",
      R"({"document_id":"inv-2025-119","date":"2025-10-24","amount_cents":600000})",
      "/books/invoices/inv-2025-119");
}

// The month-end close (mail + books + chat) needs the report, and a stray payment shows.
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
}  // namespace workplace
