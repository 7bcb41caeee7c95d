// datasets::RecordReader — turns the bytes of an import file, fed in chunks of any size, into
// item records: JSONL, JSON arrays, CSV with a column mapping, Label Studio tasks and "prompt +
// N responses" lines. Memory is bounded by the largest record (kMaxRecordBytes), never by the
// file. A record that cannot be read is an error naming its line; reading goes on with the next.
//
//   ASSAY_ASSIGN_OR_RETURN(auto reader, datasets::RecordReader::Make({.format = Format::kCsv}));
//   auto on = [&](datasets::Parsed p) { … p.record or p.error … };
//   ASSAY_TRY(reader->Feed(chunk, on));  // as often as chunks come
//   ASSAY_TRY(reader->Finish(on));       // a file cut short (inside a quoted field, an array) fails here
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace datasets {

inline constexpr size_t kMaxRecordBytes = 2u << 20;

enum class Format {
  kJsonl,        // one {"id"?, "data", "gold"?} a line, or a JSON array of them (told by the first byte)
  kCsv,          // a header row, then one item a row (CsvMapping says which column goes where)
  kLabelStudio,  // Label Studio tasks: {"id"?, "data", "annotations"?, "predictions"?}, an array or JSONL
  kResponses,    // "prompt + N responses": {"id"?, "prompt", "responses": [text | {model?, content}], …}
};
// "jsonl" (also "json", "ndjson"), "csv", "labelstudio", "responses"; InvalidArgument otherwise.
base::Result<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format format);

// A label that came with an item from outside: a Label Studio annotation or prediction, or the
// answer of a submission in an earlier export. Kept beside the experts' submissions.
struct PriorLabel {
  std::string kind;                        // "annotation" | "prediction" | "submission"
  std::string source;                      // who or what gave it (annotator, model version, expert)
  std::optional<std::string> answer_json;  // in assay's answer shape, when there is one
  std::string raw_json;                    // the label as it came
  std::optional<double> score;
};

struct Record {
  int64_t line = 0;  // where the record starts (1-based)
  std::optional<std::string> external_id;
  std::string data_json;  // a JSON object
  std::optional<std::string> gold_json;
  std::vector<PriorLabel> priors;
};

// One record or why a record could not be read.
struct Parsed {
  std::optional<Record> record;
  int64_t line = 0;
  std::string error;  // set when record is not
};
using ParsedFn = std::function<void(Parsed)>;

// Which CSV column goes where. A target is "id", "gold", "data" (the whole data object, JSON),
// "data.<dotted path>" or a bare dotted path (into data; "responses.0.content" makes an array),
// optionally ending ":json", ":number" or ":string" (the default); "" ignores the column.
// Columns not named keep their default: id / external_id → id, gold → gold (JSON when it
// parses), data → data (JSON), the answer columns of an assay CSV export (answer, expert, kind,
// state, submitted_at) → a prior label, item_id ignored, any other → data.<column>.
struct CsvMapping {
  std::map<std::string, std::string> columns;
  // From a JSON object {"column": "target", …}; InvalidArgument naming the bad entry.
  static base::Result<CsvMapping> FromJson(std::string_view json_text);
};

struct ReaderOptions {
  Format format = Format::kJsonl;
  CsvMapping mapping;
};

class RecordReader {
 public:
  static base::Result<std::unique_ptr<RecordReader>> Make(const ReaderOptions& options);
  virtual ~RecordReader() = default;
  // Consumes a chunk; calls `on` for every record (or error) it completes.
  virtual base::Status Feed(std::string_view chunk, const ParsedFn& on) = 0;
  // The end of the input: the last record without a trailing newline is emitted; a file that
  // ends inside a record fails (InvalidArgument naming where it started).
  virtual base::Status Finish(const ParsedFn& on) = 0;
};

}  // namespace datasets
