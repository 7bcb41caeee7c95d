#include "qc/parse.h"

#include <algorithm>
#include <string>
#include <thread>

namespace qc {
namespace {

using base::Error;
using base::Status;

constexpr int64_t kProgressEveryRows = int64_t{1} << 20;

std::string LineError(int64_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

// Splits one CSV record starting at `pos`; advances pos past its line end. Quoted fields with
// "" escapes are unescaped into scratch (one reused string per field slot).
Status SplitCsvRecord(std::string_view text, size_t* pos, int64_t line,
                      std::vector<std::string_view>* fields, std::vector<std::string>* scratch) {
  fields->clear();
  size_t i = *pos;
  const size_t n = text.size();
  while (true) {
    if (i < n && text[i] == '"') {
      size_t start = ++i;
      bool escaped = false;
      while (true) {
        const size_t q = text.find('"', i);
        if (q == std::string_view::npos) return Error::Invalid(LineError(line, "unterminated quote"));
        if (q + 1 < n && text[q + 1] == '"') {
          escaped = true;
          i = q + 2;
          continue;
        }
        i = q + 1;
        std::string_view raw = text.substr(start, q - start);
        if (escaped) {
          if (scratch->size() <= fields->size()) scratch->resize(fields->size() + 1);
          std::string& s = (*scratch)[fields->size()];
          s.clear();
          for (size_t k = 0; k < raw.size(); ++k) {
            s.push_back(raw[k]);
            if (raw[k] == '"') ++k;  // skip the second quote of ""
          }
          raw = s;
        }
        fields->push_back(raw);
        break;
      }
      if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return Error::Invalid(LineError(line, "unexpected character after closing quote"));
      }
    } else {
      size_t end = i;
      while (end < n && text[end] != ',' && text[end] != '\n') ++end;
      size_t stop = end;
      if (stop > i && text[stop - 1] == '\r' && (end == n || text[end] == '\n')) --stop;
      fields->push_back(text.substr(i, stop - i));
      i = end;
    }
    if (i < n && text[i] == '\r') ++i;
    if (i >= n || text[i] == '\n') {
      *pos = i < n ? i + 1 : n;
      return base::Ok();
    }
    ++i;  // comma
  }
}

// Maps wanted column names to their positions in the header.
base::Result<std::vector<size_t>> ColumnPositions(const std::vector<std::string_view>& header,
                                                  const std::vector<std::string_view>& columns) {
  std::vector<size_t> positions;
  for (std::string_view column : columns) {
    auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end()) {
      return Error::Invalid("line 1: header has no column '" + std::string(column) + "'");
    }
    positions.push_back(static_cast<size_t>(it - header.begin()));
  }
  return positions;
}

bool IsBlank(std::string_view text, size_t pos) {
  return pos >= text.size() || text[pos] == '\n' || (text[pos] == '\r' && (pos + 1 >= text.size() || text[pos + 1] == '\n'));
}

size_t SkipLine(std::string_view text, size_t pos) {
  const size_t nl = text.find('\n', pos);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

// Where the wanted columns sit, from the header record.
struct CsvLayout {
  size_t body_start = 0;  // offset of the first data record
  size_t header_size = 0;
  std::vector<size_t> positions;
};

base::Result<CsvLayout> ParseCsvHeader(std::string_view text,
                                       const std::vector<std::string_view>& columns) {
  std::vector<std::string_view> fields;
  std::vector<std::string> scratch;
  CsvLayout layout;
  ASSAY_TRY(SplitCsvRecord(text, &layout.body_start, 1, &fields, &scratch));
  layout.header_size = fields.size();
  ASSAY_ASSIGN_OR_RETURN(layout.positions, ColumnPositions(fields, columns));
  return layout;
}

// Templates over the row callback so the per-row call inlines (ForEachRow wraps them for
// callers with a std::function). Parses records from `pos` to the end of `text`; `line` is the
// line number just before the first record.
template <typename OnRow>
Status ForEachCsvBodyRow(std::string_view text, size_t pos, int64_t line, const CsvLayout& layout,
                         const OnRow& on_row, const ProgressFn& progress) {
  std::vector<std::string_view> fields, picked(layout.positions.size());
  std::vector<std::string> scratch;
  int64_t rows = 0;
  while (pos < text.size()) {
    ++line;
    if (IsBlank(text, pos)) {
      pos = SkipLine(text, pos);
      continue;
    }
    ASSAY_TRY(SplitCsvRecord(text, &pos, line, &fields, &scratch));
    if (fields.size() != layout.header_size) {
      return Error::Invalid(LineError(line, "expected " + std::to_string(layout.header_size) +
                                                " fields, got " + std::to_string(fields.size())));
    }
    for (size_t c = 0; c < picked.size(); ++c) picked[c] = fields[layout.positions[c]];
    ASSAY_TRY(on_row(picked, line));
    if (progress && ++rows % kProgressEveryRows == 0) progress(pos, text.size());
  }
  if (progress) progress(text.size(), text.size());
  return base::Ok();
}

std::string_view StripBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

template <typename OnRow>
Status ForEachCsvRow(std::string_view text, const std::vector<std::string_view>& columns,
                     const OnRow& on_row, const ProgressFn& progress) {
  text = StripBom(text);
  ASSAY_ASSIGN_OR_RETURN(const CsvLayout layout, ParseCsvHeader(text, columns));
  return ForEachCsvBodyRow(text, layout.body_start, 1, layout, on_row, progress);
}

// --- JSONL: flat objects only; nested values are skipped. ---

struct JsonCursor {
  std::string_view text;
  size_t pos;
  void SkipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r')) ++pos;
  }
};

// Parses a JSON string at the cursor (opening quote); unescapes into *scratch when needed.
bool ParseJsonString(JsonCursor* c, std::string* scratch, std::string_view* out) {
  const size_t start = ++c->pos;
  while (c->pos < c->text.size() && c->text[c->pos] != '"' && c->text[c->pos] != '\\') ++c->pos;
  if (c->pos < c->text.size() && c->text[c->pos] == '"') {
    *out = c->text.substr(start, c->pos - start);
    ++c->pos;
    return true;
  }
  scratch->assign(c->text.substr(start, c->pos - start));
  while (c->pos < c->text.size() && c->text[c->pos] != '"') {
    char ch = c->text[c->pos++];
    if (ch == '\n') return false;
    if (ch != '\\') {
      scratch->push_back(ch);
      continue;
    }
    if (c->pos >= c->text.size()) return false;
    const char e = c->text[c->pos++];
    switch (e) {
      case 'n': scratch->push_back('\n'); break;
      case 't': scratch->push_back('\t'); break;
      case 'r': scratch->push_back('\r'); break;
      case 'b': scratch->push_back('\b'); break;
      case 'f': scratch->push_back('\f'); break;
      case 'u': {
        if (c->pos + 4 > c->text.size()) return false;
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
          const char h = c->text[c->pos++];
          const int digit = h >= '0' && h <= '9' ? h - '0'
                            : h >= 'a' && h <= 'f' ? h - 'a' + 10
                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
          if (digit < 0) return false;
          cp = cp * 16 + static_cast<unsigned>(digit);
        }
        if (cp < 0x80) {
          scratch->push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          scratch->push_back(static_cast<char>(0xC0 | (cp >> 6)));
          scratch->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {  // surrogate pairs are kept as two 3-byte sequences (ids only need stability)
          scratch->push_back(static_cast<char>(0xE0 | (cp >> 12)));
          scratch->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          scratch->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: scratch->push_back(e);
    }
  }
  if (c->pos >= c->text.size()) return false;
  ++c->pos;
  *out = *scratch;
  return true;
}

// Skips a non-string value (number, literal, nested object/array); returns its raw text.
bool ParseJsonRaw(JsonCursor* c, std::string_view* out) {
  const size_t start = c->pos;
  int depth = 0;
  while (c->pos < c->text.size() && c->text[c->pos] != '\n') {
    const char ch = c->text[c->pos];
    if (ch == '"') {
      std::string ignored;
      std::string_view v;
      if (!ParseJsonString(c, &ignored, &v)) return false;
      continue;
    }
    if (ch == '{' || ch == '[') ++depth;
    if (ch == '}' || ch == ']') {
      if (depth == 0) break;
      --depth;
    }
    if (ch == ',' && depth == 0) break;
    ++c->pos;
  }
  size_t end = c->pos;
  while (end > start && (c->text[end - 1] == ' ' || c->text[end - 1] == '\t' || c->text[end - 1] == '\r')) --end;
  *out = c->text.substr(start, end - start);
  return end > start;
}

Status ParseJsonLine(JsonCursor* c, int64_t line, const std::vector<std::string_view>& columns,
                     std::vector<std::string_view>* picked, std::vector<std::string>* scratch) {
  auto fail = [&](std::string_view what) { return Error::Invalid(LineError(line, what)); };
  std::fill(picked->begin(), picked->end(), std::string_view());
  uint64_t found = 0;  // bit per wanted column; a bitmask so rows allocate nothing
  c->SkipSpace();
  if (c->pos >= c->text.size() || c->text[c->pos] != '{') return fail("expected a JSON object");
  ++c->pos;
  std::string key_scratch;
  while (true) {
    c->SkipSpace();
    if (c->pos < c->text.size() && c->text[c->pos] == '}') break;
    std::string_view key, value;
    if (c->pos >= c->text.size() || c->text[c->pos] != '"' || !ParseJsonString(c, &key_scratch, &key)) {
      return fail("expected a string key");
    }
    c->SkipSpace();
    if (c->pos >= c->text.size() || c->text[c->pos] != ':') return fail("expected ':'");
    ++c->pos;
    c->SkipSpace();
    auto it = std::find(columns.begin(), columns.end(), key);
    const size_t slot = static_cast<size_t>(it - columns.begin());
    std::string ignored;
    std::string* buffer = it == columns.end() ? &ignored : &(*scratch)[slot];
    const bool ok = c->pos < c->text.size() && c->text[c->pos] == '"'
                        ? ParseJsonString(c, buffer, &value)
                        : ParseJsonRaw(c, &value);
    if (!ok) return fail("malformed value for key '" + std::string(key) + "'");
    if (it != columns.end()) {
      (*picked)[slot] = value;
      found |= uint64_t{1} << slot;
    }
    c->SkipSpace();
    if (c->pos < c->text.size() && c->text[c->pos] == ',') {
      ++c->pos;
      continue;
    }
    if (c->pos < c->text.size() && c->text[c->pos] == '}') break;
    return fail("expected ',' or '}'");
  }
  ++c->pos;
  c->SkipSpace();
  if (c->pos < c->text.size() && c->text[c->pos] != '\n') return fail("trailing characters after object");
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!(found >> i & 1)) return fail("missing key '" + std::string(columns[i]) + "'");
  }
  return base::Ok();
}

// `line` is the line number just before the first line of `text`.
template <typename OnRow>
Status ForEachJsonlRow(std::string_view text, const std::vector<std::string_view>& columns,
                       const OnRow& on_row, const ProgressFn& progress, int64_t line = 0) {
  std::vector<std::string_view> picked(columns.size());
  std::vector<std::string> scratch(columns.size());
  JsonCursor c{text, 0};
  int64_t rows = 0;
  while (c.pos < text.size()) {
    ++line;
    c.SkipSpace();
    if (c.pos < text.size() && text[c.pos] == '\n') {
      ++c.pos;
      continue;
    }
    if (c.pos >= text.size()) break;
    ASSAY_TRY(ParseJsonLine(&c, line, columns, &picked, &scratch));
    if (c.pos < text.size()) ++c.pos;  // newline
    ASSAY_TRY(on_row(picked, line));
    if (progress && ++rows % kProgressEveryRows == 0) progress(c.pos, text.size());
  }
  if (progress) progress(text.size(), text.size());
  return base::Ok();
}

size_t EstimateRows(std::string_view text) {
  // One pass of memchr-speed counting so the column vectors are allocated once.
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

}  // namespace

InputFormat FormatFromPath(std::string_view path) {
  for (std::string_view ext : {".jsonl", ".ndjson", ".json"}) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) {
      return InputFormat::kJsonl;
    }
  }
  return InputFormat::kCsv;
}

Status ForEachRow(std::string_view text, InputFormat format,
                  const std::vector<std::string_view>& columns, const RowFn& on_row,
                  const ProgressFn& progress) {
  return format == InputFormat::kCsv ? ForEachCsvRow(text, columns, on_row, progress)
                                     : ForEachJsonlRow(text, columns, on_row, progress);
}

namespace {

// The row callback that adds (task, worker, label) to a builder.
struct LabelRowAdder {
  explicit LabelRowAdder(LabelTableBuilder* b) : builder(b) {}
  Status operator()(const std::vector<std::string_view>& f, int64_t line) const {
    if (f[0].empty() || f[1].empty() || f[2].empty()) {
      return Error::Invalid(LineError(line, "task, worker and label must be non-empty"));
    }
    builder->Add(f[0], f[1], f[2]);
    return base::Ok();
  }
  LabelTableBuilder* builder;
};

template <typename OnRow>
Status ForEachRowInline(std::string_view text, InputFormat format,
                        const std::vector<std::string_view>& columns, const OnRow& on_row,
                        const ProgressFn& progress) {
  return format == InputFormat::kCsv ? ForEachCsvRow(text, columns, on_row, progress)
                                     : ForEachJsonlRow(text, columns, on_row, progress);
}

Status AddLabelRowsSerial(std::string_view text, InputFormat format, const ProgressFn& progress,
                          LabelTableBuilder* builder) {
  builder->Reserve(EstimateRows(text));
  return ForEachRowInline(text, format, {"task", "worker", "label"}, LabelRowAdder(builder),
                          progress);
}

// Inputs at least this big are parsed by two threads (when the machine has two cores).
constexpr size_t kParallelParseBytes = size_t{4} << 20;
constexpr int kParseThreads = 2;

// Splits [begin, text.size()) into `parts` ranges that end at line ends.
std::vector<size_t> ChunkBounds(std::string_view text, size_t begin, int parts) {
  std::vector<size_t> bounds = {begin};
  for (int p = 1; p < parts; ++p) {
    size_t cut = begin + (text.size() - begin) * static_cast<size_t>(p) / static_cast<size_t>(parts);
    cut = std::max(cut, bounds.back());
    const size_t nl = text.find('\n', cut);
    bounds.push_back(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  bounds.push_back(text.size());
  return bounds;
}

// Parses the rows in chunks on kParseThreads threads, each into its own builder, then merges
// the builders in chunk order — ids come out exactly as a serial parse would assign them.
// CSV only when no field is quoted (a quoted field may hold a newline, so a chunk boundary
// could fall inside a record).
Status AddLabelRowsParallel(std::string_view text, InputFormat format, const ProgressFn& progress,
                            LabelTableBuilder* builder) {
  const std::vector<std::string_view> columns = {"task", "worker", "label"};
  CsvLayout layout;
  size_t body = 0;
  if (format == InputFormat::kCsv) {
    text = StripBom(text);
    ASSAY_ASSIGN_OR_RETURN(layout, ParseCsvHeader(text, columns));
    body = layout.body_start;
    if (text.find('"', body) != std::string_view::npos) {
      return AddLabelRowsSerial(text, format, progress, builder);
    }
  }
  const std::vector<size_t> bounds = ChunkBounds(text, body, kParseThreads);
  std::vector<int64_t> newlines(kParseThreads);
  std::vector<std::thread> pool;
  for (int t = 0; t < kParseThreads; ++t) {  // line counts: for reserving and for line numbers
    pool.emplace_back([&, t] {
      newlines[t] = std::count(text.begin() + bounds[t], text.begin() + bounds[t + 1], '\n');
    });
  }
  for (std::thread& t : pool) t.join();
  pool.clear();
  std::vector<LabelTableBuilder> builders(kParseThreads);
  std::vector<Status> status(kParseThreads);
  for (int t = 0; t < kParseThreads; ++t) {
    int64_t line_before = format == InputFormat::kCsv ? 1 : 0;
    for (int p = 0; p < t; ++p) line_before += newlines[p];
    pool.emplace_back([&, t, line_before] {
      const std::string_view chunk = text.substr(0, bounds[t + 1]);
      LabelTableBuilder& b = t == 0 ? *builder : builders[t];
      b.Reserve(static_cast<size_t>(newlines[t]) + 1);
      // Chunk 0 reports for the whole file (scaled); the final 100% is reported after the merge.
      ProgressFn report;
      if (t == 0 && progress) {
        report = [&, chunk_end = bounds[1]](size_t done, size_t) {
          if (done < chunk_end) progress(std::min(done * kParseThreads, text.size() - 1), text.size());
        };
      }
      status[t] = format == InputFormat::kCsv
                      ? ForEachCsvBodyRow(chunk, bounds[t], line_before, layout, LabelRowAdder(&b), report)
                      : ForEachJsonlRow(chunk.substr(bounds[t]), columns, LabelRowAdder(&b), report, line_before);
    });
  }
  for (std::thread& t : pool) t.join();
  for (int t = 0; t < kParseThreads; ++t) ASSAY_TRY(status[t]);
  for (int t = 1; t < kParseThreads; ++t) builder->Merge(std::move(builders[t]));
  if (progress) progress(text.size(), text.size());
  return base::Ok();
}

Status AddLabelRows(std::string_view text, InputFormat format, const ProgressFn& progress,
                    LabelTableBuilder* builder) {
  if (text.size() >= kParallelParseBytes && std::thread::hardware_concurrency() >= 2) {
    return AddLabelRowsParallel(text, format, progress, builder);
  }
  return AddLabelRowsSerial(text, format, progress, builder);
}

}  // namespace

base::Result<LabelTable> ParseLabels(std::string_view text, InputFormat format,
                                     const ProgressFn& progress) {
  LabelTableBuilder builder;
  ASSAY_TRY(AddLabelRows(text, format, progress, &builder));
  return std::move(builder).Build();
}

base::Result<LabelsWithGold> ParseLabelsWithGold(std::string_view text, std::string_view gold_text,
                                                 InputFormat format, InputFormat gold_format,
                                                 const ProgressFn& progress) {
  LabelTableBuilder builder;
  ASSAY_TRY(AddLabelRows(text, format, progress, &builder));
  std::vector<std::pair<std::string, std::string>> gold_rows;
  if (!gold_text.empty()) {
    ASSAY_TRY(ForEachRow(
        gold_text, gold_format, {"task", "label"},
        [&](const std::vector<std::string_view>& f, int64_t line) -> Status {
          if (f[1].empty()) return Error::Invalid(LineError(line, "gold label must be non-empty"));
          builder.AddLabelName(f[1]);
          gold_rows.emplace_back(std::string(f[0]), std::string(f[1]));
          return base::Ok();
        },
        {}));
  }
  LabelsWithGold out{std::move(builder).Build(), {}};
  if (gold_text.empty()) return out;
  const StringInterner& tasks = (*out.table.owners)[0];
  std::vector<std::string_view> sorted_labels = out.table.label_names;
  out.gold.assign(static_cast<size_t>(out.table.num_tasks()), -1);
  for (const auto& [task, label] : gold_rows) {
    const int32_t t = tasks.Find(task);
    if (t < 0) continue;
    const auto it = std::find(sorted_labels.begin(), sorted_labels.end(), label);
    out.gold[static_cast<size_t>(t)] = static_cast<int32_t>(it - sorted_labels.begin());
  }
  return out;
}

base::Result<BattleTable> ParseBattles(std::string_view text, InputFormat format,
                                       const ProgressFn& progress) {
  BattleTableBuilder builder;
  builder.Reserve(EstimateRows(text));
  ASSAY_TRY(ForEachRowInline(
      text, format, {"model_a", "model_b", "winner"},
      [&](const std::vector<std::string_view>& f, int64_t line) -> Status {
        Outcome outcome;
        if (!ParseOutcome(f[2], &outcome)) {
          return Error::Invalid(LineError(line, "winner must be model_a, model_b, tie or "
                                                "'tie (bothbad)', got '" + std::string(f[2]) + "'"));
        }
        if (f[0].empty() || f[1].empty()) {
          return Error::Invalid(LineError(line, "model_a and model_b must be non-empty"));
        }
        builder.Add(f[0], f[1], outcome);
        return base::Ok();
      },
      progress));
  return std::move(builder).Build();
}

}  // namespace qc
