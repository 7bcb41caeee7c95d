// Spreadsheet formulas for the sheet app: a parser with Excel's operator precedence
// (comparison < & < + - < * / < ^ < unary minus), cell references (A1, $B$2, Sheet2!C3,
// 'Q4 Plan'!A1), ranges (A1:B9) and functions (SUM AVERAGE MIN MAX COUNT IF AND OR NOT ROUND
// ABS IFERROR VLOOKUP), and an evaluator whose errors are values (#DIV/0!, #VALUE!, #REF!,
// #N/A, #NUM!, #CYCLE!) that propagate through arithmetic like a spreadsheet's.
//
//   ASSAY_ASSIGN_OR_RETURN(Formula f, Formula::Parse("=SUM(B2:B9)*(1+Rates!B1)", "Budget"));
//   Scalar v = f.Evaluate([&](const CellRef& ref) { return LookUp(ref); });
//   f.Text();   // "=SUM(B2:B9)*(1+Rates!B1)" — canonical: upper case, no spaces
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace workplace::sheet {

// Zero-based column and row; `sheet` is never empty after parsing.
struct CellRef {
  std::string sheet;
  int col = 0;
  int row = 0;
  bool operator<(const CellRef& o) const {
    return sheet != o.sheet ? sheet < o.sheet : row != o.row ? row < o.row : col < o.col;
  }
  bool operator==(const CellRef& o) const = default;
};

// An inclusive rectangle of cells on one sheet.
struct Range {
  std::string sheet;
  int col1 = 0, row1 = 0, col2 = 0, row2 = 0;
  bool Contains(const CellRef& c) const {
    return c.sheet == sheet && c.col >= col1 && c.col <= col2 && c.row >= row1 && c.row <= row2;
  }
  int64_t CellCount() const { return int64_t{col2 - col1 + 1} * (row2 - row1 + 1); }
};

constexpr int kMaxCols = 702;  // A..ZZ
constexpr int kMaxRows = 10000;
constexpr int64_t kMaxRangeCells = 20000;  // bounds the work of one function argument
constexpr size_t kMaxFormulaChars = 4000;

// "B7" -> {col 1, row 6}; "$B$7" too. Errors name the text.
base::Result<CellRef> ParseA1(std::string_view text, std::string_view sheet);
// "B7:D9" (or one cell) on `sheet`; corners are normalised so col1 <= col2, row1 <= row2.
base::Result<Range> ParseRange(std::string_view text, std::string_view sheet);
std::string A1(int col, int row);  // {1, 6} -> "B7"

// A cell's value or a formula's result.
struct Scalar {
  enum class Kind { kEmpty, kNumber, kText, kBool, kError };
  Kind kind = Kind::kEmpty;
  double number = 0;
  bool boolean = false;
  std::string text;  // kText, or the error code for kError ("#DIV/0!")

  static Scalar Number(double d) { return {Kind::kNumber, d, false, ""}; }
  static Scalar Text(std::string s) { return {Kind::kText, 0, false, std::move(s)}; }
  static Scalar Bool(bool b) { return {Kind::kBool, 0, b, ""}; }
  static Scalar Error(std::string code) { return {Kind::kError, 0, false, std::move(code)}; }
  bool is_error() const { return kind == Kind::kError; }
  // How a spreadsheet shows it: 12, 0.5, TRUE, text, #DIV/0!.
  std::string Display() const;
};

// Formats a number without a trailing ".0" for integers ("12", "0.25").
std::string FormatNumber(double d);

using CellResolver = std::function<Scalar(const CellRef&)>;

class Formula {
 public:
  // `text` starts with "="; references without a sheet are on `sheet`. Errors (syntax, unknown
  // function, a reference out of bounds) give the position and what was expected.
  static base::Result<Formula> Parse(std::string_view text, std::string_view sheet);

  // Canonical text: "=" + the expression with upper-case names and no spaces.
  const std::string& Text() const { return text_; }
  // Every cell or range the formula reads.
  const std::vector<Range>& References() const { return refs_; }
  Scalar Evaluate(const CellResolver& cell) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
  std::vector<Range> refs_;
};

}  // namespace workplace::sheet
