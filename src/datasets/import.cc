// The streamed import job (import.h).
#include "datasets/import.h"

#include <nlohmann/json.hpp>

#include <memory>

#include "base/hash.h"
#include "base/json.h"
#include "datasets/labelstudio.h"
#include "work/access.h"
#include "work/items.h"
#include "work/quality_stamps.h"
#include "work/render.h"

namespace datasets {
namespace {

using json = nlohmann::json;

constexpr int64_t kDeleteBatch = 5000;

// Deletes the project's items above its visible mark (a failed or abandoned import's), in
// batches so that the writer is never held long.
base::Status DeleteInvisibleItems(storage::Db& db, std::string_view project_id) {
  for (;;) {
    int64_t deleted = 0;
    ASSAY_TRY(db.Write([&](storage::Conn& c) -> base::Status {
      const std::string victims =
          "SELECT id FROM items WHERE project_id = ? AND seq > (SELECT items_committed_seq FROM projects "
          "WHERE id = ?) LIMIT " + std::to_string(kDeleteBatch);
      ASSAY_TRY(c.Exec("DELETE FROM prior_labels WHERE item_id IN (" + victims + ")", {project_id, project_id}));
      ASSAY_ASSIGN_OR_RETURN(deleted, c.Exec("DELETE FROM items WHERE id IN (" + victims + ")", {project_id, project_id}));
      return base::Ok();
    }));
    if (deleted < kDeleteBatch) return base::Ok();
  }
}

std::string ErrorsJson(const std::vector<work::ImportError>& errors) {
  json out = json::array();
  for (const work::ImportError& e : errors) out.push_back({{"line", e.line}, {"message", e.message}});
  return base::Dump(out);
}

struct Pending {
  work::NewItem item;
  std::vector<PriorLabel> priors;
};

}  // namespace

// ---- sources -----------------------------------------------------------------------------------

base::Result<size_t> StringSource::Read(char* buf, size_t capacity) {
  const size_t n = std::min({capacity, max_chunk_, text_.size() - at_});
  std::copy_n(text_.data() + at_, n, buf);
  at_ += n;
  return n;
}

base::Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<FileSource>(new FileSource(stdin, false, -1));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return base::Error::NotFound("cannot open " + path).Detail("field", "file");
  int64_t size = -1;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    size = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
  }
  return std::unique_ptr<FileSource>(new FileSource(f, true, size));
}

FileSource::~FileSource() {
  if (owned_) std::fclose(file_);
}

base::Result<size_t> FileSource::Read(char* buf, size_t capacity) {
  const size_t n = std::fread(buf, 1, capacity, file_);
  if (n == 0 && std::ferror(file_)) return base::Error::Internal("cannot read the file");
  return n;
}

// ---- one import --------------------------------------------------------------------------------

class Importer::Run {
 public:
  Run(Importer& owner, const accounts::Caller& caller, std::string_view project_id, const ImportOptions& options,
      const ImportProgressFn& progress)
      : o_(owner), caller_(caller), project_id_(project_id), options_(options), progress_(progress) {}

  base::Result<ImportOutcome> Go(ByteSource& source) {
    ASSAY_TRY(Prepare());
    base::Status read = ReadAll(source);
    if (read) read = Flush();
    if (read) read = Commit();
    if (!read) {
      base::Error error = std::move(read).error();
      Abandon(error);
      if (!outcome_.job_id.empty()) error.Detail("job_id", outcome_.job_id);
      return error;
    }
    return std::move(outcome_);
  }

 private:
  // Access, the template, and the job (cleaning up after an importer that died).
  base::Status Prepare() {
    ASSAY_TRY(o_.db_.Read([&](storage::Conn& c) -> base::Status {
      ASSAY_TRY(work::RequireProjectRole(c, caller_, project_id_, {"manager"}));
      ASSAY_ASSIGN_OR_RETURN(storage::Row p, c.QueryOne("SELECT template FROM projects WHERE id = ?", {project_id_}));
      template_text_ = p.Text(0);
      return base::Ok();
    }));
    ASSAY_ASSIGN_OR_RETURN(work::Template parsed, work::Template::ParseText(template_text_));
    tmpl_.emplace(std::move(parsed));
    ASSAY_ASSIGN_OR_RETURN(components_, base::ParseJson(template_text_));
    ASSAY_ASSIGN_OR_RETURN(reader_, RecordReader::Make({options_.format, options_.mapping}));
    ASSAY_TRY(TakeOverDeadJob());
    const std::string job_id = o_.ids_.Next();
    const int64_t now = o_.clock_.NowMicros();
    ASSAY_TRY(o_.db_.Write([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT coalesce(max(seq), 0) FROM items WHERE project_id = ?",
                                                        {project_id_}));
      first_seq_ = r.Int(0);
      std::optional<std::string> by;
      if (!caller_.user_id.empty()) by = caller_.user_id;
      auto inserted = c.Exec("INSERT INTO import_jobs (id, project_id, created_by, format, state, first_seq, "
                             "started_at_us, heartbeat_at_us) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
                             {job_id, project_id_, by, FormatName(options_.format), first_seq_, now, now});
      if (!inserted && inserted.error().code() == base::ErrorCode::kConflict) {
        return base::Error::Conflict("another import into this project is running; try again when it ends")
            .Detail("project_id", project_id_);
      }
      return inserted ? base::Ok() : base::Status(std::move(inserted).error());
    }));
    outcome_.job_id = job_id;
    next_seq_ = first_seq_;
    last_flush_us_ = now;
    return base::Ok();
  }

  // A running job whose heartbeat stopped belongs to a process that died: its items go, then
  // it is marked failed, so this import may start.
  base::Status TakeOverDeadJob() {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows running,
                           o_.db_.Query("SELECT id, heartbeat_at_us FROM import_jobs WHERE project_id = ? "
                                        "AND state = 'running'", {project_id_}));
    if (running.empty()) return base::Ok();
    const int64_t now = o_.clock_.NowMicros();
    if (now - running[0].Int(1) < o_.options_.stale_job_us) {
      return base::Error::Conflict("another import into this project is running; try again when it ends")
          .Detail("job_id", running[0].Text(0));
    }
    ASSAY_TRY(o_.db_.Write([&](storage::Conn& c) -> base::Status {
      // Its batches check this before they write: from here on it writes nothing more.
      return c.Exec("UPDATE import_jobs SET state = 'failed', failure = 'the importing process stopped', "
                    "finished_at_us = ? WHERE id = ? AND state = 'running'", {now, running[0].Text(0)})
                 ? base::Ok() : base::Error::Internal("cannot stop the dead import");
    }));
    return DeleteInvisibleItems(o_.db_, project_id_);
  }

  base::Status ReadAll(ByteSource& source) {
    std::vector<char> buf(o_.options_.read_bytes);
    ParsedFn on = [this](Parsed p) { Take(std::move(p)); };
    for (;;) {
      ASSAY_ASSIGN_OR_RETURN(size_t n, source.Read(buf.data(), buf.size()));
      if (n == 0) break;
      outcome_.bytes += static_cast<int64_t>(n);
      ASSAY_TRY(reader_->Feed(std::string_view(buf.data(), n), on));
      ASSAY_TRY(MaybeFlush(source));
    }
    ASSAY_TRY(reader_->Finish(on));
    total_bytes_ = source.size_bytes();
    return base::Ok();
  }

  void AddError(int64_t line, std::string message) {
    ++outcome_.error_count;
    if (outcome_.errors.size() < work::kMaxImportErrors) outcome_.errors.push_back({line, std::move(message)});
  }

  // One parsed record: checked against the template, then into the batch.
  void Take(Parsed p) {
    if (!p.record) return AddError(p.line, std::move(p.error));
    Record& r = *p.record;
    Pending pending;
    pending.item.line = r.line;
    pending.item.external_id = std::move(r.external_id);
    work::ItemCheckOptions check{options_.allow_awaiting_responses};
    std::string problem = work::CheckNewItem(*tmpl_, r.data_json, r.gold_json, check, &pending.item);
    if (!problem.empty()) return AddError(r.line, std::move(problem));
    pending.priors = std::move(r.priors);
    for (PriorLabel& prior : pending.priors) AnswerOf(pending.item, prior);
    batch_bytes_ += pending.item.data.size();
    batch_.push_back(std::move(pending));
  }

  // A prior label's answer in this project's shape, kept only when the template accepts it.
  void AnswerOf(const work::NewItem& item, PriorLabel& prior) {
    auto data = base::ParseJson(item.data);
    if (!data) return;
    std::optional<json> answer;
    if (prior.answer_json) {
      if (auto a = base::ParseJson(*prior.answer_json)) answer = std::move(*a);
    } else if (auto raw = base::ParseJson(prior.raw_json); raw && raw->contains("result")) {
      answer = AnswerFromResults(components_, (*raw)["result"]);
    }
    prior.answer_json.reset();
    if (answer && tmpl_->ValidateAnswer(*answer, *data)) prior.answer_json = base::Dump(*answer);
  }

  base::Status MaybeFlush(ByteSource& source) {
    const bool full = batch_.size() >= o_.options_.batch_items || batch_bytes_ >= o_.options_.batch_bytes;
    // A slow source still beats the heartbeat with what it sent.
    const bool due = !batch_.empty() && o_.clock_.NowMicros() - last_flush_us_ > 2 * base::kMicrosPerSecond;
    if (!full && !due) return base::Ok();
    total_bytes_ = source.size_bytes();
    return Flush();
  }

  // Writes the batch: its items (invisible until Commit), their prior labels, the job's counts.
  base::Status Flush() {
    std::vector<work::NewItem> items;
    items.reserve(batch_.size());
    for (Pending& p : batch_) items.push_back(std::move(p.item));
    const int64_t now = o_.clock_.NowMicros();
    work::InsertedItems done;
    int64_t priors = 0;
    ASSAY_TRY(o_.db_.Write([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(done, work::InsertItems(c, project_id_, next_seq_, items, [this] { return o_.ids_.Next(); }, now));
      ASSAY_ASSIGN_OR_RETURN(priors, WritePriors(c, items, done, now));
      ASSAY_ASSIGN_OR_RETURN(
          int64_t alive,
          c.Exec("UPDATE import_jobs SET heartbeat_at_us = ?, bytes_read = ?, imported = imported + ?, "
                 "skipped = skipped + ?, awaiting_responses = awaiting_responses + ?, prior_labels = prior_labels + ?, "
                 "error_count = ? WHERE id = ? AND state = 'running'",
                 {now, outcome_.bytes, done.imported, done.skipped, done.awaiting, priors,
                  outcome_.error_count + static_cast<int64_t>(done.refused.size()), outcome_.job_id}));
      if (alive != 1) return base::Error::Conflict("this import was stopped");
      return base::Ok();
    }));
    next_seq_ = std::max(next_seq_ + static_cast<int64_t>(items.size()), done.last_seq);
    outcome_.imported += done.imported;
    outcome_.skipped += done.skipped;
    outcome_.awaiting_responses += done.awaiting;
    outcome_.prior_labels += priors;
    for (work::ImportError& e : done.refused) AddError(e.line, std::move(e.message));
    batch_.clear();
    batch_bytes_ = 0;
    last_flush_us_ = now;
    if (progress_) progress_({outcome_.bytes, total_bytes_, outcome_.imported, outcome_.error_count});
    return base::Ok();
  }

  // The batch's prior labels: on the items just written, or on the item already there with the
  // same external id (an earlier import, or an earlier row of this file). The same label twice
  // is kept once.
  base::Result<int64_t> WritePriors(storage::Conn& c, const std::vector<work::NewItem>& items,
                                    const work::InsertedItems& done, int64_t now) {
    int64_t written = 0;
    size_t w = 0;
    for (size_t i = 0; i < batch_.size(); ++i) {
      std::optional<std::string> item_id;
      while (w < done.written.size() && done.written[w].first < i) ++w;
      if (w < done.written.size() && done.written[w].first == i) item_id = done.written[w].second;
      if (batch_[i].priors.empty()) continue;
      if (!item_id && items[i].external_id) {
        ASSAY_ASSIGN_OR_RETURN(storage::Rows found, c.Query("SELECT id FROM items WHERE project_id = ? AND external_id = ?",
                                                            {project_id_, *items[i].external_id}));
        if (!found.empty()) item_id = found[0].Text(0);
      }
      if (!item_id) continue;
      for (const PriorLabel& p : batch_[i].priors) {
        ASSAY_ASSIGN_OR_RETURN(
            int64_t n,
            c.Exec("INSERT INTO prior_labels (id, project_id, item_id, kind, source, answer, raw, raw_hash, score, "
                   "created_at_us, import_job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (item_id, kind, source, raw_hash) DO NOTHING",
                   {o_.ids_.Next(), project_id_, *item_id, p.kind, p.source, p.answer_json, p.raw_json,
                    base::Sha256Hex(p.raw_json), p.score, now, outcome_.job_id}));
        written += n;
      }
    }
    return written;
  }

  // Everything was read and written: the items become visible, all at once.
  base::Status Commit() {
    const int64_t now = o_.clock_.NowMicros();
    return o_.db_.Write([&](storage::Conn& c) -> base::Status {
      ASSAY_ASSIGN_OR_RETURN(
          int64_t alive,
          c.Exec("UPDATE import_jobs SET state = 'done', finished_at_us = ?, heartbeat_at_us = ?, bytes_read = ?, "
                 "error_count = ?, errors = ? WHERE id = ? AND state = 'running'",
                 {now, now, outcome_.bytes, outcome_.error_count, ErrorsJson(outcome_.errors), outcome_.job_id}));
      if (alive != 1) return base::Error::Conflict("this import was stopped");
      if (next_seq_ > first_seq_) {
        ASSAY_TRY(c.Exec("UPDATE projects SET items_committed_seq = ? WHERE id = ? AND items_committed_seq < ?",
                         {next_seq_, project_id_, next_seq_}));
        // The new items change the quality report (work/quality_stamps.h).
        ASSAY_TRY(work::BumpQualityStamp(c, project_id_, project_id_));
      }
      return base::Ok();
    });
  }

  // After a failure: the job's items go, and the job says why.
  void Abandon(const base::Error& error) {
    if (outcome_.job_id.empty()) return;
    base::Status deleted = DeleteInvisibleItems(o_.db_, project_id_);
    const int64_t now = o_.clock_.NowMicros();
    (void)o_.db_.Write([&](storage::Conn& c) -> base::Status {
      return c.Exec("UPDATE import_jobs SET state = 'failed', failure = ?, finished_at_us = ?, bytes_read = ?, "
                    "error_count = ?, errors = ?, imported = 0, awaiting_responses = 0, prior_labels = 0 "
                    "WHERE id = ? AND state = 'running'",
                    {error.message() + (deleted ? "" : " (its items are removed by the next import)"), now,
                     outcome_.bytes, outcome_.error_count, ErrorsJson(outcome_.errors), outcome_.job_id})
                 ? base::Ok() : base::Error::Internal("cannot record the failure");
    });
  }

  Importer& o_;
  const accounts::Caller& caller_;
  std::string project_id_;
  const ImportOptions& options_;
  const ImportProgressFn& progress_;
  std::string template_text_;
  std::optional<work::Template> tmpl_;
  json components_;
  std::unique_ptr<RecordReader> reader_;
  std::vector<Pending> batch_;
  size_t batch_bytes_ = 0;
  int64_t first_seq_ = 0, next_seq_ = 0, last_flush_us_ = 0, total_bytes_ = -1;
  ImportOutcome outcome_;
};

Importer::Importer(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, ImporterOptions options)
    : db_(db), clock_(clock), ids_(ids), options_(options) {}

base::Result<ImportOutcome> Importer::Import(const accounts::Caller& caller, std::string_view project_id,
                                             ByteSource& source, const ImportOptions& options,
                                             const ImportProgressFn& progress) {
  Run run(*this, caller, project_id, options, progress);
  return run.Go(source);
}

namespace {

ImportJob JobFromRow(const storage::Row& r) {
  ImportJob j;
  j.id = r.Text(0);
  j.project_id = r.Text(1);
  j.created_by = r.OptText(2);
  j.format = r.Text(3);
  j.state = r.Text(4);
  j.bytes_read = r.Int(5);
  j.imported = r.Int(6);
  j.skipped = r.Int(7);
  j.awaiting_responses = r.Int(8);
  j.prior_labels = r.Int(9);
  j.error_count = r.Int(10);
  j.errors_json = r.Text(11);
  j.failure = r.OptText(12);
  j.started_at_us = r.Int(13);
  j.heartbeat_at_us = r.Int(14);
  j.finished_at_us = r.OptInt(15);
  return j;
}

}  // namespace

base::Result<std::vector<ImportJob>> Importer::ListImports(const accounts::Caller& caller, std::string_view project_id,
                                                           int limit) {
  std::vector<ImportJob> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(work::RequireProjectRole(c, caller, project_id, {"manager"}));
    return c.QueryEach("SELECT id, project_id, created_by, format, state, bytes_read, imported, skipped, "
                       "awaiting_responses, prior_labels, error_count, errors, failure, started_at_us, heartbeat_at_us, "
                       "finished_at_us FROM import_jobs WHERE project_id = ? ORDER BY started_at_us DESC, id DESC LIMIT ?",
                       {project_id, std::clamp(limit, 1, 100)}, [&](const storage::Row& r) -> base::Status {
                         out.push_back(JobFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

std::string RenderImportOutcome(const ImportOutcome& r) {
  json errors = json::array();
  for (const work::ImportError& e : r.errors) errors.push_back({{"line", e.line}, {"message", e.message}});
  return base::Dump(json{{"job_id", r.job_id},
                         {"imported", r.imported},
                         {"skipped", r.skipped},
                         {"awaiting_responses", r.awaiting_responses},
                         {"prior_labels", r.prior_labels},
                         {"error_count", r.error_count},
                         {"errors", errors},
                         {"bytes", r.bytes}});
}

std::string RenderImportJob(const ImportJob& j) {
  auto errors = base::ParseJson(j.errors_json);
  return base::Dump(json{{"id", j.id},
                         {"project_id", j.project_id},
                         {"format", j.format},
                         {"state", j.state},
                         {"bytes_read", j.bytes_read},
                         {"imported", j.imported},
                         {"skipped", j.skipped},
                         {"awaiting_responses", j.awaiting_responses},
                         {"prior_labels", j.prior_labels},
                         {"error_count", j.error_count},
                         {"errors", errors ? *errors : json::array()},
                         {"failure", j.failure ? json(*j.failure) : json(nullptr)},
                         {"started_at", base::FormatRfc3339(j.started_at_us)},
                         {"updated_at", base::FormatRfc3339(j.heartbeat_at_us)},
                         {"finished_at", j.finished_at_us ? json(base::FormatRfc3339(*j.finished_at_us)) : json(nullptr)}});
}

}  // namespace datasets
