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

// JSON text on one line: line breaks (only ever whitespace between tokens) become spaces.
std::string OneLine(std::string_view json_text);

std::string RenderUser(const User& u);
std::string RenderProject(const Project& p);
std::string RenderReview(const Review& r);
std::string RenderSubmission(const Submission& s);
std::string RenderLease(const Lease& l);
std::string RenderAssignment(const Assignment& a);
std::string RenderItem(const ItemView& i);
std::string RenderMember(const Member& m);
std::string RenderImportResult(const ImportResult& r);
std::string RenderProgress(const Progress& p);
std::string RenderExpertStats(const ExpertProjectStats& s);

}  // namespace work
