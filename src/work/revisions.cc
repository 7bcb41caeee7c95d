// Revisions of an answer: its expert edits it while it waits for review (every earlier version
// kept), and a reviewer sends it back to her with a note.
#include <nlohmann/json.hpp>

#include "base/hash.h"
#include "base/json.h"
#include "work/internal.h"
#include "work/quality_stamps.h"
#include "work/render.h"
#include "work/search.h"
#include "work/service.h"

namespace work {
namespace {

constexpr int64_t kMaxEditActiveMs = 30LL * 24 * 3600 * 1000;
constexpr size_t kMinNoteChars = 10;

std::string Trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// What an edit needs, read outside the writer.
struct EditContext {
  Submission submission;
  std::string template_json, item_data;
  int64_t lease_seconds = 0, item_seq = 0;
};

}  // namespace

base::Result<Submission> Service::EditSubmission(const Caller& caller, std::string_view submission_id,
                                                 const EditRequest& req) {
  if (req.active_ms < 0 || req.active_ms > kMaxEditActiveMs) {
    return base::Error::Invalid("active_ms must be between 0 and 30 days").Detail("field", "active_ms");
  }
  auto answer = base::ParseJson(req.answer_json);
  if (!answer) return base::Error::Invalid("answer is not valid JSON: " + answer.error().message()).Detail("field", "answer");
  EditContext ctx;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(ctx.submission, internal::LoadSubmission(c, submission_id));
    if (ctx.submission.expert_id != caller.user_id) return base::Error::NotFound("no such submission");
    ASSAY_ASSIGN_OR_RETURN(storage::Row r,
                           c.QueryOne("SELECT p.template, p.lease_seconds, i.data, i.seq FROM projects p JOIN items i "
                                      "ON i.project_id = p.id WHERE i.id = ?",
                                      {ctx.submission.item_id}));
    ctx.template_json = r.Text(0);
    ctx.lease_seconds = r.Int(1);
    ctx.item_data = r.Text(2);
    ctx.item_seq = r.Int(3);
    // Someone removed from the project no longer works on it.
    auto role = RequireProjectRole(c, caller, ctx.submission.project_id, {"expert"}, false);
    if (!role) return base::Error::Forbidden("you are no longer an expert on this project");
    return base::Ok();
  }));
  const Submission& was = ctx.submission;
  if (was.state != "pending" || was.review) {
    return base::Error(base::ErrorCode::kFailedPrecondition, "this answer was already reviewed: it can no longer change")
        .Detail("state", was.state);
  }
  const int64_t until = internal::EditableUntil(was, ctx.lease_seconds);
  if (clock_.NowMicros() > until) {
    return base::Error(base::ErrorCode::kFailedPrecondition, "the time to edit this answer is over")
        .Detail("editable_until", base::FormatRfc3339(until));
  }
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> tmpl, TemplateFor(was.project_id, ctx.template_json));
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json data, base::ParseJson(ctx.item_data));
  ASSAY_TRY(tmpl->parsed.ValidateAnswer(*answer, data));
  const std::string hash = base::Sha256Hex(base::CanonicalJson(*answer));
  const std::string text = tmpl->parsed.AnswerText(*answer);
  const std::string version_id = NewId();
  Submission out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.LockRows("SELECT 1 FROM submissions WHERE id = ?", {submission_id}));
    ASSAY_ASSIGN_OR_RETURN(storage::Row cur, c.QueryOne("SELECT state, version, answer, answer_hash, active_ms, "
                                                        "submitted_at_us FROM submissions WHERE id = ?",
                                                        {submission_id}));
    if (cur.Text(0) != "pending") {
      return base::Error(base::ErrorCode::kFailedPrecondition, "this answer was reviewed meanwhile: it can no longer change");
    }
    if (cur.Int(1) != was.version) {
      return base::Error::Conflict("this answer changed since you opened it (another tab?): open it again")
          .Detail("version", cur.Int(1));
    }
    const int64_t now = clock_.NowMicros();
    if (cur.Text(3) == hash) {  // the same answer: nothing to keep twice
      ASSAY_ASSIGN_OR_RETURN(out, internal::LoadSubmission(c, submission_id));
      return base::Ok();
    }
    // The earlier answer is kept as it was; the submission holds the new one.
    ASSAY_TRY(c.Exec("INSERT INTO submission_versions (id, submission_id, version, answer, answer_hash, active_ms, "
                     "submitted_at_us, replaced_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {version_id, submission_id, cur.Int(1), cur.Text(2), cur.Text(3), cur.Int(4), cur.Int(5), now}));
    ASSAY_TRY(c.Exec("UPDATE submissions SET answer = ?, answer_hash = ?, active_ms = active_ms + ?, "
                     "version = version + 1, sent_back_at_us = NULL WHERE id = ?",
                     {req.answer_json, hash, req.active_ms, submission_id}));
    ASSAY_TRY(c.Exec("UPDATE send_backs SET answered_at_us = ? WHERE submission_id = ? AND answered_at_us IS NULL",
                     {now, submission_id}));
    ASSAY_TRY(BumpQualityStamp(c, was.project_id, was.item_id));
    ASSAY_TRY(RefreshStats(c, was.project_id, was.item_id, tmpl->label_fields));
    ASSAY_TRY(IndexText(c, was.project_id, ctx.item_seq, text));
    ASSAY_ASSIGN_OR_RETURN(out, internal::LoadSubmission(c, submission_id));
    return base::Ok();
  }));
  if (quality_observer_) quality_observer_->Reviewed(was.project_id);  // its labels changed
  const int64_t editable = internal::EditableUntil(out, ctx.lease_seconds);
  if (editable > clock_.NowMicros()) out.editable_until_us = editable;
  return out;
}

base::Result<Submission> Service::SendBack(const Caller& caller, std::string_view submission_id,
                                           std::string_view note_in) {
  const std::string note = Trimmed(note_in);
  if (CodePoints(note) < kMinNoteChars) {
    return base::Error::Invalid("a note of at least 10 characters tells the expert what to change").Detail("field", "note");
  }
  if (note.size() > 10000) return base::Error::Invalid("the note is too long").Detail("field", "note");
  if (caller.user_id.empty()) return base::Error::Invalid("sending back needs a reviewer account");
  const std::string id = NewId();
  Submission out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Submission s, internal::LoadSubmission(c, submission_id));
    auto role = RequireProjectRole(c, caller, s.project_id, {"manager", "reviewer"});
    if (s.expert_id == caller.user_id) return base::Error::Forbidden("you cannot review your own submission");
    if (!role) return base::Error::NotFound("no such submission");
    if (s.state != "pending" || s.review) {
      return base::Error(base::ErrorCode::kFailedPrecondition, "only a submission waiting for review can be sent back");
    }
    if (s.sent_back) return base::Error::Conflict("already sent back: it waits for the expert's revision");
    const int64_t now = clock_.NowMicros();
    ASSAY_TRY(c.Exec("INSERT INTO send_backs (id, submission_id, reviewer_id, note, created_at_us) VALUES (?, ?, ?, ?, ?)",
                     {id, s.id, caller.user_id, note, now}));
    ASSAY_TRY(c.Exec("UPDATE submissions SET sent_back_at_us = ? WHERE id = ?", {now, s.id}));
    ASSAY_ASSIGN_OR_RETURN(out, internal::LoadSubmission(c, submission_id));
    if (*role == "reviewer") out.expert_id = ExpertPseudonym(out.project_id, out.expert_id);
    return base::Ok();
  }));
  return out;
}

}  // namespace work
