// The byte-level halves of the record readers (records.h): cut a stream fed in chunks of any
// size into JSON values or CSV rows, keeping at most one value or row (kMaxRecordBytes) and the
// line it started on. No parsing beyond the boundaries: what the pieces mean is records.cc's.
//
//   datasets::JsonSplitter split(datasets::JsonSplitter::Mode::kLines);
//   split.Feed(chunk, [](const datasets::Piece& p) { … p.text, p.line, p.error … });
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace datasets {

// A value or row cut from the stream. error: the piece could not be cut whole (too large, a
// JSONL line with unbalanced brackets); text is then what there was.
struct Piece {
  std::string_view text;
  int64_t line = 0;
  std::string error;
};
using PieceFn = std::function<void(const Piece&)>;

// JSON values: the elements of one top-level array ("[v, v]"), or values one after another.
class JsonSplitter {
 public:
  enum class Mode {
    kLines,   // JSONL: a value ends at its line's end; a line that does not hold one is an error
    kValues,  // values may span lines (a pretty-printed object) and follow each other
  };
  explicit JsonSplitter(Mode mode) : mode_(mode) {}
  // Starts the file as an array when its first byte (after whitespace) is '['.
  void Feed(std::string_view chunk, const PieceFn& on);
  // "" at a clean end, else what is wrong (a value or the array left open).
  std::string Finish(const PieceFn& on);
  bool is_array() const { return top_ == Top::kArray || top_ == Top::kArrayDone; }

 private:
  enum class Top { kStart, kArray, kArrayDone, kValues };
  void StartValue(char c);
  void EndValue(const PieceFn& on, std::string error = {});
  void Append(char c);

  Mode mode_;
  Top top_ = Top::kStart;
  bool in_value_ = false, in_string_ = false, escape_ = false, scalar_ = false;
  bool expect_value_ = true;  // in an array: a value must come next (after '[' or ',')
  int depth_ = 0;
  int64_t line_ = 1, value_line_ = 0;
  std::string value_;
  bool too_large_ = false;
  std::string trailing_;  // an error seen between values, reported once
};

// RFC 4180 rows: fields separated by ',', quoted with '"' ("" inside quotes is one quote), rows
// ending at CR LF or LF outside quotes. A UTF-8 byte order mark at the start is dropped.
class CsvSplitter {
 public:
  using RowFn = std::function<void(const std::vector<std::string>& fields, int64_t line, const std::string& error)>;
  void Feed(std::string_view chunk, const RowFn& on);
  std::string Finish(const RowFn& on);

 private:
  void EndField();
  void EndRow(const RowFn& on);

  std::vector<std::string> fields_;
  std::string field_;
  bool in_quotes_ = false, quote_seen_ = false, row_started_ = false, cr_pending_ = false;
  bool first_bytes_ = true;
  size_t row_bytes_ = 0;
  bool too_large_ = false;
  int64_t line_ = 1, row_line_ = 1;
  size_t bom_seen_ = 0;
};

}  // namespace datasets
