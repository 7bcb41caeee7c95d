#include "datasets/splitters.h"

#include <cstring>

#include "datasets/records.h"

namespace datasets {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string TooLarge() {
  return "longer than " + std::to_string(kMaxRecordBytes >> 20) + " MiB";
}

}  // namespace

// ---- JSON --------------------------------------------------------------------------------------

void JsonSplitter::Append(char c) {
  if (value_.size() < kMaxRecordBytes) {
    value_ += c;
  } else {
    too_large_ = true;
  }
}

void JsonSplitter::StartValue(char c) {
  in_value_ = true;
  value_line_ = line_;
  value_.clear();
  too_large_ = false;
  depth_ = 0;
  in_string_ = c == '"';
  escape_ = false;
  scalar_ = c != '{' && c != '[' && c != '"';
  if (c == '{' || c == '[') depth_ = 1;
  Append(c);
}

void JsonSplitter::EndValue(const PieceFn& on, std::string error) {
  in_value_ = false;
  if (error.empty() && too_large_) error = TooLarge();
  on(Piece{value_, value_line_, std::move(error)});
  value_.clear();
  expect_value_ = false;
}

void JsonSplitter::Feed(std::string_view chunk, const PieceFn& on) {
  size_t i = 0;
  if (top_ == Top::kStart) {
    while (i < chunk.size() && IsSpace(chunk[i])) {
      if (chunk[i] == '\n') ++line_;
      ++i;
    }
    if (i == chunk.size()) return;
    if (chunk[i] == '[') {
      top_ = Top::kArray;
      ++i;
    } else {
      top_ = Top::kValues;
    }
  }
  if (top_ == Top::kValues && mode_ == Mode::kLines) {
    // JSONL: a value is a line. memchr finds the ends; a line split across chunks is carried.
    while (i < chunk.size()) {
      const char* nl = static_cast<const char*>(std::memchr(chunk.data() + i, '\n', chunk.size() - i));
      const size_t end = nl ? static_cast<size_t>(nl - chunk.data()) : chunk.size();
      if (!in_value_) {
        in_value_ = true;
        value_line_ = line_;
        value_.clear();
        too_large_ = false;
      }
      const size_t take = end - i;
      if (value_.size() + take <= kMaxRecordBytes) value_.append(chunk.data() + i, take);
      else too_large_ = true;
      i = end;
      if (!nl) break;
      ++i;
      ++line_;
      in_value_ = false;
      std::string_view text = value_;
      while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
      while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
      if (text.empty() && !too_large_) continue;  // a blank line
      on(Piece{text, value_line_, too_large_ ? TooLarge() : std::string()});
    }
    return;
  }
  for (; i < chunk.size(); ++i) {
    const char c = chunk[i];
    if (in_value_) {
      if (in_string_) {
        if (c == '\n') {  // a raw line break never belongs in a JSON string
          ++line_;
          if (mode_ == Mode::kLines || top_ == Top::kValues) {
            EndValue(on, "a string is not closed on its line");
            continue;
          }
        }
        Append(c);
        if (escape_) escape_ = false;
        else if (c == '\\') escape_ = true;
        else if (c == '"') {
          in_string_ = false;
          if (depth_ == 0) EndValue(on);
        }
        continue;
      }
      if (scalar_ && (IsSpace(c) || c == ',' || c == ']')) {
        EndValue(on);
        --i;  // the separator is seen again outside the value
        continue;
      }
      if (c == '\n') ++line_;
      Append(c);
      if (c == '"') in_string_ = true;
      else if (c == '{' || c == '[') ++depth_;
      else if ((c == '}' || c == ']') && --depth_ == 0) EndValue(on);
      continue;
    }
    if (c == '\n') ++line_;
    if (IsSpace(c)) continue;
    if (top_ == Top::kArray) {
      if (c == ']' && !expect_value_) {
        top_ = Top::kArrayDone;
        continue;
      }
      if (c == ',' && !expect_value_) {
        expect_value_ = true;
        continue;
      }
      if (!expect_value_ || c == ',' || c == ']') {
        if (trailing_.empty()) trailing_ = "line " + std::to_string(line_) + ": expected , or ] between array elements";
        continue;
      }
      StartValue(c);
      if (!scalar_ && !in_string_ && depth_ == 0) EndValue(on);
      continue;
    }
    if (top_ == Top::kArrayDone) {
      if (trailing_.empty()) trailing_ = "line " + std::to_string(line_) + ": content after the array's closing ]";
      continue;
    }
    StartValue(c);  // kValues
  }
}

std::string JsonSplitter::Finish(const PieceFn& on) {
  if (top_ == Top::kValues && mode_ == Mode::kLines) {
    if (in_value_) {
      std::string_view text = value_;
      while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
      while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
      if (!text.empty() || too_large_) on(Piece{text, value_line_, too_large_ ? TooLarge() : std::string()});
    }
    in_value_ = false;
    return "";
  }
  if (in_value_) {
    if (scalar_) {
      EndValue(on);
    } else {
      return "the file ends inside the value that starts on line " + std::to_string(value_line_);
    }
  }
  if (top_ == Top::kArray) return "the file ends before the array's closing ] (line " + std::to_string(line_) + ")";
  return trailing_;
}

// ---- CSV ---------------------------------------------------------------------------------------

void CsvSplitter::EndField() {
  fields_.push_back(std::move(field_));
  field_.clear();
  quote_seen_ = false;
}

void CsvSplitter::EndRow(const RowFn& on) {
  EndField();
  const bool blank = fields_.size() == 1 && fields_[0].empty();
  if (!blank || too_large_) on(fields_, row_line_, too_large_ ? TooLarge() : std::string());
  fields_.clear();
  row_started_ = false;
  row_bytes_ = 0;
  too_large_ = false;
}

void CsvSplitter::Feed(std::string_view chunk, const RowFn& on) {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  size_t i = 0;
  while (first_bytes_ && i < chunk.size() && bom_seen_ < kBom.size()) {
    if (chunk[i] != kBom[bom_seen_]) {
      // Not a byte order mark: the bytes taken for one belong to the first field.
      field_.append(kBom.substr(0, bom_seen_));
      first_bytes_ = false;
      break;
    }
    ++bom_seen_;
    ++i;
  }
  if (bom_seen_ == kBom.size()) first_bytes_ = false;
  if (first_bytes_ && i == chunk.size()) return;
  first_bytes_ = false;
  for (; i < chunk.size(); ++i) {
    const char c = chunk[i];
    if (!row_started_) {
      row_started_ = true;
      row_line_ = line_;
    }
    if (++row_bytes_ > kMaxRecordBytes) {
      too_large_ = true;
      field_.clear();
    }
    if (cr_pending_) {  // a \r outside quotes is kept unless a \n follows it
      cr_pending_ = false;
      if (c != '\n' && !too_large_) field_ += '\r';
    }
    if (in_quotes_) {
      if (c == '"') {
        in_quotes_ = false;
        quote_seen_ = true;
      } else {
        if (c == '\n') ++line_;
        if (!too_large_) field_ += c;
      }
      continue;
    }
    if (c == '"') {
      if (quote_seen_) field_ += '"';  // "" inside a quoted field
      in_quotes_ = true;
      continue;
    }
    quote_seen_ = false;
    if (c == ',') {
      EndField();
    } else if (c == '\n') {
      ++line_;
      EndRow(on);
    } else if (c == '\r') {
      cr_pending_ = true;
    } else if (!too_large_) {
      field_ += c;
    }
  }
}

std::string CsvSplitter::Finish(const RowFn& on) {
  if (in_quotes_) return "the file ends inside the quoted field of the row that starts on line " + std::to_string(row_line_);
  cr_pending_ = false;
  if (row_started_) EndRow(on);
  return "";
}

}  // namespace datasets
