// The sheet app: formula parsing and evaluation, recalculation through the tools, its tasks.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "workplace/apps_test_util.h"
#include "workplace/sheet_formula.h"

namespace workplace {
namespace {

using sheet::CellRef;
using sheet::Formula;
using sheet::Scalar;

// Evaluates a formula on sheet "S" over a few cells.
Scalar Eval(std::string_view text, const std::map<std::string, Scalar>& cells = {}) {
  auto f = Formula::Parse(text, "S");
  EXPECT_TRUE(f.has_value()) << text << ": " << (f ? "" : f.error().message());
  if (!f) return Scalar::Error("parse");
  return f->Evaluate([&](const CellRef& ref) -> Scalar {
    if (ref.sheet != "S" && ref.sheet != "T") return Scalar::Error("#REF!");
    auto it = cells.find(ref.sheet + "!" + sheet::A1(ref.col, ref.row));
    return it == cells.end() ? Scalar() : it->second;
  });
}
double Num(std::string_view text, const std::map<std::string, Scalar>& cells = {}) {
  Scalar v = Eval(text, cells);
  EXPECT_EQ(v.kind, Scalar::Kind::kNumber) << text << " gave " << v.Display();
  return v.number;
}
std::string Shown(std::string_view text, const std::map<std::string, Scalar>& cells = {}) {
  return Eval(text, cells).Display();
}

TEST(SheetFormula, OperatorPrecedenceAndAssociativity) {
  EXPECT_EQ(Num("=1+2*3"), 7);
  EXPECT_EQ(Num("=(1+2)*3"), 9);
  EXPECT_EQ(Num("=10-4-3"), 3);
  EXPECT_EQ(Num("=2^3^2"), 64);  // left-associative, as in Excel
  EXPECT_EQ(Num("=-2^2"), 4);    // unary minus binds tighter than ^
  EXPECT_EQ(Num("=2*-3+1"), -5);
  EXPECT_EQ(Num("=50%*4"), 2);
  EXPECT_EQ(Shown("=1+2=3"), "TRUE");  // comparison binds loosest
  EXPECT_EQ(Shown("=\"a\"&1+1"), "a2");
  EXPECT_EQ(Shown("=2<>2"), "FALSE");
  EXPECT_EQ(Shown("=\"apple\"<\"Banana\""), "TRUE");  // text compares without case
}

TEST(SheetFormula, CanonicalTextDropsSpacesAndRedundantParentheses) {
  auto f = Formula::Parse("= sum( b2:b9 ) * ( 1 + T!a1 )", "S");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->Text(), "=SUM(B2:B9)*(1+T!A1)");
  EXPECT_EQ(Formula::Parse("=(A1*B1)+C1", "S")->Text(), "=A1*B1+C1");
  EXPECT_EQ(Formula::Parse("=A1-(B1-C1)", "S")->Text(), "=A1-(B1-C1)");
  EXPECT_EQ(Formula::Parse("='Q4 Plan'!$A$1", "S")->Text(), "='Q4 Plan'!$A$1");
  ASSERT_EQ(f->References().size(), 2u);
  EXPECT_EQ(f->References()[1].sheet, "T");
}

TEST(SheetFormula, RangesAndAggregates) {
  std::map<std::string, Scalar> cells = {{"S!A1", Scalar::Number(4)},
                                         {"S!A2", Scalar::Number(6)},
                                         {"S!A3", Scalar::Text("note")},  // ignored in ranges
                                         {"S!B1", Scalar::Number(-1)},
                                         {"T!C3", Scalar::Number(100)}};
  EXPECT_EQ(Num("=SUM(A1:B3)", cells), 9);
  EXPECT_EQ(Num("=SUM(B3:A1)", cells), 9);  // corners in any order
  EXPECT_EQ(Num("=AVERAGE(A1:A3)", cells), 5);
  EXPECT_EQ(Num("=MIN(A1:B2)", cells), -1);
  EXPECT_EQ(Num("=MAX(A1:A3,7)", cells), 7);
  EXPECT_EQ(Num("=COUNT(A1:B3)", cells), 3);
  EXPECT_EQ(Num("=A1+A4", cells), 4);  // a blank is 0
  EXPECT_EQ(Num("=T!C3/A1", cells), 25);
  EXPECT_EQ(Num("=ROUND(2/3,2)", cells), 0.67);
  EXPECT_EQ(Num("=ROUND(-2.5,0)", cells), -3);
  EXPECT_EQ(Num("=ABS(B1)", cells), 1);
}

TEST(SheetFormula, IfEvaluatesOnlyTheChosenBranch) {
  std::map<std::string, Scalar> cells = {{"S!A1", Scalar::Number(0)}, {"S!B1", Scalar::Number(5)}};
  EXPECT_EQ(Num("=IF(A1=0,0,B1/A1)", cells), 0);
  EXPECT_EQ(Shown("=IF(B1>3,\"big\",\"small\")", cells), "big");
  EXPECT_EQ(Shown("=IF(B1<3,\"big\")", cells), "FALSE");
  EXPECT_EQ(Shown("=IF(AND(B1>1,OR(A1=1,NOT(A1=1))),\"y\",\"n\")", cells), "y");
  EXPECT_EQ(Num("=IFERROR(B1/A1,-1)", cells), -1);
}

TEST(SheetFormula, VlookupExactAndApproximate) {
  std::map<std::string, Scalar> t = {
      {"S!A1", Scalar::Number(0)},    {"S!B1", Scalar::Text("low")},
      {"S!A2", Scalar::Number(100)},  {"S!B2", Scalar::Text("mid")},
      {"S!A3", Scalar::Number(1000)}, {"S!B3", Scalar::Text("high")},
      {"S!D1", Scalar::Text("L1")},   {"S!E1", Scalar::Number(72000)},
      {"S!D2", Scalar::Text("L2")},   {"S!E2", Scalar::Number(90000)}};
  EXPECT_EQ(Shown("=VLOOKUP(250,A1:B3,2)", t), "mid");
  EXPECT_EQ(Shown("=VLOOKUP(1000,A1:B3,2,TRUE)", t), "high");
  EXPECT_EQ(Shown("=VLOOKUP(5000,A1:B3,2)", t), "high");
  EXPECT_EQ(Shown("=VLOOKUP(-1,A1:B3,2)", t), "#N/A");
  EXPECT_EQ(Shown("=VLOOKUP(250,A1:B3,2,FALSE)", t), "#N/A");
  EXPECT_EQ(Num("=VLOOKUP(\"l2\",D1:E2,2,FALSE)", t), 90000);
  EXPECT_EQ(Shown("=VLOOKUP(\"L2\",D1:E2,3,FALSE)", t), "#REF!");
  EXPECT_EQ(Shown("=VLOOKUP(\"L2\",D1:E2,0,FALSE)", t), "#VALUE!");
}

TEST(SheetFormula, ErrorsAreValuesThatPropagate) {
  std::map<std::string, Scalar> cells = {{"S!A1", Scalar::Text("abc")},
                                         {"S!A2", Scalar::Error("#DIV/0!")}};
  EXPECT_EQ(Shown("=1/0"), "#DIV/0!");
  EXPECT_EQ(Shown("=A1*2", cells), "#VALUE!");
  EXPECT_EQ(Shown("=A2+1", cells), "#DIV/0!");
  EXPECT_EQ(Shown("=SUM(A1:A2)", cells), "#DIV/0!");
  EXPECT_EQ(Shown("=Nowhere!A1"), "#REF!");
  EXPECT_EQ(Shown("=AVERAGE(C1:C3)"), "#DIV/0!");
  EXPECT_EQ(Shown("=A1:A2"), "#VALUE!");
  EXPECT_EQ(Num("=\"12\"*2"), 24);  // numeric text converts
}

TEST(SheetFormula, SyntaxErrorsSayWhereAndWhat) {
  auto bad = [](std::string_view text) {
    auto f = Formula::Parse(text, "S");
    EXPECT_FALSE(f.has_value()) << text;
    return f ? std::string() : f.error().message();
  };
  EXPECT_NE(bad("=1+").find("expected a value"), std::string::npos);
  EXPECT_NE(bad("=SUMM(A1)").find("unknown function SUMM"), std::string::npos);
  EXPECT_NE(bad("=(1+2").find("expected ')'"), std::string::npos);
  EXPECT_NE(bad("=foo+1").find("unknown name 'foo'"), std::string::npos);
  EXPECT_NE(bad("=IF(1)").find("IF takes 2 to 3 arguments"), std::string::npos);
  EXPECT_NE(bad("=A1:ZZ10000").find("more than"), std::string::npos);
  EXPECT_NE(bad("=\"open").find("unterminated"), std::string::npos);
}

TEST(SheetFormula, LimitsNestingAndLength) {
  std::string deep = "=" + std::string(100, '(') + "1" + std::string(100, ')');
  auto f = Formula::Parse(deep, "S");
  ASSERT_FALSE(f.has_value());
  EXPECT_NE(f.error().message().find("nested more than 64"), std::string::npos);
  EXPECT_TRUE(Formula::Parse("=" + std::string(30, '(') + "1" + std::string(30, ')'), "S"));
  EXPECT_FALSE(Formula::Parse("=1" + std::string(5000, '+') + "1", "S").has_value());
}

// Random token soup: whatever parses prints a canonical text that parses to itself, and
// evaluates to a value or an error value (never a crash).
TEST(SheetFormula, CanonicalTextIsAFixedPointOnRandomFormulas) {
  const char* tokens[] = {"1", "2.5", "A1",   "B2",  "A1:B3",    "T!C3", "\"x\"", "TRUE", "+",
                          "-", "*",   "/",    "^",   "&",        "=",    "<>",    "<=",   "(",
                          ")", ",",   "SUM(", "IF(", "VLOOKUP(", "MAX(", "%",     "-"};
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  std::map<std::string, Scalar> cells = {{"S!A1", Scalar::Number(3)}, {"S!B2", Scalar::Text("b")}};
  int parsed = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text = "=";
    for (size_t k = 1 + next() % 8; k > 0; --k) text += tokens[next() % std::size(tokens)];
    auto f = Formula::Parse(text, "S");
    if (!f) continue;
    ++parsed;
    auto again = Formula::Parse(f->Text(), "S");
    ASSERT_TRUE(again.has_value()) << text << " printed as " << f->Text();
    EXPECT_EQ(again->Text(), f->Text()) << text;
    Scalar v = f->Evaluate([&](const CellRef& ref) -> Scalar {
      auto it = cells.find(ref.sheet + "!" + sheet::A1(ref.col, ref.row));
      return it == cells.end() ? Scalar() : it->second;
    });
    EXPECT_NE(v.kind, Scalar::Kind::kEmpty) << text;
  }
  EXPECT_GT(parsed, 500);
}

// --- through the tools -----------------------------------------------------------------------

const Value* SeedCell(const Session& s, const std::string& wb, const std::string& sheet,
                      const std::string& a1) {
  return s.world().Get("sheet").At("/workbooks/" + wb + "/sheets/" + sheet + "/cells/" + a1);
}

class SheetTools : public WorkplaceTest {};

TEST_F(SheetTools, SeedHoldsFormulasAndTheirValues) {
  const Value* total = SeedCell(*session_, "wb-budget", "Budget", "C10");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->Find("formula")->AsString(), "=SUM(C2:C9)");
  EXPECT_EQ(total->Find("value")->AsDouble(), 190050);
  const Value* meals = SeedCell(*session_, "wb-budget", "Budget", "F9");
  EXPECT_EQ(meals->Find("value")->AsString(), "#DIV/0!");
  EXPECT_TRUE(meals->Find("error")->AsBool());
  // VLOOKUP across sheets: Analytics Engineer is L2.
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Plan", "E2")->Find("value")->AsDouble(), 90000);
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Summary", "B5")->Find("value")->AsString(), "CFO");
}

TEST_F(SheetTools, WriteRecalculatesDependentsAcrossSheetsInOrder) {
  // Bands!E2 (load factor) -> every Plan!F -> Summary!B2 -> Summary!B5 (approval level).
  nlohmann::json out = Ok("sheet_write_cells", {{"workbook_id", "wb-headcount"},
                                                {"sheet", "Bands"},
                                                {"cells", {{{"ref", "E2"}, {"input", "2"}}}}});
  EXPECT_EQ(out["recalculated"].size(), 7u);  // F2..F6, Summary B2 and B5
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Summary", "B2")->Find("value")->AsDouble(),
            1064000);
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Summary", "B5")->Find("value")->AsString(), "CEO");
  // Clearing an input makes the lookup fail visibly.
  Ok("sheet_clear_range",
     {{"workbook_id", "wb-headcount"}, {"sheet", "Bands"}, {"range", "A3:B3"}});
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Plan", "E2")->Find("value")->AsString(), "#N/A");
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Summary", "B1")->Find("value")->AsString(),
            "#N/A");
  EXPECT_EQ(SeedCell(*session_, "wb-headcount", "Bands", "A3"), nullptr);
}

TEST_F(SheetTools, CyclesAreRefusedAndChangeNothing) {
  std::string before = session_->world().Hash();
  std::string err = Err("sheet_write_cells", {{"workbook_id", "wb-budget"},
                                              {"sheet", "Budget"},
                                              {"cells", {{{"ref", "C2"}, {"input", "=C10/2"}}}}});
  EXPECT_NE(err.find("circular reference: Budget!C2 -> Budget!C10 -> Budget!C2"), std::string::npos)
      << err;
  err = Err("sheet_write_cells", {{"workbook_id", "wb-budget"},
                                  {"sheet", "Budget"},
                                  {"cells", {{{"ref", "H1"}, {"input", "=H1+1"}}}}});
  EXPECT_NE(err.find("circular reference"), std::string::npos);
  EXPECT_EQ(session_->world().Hash(), before);
}

// Long chains recalculate in dependency order without recursion, whichever way they point.
TEST_F(SheetTools, LongChainsRecalculateInOrder) {
  nlohmann::json wb = Ok("sheet_create_workbook", {{"name", "Chains"}});
  const std::string id = wb["workbook_id"];
  constexpr int kRows = 3000;
  for (int start = 1; start <= kRows; start += 250) {
    nlohmann::json cells = nlohmann::json::array();
    for (int row = start; row < start + 250 && row <= kRows; ++row) {
      // Column A reads the row above; column B reads the row below (upward chain).
      cells.push_back(
          {{"ref", "A" + std::to_string(row)},
           {"input",
            row == 1 ? nlohmann::json(1) : nlohmann::json("=A" + std::to_string(row - 1) + "+1")}});
      cells.push_back(
          {{"ref", "B" + std::to_string(row)},
           {"input", row == kRows ? nlohmann::json(1)
                                  : nlohmann::json("=B" + std::to_string(row + 1) + "+1")}});
    }
    Ok("sheet_write_cells", {{"workbook_id", id}, {"sheet", "Sheet1"}, {"cells", cells}});
  }
  auto cell = [&](const std::string& a1) {
    return session_->world()
        .Get("sheet")
        .At("/workbooks/" + id + "/sheets/Sheet1/cells/" + a1 + "/value")
        ->AsDouble();
  };
  EXPECT_EQ(cell("A3000"), 3000);
  EXPECT_EQ(cell("B1"), 3000);
  nlohmann::json out =
      Ok("sheet_write_cells",
         {{"workbook_id", id},
          {"sheet", "Sheet1"},
          {"cells", {{{"ref", "A1"}, {"input", 101}}, {{"ref", "B3000"}, {"input", 101}}}}});
  EXPECT_EQ(out["recalculated"].size(), 2u * (kRows - 1));
  EXPECT_EQ(cell("A3000"), 3100);
  EXPECT_EQ(cell("B1"), 3100);
  // Closing the chain into a loop is refused.
  EXPECT_NE(Err("sheet_write_cells", {{"workbook_id", id},
                                      {"sheet", "Sheet1"},
                                      {"cells", {{{"ref", "A1"}, {"input", "=A3000"}}}}})
                .find("circular reference"),
            std::string::npos);
}

TEST_F(SheetTools, ErrorsNameWhatToFix) {
  EXPECT_NE(Err("sheet_read_range", {{"workbook_id", "wb-nope"}, {"sheet", "Budget"}})
                .find("sheet_list_workbooks"),
            std::string::npos);
  EXPECT_NE(Err("sheet_read_range", {{"workbook_id", "wb-budget"}, {"sheet", "Nope"}})
                .find("its sheets: Budget"),
            std::string::npos);
  EXPECT_NE(Err("sheet_write_cells", {{"workbook_id", "wb-budget"},
                                      {"sheet", "Budget"},
                                      {"cells", {{{"ref", "D2"}, {"input", "=SUM(D3:D9"}}}}})
                .find("D2: formula syntax error"),
            std::string::npos);
  EXPECT_NE(Err("sheet_write_cells", {{"workbook_id", "wb-budget"},
                                      {"sheet", "Budget"},
                                      {"cells", {{{"ref", "7D"}, {"input", 1}}}}})
                .find("not a cell reference"),
            std::string::npos);
  // Schema: cells must be an array of {ref, input}.
  EXPECT_NE(Err("sheet_write_cells",
                {{"workbook_id", "wb-budget"}, {"sheet", "Budget"}, {"cells", "D2=1"}})
                .find("cells"),
            std::string::npos);
  EXPECT_NE(Err("sheet_create_sheet", {{"workbook_id", "wb-budget"}, {"name", "budget"}})
                .find("already has a sheet"),
            std::string::npos);
}

TEST_F(SheetTools, ReadFindEvaluateAndNewSheetsResolvePendingReferences) {
  nlohmann::json range = Ok(
      "sheet_read_range", {{"workbook_id", "wb-budget"}, {"sheet", "Budget"}, {"range", "B4:C4"}});
  ASSERT_EQ(range["cells"].size(), 2u);
  EXPECT_EQ(range["cells"][0]["value"], "Rent");
  EXPECT_EQ(range["cells"][1]["value"], 11500.0);
  EXPECT_EQ(Ok("sheet_find", {{"workbook_id", "wb-headcount"}, {"query", "designer"}}).size(), 1u);
  EXPECT_EQ(Ok("sheet_evaluate",
               {{"workbook_id", "wb-budget"}, {"sheet", "Budget"}, {"formula", "C4*2"}})["value"],
            23000.0);
  // A formula on a sheet that does not exist yet is #REF! until the sheet is created.
  Ok("sheet_write_cells", {{"workbook_id", "wb-budget"},
                           {"sheet", "Budget"},
                           {"cells", {{{"ref", "H1"}, {"input", "=Notes!A1+1"}}}}});
  EXPECT_EQ(SeedCell(*session_, "wb-budget", "Budget", "H1")->Find("value")->AsString(), "#REF!");
  Ok("sheet_create_sheet", {{"workbook_id", "wb-budget"}, {"name", "Notes"}});
  EXPECT_EQ(SeedCell(*session_, "wb-budget", "Budget", "H1")->Find("value")->AsDouble(), 1);
  nlohmann::json books = Ok("sheet_list_workbooks", nlohmann::json::object());
  EXPECT_EQ(books[0]["sheets"].size(), 2u);
}

TEST_F(SheetTools, NewWorkbooksAndEvaluateErrors) {
  EXPECT_NE(
      Err("sheet_create_workbook", {{"name", "Q1"}, {"sheet", "a/b"}}).find("sheet name 'a/b'"),
      std::string::npos);
  nlohmann::json wb =
      Ok("sheet_create_workbook",
         {{"name", "Q1"},
          {"cells", {{{"ref", "A1"}, {"input", 2}}, {{"ref", "A2"}, {"input", "=A1^10"}}}}});
  const std::string id = wb["workbook_id"];
  EXPECT_EQ(Ok("sheet_read_range", {{"workbook_id", id}, {"sheet", "Sheet1"}})["cells"][1]["value"],
            1024.0);
  EXPECT_NE(Err("sheet_evaluate", {{"workbook_id", id}, {"sheet", "Sheet1"}, {"formula", "=SUM("}})
                .find("syntax error"),
            std::string::npos);
  EXPECT_EQ(Ok("sheet_evaluate",
               {{"workbook_id", id}, {"sheet", "Sheet1"}, {"formula", "A1/0"}})["value"],
            "#DIV/0!");
}

// Issue 11, defect 11: one write of 500 formulas, each summing 285 ranges of 20,000 cells
// (~2.9 billion cell reads, ~14 s of CPU before the budget) is refused by the call's compute
// budget — here with the argument cap raised, so the budget is what refuses it.
TEST_F(SheetTools, AWriteOverTheComputeBudgetIsRefusedAndChangesNothing) {
  session_ = std::make_unique<Session>(tools_, WorkplaceWorld(), clock_, 1,
                                       env::SessionLimits{.max_arguments_bytes = 4 << 20});
  const std::string id = Ok("sheet_create_workbook", {{"name", "Big"}})["workbook_id"];
  for (int row = 1; row <= 10000; row += 250) {  // A1:B10000, 20,000 numbers
    nlohmann::json cells = nlohmann::json::array();
    for (int r = row; r < row + 250; ++r) {
      cells.push_back({{"ref", "A" + std::to_string(r)}, {"input", r}});
      cells.push_back({{"ref", "B" + std::to_string(r)}, {"input", 1}});
    }
    Ok("sheet_write_cells", {{"workbook_id", id}, {"sheet", "Sheet1"}, {"cells", cells}});
  }
  std::string sum = "=SUM(A1:B10000";  // 285 ranges: SUM takes at most 255 arguments
  for (int i = 1; i < 285; ++i) sum += i == 255 ? ")+SUM(A1:B10000" : ",A1:B10000";
  sum += ")";
  ASSERT_LE(sum.size(), sheet::kMaxFormulaChars);
  nlohmann::json formulas = nlohmann::json::array();
  for (int r = 1; r <= 500; ++r) {
    formulas.push_back({{"ref", "D" + std::to_string(r)}, {"input", sum}});
  }
  const size_t steps = session_->trajectory().size();
  const std::string refused = Err(  // Err: an error result and no change to the world
      "sheet_write_cells", {{"workbook_id", id}, {"sheet", "Sheet1"}, {"cells", formulas}});
  EXPECT_NE(refused.find("operations one call may spend"), std::string::npos) << refused;
  EXPECT_NE(refused.find("nothing was changed"), std::string::npos) << refused;
  EXPECT_EQ(session_->trajectory().size(), steps + 1);  // recorded, as an error
  EXPECT_EQ(At("sheet", "/workbooks/" + id + "/sheets/Sheet1/cells/D1"), nullptr);
  // The same cost asked of sheet_evaluate is refused too; the session goes on working.
  EXPECT_NE(Err("sheet_evaluate", {{"workbook_id", id}, {"sheet", "Sheet1"}, {"formula", sum}})
                .find("formula cell reads"),
            std::string::npos);
  nlohmann::json ok =
      Ok("sheet_write_cells", {{"workbook_id", id},
                               {"sheet", "Sheet1"},
                               {"cells", {{{"ref", "D1"}, {"input", "=SUM(A1:B10000)"}}}}});
  EXPECT_EQ(ok["written"][0]["value"], 10000.0 * 10001 / 2 + 10000);
}

TEST(SheetTasks, AWrongCellIsCollateralDamage) {
  testing::ExpectCollateral(
      "sheet", "sheet-budget-software", "sheet_write_cells",
      R"({"workbook_id":"wb-budget","sheet":"Budget","cells":[{"ref":"C4","input":1}]})",
      "/sheet/workbooks/wb-budget/sheets/Budget/cells/C4");
}

}  // namespace
}  // namespace workplace
