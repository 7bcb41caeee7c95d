// Parsers from an in-memory buffer (the CLI maps or reads the whole file) into qc tables.
// Fields are string_views into the buffer; only distinct strings are copied (by the interners),
// so parsing allocates per distinct id, not per row. Errors name the 1-based line.
//
// CSV: RFC 4180 (quotes, "" escapes, CRLF), a header row naming the columns; extra columns are
// ignored. JSONL: one flat JSON object per line; string or number values.
//
//   ASSAY_ASSIGN_OR_RETURN(qc::LabelTable t, qc::ParseLabels(text, qc::InputFormat::kCsv, {}));
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "qc/label_table.h"
#include "qc/ranking.h"

namespace qc {

enum class InputFormat { kCsv, kJsonl };

// Guesses from the file name: ".jsonl"/".ndjson"/".json" → JSONL, else CSV.
InputFormat FormatFromPath(std::string_view path);

// Called with the bytes consumed so far, about every 2^20 rows and once at the end.
using ProgressFn = std::function<void(size_t bytes_done, size_t bytes_total)>;

// Columns task, worker, label.
base::Result<LabelTable> ParseLabels(std::string_view text, InputFormat format,
                                     const ProgressFn& progress);

// Columns task, label; gold labels not seen in the labels are added as label names, tasks not in
// the labels are ignored. `gold_text` may be empty.
struct LabelsWithGold {
  LabelTable table;
  GoldLabels gold;  // empty when no gold text was given
};
base::Result<LabelsWithGold> ParseLabelsWithGold(std::string_view text, std::string_view gold_text,
                                                 InputFormat format, InputFormat gold_format,
                                                 const ProgressFn& progress);

// Columns model_a, model_b, winner ∈ {model_a, model_b, tie, tie (bothbad)}.
base::Result<BattleTable> ParseBattles(std::string_view text, InputFormat format,
                                       const ProgressFn& progress);

// Low-level: calls on_row(fields, line) for each data row with the fields of `columns`, in that
// order. Stops at the first error (from the parser or from on_row).
using RowFn = std::function<base::Status(const std::vector<std::string_view>& fields,
                                         int64_t line)>;
base::Status ForEachRow(std::string_view text, InputFormat format,
                        const std::vector<std::string_view>& columns, const RowFn& on_row,
                        const ProgressFn& progress);

}  // namespace qc
