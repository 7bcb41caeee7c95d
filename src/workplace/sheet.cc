#include "workplace/sheet.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "workplace/app_kit.h"
#include "workplace/sheet_formula.h"

namespace workplace {
namespace {

using kit::Params;
using kit::Ptr;
using sheet::CellRef;
using sheet::Formula;
using sheet::Range;
using sheet::Scalar;

const std::string kApp(kSheetApp);
constexpr size_t kMaxCellsPerWrite = 500;

// What the sheet's work is charged as (env::Budget): every cell loaded, dependency-index entry
// built, reader tested and formula cell read is one operation. A write reloads and re-indexes its
// workbook, so a workbook grown past what one call may spend refuses writes, not the server.
constexpr std::string_view kLoadWork = "workbook cells loaded";
constexpr std::string_view kIndexWork = "formula dependencies indexed";
constexpr std::string_view kReadWork = "formula cell reads";

// A workbook loaded for evaluation: every non-empty cell, with formulas parsed.
struct Cell {
  std::optional<Formula> formula;
  Scalar value;
};
struct Book {
  std::map<CellRef, Cell> cells;
  std::set<std::string> sheets;
};

bool SameScalar(const Scalar& a, const Scalar& b) {
  return a.kind == b.kind && a.number == b.number && a.boolean == b.boolean && a.text == b.text;
}

Scalar ScalarOf(const Value& cell) {
  const Value* v = cell.Find("value");
  if (v == nullptr || v->is_null()) return {};
  if (cell.Find("error") != nullptr && v->is_string()) return Scalar::Error(v->AsString());
  if (v->is_number()) return Scalar::Number(v->AsDouble());
  if (v->is_bool()) return Scalar::Bool(v->AsBool());
  return Scalar::Text(v->is_string() ? v->AsString() : v->Canonical());
}

Value ValueOf(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::kEmpty:
      return Value();
    case Scalar::Kind::kNumber:
      return Value::Float(s.number);
    case Scalar::Kind::kBool:
      return Value::Bool(s.boolean);
    case Scalar::Kind::kText:
    case Scalar::Kind::kError:
      return Value::String(s.text);
  }
  return Value();
}

Value CellRecord(const Cell& c) {
  std::vector<Value::Member> m = {{"value", ValueOf(c.value)}};
  if (c.formula) m.emplace_back("formula", Value::String(c.formula->Text()));
  if (c.value.is_error()) m.emplace_back("error", Value::Bool(true));
  return Value::Object(std::move(m));
}

nlohmann::json CellJson(const CellRef& ref, const Cell& c) {
  nlohmann::json j = {{"ref", sheet::A1(ref.col, ref.row)}, {"value", ValueOf(c.value).ToJson()}};
  if (c.formula) j["formula"] = c.formula->Text();
  if (c.value.is_error()) j["error"] = true;
  return j;
}

Book LoadBook(const Value& workbook, env::Budget& budget) {
  Book book;
  for (const auto& [name, sheet] : workbook.Find("sheets")->members()) {
    book.sheets.insert(name);
    for (const auto& [a1, cell] : sheet.Find("cells")->members()) {
      if (!budget.Spend(1, kLoadWork)) return book;
      auto ref = sheet::ParseA1(a1, name);
      if (!ref) continue;
      Cell c;
      if (const std::string& text = kit::Field(cell, "formula"); !text.empty()) {
        if (auto f = Formula::Parse(text, name)) c.formula = std::move(*f);
      }
      c.value = ScalarOf(cell);
      book.cells[*ref] = std::move(c);
    }
  }
  return book;
}

// Which formula cells read which cells. Ranges of up to kExpandCells cells are indexed cell by
// cell; wider ones (SUM(E2:E50)) are kept as ranges and tested, so building the index and
// looking a cell up stay near linear in the number of formulas.
class ReaderIndex {
 public:
  static constexpr int64_t kExpandCells = 64;

  ReaderIndex(const Book& book, env::Budget& budget) : budget_(budget) {
    for (const auto& [at, cell] : book.cells) {
      if (!cell.formula) continue;
      for (const Range& r : cell.formula->References()) {
        if (!budget.Spend(r.CellCount() > kExpandCells ? 1 : r.CellCount(), kIndexWork)) return;
        if (r.CellCount() > kExpandCells) {
          wide_.emplace_back(r, at);
          continue;
        }
        for (int row = r.row1; row <= r.row2; ++row) {
          for (int col = r.col1; col <= r.col2; ++col) by_cell_[{r.sheet, col, row}].push_back(at);
        }
      }
    }
  }

  // Formula cells whose references cover `ref` (a reader may appear twice). Testing the wide
  // ranges is charged; past the budget the answer is empty.
  std::vector<CellRef> Readers(const CellRef& ref) const {
    std::vector<CellRef> out;
    if (!budget_.Spend(1 + static_cast<int64_t>(wide_.size()), kIndexWork)) return out;
    if (auto it = by_cell_.find(ref); it != by_cell_.end()) out = it->second;
    for (const auto& [range, reader] : wide_) {
      if (range.Contains(ref)) out.push_back(reader);
    }
    return out;
  }

 private:
  env::Budget& budget_;
  std::map<CellRef, std::vector<CellRef>> by_cell_;
  std::vector<std::pair<Range, CellRef>> wide_;
};

std::string RefName(const CellRef& ref) { return ref.sheet + "!" + sheet::A1(ref.col, ref.row); }

// `seeds` and every formula cell that reads them, transitively.
std::set<CellRef> Dirty(const ReaderIndex& index, const std::set<CellRef>& seeds) {
  std::set<CellRef> dirty;
  std::vector<CellRef> queue(seeds.begin(), seeds.end());
  while (!queue.empty()) {
    CellRef at = queue.back();
    queue.pop_back();
    if (!dirty.insert(at).second) continue;
    for (const CellRef& reader : index.Readers(at)) queue.push_back(reader);
  }
  return dirty;
}

// The dirty formula cells in an order where each comes after the dirty cells it reads (Kahn's
// algorithm, no recursion however long a chain is). A cell that never becomes ready is on or
// behind a reference cycle: the error names one cycle.
base::Result<std::vector<CellRef>> EvaluationOrder(const Book& book, const ReaderIndex& index,
                                                   const std::set<CellRef>& dirty) {
  // Formula cell -> the dirty formula cells it reads, from the reader side of the index.
  std::map<CellRef, std::vector<CellRef>> reads;
  auto is_formula = [&](const CellRef& c) {
    auto it = book.cells.find(c);
    return it != book.cells.end() && it->second.formula.has_value();
  };
  for (const CellRef& at : dirty) {
    if (is_formula(at)) reads[at];
  }
  for (const CellRef& at : dirty) {
    if (!is_formula(at)) continue;
    for (const CellRef& reader : index.Readers(at)) {
      if (dirty.count(reader)) reads[reader].push_back(at);
    }
  }
  std::map<CellRef, size_t> waiting;
  std::map<CellRef, std::vector<CellRef>> readers;
  std::vector<CellRef> ready;
  for (const auto& [at, deps] : reads) {
    waiting[at] = deps.size();
    for (const CellRef& d : deps) readers[d].push_back(at);
    if (deps.empty()) ready.push_back(at);
  }
  std::vector<CellRef> order;
  while (!ready.empty()) {
    CellRef at = ready.back();
    ready.pop_back();
    order.push_back(at);
    for (const CellRef& r : readers[at]) {
      if (--waiting[r] == 0) ready.push_back(r);
    }
  }
  if (order.size() == reads.size()) return order;
  // Walk from a stuck cell through stuck cells it reads until one repeats: that is a loop.
  auto stuck = [&](const CellRef& c) { return waiting[c] > 0; };
  CellRef at = std::find_if(reads.begin(), reads.end(), [&](const auto& e) {
                 return stuck(e.first);
               })->first;
  std::vector<CellRef> path;
  while (std::find(path.begin(), path.end(), at) == path.end()) {
    path.push_back(at);
    at = *std::find_if(reads[at].begin(), reads[at].end(), stuck);
  }
  std::string loop;
  for (auto it = std::find(path.begin(), path.end(), at); it != path.end(); ++it) {
    loop += RefName(*it) + " -> ";
  }
  return base::Error::Invalid("circular reference: " + loop + RefName(at) +
                              "; no cell was changed (a formula may not depend on itself)");
}

// A formula's view of the book's cells; each read is charged, and past the budget every read is
// an error, so an evaluation stops at its next range instead of reading it through.
sheet::CellResolver CellValues(const Book& book, env::Budget& budget) {
  return [&book, &budget](const CellRef& ref) -> Scalar {
    if (!budget.Spend(1, kReadWork)) return Scalar::Error("#VALUE!");
    if (!book.sheets.count(ref.sheet)) return Scalar::Error("#REF!");
    auto it = book.cells.find(ref);
    return it == book.cells.end() ? Scalar() : it->second.value;
  };
}

base::Error OverBudget() {
  return base::Error(base::ErrorCode::kResourceExhausted,
                     "the write needs more work than one call may spend; nothing was changed");
}

// Re-evaluates `seeds` and every cell that reads them, in dependency order; returns the cells
// whose value changed, or the cycle that makes an order impossible.
base::Result<std::set<CellRef>> Recalculate(Book& book, const std::set<CellRef>& seeds,
                                            env::Budget& budget) {
  const ReaderIndex index(book, budget);
  const std::set<CellRef> dirty = Dirty(index, seeds);
  if (budget.exhausted()) return OverBudget();
  ASSAY_ASSIGN_OR_RETURN(std::vector<CellRef> order, EvaluationOrder(book, index, dirty));
  const sheet::CellResolver value = CellValues(book, budget);
  std::set<CellRef> changed;
  for (const CellRef& ref : order) {
    if (budget.exhausted()) return OverBudget();
    Cell& cell = book.cells.at(ref);
    Scalar v = cell.formula->Evaluate(value);
    if (!SameScalar(v, cell.value)) {
      cell.value = std::move(v);
      changed.insert(ref);
    }
  }
  return changed;
}

// What a user typed: "=…" is a formula; numbers, TRUE/FALSE and text are values; null or ""
// clears the cell (nullopt).
base::Result<std::optional<Cell>> ParseInput(const nlohmann::json& input, const CellRef& ref) {
  Cell c;
  if (input.is_null()) return std::optional<Cell>();
  if (input.is_boolean()) {
    c.value = Scalar::Bool(input.get<bool>());
  } else if (input.is_number()) {
    c.value = Scalar::Number(input.get<double>());
  } else {
    const std::string text = input.get<std::string>();
    if (text.empty()) return std::optional<Cell>();
    if (text[0] == '=') {
      auto f = Formula::Parse(text, ref.sheet);
      if (!f) {
        return base::Error::Invalid(sheet::A1(ref.col, ref.row) + ": " + f.error().message());
      }
      c.formula = std::move(*f);
    } else if (text == "TRUE" || text == "FALSE") {
      c.value = Scalar::Bool(text == "TRUE");
    } else {
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      bool numeric = end == text.c_str() + text.size() && !std::isspace(text[0]);
      c.value = numeric ? Scalar::Number(d) : Scalar::Text(text);
    }
  }
  return std::optional<Cell>(std::move(c));
}

struct WriteOutcome {
  Value workbook;
  nlohmann::json written = nlohmann::json::array();
  nlohmann::json recalculated = nlohmann::json::array();
};

// Applies inputs ({A1 ref, input}) on one sheet of `workbook` and recalculates; a cycle, or work
// past the budget, refuses the whole write.
base::Result<WriteOutcome> ApplyInputs(
    const Value& workbook, const std::string& sheet_name,
    const std::vector<std::pair<std::string, nlohmann::json>>& inputs, env::Budget& budget,
    std::set<CellRef> extra_seeds = {}) {
  Book book = LoadBook(workbook, budget);
  if (budget.exhausted()) return OverBudget();
  std::set<CellRef> written;
  for (const auto& [a1, input] : inputs) {
    ASSAY_ASSIGN_OR_RETURN(CellRef ref, sheet::ParseA1(a1, sheet_name));
    ASSAY_ASSIGN_OR_RETURN(std::optional<Cell> cell, ParseInput(input, ref));
    if (cell) {
      book.cells[ref] = std::move(*cell);
    } else {
      book.cells.erase(ref);
    }
    written.insert(ref);
  }
  std::set<CellRef> seeds = written;
  seeds.insert(extra_seeds.begin(), extra_seeds.end());
  ASSAY_ASSIGN_OR_RETURN(std::set<CellRef> changed, Recalculate(book, seeds, budget));
  if (budget.exhausted()) return OverBudget();
  WriteOutcome out;
  out.workbook = workbook;
  std::set<CellRef> touched = written;
  touched.insert(changed.begin(), changed.end());
  for (const CellRef& ref : touched) {
    std::string path = Ptr({"sheets", ref.sheet, "cells", sheet::A1(ref.col, ref.row)});
    auto it = book.cells.find(ref);
    if (it != book.cells.end()) {
      out.workbook = kit::Put(out.workbook, path, CellRecord(it->second));
      (written.count(ref) ? out.written : out.recalculated).push_back(CellJson(ref, it->second));
    } else if (out.workbook.At(path) != nullptr) {
      out.workbook = *out.workbook.RemoveAt(path);
      out.written.push_back({{"ref", sheet::A1(ref.col, ref.row)}, {"value", nullptr}});
    }
  }
  return out;
}

Value NewSheet(const std::string& name, int64_t index) {
  return Value::Object({{"name", Value::String(name)},
                        {"index", Value::Int(index)},
                        {"cells", Value::EmptyObject()}});
}

// --- tools -----------------------------------------------------------------------------------

const Value* GetWorkbook(const ToolContext& ctx, const std::string& id) {
  return ctx.State(kApp).Find("workbooks")->Find(id);
}

ToolResult NoWorkbook(const std::string& id) {
  return ToolResult::Error("workbook '" + id +
                           "' not found; sheet_list_workbooks lists the workbooks");
}

ToolResult NoSheet(const Value& wb, const std::string& sheet) {
  std::string names;
  for (const auto& [name, s] : wb.Find("sheets")->members()) {
    names += (names.empty() ? "" : ", ") + name;
  }
  return ToolResult::Error("sheet '" + sheet + "' not found in workbook " + kit::Field(wb, "id") +
                           "; its sheets: " + names);
}

std::string UsedRange(const Value& sheet) {
  int c1 = 1 << 20, r1 = 1 << 20, c2 = -1, r2 = -1;
  for (const auto& [a1, cell] : sheet.Find("cells")->members()) {
    auto ref = sheet::ParseA1(a1, "");
    if (!ref) continue;
    c1 = std::min(c1, ref->col), r1 = std::min(r1, ref->row);
    c2 = std::max(c2, ref->col), r2 = std::max(r2, ref->row);
  }
  return c2 < 0 ? "" : sheet::A1(c1, r1) + ":" + sheet::A1(c2, r2);
}

ToolResult ListWorkbooks(ToolContext& ctx, const nlohmann::json&) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, wb] : ctx.State(kApp).Find("workbooks")->members()) {
    nlohmann::json sheets = nlohmann::json::array();
    std::vector<std::pair<int64_t, const Value*>> ordered;
    for (const auto& [name, s] : wb.Find("sheets")->members()) {
      ordered.emplace_back(kit::IntField(s, "index"), &s);
    }
    std::sort(ordered.begin(), ordered.end());
    for (const auto& [index, s] : ordered) {
      sheets.push_back({{"name", kit::Field(*s, "name")},
                        {"used_range", UsedRange(*s)},
                        {"cells", s->Find("cells")->size()}});
    }
    out.push_back({{"id", id},
                   {"name", kit::Field(wb, "name")},
                   {"owner_id", kit::Field(wb, "owner_id")},
                   {"sheets", sheets}});
  }
  return kit::OkJson(out);
}

ToolResult ReadRange(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "workbook_id"), sheet_name = Arg(args, "sheet");
  const Value* wb = GetWorkbook(ctx, id);
  if (wb == nullptr) return NoWorkbook(id);
  const Value* sheet = wb->Find("sheets")->Find(sheet_name);
  if (sheet == nullptr) return NoSheet(*wb, sheet_name);
  std::string range_text = Arg(args, "range", UsedRange(*sheet));
  nlohmann::json cells = nlohmann::json::array();
  if (!range_text.empty()) {
    ASSAY_ASSIGN_OR_RETURN_TOOL(Range range, sheet::ParseRange(range_text, sheet_name));
    std::vector<std::pair<CellRef, const Value*>> hits;
    for (const auto& [a1, cell] : sheet->Find("cells")->members()) {
      auto ref = sheet::ParseA1(a1, sheet_name);
      if (ref && range.Contains(*ref)) hits.emplace_back(*ref, &cell);
    }
    std::sort(hits.begin(), hits.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [ref, cell] : hits) {
      nlohmann::json j = cell->ToJson();
      j["ref"] = sheet::A1(ref.col, ref.row);
      cells.push_back(std::move(j));
    }
  }
  return kit::OkJson(
      {{"workbook_id", id}, {"sheet", sheet_name}, {"range", range_text}, {"cells", cells}});
}

ToolResult WriteCells(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "workbook_id"), sheet_name = Arg(args, "sheet");
  const Value* wb = GetWorkbook(ctx, id);
  if (wb == nullptr) return NoWorkbook(id);
  if (wb->Find("sheets")->Find(sheet_name) == nullptr) return NoSheet(*wb, sheet_name);
  if (args["cells"].size() > kMaxCellsPerWrite) {
    return ToolResult::Error("at most " + std::to_string(kMaxCellsPerWrite) +
                             " cells per call; split the write");
  }
  std::vector<std::pair<std::string, nlohmann::json>> inputs;
  for (const auto& c : args["cells"]) inputs.emplace_back(c["ref"].get<std::string>(), c["input"]);
  ASSAY_ASSIGN_OR_RETURN_TOOL(WriteOutcome out, ApplyInputs(*wb, sheet_name, inputs, ctx.budget()));
  ctx.SetState(kApp, kit::Put(ctx.State(kApp), Ptr({"workbooks", id}), out.workbook));
  return kit::OkJson({{"written", out.written}, {"recalculated", out.recalculated}});
}

ToolResult ClearRange(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "workbook_id"), sheet_name = Arg(args, "sheet");
  const Value* wb = GetWorkbook(ctx, id);
  if (wb == nullptr) return NoWorkbook(id);
  const Value* sheet = wb->Find("sheets")->Find(sheet_name);
  if (sheet == nullptr) return NoSheet(*wb, sheet_name);
  ASSAY_ASSIGN_OR_RETURN_TOOL(Range range, sheet::ParseRange(Arg(args, "range"), sheet_name));
  std::vector<std::pair<std::string, nlohmann::json>> inputs;
  for (const auto& [a1, cell] : sheet->Find("cells")->members()) {
    auto ref = sheet::ParseA1(a1, sheet_name);
    if (ref && range.Contains(*ref)) inputs.emplace_back(a1, nullptr);
  }
  ASSAY_ASSIGN_OR_RETURN_TOOL(WriteOutcome out, ApplyInputs(*wb, sheet_name, inputs, ctx.budget()));
  ctx.SetState(kApp, kit::Put(ctx.State(kApp), Ptr({"workbooks", id}), out.workbook));
  return kit::OkJson({{"cleared", out.written.size()}, {"recalculated", out.recalculated}});
}

base::Status ValidSheetName(const std::string& name) {
  if (name.empty() || name.size() > 31 || name.find_first_of("[]:*?/\\'!") != std::string::npos) {
    return base::Error::Invalid("sheet name '" + name +
                                "' must be 1-31 characters without [ ] : * ? / \\ ' !");
  }
  return base::Ok();
}

ToolResult CreateSheet(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "workbook_id"), name = Arg(args, "name");
  const Value* wb = GetWorkbook(ctx, id);
  if (wb == nullptr) return NoWorkbook(id);
  if (auto ok = ValidSheetName(name); !ok) return ToolResult::Error(ok.error().message());
  for (const auto& [existing, s] : wb->Find("sheets")->members()) {
    if (ContainsIgnoreCase(existing, name) && existing.size() == name.size()) {
      return ToolResult::Error("workbook " + id + " already has a sheet named '" + existing + "'");
    }
  }
  Value next = *wb;
  next = kit::Put(next, Ptr({"sheets", name}),
                  NewSheet(name, static_cast<int64_t>(wb->Find("sheets")->size())));
  // Formulas that referred to the missing sheet (#REF!) now read it.
  std::set<CellRef> seeds;
  for (const auto& [at, cell] : LoadBook(*wb, ctx.budget()).cells) {
    if (!cell.formula) continue;
    for (const Range& r : cell.formula->References()) {
      if (r.sheet == name) seeds.insert(at);
    }
  }
  ASSAY_ASSIGN_OR_RETURN_TOOL(WriteOutcome out, ApplyInputs(next, name, {}, ctx.budget(), seeds));
  ctx.SetState(kApp, kit::Put(ctx.State(kApp), Ptr({"workbooks", id}), out.workbook));
  return kit::OkJson({{"workbook_id", id}, {"sheet", name}, {"recalculated", out.recalculated}});
}

ToolResult CreateWorkbook(ToolContext& ctx, const nlohmann::json& args) {
  const std::string name = Arg(args, "name"), first = Arg(args, "sheet", "Sheet1");
  if (name.empty()) return ToolResult::Error("a workbook needs a name");
  if (auto ok = ValidSheetName(first); !ok) return ToolResult::Error(ok.error().message());
  const std::string id = ctx.NewId();
  Value wb = Value::Object({{"id", Value::String(id)},
                            {"name", Value::String(name)},
                            {"owner_id", Value::String(Arg(args, "owner_id"))},
                            {"sheets", Value::Object({{first, NewSheet(first, 0)}})}});
  if (args.contains("cells")) {
    std::vector<std::pair<std::string, nlohmann::json>> inputs;
    for (const auto& c : args["cells"]) {
      inputs.emplace_back(c["ref"].get<std::string>(), c["input"]);
    }
    ASSAY_ASSIGN_OR_RETURN_TOOL(WriteOutcome out, ApplyInputs(wb, first, inputs, ctx.budget()));
    wb = out.workbook;
  }
  ctx.SetState(kApp, kit::Put(ctx.State(kApp), Ptr({"workbooks", id}), wb));
  return kit::OkJson({{"workbook_id", id}, {"sheet", first}});
}

ToolResult Find(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "workbook_id"), query = Arg(args, "query");
  const Value* wb = GetWorkbook(ctx, id);
  if (wb == nullptr) return NoWorkbook(id);
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& [name, sheet] : wb->Find("sheets")->members()) {
    for (const auto& [a1, cell] : sheet.Find("cells")->members()) {
      if (!ctx.budget().Spend(1, "cells searched")) break;
      const Value* v = cell.Find("value");
      std::string shown = v == nullptr     ? ""
                          : v->is_string() ? v->AsString()
                          : v->is_number() ? sheet::FormatNumber(v->AsDouble())
                                           : v->Canonical();
      if (ContainsIgnoreCase(shown, query) ||
          ContainsIgnoreCase(kit::Field(cell, "formula"), query)) {
        nlohmann::json j = cell.ToJson();
        j["sheet"] = name;
        j["ref"] = a1;
        hits.push_back(std::move(j));
      }
      if (hits.size() >= 100) break;
    }
  }
  return kit::OkJson(hits);
}

ToolResult Evaluate(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "workbook_id"), sheet_name = Arg(args, "sheet");
  const Value* wb = GetWorkbook(ctx, id);
  if (wb == nullptr) return NoWorkbook(id);
  if (wb->Find("sheets")->Find(sheet_name) == nullptr) return NoSheet(*wb, sheet_name);
  std::string text = Arg(args, "formula");
  if (text.empty() || text[0] != '=') text = "=" + text;
  ASSAY_ASSIGN_OR_RETURN_TOOL(Formula f, Formula::Parse(text, sheet_name));
  const Book book = LoadBook(*wb, ctx.budget());
  Scalar v = f.Evaluate(CellValues(book, ctx.budget()));
  nlohmann::json out = {{"formula", f.Text()}, {"value", ValueOf(v).ToJson()}};
  if (v.is_error()) out["error"] = true;
  return kit::OkJson(out);
}

constexpr const char* kWbSheet =
    R"("workbook_id":{"type":"string","description":"workbook id from sheet_list_workbooks"},
       "sheet":{"type":"string","description":"sheet name, e.g. Budget"})";

const std::string kCellsSchema = R"({"type":"array","minItems":1,"maxItems":500,
    "items":{"type":"object","properties":{"ref":{"type":"string","description":"A1 cell, e.g. D4"},
    "input":{"type":["string","number","boolean","null"]}},
    "required":["ref","input"],"additionalProperties":false}})";

}  // namespace

base::Status RegisterSheetTools(ToolRegistry& r) {
  const std::string wb_sheet = kWbSheet;
  const std::vector<Tool> tools = {
      {"sheet_list_workbooks", "List workbooks with their sheets and used ranges.", Params("", ""),
       true, kApp, ListWorkbooks},
      {"sheet_read_range",
       "Read the non-empty cells of a range (default: the sheet's used range): value, and the "
       "formula for formula cells.",
       Params(wb_sheet + R"(,"range":{"type":"string","description":"e.g. A1:F10"})",
              R"("workbook_id","sheet")"),
       true, kApp, ReadRange},
      {"sheet_write_cells",
       "Write cells on one sheet. An input starting with '=' is a formula (+ - * / ^ &, "
       "comparisons, A1 refs, ranges, Sheet!A1, SUM AVERAGE MIN MAX COUNT IF AND OR NOT ROUND ABS "
       "IFERROR VLOOKUP); numbers, TRUE/FALSE and text are values; null or \"\" clears. Cells "
       "that depend on the written ones are recalculated. Circular references are refused.",
       Params(wb_sheet + R"(,"cells":)" + kCellsSchema, R"("workbook_id","sheet","cells")"), false,
       kApp, WriteCells},
      {"sheet_clear_range", "Clear every cell of a range; dependents are recalculated.",
       Params(wb_sheet + R"(,"range":{"type":"string"})", R"("workbook_id","sheet","range")"),
       false, kApp, ClearRange},
      {"sheet_create_sheet", "Add an empty sheet to a workbook.",
       Params(R"("workbook_id":{"type":"string"},"name":{"type":"string"})",
              R"("workbook_id","name")"),
       false, kApp, CreateSheet},
      {"sheet_create_workbook",
       "Create a workbook with one sheet (default 'Sheet1'), optionally with initial cells "
       "(same inputs as sheet_write_cells).",
       Params(R"("name":{"type":"string"},"sheet":{"type":"string"},
              "owner_id":{"type":"string","description":"person id, e.g. u-dwhitfield"},
              "cells":)" +
                  kCellsSchema + "",
              R"("name")"),
       false, kApp, CreateWorkbook},
      {"sheet_find", "Find cells whose value or formula contains text (case-insensitive).",
       Params(R"("workbook_id":{"type":"string"},"query":{"type":"string","minLength":1})",
              R"("workbook_id","query")"),
       true, kApp, Find},
      {"sheet_evaluate", "Evaluate a formula against a sheet without writing it.",
       Params(wb_sheet + R"(,"formula":{"type":"string"})", R"("workbook_id","sheet","formula")"),
       true, kApp, Evaluate},
  };
  for (const Tool& tool : tools) ASSAY_TRY(r.Register(tool));
  return base::Ok();
}

// --- seed ------------------------------------------------------------------------------------

namespace {

using Inputs = std::vector<std::pair<std::string, nlohmann::json>>;

// A workbook built through the same evaluator the tools use, so stored values are consistent.
Value BuildWorkbook(const std::string& id, const std::string& name, const std::string& owner,
                    const std::vector<std::pair<std::string, Inputs>>& sheets) {
  std::vector<Value::Member> sheet_members;
  for (size_t i = 0; i < sheets.size(); ++i) {
    sheet_members.emplace_back(sheets[i].first, NewSheet(sheets[i].first, static_cast<int64_t>(i)));
  }
  Value wb = Value::Object({{"id", Value::String(id)},
                            {"name", Value::String(name)},
                            {"owner_id", Value::String(owner)},
                            {"sheets", Value::Object(std::move(sheet_members))}});
  env::Budget unlimited(std::numeric_limits<int64_t>::max());  // the seed is ours
  for (const auto& [sheet_name, inputs] : sheets) {
    auto out = ApplyInputs(wb, sheet_name, inputs, unlimited);
    assert(out.has_value());
    if (out) wb = out->workbook;
  }
  // Later sheets may be read by earlier ones: recalculate everything once more.
  std::set<CellRef> all;
  for (const auto& [ref, cell] : LoadBook(wb, unlimited).cells) all.insert(ref);
  auto out = ApplyInputs(wb, sheets[0].first, {}, unlimited, all);
  return out ? out->workbook : wb;
}

Inputs Row(int row, std::initializer_list<std::pair<char, nlohmann::json>> cells) {
  Inputs out;
  for (const auto& [col, input] : cells) out.emplace_back(col + std::to_string(row), input);
  return out;
}

Inputs Concat(std::initializer_list<Inputs> parts) {
  Inputs out;
  for (const Inputs& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Inputs BudgetRow(int row, int account, const char* name, double budget) {
  std::string r = std::to_string(row);
  return Row(row, {{'A', account},
                   {'B', name},
                   {'C', budget},
                   {'E', "=D" + r + "-C" + r},
                   {'F', "=IF(C" + r + "=0,0,E" + r + "/C" + r + ")"}});
}

Inputs PlanRow(int row, const char* role, const char* dept, const char* level, const char* start) {
  std::string r = std::to_string(row);
  return Row(row, {{'A', role},
                   {'B', dept},
                   {'C', level},
                   {'D', start},
                   {'E', "=VLOOKUP(C" + r + ",Bands!$A$2:$B$6,2,FALSE)"},
                   {'F', "=E" + r + "*Bands!$E$2"}});
}

}  // namespace

Value SheetSeed() {
  Inputs budget = Concat({
      Row(1, {{'A', "Account"},
              {'B', "Name"},
              {'C', "Budget"},
              {'D', "Actual"},
              {'E', "Variance"},
              {'F', "Variance %"}}),
      BudgetRow(2, 6000, "Salaries & wages", 171000),
      BudgetRow(3, 6020, "Insurance & benefits", 900),
      BudgetRow(4, 6100, "Rent", 11500),
      BudgetRow(5, 6200, "Software & hosting", 3500),
      BudgetRow(6, 6300, "Office supplies", 600),
      BudgetRow(7, 6600, "Professional fees", 2500),
      BudgetRow(8, 6800, "Bank fees", 50),
      // Meals has no budget and was entered with a plain ratio: it shows #DIV/0!.
      Row(9, {{'A', 6900},
              {'B', "Meals & entertainment"},
              {'C', 0},
              {'E', "=D9-C9"},
              {'F', "=E9/C9"}}),
      Row(10, {{'B', "Total"},
               {'C', "=SUM(C2:C9)"},
               {'D', "=SUM(D2:D9)"},
               {'E', "=D10-C10"},
               {'F', "=IF(C10=0,0,E10/C10)"}}),
  });
  Inputs plan = Concat({
      Row(1, {{'A', "Role"},
              {'B', "Department"},
              {'C', "Level"},
              {'D', "Start"},
              {'E', "Base salary"},
              {'F', "Loaded cost"}}),
      PlanRow(2, "Analytics Engineer", "Engineering", "L2", "2026-01"),
      PlanRow(3, "Senior Data Scientist", "Data Science", "L4", "2026-02"),
      PlanRow(4, "Account Executive", "Sales", "L3", "2026-01"),
      PlanRow(5, "Support Specialist", "Customer Success", "L1", "2026-03"),
      PlanRow(6, "Product Designer", "Product", "L3", "2026-04"),
  });
  Inputs bands = Concat({
      Row(1, {{'A', "Level"}, {'B', "Base salary"}}),
      Row(2, {{'A', "L1"}, {'B', 72000}, {'D', "Load factor"}, {'E', 1.22}}),
      Row(3, {{'A', "L2"}, {'B', 90000}}),
      Row(4, {{'A', "L3"}, {'B', 115000}}),
      Row(5, {{'A', "L4"}, {'B', 140000}}),
      Row(6, {{'A', "L5"}, {'B', 170000}}),
  });
  Inputs summary = Concat({
      Row(1, {{'A', "Total base"},
              {'B', "=SUM(Plan!E2:E50)"},
              {'D', "Loaded cost from"},
              {'E', "Approver"}}),
      Row(2, {{'A', "Total loaded"}, {'B', "=SUM(Plan!F2:F50)"}, {'D', 0}, {'E', "VP People"}}),
      Row(3, {{'A', "Hires"}, {'B', "=COUNT(Plan!E2:E50)"}, {'D', 500000}, {'E', "CFO"}}),
      Row(4, {{'A', "Average base"}, {'B', "=AVERAGE(Plan!E2:E50)"}, {'D', 1000000}, {'E', "CEO"}}),
      Row(5, {{'A', "Approver"}, {'B', "=VLOOKUP(B2,D2:E4,2,TRUE)"}}),
  });
  Value workbooks = Value::Object({
      {"wb-budget", BuildWorkbook("wb-budget", "October 2025 Budget vs Actuals", "u-dwhitfield",
                                  {{"Budget", budget}})},
      {"wb-headcount", BuildWorkbook("wb-headcount", "Headcount Plan 2026", "u-gkim",
                                     {{"Plan", plan}, {"Bands", bands}, {"Summary", summary}})},
  });
  return Value::Object({{"workbooks", workbooks}});
}

// --- tasks -----------------------------------------------------------------------------------

namespace {

std::string CellPath(const std::string& wb, const std::string& sheet, const std::string& a1) {
  return Ptr({kApp, "workbooks", wb, "sheets", sheet, "cells", a1});
}
std::string Budget(const std::string& a1) { return CellPath("wb-budget", "Budget", a1); }
std::string Plan(const std::string& sheet, const std::string& a1) {
  return CellPath("wb-headcount", sheet, a1);
}

nlohmann::json Cells(std::initializer_list<std::pair<const char*, nlohmann::json>> cells) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [ref, input] : cells) out.push_back({{"ref", ref}, {"input", input}});
  return out;
}

Action Write(const char* wb, const char* sheet, nlohmann::json cells) {
  return kit::Act("sheet_write_cells",
                  {{"workbook_id", wb}, {"sheet", sheet}, {"cells", std::move(cells)}});
}

}  // namespace

base::Result<std::vector<Task>> SheetTasks(const World& w, const ToolRegistry& /*tools*/) {
  std::vector<Task> tasks;
  tasks.push_back(kit::MakeTask(
      "sheet-budget-software",
      "Dana approved a bigger hosting budget: in the October budget vs actuals workbook, set the "
      "Software & hosting budget to $4,000.",
      w, {Write("wb-budget", "Budget", Cells({{"C5", 4000}}))},
      {PathEquals(Budget("C5") + "/value", Value::Float(4000)),
       PathEquals(Budget("C10") + "/value", Value::Float(190550)),
       PathEquals(Budget("E10") + "/value", Value::Float(-190550))},
      kit::Changes({Budget("C5"), Budget("E5"), Budget("C10"), Budget("E10")})));

  tasks.push_back(kit::MakeTask(
      "sheet-fix-div0",
      "The Variance % of Meals & entertainment in the October budget vs actuals shows #DIV/0! "
      "because it has no budget. Make it show 0 when the budget is 0, like the other rows.",
      w, {Write("wb-budget", "Budget", Cells({{"F9", "=IF(C9=0,0,E9/C9)"}}))},
      {PathEquals(Budget("F9") + "/value", Value::Float(0)), PathAbsent(Budget("F9") + "/error"),
       PathExists(Budget("F9") + "/formula")},
      kit::Changes({Budget("F9")})));

  tasks.push_back(kit::MakeTask(
      "sheet-headcount-new-hire",
      "Add the new Data Engineer hire (Engineering, level L3, starting 2026-02) to the 2026 "
      "headcount plan in the row after the last hire, with base salary looked up from the Bands "
      "sheet and loaded cost computed like the other rows.",
      w,
      {Write("wb-headcount", "Plan",
             Cells({{"A7", "Data Engineer"},
                    {"B7", "Engineering"},
                    {"C7", "L3"},
                    {"D7", "2026-02"},
                    {"E7", "=VLOOKUP(C7,Bands!$A$2:$B$6,2,FALSE)"},
                    {"F7", "=E7*Bands!$E$2"}}))},
      {PathEquals(Plan("Plan", "A7") + "/value", Value::String("Data Engineer")),
       PathEquals(Plan("Plan", "C7") + "/value", Value::String("L3")),
       PathExists(Plan("Plan", "E7") + "/formula"), PathExists(Plan("Plan", "F7") + "/formula"),
       kit::NumberNear(Plan("Plan", "E7") + "/value", 115000),
       kit::NumberNear(Plan("Plan", "F7") + "/value", 140300),
       PathEquals(Plan("Summary", "B3") + "/value", Value::Float(6))},
      kit::Changes({Plan("Plan", "A7"), Plan("Plan", "B7"), Plan("Plan", "C7"), Plan("Plan", "D7"),
                    Plan("Plan", "E7"), Plan("Plan", "F7"), Plan("Summary", "B1"),
                    Plan("Summary", "B2"), Plan("Summary", "B3"), Plan("Summary", "B4")})));

  tasks.push_back(kit::MakeTask(
      "sheet-forecast-sheet",
      "In the October budget vs actuals workbook, add a sheet named Forecast with the label "
      "'Q4 budget' in A1 and, in B1, a formula for three times the total October budget "
      "(Budget!C10), so it follows the budget when it changes.",
      w,
      {kit::Act("sheet_create_sheet", {{"workbook_id", "wb-budget"}, {"name", "Forecast"}}),
       Write("wb-budget", "Forecast", Cells({{"A1", "Q4 budget"}, {"B1", "=Budget!C10*3"}}))},
      {PathEquals(CellPath("wb-budget", "Forecast", "A1") + "/value", Value::String("Q4 budget")),
       kit::NumberNear(CellPath("wb-budget", "Forecast", "B1") + "/value", 570150),
       kit::Holds("Forecast!B1 reads Budget!C10",
                  [](const World& fw) -> std::optional<std::string> {
                    const Value root = fw.AsValue();
                    const Value* f = root.At(CellPath("wb-budget", "Forecast", "B1") + "/formula");
                    if (f == nullptr || !f->is_string() ||
                        !ContainsIgnoreCase(f->AsString(), "Budget!C10")) {
                      return std::string("Forecast!B1 has no formula reading Budget!C10");
                    }
                    return std::nullopt;
                  })},
      kit::Changes({Ptr({kApp, "workbooks", "wb-budget", "sheets", "Forecast"})})));

  tasks.push_back(kit::MakeTask(
      "sheet-band-raise",
      "Compensation review: raise the L2 base salary in the headcount plan's Bands sheet to "
      "$98,000.",
      w, {Write("wb-headcount", "Bands", Cells({{"B3", 98000}}))},
      {PathEquals(Plan("Bands", "B3") + "/value", Value::Float(98000)),
       PathEquals(Plan("Plan", "E2") + "/value", Value::Float(98000)),
       PathEquals(Plan("Summary", "B1") + "/value", Value::Float(540000))},
      kit::Changes({Plan("Bands", "B3"), Plan("Plan", "E2"), Plan("Plan", "F2"),
                    Plan("Summary", "B1"), Plan("Summary", "B2"), Plan("Summary", "B4")})));

  {
    nlohmann::json cells = Cells({{"G1", "Status"}});
    std::vector<std::string> paths = {Budget("G1")};
    std::vector<Predicate> predicates = {
        PathEquals(Budget("G1") + "/value", Value::String("Status"))};
    for (int row = 2; row <= 9; ++row) {
      std::string r = std::to_string(row), g = "G" + r;
      cells.push_back({{"ref", g}, {"input", "=IF(D" + r + ">C" + r + ",\"Over\",\"OK\")"}});
      paths.push_back(Budget(g));
      predicates.push_back(PathEquals(Budget(g) + "/value", Value::String("OK")));
      predicates.push_back(PathExists(Budget(g) + "/formula"));
    }
    std::vector<ExpectedChange> changes;
    for (const std::string& p : paths) changes.push_back({p, std::nullopt});
    tasks.push_back(kit::MakeTask(
        "sheet-status-column",
        "Add a Status column G to the October budget vs actuals sheet: header 'Status' in G1 and, "
        "for each account row (2 to 9), a formula showing \"Over\" when the actual exceeds the "
        "budget and \"OK\" otherwise.",
        w, {Write("wb-budget", "Budget", cells)}, std::move(predicates), std::move(changes)));
  }

  tasks.push_back(kit::MakeTask(
      "sheet-offsite-workbook",
      "Create a workbook named 'Offsite 2026 budget' for Dana (u-dwhitfield) listing Venue 4,500, "
      "Catering 2,150 and Travel 3,800 (names in column A, amounts in column B, rows 1-3) with "
      "'Total' in A4 and a SUM formula in B4.",
      w,
      // The workbook id is generated, so the checker looks for the content.
      {kit::Act("sheet_create_workbook", {{"name", "Offsite 2026 budget"},
                                          {"owner_id", "u-dwhitfield"},
                                          {"cells", Cells({{"A1", "Venue"},
                                                           {"B1", 4500},
                                                           {"A2", "Catering"},
                                                           {"B2", 2150},
                                                           {"A3", "Travel"},
                                                           {"B3", 3800},
                                                           {"A4", "Total"},
                                                           {"B4", "=SUM(B1:B3)"}})}})},
      {kit::Holds("a workbook 'Offsite 2026 budget' totals 10450 with SUM in B4",
                  [](const World& fw) -> std::optional<std::string> {
                    const Value* wb =
                        kit::FindRecord(fw.Get(kApp).Find("workbooks"), [](const Value& r) {
                          return kit::Field(r, "name") == "Offsite 2026 budget";
                        });
                    if (wb == nullptr)
                      return std::string("no workbook named 'Offsite 2026 budget'");
                    if (kit::Field(*wb, "owner_id") != "u-dwhitfield")
                      return std::string("owner is not u-dwhitfield");
                    for (const auto& [name, sheet] : wb->Find("sheets")->members()) {
                      const Value* b4 = sheet.At("/cells/B4");
                      const Value* a4 = sheet.At("/cells/A4/value");
                      if (b4 != nullptr && a4 != nullptr && *a4 == Value::String("Total") &&
                          ContainsIgnoreCase(kit::Field(*b4, "formula"), "SUM(") &&
                          *b4->Find("value") == Value::Float(10450)) {
                        return std::nullopt;
                      }
                    }
                    return std::string("no sheet with Total in A4 and =SUM(…) = 10450 in B4");
                  }),
       kit::Unchanged(Ptr({kApp, "workbooks", "wb-budget"}), w),
       kit::Unchanged(Ptr({kApp, "workbooks", "wb-headcount"}), w)},
      kit::Changes({Ptr({kApp, "workbooks"})})));
  return tasks;
}

}  // namespace workplace
