// libFuzzer: the sheet app's formula parser and evaluator (src/workplace/sheet_formula.h), with
// every cell reading as a number, text or an error depending on where it is.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "workplace/sheet_formula.h"

using workplace::sheet::CellRef;
using workplace::sheet::Formula;
using workplace::sheet::Scalar;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto f = Formula::Parse(text, "Sheet1");
  if (!f) {
    (void)workplace::sheet::ParseRange(text, "Sheet1");
    return 0;
  }
  const Scalar result = f->Evaluate([](const CellRef& c) {
    switch ((c.col + c.row) % 4) {
      case 0: return Scalar::Number(c.row - 3.5);
      case 1: return Scalar::Text("x" + std::to_string(c.col));
      case 2: return Scalar::Error("#DIV/0!");
      default: return Scalar{};
    }
  });
  (void)result.Display();
  (void)Formula::Parse(f->Text(), "Sheet1");
  return 0;
}
