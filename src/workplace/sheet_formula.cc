#include "workplace/sheet_formula.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace workplace::sheet {

struct Formula::Node {
  enum class Op { kNumber, kText, kBool, kRef, kRange, kCall, kNeg, kPercent, kBinary };
  Op op = Op::kNumber;
  double number = 0;
  bool boolean = false;
  std::string text;  // text literal, function name, operator, or the reference as written
  Range range;       // kRef (one cell) and kRange
  std::vector<std::shared_ptr<const Node>> kids;
};

namespace {

using Node = Formula::Node;
using NodePtr = std::shared_ptr<const Node>;
using Kind = Scalar::Kind;

char Upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }
std::string UpperText(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

constexpr std::string_view kFunctions[] = {"SUM", "AVERAGE", "MIN",    "MAX", "COUNT",
                                           "IF",  "AND",     "OR",     "NOT", "ROUND",
                                           "ABS", "IFERROR", "VLOOKUP"};

// Binding strength of a binary operator; 0 = not one.
int Precedence(std::string_view op) {
  if (op == "=" || op == "<>" || op == "<" || op == ">" || op == "<=" || op == ">=") return 1;
  if (op == "&") return 2;
  if (op == "+" || op == "-") return 3;
  if (op == "*" || op == "/") return 4;
  if (op == "^") return 5;
  return 0;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.';
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view sheet, std::vector<Range>& refs)
      : s_(text), sheet_(sheet), refs_(refs) {}

  base::Result<NodePtr> Parse() {
    ASSAY_ASSIGN_OR_RETURN(NodePtr root, Expr(1));
    Skip();
    if (i_ != s_.size()) return Fail("unexpected '" + std::string(1, s_[i_]) + "'");
    return root;
  }

 private:
  base::Error Fail(const std::string& what) const {
    return base::Error::Invalid("formula syntax error at character " + std::to_string(i_ + 2) +
                                ": " + what);
  }
  void Skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string PeekOperator() const {
    if (i_ >= s_.size()) return "";
    std::string two(s_.substr(i_, 2));
    if (two == "<=" || two == ">=" || two == "<>") return two;
    std::string one(1, s_[i_]);
    return Precedence(one) > 0 ? one : "";
  }

  base::Result<NodePtr> Expr(int min_precedence) {
    ASSAY_ASSIGN_OR_RETURN(NodePtr lhs, Unary());
    for (;;) {
      Skip();
      std::string op = PeekOperator();
      int p = Precedence(op);
      if (p == 0 || p < min_precedence) return lhs;
      i_ += op.size();
      ASSAY_ASSIGN_OR_RETURN(NodePtr rhs, Expr(p + 1));  // left-associative
      auto n = std::make_shared<Node>();
      n->op = Node::Op::kBinary;
      n->text = op;
      n->kids = {lhs, rhs};
      lhs = n;
    }
  }

  // Unary minus binds tighter than ^, as in Excel (-2^2 = 4).
  base::Result<NodePtr> Unary() {
    // Every nesting level (parentheses, arguments, unary signs) passes here: bound the recursion.
    if (++depth_ > kMaxDepth)
      return Fail("nested more than " + std::to_string(kMaxDepth) + " deep");
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    Skip();
    if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) {
      bool negate = s_[i_++] == '-';
      ASSAY_ASSIGN_OR_RETURN(NodePtr operand, Unary());
      if (!negate) return operand;
      auto n = std::make_shared<Node>();
      n->op = Node::Op::kNeg;
      n->kids = {operand};
      return NodePtr(n);
    }
    ASSAY_ASSIGN_OR_RETURN(NodePtr p, Primary());
    Skip();
    while (i_ < s_.size() && s_[i_] == '%') {
      ++i_;
      auto n = std::make_shared<Node>();
      n->op = Node::Op::kPercent;
      n->kids = {p};
      p = n;
      Skip();
    }
    return p;
  }

  base::Result<NodePtr> Primary() {
    Skip();
    if (i_ >= s_.size()) return Fail("expected a value, found the end of the formula");
    char c = s_[i_];
    if (c == '(') {
      ++i_;
      ASSAY_ASSIGN_OR_RETURN(NodePtr inner, Expr(1));
      Skip();
      if (i_ >= s_.size() || s_[i_] != ')') return Fail("expected ')'");
      ++i_;
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return NumberLiteral();
    if (c == '"') return TextLiteral();
    if (c == '\'') {
      size_t start = ++i_;
      std::string name;
      while (i_ < s_.size()) {
        if (s_[i_] == '\'' && i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
          name += '\'';
          i_ += 2;
        } else if (s_[i_] == '\'') {
          break;
        } else {
          name += s_[i_++];
        }
      }
      if (i_ >= s_.size())
        return Fail("unterminated sheet name starting at " + std::to_string(start + 1));
      ++i_;
      if (i_ >= s_.size() || s_[i_] != '!') return Fail("expected '!' after a sheet name");
      ++i_;
      return Reference(name, true);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '$' || c == '_') {
      size_t start = i_;
      while (i_ < s_.size() && IsNameChar(s_[i_])) ++i_;
      std::string name(s_.substr(start, i_ - start));
      if (i_ < s_.size() && s_[i_] == '!') {
        ++i_;
        return Reference(name, true);
      }
      size_t after = i_;
      Skip();
      if (i_ < s_.size() && s_[i_] == '(') return Call(UpperText(name));
      i_ = after;
      std::string upper = UpperText(name);
      if (upper == "TRUE" || upper == "FALSE") {
        auto n = std::make_shared<Node>();
        n->op = Node::Op::kBool;
        n->boolean = upper == "TRUE";
        return NodePtr(n);
      }
      i_ = start;
      return Reference(sheet_, false);
    }
    return Fail("unexpected '" + std::string(1, c) + "'");
  }

  base::Result<NodePtr> NumberLiteral() {
    std::string text;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.'))
      text += s_[i_++];
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      text += s_[i_++];
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) text += s_[i_++];
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) text += s_[i_++];
    }
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return Fail("malformed number '" + text + "'");
    auto n = std::make_shared<Node>();
    n->op = Node::Op::kNumber;
    n->number = d;
    return NodePtr(n);
  }

  base::Result<NodePtr> TextLiteral() {
    ++i_;
    std::string text;
    for (;;) {
      if (i_ >= s_.size()) return Fail("unterminated text (missing '\"')");
      if (s_[i_] == '"') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '"') {
          text += '"';
          i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      text += s_[i_++];
    }
    auto n = std::make_shared<Node>();
    n->op = Node::Op::kText;
    n->text = std::move(text);
    return NodePtr(n);
  }

  // A cell or range at i_, on `sheet`; `explicit_sheet` keeps the prefix in the canonical text.
  base::Result<NodePtr> Reference(const std::string& sheet, bool explicit_sheet) {
    auto token = [&] {
      size_t start = i_;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '$'))
        ++i_;
      return std::string(s_.substr(start, i_ - start));
    };
    size_t start = i_;
    std::string first = token();
    auto a = ParseA1(first, sheet);
    if (!a) {
      i_ = start;
      return Fail("unknown name '" + first + "' (expected a cell like B7, a range like A1:B9, " +
                  "or a function such as SUM)");
    }
    auto n = std::make_shared<Node>();
    n->op = Node::Op::kRef;
    n->range = {sheet, a->col, a->row, a->col, a->row};
    std::string written = UpperText(first);
    if (i_ < s_.size() && s_[i_] == ':') {
      ++i_;
      std::string second = token();
      auto b = ParseA1(second, sheet);
      if (!b) return Fail("expected a cell after ':', found '" + second + "'");
      n->op = Node::Op::kRange;
      n->range = {sheet, std::min(a->col, b->col), std::min(a->row, b->row),
                  std::max(a->col, b->col), std::max(a->row, b->row)};
      if (n->range.CellCount() > kMaxRangeCells) {
        return Fail("range " + first + ":" + second + " has more than " +
                    std::to_string(kMaxRangeCells) + " cells");
      }
      written += ":" + UpperText(second);
    }
    if (explicit_sheet) {
      bool plain = !sheet.empty() && std::all_of(sheet.begin(), sheet.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      std::string quoted;
      for (char c : sheet) quoted += c == '\'' ? std::string("''") : std::string(1, c);
      written = (plain ? sheet : "'" + quoted + "'") + "!" + written;
    }
    n->text = written;
    refs_.push_back(n->range);
    return NodePtr(n);
  }

  base::Result<NodePtr> Call(const std::string& name) {
    if (std::find(std::begin(kFunctions), std::end(kFunctions), name) == std::end(kFunctions)) {
      std::string known;
      for (std::string_view f : kFunctions) known += (known.empty() ? "" : ", ") + std::string(f);
      return Fail("unknown function " + name + " (known: " + known + ")");
    }
    ++i_;  // '('
    auto n = std::make_shared<Node>();
    n->op = Node::Op::kCall;
    n->text = name;
    Skip();
    if (i_ < s_.size() && s_[i_] == ')') {
      ++i_;
    } else {
      for (;;) {
        ASSAY_ASSIGN_OR_RETURN(NodePtr arg, Expr(1));
        n->kids.push_back(arg);
        Skip();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ')') {
          ++i_;
          break;
        }
        return Fail("expected ',' or ')' in " + name + "(…)");
      }
    }
    size_t min_args = name == "IF" || name == "IFERROR" || name == "ROUND" ? 2
                      : name == "VLOOKUP"                                  ? 3
                                                                           : 1;
    size_t max_args = name == "IF" || name == "ROUND" || name == "IFERROR" ? 3 : 255;
    if (name == "ROUND" || name == "IFERROR") max_args = 2;
    if (name == "NOT" || name == "ABS") max_args = 1;
    if (name == "VLOOKUP") max_args = 4;
    if (n->kids.size() < min_args || n->kids.size() > max_args) {
      return Fail(name + " takes " + std::to_string(min_args) +
                  (max_args == min_args ? "" : " to " + std::to_string(max_args)) +
                  " arguments, got " + std::to_string(n->kids.size()));
    }
    return NodePtr(n);
  }

  static constexpr int kMaxDepth = 64;
  std::string_view s_;
  size_t i_ = 0;
  int depth_ = 0;
  std::string sheet_;
  std::vector<Range>& refs_;
};

int NodePrecedence(const Node& n) {
  if (n.op == Node::Op::kBinary) return Precedence(n.text);
  if (n.op == Node::Op::kNeg) return 6;
  return 10;
}

void Print(const Node& n, std::string& out) {
  auto wrapped = [&](const Node& kid, bool wrap) {
    if (wrap) out += '(';
    Print(kid, out);
    if (wrap) out += ')';
  };
  switch (n.op) {
    case Node::Op::kNumber:
      out += FormatNumber(n.number);
      break;
    case Node::Op::kBool:
      out += n.boolean ? "TRUE" : "FALSE";
      break;
    case Node::Op::kText:
      out += '"';
      for (char c : n.text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
      break;
    case Node::Op::kRef:
    case Node::Op::kRange:
      out += n.text;
      break;
    case Node::Op::kCall:
      out += n.text + "(";
      for (size_t k = 0; k < n.kids.size(); ++k) {
        if (k > 0) out += ',';
        Print(*n.kids[k], out);
      }
      out += ')';
      break;
    case Node::Op::kNeg:
      out += '-';
      wrapped(*n.kids[0], NodePrecedence(*n.kids[0]) < 6);
      break;
    case Node::Op::kPercent:
      wrapped(*n.kids[0], NodePrecedence(*n.kids[0]) < 10);
      out += '%';
      break;
    case Node::Op::kBinary: {
      int p = Precedence(n.text);
      wrapped(*n.kids[0], NodePrecedence(*n.kids[0]) < p);
      out += n.text;
      wrapped(*n.kids[1], NodePrecedence(*n.kids[1]) <= p);
      break;
    }
  }
}

// --- evaluation ------------------------------------------------------------------------------

const Scalar kValueError = Scalar::Error("#VALUE!");

// The number a scalar stands for in arithmetic, or the error it causes.
bool ToNumber(const Scalar& v, double* out, Scalar* error) {
  switch (v.kind) {
    case Kind::kEmpty:
      *out = 0;
      return true;
    case Kind::kNumber:
      *out = v.number;
      return true;
    case Kind::kBool:
      *out = v.boolean ? 1 : 0;
      return true;
    case Kind::kError:
      *error = v;
      return false;
    case Kind::kText: {
      char* end = nullptr;
      *out = std::strtod(v.text.c_str(), &end);
      if (!v.text.empty() && end == v.text.c_str() + v.text.size()) return true;
      *error = kValueError;
      return false;
    }
  }
  return false;
}

bool ToBool(const Scalar& v, bool* out, Scalar* error) {
  if (v.kind == Kind::kBool) {
    *out = v.boolean;
    return true;
  }
  if (v.kind == Kind::kText) {
    std::string up = UpperText(v.text);
    if (up == "TRUE" || up == "FALSE") {
      *out = up == "TRUE";
      return true;
    }
    *error = kValueError;
    return false;
  }
  double d = 0;
  if (!ToNumber(v, &d, error)) return false;
  *out = d != 0;
  return true;
}

// Spreadsheet ordering: numbers < text < booleans; text ignores case; empty is 0 or "".
int Compare(const Scalar& a, const Scalar& b) {
  auto rank = [](const Scalar& v, const Scalar& other) {
    if (v.kind == Kind::kEmpty) return other.kind == Kind::kText ? 1 : 0;
    return v.kind == Kind::kNumber ? 0 : v.kind == Kind::kText ? 1 : 2;
  };
  int ra = rank(a, b), rb = rank(b, a);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) {
    double x = a.kind == Kind::kEmpty ? 0 : a.number, y = b.kind == Kind::kEmpty ? 0 : b.number;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra == 1) {
    std::string x = UpperText(a.text), y = UpperText(b.text);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a.boolean == b.boolean ? 0 : a.boolean ? 1 : -1;
}

Scalar Finite(double d) { return std::isfinite(d) ? Scalar::Number(d) : Scalar::Error("#NUM!"); }

class Evaluator {
 public:
  explicit Evaluator(const CellResolver& cell) : cell_(cell) {}

  Scalar Eval(const Node& n) {
    switch (n.op) {
      case Node::Op::kNumber:
        return Scalar::Number(n.number);
      case Node::Op::kText:
        return Scalar::Text(n.text);
      case Node::Op::kBool:
        return Scalar::Bool(n.boolean);
      case Node::Op::kRef:
        return cell_({n.range.sheet, n.range.col1, n.range.row1});
      case Node::Op::kRange:
        return kValueError;  // a range where one value is needed
      case Node::Op::kNeg:
      case Node::Op::kPercent: {
        double d = 0;
        Scalar err;
        if (!ToNumber(Eval(*n.kids[0]), &d, &err)) return err;
        return Scalar::Number(n.op == Node::Op::kNeg ? -d : d / 100);
      }
      case Node::Op::kBinary:
        return Binary(n);
      case Node::Op::kCall:
        return Call(n);
    }
    return kValueError;
  }

 private:
  Scalar Binary(const Node& n) {
    Scalar a = Eval(*n.kids[0]);
    if (a.is_error()) return a;
    Scalar b = Eval(*n.kids[1]);
    if (b.is_error()) return b;
    const std::string& op = n.text;
    if (Precedence(op) == 1) {
      int c = Compare(a, b);
      bool r = op == "="    ? c == 0
               : op == "<>" ? c != 0
               : op == "<"  ? c < 0
               : op == ">"  ? c > 0
               : op == "<=" ? c <= 0
                            : c >= 0;
      return Scalar::Bool(r);
    }
    if (op == "&") return Scalar::Text(a.Display() + b.Display());
    double x = 0, y = 0;
    Scalar err;
    if (!ToNumber(a, &x, &err) || !ToNumber(b, &y, &err)) return err;
    if (op == "+") return Finite(x + y);
    if (op == "-") return Finite(x - y);
    if (op == "*") return Finite(x * y);
    if (op == "/") return y == 0 ? Scalar::Error("#DIV/0!") : Finite(x / y);
    return Finite(std::pow(x, y));
  }

  // Calls f on every number an aggregate argument holds: cells of a range skip text, booleans
  // and blanks (as spreadsheets do); a direct argument is converted. Returns an error if any.
  std::optional<Scalar> Numbers(const Node& n, const std::function<void(double)>& f) {
    for (const auto& kid : n.kids) {
      if (kid->op == Node::Op::kRange || kid->op == Node::Op::kRef) {
        const Range& r = kid->range;
        for (int row = r.row1; row <= r.row2; ++row) {
          for (int col = r.col1; col <= r.col2; ++col) {
            Scalar v = cell_({r.sheet, col, row});
            if (v.is_error()) return v;
            if (v.kind == Kind::kNumber) f(v.number);
          }
        }
        continue;
      }
      double d = 0;
      Scalar err;
      if (!ToNumber(Eval(*kid), &d, &err)) return err;
      f(d);
    }
    return std::nullopt;
  }

  Scalar Call(const Node& n) {
    const std::string& fn = n.text;
    if (fn == "IF") {
      bool cond = false;
      Scalar err;
      if (!ToBool(Eval(*n.kids[0]), &cond, &err)) return err;
      if (cond) return Eval(*n.kids[1]);
      return n.kids.size() > 2 ? Eval(*n.kids[2]) : Scalar::Bool(false);
    }
    if (fn == "IFERROR") {
      Scalar v = Eval(*n.kids[0]);
      return v.is_error() ? Eval(*n.kids[1]) : v;
    }
    if (fn == "AND" || fn == "OR" || fn == "NOT") {
      bool acc = fn == "AND";
      for (const auto& kid : n.kids) {
        bool b = false;
        Scalar err;
        if (!ToBool(Eval(*kid), &b, &err)) return err;
        acc = fn == "AND" ? acc && b : fn == "OR" ? acc || b : !b;
      }
      return Scalar::Bool(acc);
    }
    if (fn == "ROUND" || fn == "ABS") {
      double x = 0, digits = 0;
      Scalar err;
      if (!ToNumber(Eval(*n.kids[0]), &x, &err)) return err;
      if (fn == "ABS") return Scalar::Number(std::fabs(x));
      if (!ToNumber(Eval(*n.kids[1]), &digits, &err)) return err;
      double scale = std::pow(10.0, std::trunc(digits));
      return Finite(std::round(x * scale) / scale);  // half away from zero, as Excel
    }
    if (fn == "VLOOKUP") return Vlookup(n);
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    int64_t count = 0;
    if (auto err = Numbers(n, [&](double d) {
          sum += d;
          lo = std::min(lo, d);
          hi = std::max(hi, d);
          ++count;
        })) {
      return *err;
    }
    if (fn == "SUM") return Finite(sum);
    if (fn == "COUNT") return Scalar::Number(static_cast<double>(count));
    if (fn == "AVERAGE") return count == 0 ? Scalar::Error("#DIV/0!") : Finite(sum / count);
    if (fn == "MIN") return Scalar::Number(count == 0 ? 0 : lo);
    return Scalar::Number(count == 0 ? 0 : hi);  // MAX
  }

  // VLOOKUP(key, table, column, [approximate = TRUE]): approximate expects the first column
  // sorted ascending and takes the last row not greater than the key.
  Scalar Vlookup(const Node& n) {
    Scalar key = Eval(*n.kids[0]);
    if (key.is_error()) return key;
    const Node& table = *n.kids[1];
    if (table.op != Node::Op::kRange && table.op != Node::Op::kRef) return kValueError;
    double column = 0;
    Scalar err;
    if (!ToNumber(Eval(*n.kids[2]), &column, &err)) return err;
    int col = static_cast<int>(std::trunc(column));
    const Range& r = table.range;
    if (col < 1) return kValueError;
    if (col > r.col2 - r.col1 + 1) return Scalar::Error("#REF!");
    bool approximate = true;
    if (n.kids.size() > 3 && !ToBool(Eval(*n.kids[3]), &approximate, &err)) return err;
    int found = -1;
    for (int row = r.row1; row <= r.row2; ++row) {
      Scalar v = cell_({r.sheet, r.col1, row});
      if (v.is_error()) return v;
      if (v.kind == Kind::kEmpty) continue;
      int c = Compare(v, key);
      bool same_type = (v.kind == Kind::kText) == (key.kind == Kind::kText);
      if (!approximate) {
        if (c == 0 && same_type) {
          found = row;
          break;
        }
      } else if (same_type) {
        if (c > 0) break;
        found = row;
      }
    }
    if (found < 0) return Scalar::Error("#N/A");
    return cell_({r.sheet, r.col1 + col - 1, found});
  }

  const CellResolver& cell_;
};

}  // namespace

std::string FormatNumber(double d) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<int64_t>(d));
  }
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {  // shortest that round-trips
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

std::string Scalar::Display() const {
  switch (kind) {
    case Kind::kEmpty:
      return "";
    case Kind::kNumber:
      return FormatNumber(number);
    case Kind::kBool:
      return boolean ? "TRUE" : "FALSE";
    case Kind::kText:
    case Kind::kError:
      return text;
  }
  return "";
}

base::Result<CellRef> ParseA1(std::string_view text, std::string_view sheet) {
  size_t i = 0;
  auto bad = [&] {
    return base::Error::Invalid("'" + std::string(text) + "' is not a cell reference like B7");
  };
  if (i < text.size() && text[i] == '$') ++i;
  int col = 0, letters = 0;
  while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
    col = col * 26 + (Upper(text[i++]) - 'A' + 1);
    if (++letters > 3) return bad();
  }
  if (letters == 0) return bad();
  if (i < text.size() && text[i] == '$') ++i;
  int row = 0, digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    row = row * 10 + (text[i++] - '0');
    if (++digits > 5) return bad();
  }
  if (digits == 0 || i != text.size()) return bad();
  if (col > kMaxCols || row < 1 || row > kMaxRows) {
    return base::Error::Invalid("cell " + std::string(text) + " is outside A1:ZZ" +
                                std::to_string(kMaxRows));
  }
  return CellRef{std::string(sheet), col - 1, row - 1};
}

base::Result<Range> ParseRange(std::string_view text, std::string_view sheet) {
  size_t colon = text.find(':');
  ASSAY_ASSIGN_OR_RETURN(CellRef a, ParseA1(text.substr(0, colon), sheet));
  CellRef b = a;
  if (colon != std::string_view::npos) {
    ASSAY_ASSIGN_OR_RETURN(b, ParseA1(text.substr(colon + 1), sheet));
  }
  Range r{std::string(sheet), std::min(a.col, b.col), std::min(a.row, b.row),
          std::max(a.col, b.col), std::max(a.row, b.row)};
  if (r.CellCount() > kMaxRangeCells) {
    return base::Error::Invalid("range " + std::string(text) + " has more than " +
                                std::to_string(kMaxRangeCells) + " cells");
  }
  return r;
}

std::string A1(int col, int row) {
  std::string letters;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return letters + std::to_string(row + 1);
}

base::Result<Formula> Formula::Parse(std::string_view text, std::string_view sheet) {
  if (text.empty() || text[0] != '=') {
    return base::Error::Invalid("a formula starts with '='");
  }
  if (text.size() > kMaxFormulaChars) {
    return base::Error::Invalid("a formula has at most " + std::to_string(kMaxFormulaChars) +
                                " characters");
  }
  Formula f;
  Parser parser(text.substr(1), sheet, f.refs_);
  ASSAY_ASSIGN_OR_RETURN(f.root_, parser.Parse());
  f.text_ = "=";
  Print(*f.root_, f.text_);
  return f;
}

Scalar Formula::Evaluate(const CellResolver& cell) const {
  Evaluator e(cell);
  Scalar v = e.Eval(*root_);
  if (v.kind == Kind::kEmpty) return Scalar::Number(0);  // =A1 on a blank shows 0
  return v;
}

}  // namespace workplace::sheet
