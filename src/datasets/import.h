// datasets::Importer — streamed item import into a project, as a job: the bytes come from a
// ByteSource (a request body being read, a file) in chunks, records.h turns them into items,
// work/items.h checks and writes them in committed batches. The batches stay invisible until
// the whole input is read (items above projects.items_committed_seq); then one statement shows
// them all. On any failure — the client gone, the file cut short, the database — the job's items
// are deleted: nothing of a failed import remains. One import runs per project at a time.
//
//   datasets::Importer importer(db, clock, ids, {});
//   datasets::StringSource body(jsonl_text);
//   ASSAY_ASSIGN_OR_RETURN(datasets::ImportOutcome r,
//                          importer.Import(manager, project_id, body, {.format = Format::kJsonl}));
//   r.imported; r.errors;  // bad lines by number, never fatal
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "datasets/records.h"
#include "storage/db.h"
#include "work/types.h"

namespace datasets {

// Where the bytes of an import come from: Read fills buf and says how many it wrote, 0 at the
// end; an error fails the import.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual base::Result<size_t> Read(char* buf, size_t capacity) = 0;
  virtual int64_t size_bytes() const { return -1; }  // -1: not known
};

class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string_view text, size_t max_chunk = 1 << 20) : text_(text), max_chunk_(max_chunk) {}
  base::Result<size_t> Read(char* buf, size_t capacity) override;
  int64_t size_bytes() const override { return static_cast<int64_t>(text_.size()); }

 private:
  std::string_view text_;
  size_t max_chunk_, at_ = 0;
};

// A file (or stdin with path "-"), read as it goes.
class FileSource final : public ByteSource {
 public:
  static base::Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource() override;
  base::Result<size_t> Read(char* buf, size_t capacity) override;
  int64_t size_bytes() const override { return size_; }

 private:
  FileSource(std::FILE* f, bool owned, int64_t size) : file_(f), owned_(owned), size_(size) {}
  std::FILE* file_;
  bool owned_;
  int64_t size_;
};

struct ImportOptions {
  Format format = Format::kJsonl;
  CsvMapping mapping;
  // Items without the responses their template shows but with a prompt are accepted, waiting
  // for candidate generation (work/items.h); false refuses them.
  bool allow_awaiting_responses = true;
};

struct ImportProgress {
  int64_t bytes_read = 0, total_bytes = -1;
  int64_t imported = 0, errors = 0;
};
using ImportProgressFn = std::function<void(const ImportProgress&)>;

struct ImportOutcome {
  std::string job_id;
  int64_t imported = 0;
  int64_t skipped = 0;             // an item with this external id was already in the project
  int64_t awaiting_responses = 0;  // imported, waiting for model responses
  int64_t prior_labels = 0;        // annotations, predictions and earlier answers kept
  int64_t error_count = 0;
  std::vector<work::ImportError> errors;  // the first work::kMaxImportErrors
  int64_t bytes = 0;
};

// An import as recorded (the console's list and progress).
struct ImportJob {
  std::string id, project_id, format, state;  // running | done | failed
  std::optional<std::string> created_by, failure;
  int64_t bytes_read = 0, imported = 0, skipped = 0, awaiting_responses = 0, prior_labels = 0, error_count = 0;
  std::string errors_json = "[]";
  int64_t started_at_us = 0, heartbeat_at_us = 0;
  std::optional<int64_t> finished_at_us;
};

struct ImporterOptions {
  size_t batch_items = 2048;        // items per committed batch
  size_t batch_bytes = 4u << 20;    // or this much item data
  size_t read_bytes = 256u << 10;   // bytes asked of the source at a time
  int64_t stale_job_us = 5LL * 60 * 1'000'000;  // a running job silent this long died
};

class Importer {
 public:
  Importer(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, ImporterOptions options = {});

  // The project's managers (and admins). Access is checked before a byte is read: a refusal
  // leaves the source untouched. Conflict while another import into the project runs.
  base::Result<ImportOutcome> Import(const accounts::Caller& caller, std::string_view project_id, ByteSource& source,
                                     const ImportOptions& options, const ImportProgressFn& progress = {});
  // The project's imports, newest first (managers); running ones show their progress.
  base::Result<std::vector<ImportJob>> ListImports(const accounts::Caller& caller, std::string_view project_id,
                                                   int limit = 20);

 private:
  class Run;
  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  ImporterOptions options_;
};

std::string RenderImportOutcome(const ImportOutcome& outcome);
std::string RenderImportJob(const ImportJob& job);

}  // namespace datasets
