// An expert's statement of a period, as CSV (one row per ledger line of her payable account,
// columns in README.md) and as a printable HTML page (every value escaped; no script).
//
//   ASSAY_ASSIGN_OR_RETURN(money::Statement s, money.MyStatement(expert, from_us, to_us, ""));
//   std::string csv = money::StatementCsv(s), html = money::StatementHtml(s);
#pragma once

#include <string>
#include <string_view>

#include "money/types.h"

namespace money {

std::string StatementCsv(const Statement& s);
std::string StatementHtml(const Statement& s);
// A CSV field: quoted when it must be; a leading = + - @ is defused so a spreadsheet never runs it.
std::string CsvField(std::string_view v);
// "1234.50" for 123450 cents.
std::string DecimalAmount(int64_t cents);

}  // namespace money
