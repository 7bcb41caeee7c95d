// calculate(): the reference evaluates the expression with Python's eval after checking that it
// holds only "0123456789+-*/(). ", then returns str(round(float(result), 2)). We parse the same
// language (Python arithmetic on int and float literals: + - * / // ** unary signs, parentheses)
// and keep Python's int/float distinction so results print alike.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "env/value.h"
#include "workplace/tau2/retail.h"

namespace workplace::tau2 {
namespace {

constexpr int kMaxDepth = 200;  // nesting limit (Python's parser has one too)

struct Number {
  bool is_int = true;
  int64_t i = 0;
  double d = 0;
  double AsDouble() const { return is_int ? static_cast<double>(i) : d; }
  static Number Int(int64_t v) { return {true, v, 0}; }
  static Number Float(double v) { return {false, 0, v}; }
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  base::Result<Number> ParseAll() {
    ASSAY_ASSIGN_OR_RETURN(Number n, Expr(0));
    SkipSpaces();
    if (pos_ != text_.size()) return Syntax();
    return n;
  }

 private:
  static base::Error Syntax() { return base::Error::Invalid("invalid syntax (<string>, line 1)"); }

  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  bool Eat(std::string_view token) {
    SkipSpaces();
    if (text_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  char Peek() {
    SkipSpaces();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool PeekIs(std::string_view token) {
    SkipSpaces();
    return text_.substr(pos_, token.size()) == token;
  }

  // expr := term (('+'|'-') term)*
  base::Result<Number> Expr(int depth) {
    if (depth > kMaxDepth) return base::Error::Invalid("too many nested parentheses");
    ASSAY_ASSIGN_OR_RETURN(Number left, Term(depth));
    while (true) {
      const char op = Peek();
      if (op != '+' && op != '-') return left;
      ++pos_;
      ASSAY_ASSIGN_OR_RETURN(Number right, Term(depth));
      left = AddSub(left, right, op == '-');
    }
  }

  // term := factor (('*'|'/'|'//') factor)*   ('**' binds tighter; handled in Power)
  base::Result<Number> Term(int depth) {
    ASSAY_ASSIGN_OR_RETURN(Number left, Factor(depth));
    while (true) {
      if (PeekIs("**")) return left;  // cannot follow a complete factor; a syntax error later
      if (Eat("//")) {
        ASSAY_ASSIGN_OR_RETURN(Number right, Factor(depth));
        ASSAY_ASSIGN_OR_RETURN(left, FloorDiv(left, right));
      } else if (Eat("*")) {
        ASSAY_ASSIGN_OR_RETURN(Number right, Factor(depth));
        left = Mul(left, right);
      } else if (Eat("/")) {
        ASSAY_ASSIGN_OR_RETURN(Number right, Factor(depth));
        ASSAY_ASSIGN_OR_RETURN(left, Div(left, right));
      } else {
        return left;
      }
    }
  }

  // factor := ('+'|'-') factor | power
  base::Result<Number> Factor(int depth) {
    if (depth > kMaxDepth) return base::Error::Invalid("too many nested operators");
    const char c = Peek();
    if (c == '+' || c == '-') {
      ++pos_;
      ASSAY_ASSIGN_OR_RETURN(Number n, Factor(depth + 1));
      if (c == '-') n = n.is_int ? Number::Int(-n.i) : Number::Float(-n.d);
      return n;
    }
    return Power(depth);
  }

  // power := atom ['**' factor]
  base::Result<Number> Power(int depth) {
    ASSAY_ASSIGN_OR_RETURN(Number base, Atom(depth));
    if (!Eat("**")) return base;
    ASSAY_ASSIGN_OR_RETURN(Number exponent, Factor(depth + 1));
    return Pow(base, exponent);
  }

  base::Result<Number> Atom(int depth) {
    const char c = Peek();
    if (c == '(') {
      ++pos_;
      ASSAY_ASSIGN_OR_RETURN(Number n, Expr(depth + 1));
      if (!Eat(")")) return Syntax();
      return n;
    }
    return Literal();
  }

  base::Result<Number> Literal() {
    SkipSpaces();
    const size_t start = pos_;
    bool dot = false;
    while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
                                   (text_[pos_] == '.' && !dot))) {
      dot = dot || text_[pos_] == '.';
      ++pos_;
    }
    std::string literal(text_.substr(start, pos_ - start));
    if (literal.empty() || literal == ".") return Syntax();
    if (dot) return Number::Float(std::strtod(literal.c_str(), nullptr));
    // Python 3 rejects leading zeros in non-zero decimal integers ("012").
    if (literal.size() > 1 && literal[0] == '0' &&
        literal.find_first_not_of('0') != std::string::npos) {
      return Syntax();
    }
    errno = 0;
    const long long v = std::strtoll(literal.c_str(), nullptr, 10);
    if (errno == ERANGE) return Number::Float(std::strtod(literal.c_str(), nullptr));
    return Number::Int(v);
  }

  static Number AddSub(Number a, Number b, bool subtract) {
    if (a.is_int && b.is_int) {
      int64_t r = 0;
      const bool overflow =
          subtract ? __builtin_sub_overflow(a.i, b.i, &r) : __builtin_add_overflow(a.i, b.i, &r);
      if (!overflow) return Number::Int(r);
    }
    return Number::Float(subtract ? a.AsDouble() - b.AsDouble() : a.AsDouble() + b.AsDouble());
  }

  static Number Mul(Number a, Number b) {
    if (a.is_int && b.is_int) {
      int64_t r = 0;
      if (!__builtin_mul_overflow(a.i, b.i, &r)) return Number::Int(r);
    }
    return Number::Float(a.AsDouble() * b.AsDouble());
  }

  static base::Result<Number> Div(Number a, Number b) {
    if (b.AsDouble() == 0) {
      return base::Error::Invalid(a.is_int && b.is_int ? "division by zero"
                                                       : "float division by zero");
    }
    return Number::Float(a.AsDouble() / b.AsDouble());
  }

  static base::Result<Number> FloorDiv(Number a, Number b) {
    if (b.AsDouble() == 0) {
      return base::Error::Invalid(a.is_int && b.is_int ? "integer division or modulo by zero"
                                                       : "float floor division by zero");
    }
    if (a.is_int && b.is_int) {
      int64_t q = a.i / b.i;
      if ((a.i % b.i != 0) && ((a.i < 0) != (b.i < 0))) --q;
      return Number::Int(q);
    }
    return Number::Float(std::floor(a.AsDouble() / b.AsDouble()));
  }

  static base::Result<Number> Pow(Number a, Number b) {
    if (a.is_int && b.is_int && b.i >= 0) {
      if (a.i == 0 || a.i == 1) return Number::Int(b.i == 0 ? 1 : a.i);
      if (a.i == -1) return Number::Int(b.i % 2 == 0 ? 1 : -1);
      int64_t r = 1;
      bool overflow = false;
      for (int64_t k = 0; k < b.i && !overflow; ++k) overflow = __builtin_mul_overflow(r, a.i, &r);
      if (!overflow) return Number::Int(r);
      return Number::Float(std::pow(a.AsDouble(), b.AsDouble()));
    }
    if (a.AsDouble() == 0 && b.AsDouble() < 0) {
      return base::Error::Invalid("0.0 cannot be raised to a negative power");
    }
    return Number::Float(std::pow(a.AsDouble(), b.AsDouble()));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

base::Result<std::string> Calculate(std::string_view expression) {
  for (char c : expression) {
    if (std::string_view("0123456789+-*/(). ").find(c) == std::string_view::npos) {
      return base::Error::Invalid("Invalid characters in expression");
    }
  }
  if (expression.size() > 10000) return base::Error::Invalid("expression too long");
  ASSAY_ASSIGN_OR_RETURN(Number n, Parser(expression).ParseAll());
  return env::PythonFloatRepr(env::PythonRound(n.AsDouble(), 2));
}

}  // namespace workplace::tau2
