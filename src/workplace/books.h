// The books app: double-entry bookkeeping for Northwind Analytics in integer cents, October 2025
// being closed. A chart of accounts, journal entries that must balance (debits = credits, or the
// post is refused), invoices (AR) and bills (AP) that post their own entries, First Harbor Bank
// lines reconciled one-to-one against entries that move the same amount through the bank account, a
// trial balance per period, and period close: a closed period takes no posting, and October cannot
// close while any of its bank lines is unreconciled.
//
// State: /accounts/<code>, /periods/<YYYY-MM> {status}, /entries/<id> {date, period, memo,
// lines: [{account, debit_cents, credit_cents, description}]}, /invoices/<id>, /bills/<id>,
// /bank_lines/<id> {date, amount_cents (+ deposit, - withdrawal), status, entry_id}.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr const char* kBooksApp = "books";

Value BooksSeed();
base::Status RegisterBooksTools(ToolRegistry& registry);
base::Result<std::vector<Task>> BooksTasks(const World& workplace, const ToolRegistry& tools);

// Predicate helper for tasks in other files: some entry in `period` has exactly these
// (account, debit_cents, credit_cents) lines, in any order.
struct EntryLine {
  std::string account;
  int64_t debit_cents = 0;
  int64_t credit_cents = 0;
};
Predicate BooksHasEntry(std::string description, std::string period, std::vector<EntryLine> lines);

// Some invoice ("invoices") or bill ("bills") numbered `number` has these string fields
// (customer/vendor matched without case, as a substring) and this amount.
Predicate BooksHasDocument(std::string collection, std::string number,
                           std::vector<std::pair<std::string, std::string>> fields,
                           int64_t amount_cents);

// The October month-end work in the books (reconcile the five matched lines, record Litware's
// payment, book the fee and the interest) and the predicates that it was done; the books task
// and the cross-app month-end close share them.
std::vector<Action> BooksMonthEndActions();
std::vector<Predicate> BooksMonthEndPredicates();
std::vector<ExpectedChange> BooksMonthEndChanges();

}  // namespace workplace
