// JSON renderings of work objects, shared by the HTTP handlers and the exporters, so an object
// looks the same everywhere. Answers and item data are embedded as stored (answers byte-exact,
// except that line breaks between tokens become spaces where one line is required).
//
//   std::string body = work::RenderSubmission(submission);
#pragma once

#include <string>
#include <string_view>

#include "work/types.h"

namespace work {

// A small builder for JSON objects whose values may be raw JSON text.
class JsonObject {
 public:
  JsonObject& Str(std::string_view key, std::string_view value);
  JsonObject& OptStr(std::string_view key, const std::optional<std::string>& value);
  JsonObject& Int(std::string_view key, int64_t value);
  JsonObject& Num(std::string_view key, double value);
  JsonObject& Bool(std::string_view key, bool value);
  JsonObject& Null(std::string_view key);
  JsonObject& Raw(std::string_view key, std::string_view json_text);  // already JSON
  JsonObject& Time(std::string_view key, int64_t us);                  // RFC 3339
  std::string Finish() const { return body_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string body_ = "{";
};

// What reviewers see instead of an expert's id: stable within a project (the same expert is the
// same pseudonym in the submissions list and the quality report), unrelated across projects,
// and not reversible without the id ("expert-" + 8 hex of sha256(project id, expert id)).
std::string ExpertPseudonym(std::string_view project_id, std::string_view expert_id);

// JSON text on one line: line breaks (only ever whitespace between tokens) become spaces.
std::string OneLine(std::string_view json_text);

std::string RenderProject(const Project& p);
std::string RenderReview(const Review& r);
std::string RenderSubmission(const Submission& s);
// An export's download name: the project's name in lower-case ASCII words joined by '-' ("project"
// when none is left), the UTC date, the extension: "Triage Q3 (pilot)" → triage-q3-pilot-2026-12-04.jsonl.
std::string ExportFileName(std::string_view project_name, int64_t now_us, std::string_view suffix = "");
// The item as its expert sees it: {id, data (display.h: models hidden), response_order}.
std::string ExpertItem(std::string_view item_id, std::string_view data_json, const Display& display);
std::string RenderLease(const Lease& l);
std::string RenderAssignment(const Assignment& a);
std::string RenderItem(const ItemView& i);
std::string RenderMember(const Member& m);
std::string RenderInvitation(const Invitation& v);
std::string RenderImportResult(const ImportResult& r);
std::string RenderProgress(const Progress& p);
std::string RenderExpertStats(const ExpertProjectStats& s);

}  // namespace work
