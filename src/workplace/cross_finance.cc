// Cross-app finance tasks: payroll inputs in hr accrued in the books, a won crm deal invoiced
// in the books, books activity copied into the budget sheet, and the October month-end close
// across mail (the bank statement), books (match, adjust, close) and chat (report to Dana).
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "workplace/app_kit.h"
#include "workplace/apps.h"
#include "workplace/books.h"
#include "workplace/files.h"
#include "workplace/hr.h"
#include "workplace/people.h"

namespace workplace {
namespace {

constexpr const char* kBudgetCells = "/sheet/workbooks/wb-budget/sheets/Budget/cells";

// October activity (debits - credits, cents) per account in the seed books.
std::map<std::string, int64_t> PeriodActivity(const Value& books, const std::string& period) {
  std::map<std::string, int64_t> out;
  for (const auto& [id, e] : books.Find("entries")->members()) {
    if (Field(e, "period") != period) continue;
    for (const Value& l : e.Find("lines")->elements()) {
      out[Field(l, "account")] +=
          kit::IntField(l, "debit_cents") - kit::IntField(l, "credit_cents");
    }
  }
  return out;
}

// A message of mine in the month-end thread or Dana's DM that contains every word.
Predicate ReportedToDana(std::vector<std::string> words) {
  std::string description = "a chat message to Dana (DM or #month-end-close) with:";
  for (const std::string& w : words) description += " '" + w + "'";
  return kit::Holds(description, [words](const World& w) -> std::optional<std::string> {
    const Value* messages = w.Get("chat").Find("messages");
    if (kit::FindRecord(messages, [&](const Value& m) {
          const std::string& channel = Field(m, "channel");
          if (Field(m, "user") != kMeId ||
              (channel != "dm-u-dwhitfield" && channel != "c-month-end-close")) {
            return false;
          }
          for (const std::string& word : words) {
            if (!ContainsIgnoreCase(Field(m, "text"), word)) return false;
          }
          return true;
        }) == nullptr) {
      return std::string("no such message");
    }
    return std::nullopt;
  });
}

}  // namespace

base::Result<std::vector<Task>> FinanceCrossTasks(const World& w, const ToolRegistry& /*tools*/) {
  std::vector<Task> tasks;

  // hr -> books: the accrual must use hr's gross after the bonus the task adds.
  const int64_t gross = HrPeriodGrossCents(w.Get("hr"), "2025-12-B") + 250000;
  tasks.push_back(kit::MakeTask(
      "cross-payroll-accrual",
      "Add Leo Martins's $2,500 spot bonus to payroll period 2025-12-B in HR, then accrue that "
      "period's total gross pay (from HR's payroll summary, bonus included) in the books on "
      "2025-12-31: debit Salaries & Wages (6000), credit Accrued Payroll (2200).",
      w,
      {kit::Act(
           "hr_set_payroll_input",
           {{"period_id", "2025-12-B"}, {"employee_id", "u-lmartins"}, {"bonus_cents", 250000}}),
       kit::Act("hr_payroll_summary", {{"period_id", "2025-12-B"}}),
       kit::Act("books_post_entry", {{"date", "2025-12-31"},
                                     {"memo", "Accrue payroll 2025-12-B"},
                                     {"lines",
                                      {{{"account", "6000"}, {"debit_cents", gross}},
                                       {{"account", "2200"}, {"credit_cents", gross}}}}})},
      {PathEquals("/hr/payroll_inputs/2025-12-B/u-lmartins/bonus_cents", Value::Int(250000)),
       BooksHasEntry("Dr 6000 / Cr 2200 " + kit::Money(gross) + " in December", "2025-12",
                     {{"6000", gross, 0}, {"2200", 0, gross}})},
      kit::Changes({"/hr/payroll_inputs/2025-12-B/u-lmartins", "/books/entries"})));

  // crm -> books.
  tasks.push_back(kit::MakeTask(
      "cross-won-deal-invoice",
      "Wingtip Toys signed the analytics retainer. Mark the deal won in the CRM and invoice "
      "Wingtip Toys in the books for the deal amount: invoice INV-2025-131, issued 2026-01-01, "
      "due 2026-01-31, subscription revenue (4100).",
      w,
      {kit::Act("crm_list_deals", {{"company_id", "co-wingtip"}}),
       kit::Act("crm_move_deal", {{"deal_id", "dl-305"}, {"stage", "won"}}),
       kit::Act("books_create_invoice", {{"customer", "Wingtip Toys"},
                                         {"number", "INV-2025-131"},
                                         {"issue_date", "2026-01-01"},
                                         {"due_date", "2026-01-31"},
                                         {"amount_cents", 1500000},
                                         {"description", "Wingtip analytics retainer"},
                                         {"revenue_account", "4100"}})},
      {PathEquals("/crm/deals/dl-305/stage", Value::String("won")),
       BooksHasDocument("invoices", "INV-2025-131", {{"customer", "Wingtip"}, {"account", "4100"}},
                        1500000),
       BooksHasEntry("Dr 1200 / Cr 4100 $15,000.00 in January", "2026-01",
                     {{"1200", 1500000, 0}, {"4100", 0, 1500000}})},
      kit::Changes({"/crm/deals/dl-305", "/books/invoices", "/books/entries"})));

  // books -> sheet: column D of rows 2-9 gets each account's October activity in dollars.
  {
    const std::map<std::string, int64_t> activity = PeriodActivity(w.Get("books"), "2025-10");
    nlohmann::json cells = nlohmann::json::array();
    std::vector<Predicate> predicates;
    const Value* budget = w.AsValue().At(kBudgetCells);
    for (int row = 2; row <= 9; ++row) {
      const std::string r = std::to_string(row);
      const Value* code = budget != nullptr ? budget->At("/A" + r + "/value") : nullptr;
      if (code == nullptr || !code->is_number()) continue;
      const std::string account = std::to_string(static_cast<int64_t>(code->AsDouble()));
      auto it = activity.find(account);
      const double dollars = it == activity.end() ? 0.0 : static_cast<double>(it->second) / 100;
      cells.push_back({{"ref", "D" + r}, {"input", dollars}});
      const std::string path = std::string(kBudgetCells) + "/D" + r;
      predicates.push_back(kit::Holds(
          "D" + r + " (account " + account + ") = " + std::to_string(dollars),
          [path, dollars](const World& fw) -> std::optional<std::string> {
            const Value root = fw.AsValue();
            const Value* v = root.At(path + "/value");
            const double got = v == nullptr ? 0.0 : v->is_number() ? v->AsDouble() : -1e18;
            if (got < dollars - 0.005 || got > dollars + 0.005) {
              return path + " is " + (v ? v->Canonical() : std::string("empty"));
            }
            return std::nullopt;
          }));
      predicates.push_back(kit::Unchanged(std::string(kBudgetCells) + "/C" + r, w));
    }
    tasks.push_back(kit::MakeTask(
        "cross-actuals-to-sheet",
        "Fill the Actual column (D) of the October 2025 Budget vs Actuals sheet, rows 2-9, with "
        "each row's account activity for October 2025 from the books' trial balance (period "
        "debits minus credits, in dollars; 0 where there was none). Leave the budgets alone.",
        w,
        {kit::Act("books_trial_balance", {{"period", "2025-10"}}),
         kit::Act("sheet_write_cells",
                  {{"workbook_id", "wb-budget"}, {"sheet", "Budget"}, {"cells", cells}})},
        std::move(predicates), kit::Changes({kBudgetCells})));
  }

  // mail + books + chat: the month-end close Dana asked for.
  {
    std::vector<Action> actions = {
        kit::Act("mail_search", {{"query", "statement"}, {"from", "firstharbor"}}),
        kit::Act("mail_read", {{"id", "m-002"}}),
        kit::Act("books_list_bank_lines", {{"status", "unreconciled"}}),
    };
    for (Action& a : BooksMonthEndActions()) actions.push_back(std::move(a));
    actions.push_back(kit::Act("books_close_period", {{"period", "2025-10"}}));
    actions.push_back(kit::Act("books_trial_balance", {{"period", "2025-10"}}));
    const std::string closing = kit::Money(kOctoberClosingCents);
    actions.push_back(
        kit::Act("chat_reply_thread",
                 {{"message_id", "cm-001"},
                  {"text",
                   "October 2025 is closed. All 11 First Harbor lines are reconciled to the "
                   "books: matched 6 posted entries, recorded Halcyon Health's Oct 10 wire for "
                   "INV-2025-121 ($24,750.00), booked the $35.00 service fee and $12.87 "
                   "interest. Book cash at Oct 31 is " +
                       closing + ", equal to the statement's closing balance."}}));
    std::vector<Predicate> predicates = BooksMonthEndPredicates();
    predicates.push_back(PathEquals("/books/periods/2025-10/status", Value::String("closed")));
    predicates.push_back(ReportedToDana({FormatCents(kOctoberClosingCents)}));
    std::vector<ExpectedChange> changes = BooksMonthEndChanges();
    changes.push_back({"/books/periods/2025-10", std::nullopt});
    changes.push_back({"/chat/messages", std::nullopt});
    tasks.push_back(kit::MakeTask(
        "cross-month-end-close",
        "Dana needs October 2025 closed (see her e-mail and #month-end-close). Match the books' "
        "First Harbor bank lines against the October statement that arrived by mail, post what "
        "is missing (bank fee, interest, and the Halcyon Health wire for INV-2025-121), close "
        "October in the books, and report to Dana in chat with October's closing cash balance.",
        w, std::move(actions), std::move(predicates), std::move(changes)));
  }
  return tasks;
}

}  // namespace workplace
