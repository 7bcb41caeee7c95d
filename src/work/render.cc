#include "work/render.h"

#include <cctype>
#include <cmath>

#include "base/clock.h"
#include "base/hash.h"
#include "base/json.h"

namespace work {

void JsonObject::Key(std::string_view key) {
  if (body_.size() > 1) body_ += ',';
  body_ += base::JsonQuote(key);
  body_ += ':';
}
JsonObject& JsonObject::Str(std::string_view key, std::string_view value) {
  Key(key);
  body_ += base::JsonQuote(value);
  return *this;
}
JsonObject& JsonObject::OptStr(std::string_view key, const std::optional<std::string>& value) {
  return value ? Str(key, *value) : Null(key);
}
JsonObject& JsonObject::Int(std::string_view key, int64_t value) {
  Key(key);
  body_ += std::to_string(value);
  return *this;
}
JsonObject& JsonObject::Num(std::string_view key, double value) {
  Key(key);
  if (!std::isfinite(value)) {
    body_ += "null";
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    body_ += buf;
  }
  return *this;
}
JsonObject& JsonObject::Bool(std::string_view key, bool value) {
  Key(key);
  body_ += value ? "true" : "false";
  return *this;
}
JsonObject& JsonObject::Null(std::string_view key) {
  Key(key);
  body_ += "null";
  return *this;
}
JsonObject& JsonObject::Raw(std::string_view key, std::string_view json_text) {
  Key(key);
  body_ += json_text;
  return *this;
}
JsonObject& JsonObject::Time(std::string_view key, int64_t us) { return Str(key, base::FormatRfc3339(us)); }

std::string ExpertPseudonym(std::string_view project_id, std::string_view expert_id) {
  std::string key(project_id);
  key += '\n';
  key += expert_id;
  return "expert-" + base::Sha256Hex(key).substr(0, 8);
}

std::string OneLine(std::string_view json_text) {
  std::string out(json_text);
  for (char& ch : out) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return out;
}

namespace {
std::string FormatShare(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", share);
  return buf;
}
}  // namespace

std::string RenderProject(const Project& p) {
  return JsonObject()
      .Str("id", p.id)
      .Str("name", p.name)
      .Str("instructions", p.instructions)
      .Raw("template", p.template_json)
      .Raw("answer_schema", p.answer_schema_json)
      .Int("overlap", p.overlap)
      .Int("max_overlap", p.max_overlap)
      .Num("target_confidence", p.target_confidence)
      .Int("lease_seconds", p.lease_seconds)
      .Time("created_at", p.created_at_us)
      .Time("updated_at", p.updated_at_us)
      .Str("my_role", p.my_role)
      .Raw("requirements", p.requirements_json)
      .OptStr("contract_id", p.contract_id)
      .Raw("daily_cap", p.daily_cap ? std::to_string(*p.daily_cap) : "null")
      .Raw("max_share", p.max_share ? FormatShare(*p.max_share) : "null")
      .Str("export_experts", p.export_experts)
      .Bool("hide_models", p.hide_models)
      .Bool("shuffle_responses", p.shuffle_responses)
      .Finish();
}

std::string RenderReview(const Review& r) {
  return JsonObject()
      .Str("id", r.id)
      .Str("submission_id", r.submission_id)
      .Str("verdict", r.verdict)
      .Str("reason", r.reason)
      .Str("reviewer_id", r.reviewer_id)
      .Time("reviewed_at", r.created_at_us)
      .Finish();
}

std::string RenderSubmission(const Submission& s) {
  JsonObject o;
  o.Str("id", s.id)
      .Str("assignment_id", s.assignment_id)
      .Str("item_id", s.item_id)
      .Str("project_id", s.project_id)
      .Str("expert_id", s.expert_id)
      .Str("client_submission_id", s.client_submission_id)
      .Raw("answer", OneLine(s.answer_json))
      .Int("active_ms", s.active_ms)
      .Time("submitted_at", s.submitted_at_us)
      .Str("state", s.state);
  if (s.review) o.Raw("review", RenderReview(*s.review));
  else o.Null("review");
  if (s.auto_approved_at_us) o.Time("auto_approved_at", *s.auto_approved_at_us);
  o.Int("version", s.version);
  if (s.sent_back) {
    o.Raw("sent_back", JsonObject().Str("note", s.sent_back->note).Time("at", s.sent_back->at_us).Finish());
  } else {
    o.Null("sent_back");
  }
  if (s.editable_until_us) o.Time("editable_until", *s.editable_until_us);
  if (s.context) {
    o.Raw("expert", JsonObject().Str("id", s.expert_id).Str("email", s.context->expert_email)
                        .Str("name", s.context->expert_name).Finish())
        .OptStr("item_external_id", s.context->item_external_id);
  }
  return o.Finish();
}

// The item as its expert sees it (display.h): models hidden, the order to show responses in.
std::string ExpertItem(std::string_view item_id, std::string_view data_json, const Display& display) {
  return JsonObject()
      .Str("id", item_id)
      .Raw("data", ExpertData(data_json, display))
      .Raw("response_order", ResponseOrderJson(item_id, data_json, display))
      .Finish();
}

std::string RenderLease(const Lease& l) {
  std::string item = ExpertItem(l.item_id, l.item_data_json, l.display);
  return JsonObject()
      .Str("assignment_id", l.assignment_id)
      .Str("lease_token", l.lease_token)
      .Time("expires_at", l.expires_at_us)
      .Str("project_id", l.project_id)
      .Raw("item", item)
      .Finish();
}

std::string RenderAssignment(const Assignment& a) {
  std::string item = ExpertItem(a.item_id, a.item_data_json, a.display);
  JsonObject o;
  o.Str("id", a.id)
      .Str("project_id", a.project_id)
      .Str("item_id", a.item_id)
      .Str("expert_id", a.expert_id)
      .Str("state", a.state)
      .Time("leased_at", a.leased_at_us)
      .Time("expires_at", a.lease_expires_at_us);
  if (a.finished_at_us) o.Time("finished_at", *a.finished_at_us);
  else o.Null("finished_at");
  return o.Raw("item", item).Finish();
}

std::string RenderItem(const ItemView& i) {
  return JsonObject()
      .Str("id", i.id)
      .OptStr("external_id", i.external_id)
      .Raw("data", i.data_json)
      .Raw("gold", i.gold_json ? *i.gold_json : "null")
      .Int("submissions", i.submissions)
      .Finish();
}

std::string RenderMember(const Member& m) {
  JsonObject o;
  o.Str("user_id", m.user_id).Str("email", m.email).Str("name", m.name).Str("role", m.role)
      .Time("added_at", m.added_at_us).Int("live_leases", m.live_leases).Int("submissions", m.submissions);
  if (m.last_submitted_at_us) o.Time("last_submitted_at", *m.last_submitted_at_us);
  else o.Null("last_submitted_at");
  return o.Finish();
}

std::string RenderInvitation(const Invitation& v) {
  return JsonObject()
      .Str("id", v.id)
      .Str("project_id", v.project_id)
      .Str("project_name", v.project_name)
      .Str("email", v.email)
      .Str("role", v.role)
      .Str("invited_by", v.invited_by_name)
      .Time("created_at", v.created_at_us)
      .Finish();
}

std::string RenderImportResult(const ImportResult& r) {
  std::string errors = "[";
  for (const ImportError& e : r.errors) {
    if (errors.size() > 1) errors += ',';
    errors += JsonObject().Int("line", e.line).Str("message", e.message).Finish();
  }
  errors += "]";
  return JsonObject()
      .Int("imported", r.imported)
      .Int("skipped", r.skipped)
      .Int("error_count", r.error_count)
      .Raw("errors", errors)
      .Finish();
}

std::string RenderProgress(const Progress& p) {
  std::string buckets = "[";
  for (const ThroughputBucket& b : p.throughput) {
    if (buckets.size() > 1) buckets += ',';
    buckets += JsonObject().Time("bucket_start", b.bucket_start_us).Int("submissions", b.submissions).Finish();
  }
  buckets += "]";
  return JsonObject()
      .Int("items", p.items)
      .Int("overlap", p.overlap)
      .Int("target_submissions", p.target_submissions)
      .Int("submitted", p.submitted)
      .Int("approved", p.approved)
      .Int("rejected", p.rejected)
      .Int("pending_review", p.pending_review)
      .Int("leased", p.leased)
      .Int("awaiting_responses", p.awaiting_responses)
      .Raw("throughput", buckets)
      .Finish();
}

std::string RenderExpertStats(const ExpertProjectStats& s) {
  JsonObject o;
  o.Str("project_id", s.project_id).Str("name", s.name).Int("submitted", s.submitted).Int("approved", s.approved)
      .Int("rejected", s.rejected);
  if (s.approval_rate) o.Num("approval_rate", *s.approval_rate);
  else o.Null("approval_rate");
  return o.Int("active_seconds", s.active_seconds).Finish();
}

std::string ExportFileName(std::string_view project_name, int64_t now_us, std::string_view suffix) {
  std::string slug;
  for (char ch : project_name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80) {
      if (slug.size() >= 60) break;
      slug += static_cast<char>(std::tolower(c));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "project";
  return slug + std::string(suffix) + "-" + base::FormatRfc3339(now_us).substr(0, 10) + ".jsonl";
}

}  // namespace work
