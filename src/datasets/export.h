// datasets::Exporter — a project's labels in the shapes training and labeling tools read, streamed
// one record at a time in import order (memory: one item's submissions), each record with its
// provenance (item id, external id, experts by id or per-project pseudonym as the project says,
// submission and review times, agreement), and a manifest recorded in `exports`.
//
//   sft        {"messages": [...], "tools"?, "provenance"} per accepted rewrite / authored chat
//   openai     {"messages": [...], "tools"?} exactly (OpenAI's fine-tuning refuses other keys)
//   dpo        {"prompt", "chosen", "rejected", "margin", "votes", "agreement", "provenance"} per
//              decided pair (TRL's preference form; conversational when the item has messages)
//   labelstudio  a JSON array of tasks with their annotations (labelstudio.h)
//   csv        one row per submission (an item without any: one row), the columns records.h reads
//   jsonl      work::JsonlExport: one line per item with every submission
//
//   datasets::Exporter exporter(db, clock, ids);
//   ASSAY_ASSIGN_OR_RETURN(datasets::Export e, exporter.Open(caller, project_id, {.format = ExportFormat::kDpo}));
//   ASSAY_ASSIGN_OR_RETURN(datasets::ExportManifest m, e.Stream(sink));  // sink gets text pieces
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "datasets/leaderboard.h"
#include "storage/db.h"
#include "work/types.h"

namespace datasets {

enum class ExportFormat { kJsonl, kSft, kDpo, kOpenai, kLabelStudio, kCsv };
// jsonl, sft, dpo, openai, labelstudio, csv; InvalidArgument (field "format") otherwise.
base::Result<ExportFormat> ParseExportFormat(std::string_view name);
std::string_view ExportFormatName(ExportFormat format);
std::string_view ExportContentType(ExportFormat format);

struct ExportOptions {
  ExportFormat format = ExportFormat::kJsonl;
  // Which submissions count: by default every one in jsonl and csv (with its state), approved
  // and pending in the others (never rejected); only approved ones when true.
  bool approved_only = false;
  // dpo: every pair a ranking implies (in the aggregated order), not just best against worst.
  bool all_pairs = false;
};

// What an export handed out (also the `exports` row).
struct ExportManifest {
  std::string id, project_id, project_name, format, file_name;
  std::optional<std::string> created_by;  // null: the offline CLI
  int64_t created_at_us = 0;
  std::string filters;      // "approved and pending submissions" | "approved submissions"
  std::string aggregation;  // how several experts' answers became one record
  std::string experts;      // "pseudonym" | "id"
  int64_t items = 0, submissions = 0, records = 0, skipped_items = 0;
};
std::string RenderManifest(const ExportManifest& m);

// A piece of the output (a record with its line break, a bracket); an error stops the export.
using ChunkFn = std::function<base::Status(std::string_view text)>;

// An export whose access was checked: Stream writes it.
class Export {
 public:
  const work::Project& project() const { return project_; }
  // "<project name>-<format>-<YYYY-MM-DD>.<ext>": letters, digits, . _ and - (UTF-8 kept).
  std::string FileName() const;
  // One read snapshot; records the manifest when every record was written.
  base::Result<ExportManifest> Stream(const ChunkFn& sink) const;

 private:
  friend class Exporter;
  Export(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, work::Project project,
         std::optional<std::string> by, ExportOptions options)
      : db_(&db), clock_(&clock), ids_(&ids), project_(std::move(project)), by_(std::move(by)), options_(options) {}
  storage::Db* db_;
  const base::Clock* clock_;
  base::Uuid7Generator* ids_;
  work::Project project_;
  std::optional<std::string> by_;
  ExportOptions options_;
};

class Exporter {
 public:
  Exporter(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids) : db_(db), clock_(clock), ids_(ids) {}
  // The project's managers (and admins); checked before anything is written.
  base::Result<Export> Open(const accounts::Caller& caller, std::string_view project_id, const ExportOptions& options);
  // The project's model leaderboard (leaderboard.h): results out, like an export.
  base::Result<LeaderboardResult> Leaderboard(const accounts::Caller& caller, std::string_view project_id,
                                              const LeaderboardOptions& options) {
    return ComputeLeaderboard(db_, caller, project_id, options);
  }
  // The manifests (JSON text) of the project's exports, newest first (managers).
  base::Result<std::vector<std::string>> ListManifests(const accounts::Caller& caller, std::string_view project_id,
                                                       int limit = 50);

 private:
  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
};

}  // namespace datasets
