#include "work/console_render.h"

#include "base/clock.h"
#include "base/json.h"
#include "work/render.h"

namespace work {
namespace {

// A share kept in parts per million (-1: unmeasured) as a fraction, or null.
std::string Share(int64_t ppm) {
  if (ppm < 0) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(ppm) / 1e6);
  return buf;
}

template <typename T, typename F>
std::string List(const std::vector<T>& xs, F render) {
  std::string out = "[";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) out += ',';
    out += render(xs[i]);
  }
  return out + "]";
}

std::string RenderRow(const BrowseRow& r) {
  std::string experts = List(r.experts, [](const BrowseRow::Expert& e) {
    JsonObject o;
    o.Str("id", e.id);
    if (!e.name.empty()) o.Str("name", e.name);
    return o.Finish();
  });
  JsonObject o;
  o.Str("id", r.item_id)
      .Int("seq", r.seq)
      .Raw("external_id", r.external_id.empty() ? "null" : base::JsonQuote(r.external_id))
      .Str("state", r.state)
      .Int("labels", r.labels)
      .Int("submissions", r.labels + r.rejected)
      .Int("pending", r.pending)
      .Int("approved", r.approved)
      .Int("rejected", r.rejected)
      .Raw("consensus", r.consensus.empty() ? "null" : base::JsonQuote(r.consensus))
      .Raw("confidence", Share(r.confidence_ppm))
      .Raw("agreement", Share(r.agreement_ppm))
      .Str("gold_state", r.gold)
      .Int("flags", r.flags)
      .Int("skips", r.skips)
      .Int("active_ms", r.active_ms)
      .Time("last_activity", r.last_activity_us)
      .Raw("risk", Share(r.risk))
      .Raw("experts", experts)
      .Raw("fields", r.fields_json);
  if (!r.data_json.empty()) o.Raw("data", r.data_json).Raw("gold", r.gold_json ? *r.gold_json : "null");
  return o.Finish();
}

std::string RenderConsensus(const FieldConsensus& c) {
  std::string votes = "{";
  for (size_t i = 0; i < c.votes.size(); ++i) {
    if (i) votes += ',';
    votes += base::JsonQuote(c.votes[i].first) + ":" + std::to_string(c.votes[i].second);
  }
  votes += "}";
  JsonObject o;
  o.Str("field", c.field).Str("component", c.component);
  if (c.label.empty()) o.Null("label").Null("confidence");
  else o.Str("label", c.label).Num("confidence", c.confidence);
  if (c.agreement) o.Num("agreement", *c.agreement);
  else o.Null("agreement");
  return o.Int("labels", c.labels).Raw("votes", votes).Finish();
}

std::string RenderGoldField(const GoldField& f) {
  return JsonObject()
      .Str("field", f.field)
      .Str("component", f.component)
      .Raw("expected", OneLine(f.expected))
      .Raw("given", OneLine(f.given))
      .Bool("match", f.match)
      .Bool("scored", f.scored)
      .Str("note", f.note)
      .Finish();
}

std::string RenderAnswer(const AnswerView& a) {
  std::string earlier = List(a.earlier, [](const AnswerView::Version& v) {
    return JsonObject()
        .Int("version", v.version)
        .Raw("answer", OneLine(v.answer_json))
        .Time("submitted_at", v.submitted_at_us)
        .Time("replaced_at", v.replaced_at_us)
        .Finish();
  });
  std::string sub = RenderSubmission(a.submission);
  sub.pop_back();
  if (!a.expert_name.empty()) sub += ",\"expert_name\":" + base::JsonQuote(a.expert_name);
  sub += ",\"gold_comparison\":" + (a.gold.empty() ? std::string("null") : List(a.gold, RenderGoldField));
  sub += ",\"earlier_versions\":" + earlier + "}";
  return sub;
}

std::string RenderEvent(const HistoryEvent& e) {
  return JsonObject().Time("at", e.at_us).Str("kind", e.kind).Str("who", e.who).Str("detail", e.detail).Finish();
}

}  // namespace

std::string RenderBrowsePage(const BrowsePage& p) {
  return JsonObject()
      .Raw("items", List(p.rows, RenderRow))
      .Int("total", p.total)
      .OptStr("next_cursor", p.next_cursor)
      .Int("search_pending", p.search_pending)
      .Int("stale", p.stale)
      .Finish();
}

std::string RenderSavedView(const SavedView& v) {
  return JsonObject()
      .Str("id", v.id)
      .Str("project_id", v.project_id)
      .Str("name", v.name)
      .Str("query", v.query)
      .Str("created_by", v.created_by)
      .Time("created_at", v.created_at_us)
      .Finish();
}

std::string RenderItemContext(const ItemContext& ctx) {
  JsonObject o;
  o.Raw("item", RenderItem(ctx.item))
      .Str("project_id", ctx.project_id)
      .Raw("response_order", ctx.response_order_json)
      .Raw("stats", ctx.stats ? RenderRow(*ctx.stats) : "null")
      .Raw("consensus", List(ctx.consensus, RenderConsensus))
      .Raw("answers", List(ctx.answers, RenderAnswer))
      .Raw("history", List(ctx.history, RenderEvent));
  return o.Finish();
}

std::string RenderSubmissionContext(const SubmissionContext& ctx) {
  const ExpertRecord& e = ctx.expert;
  JsonObject rec;
  rec.Str("id", e.expert_id);
  if (!e.name.empty()) rec.Str("name", e.name);
  rec.Int("submitted", e.submitted)
      .Int("approved", e.approved)
      .Int("rejected", e.rejected)
      .Int("pending", e.pending)
      .Raw("gold", JsonObject().Int("correct", e.gold_correct).Int("total", e.gold_total).Finish())
      .Raw("consensus", JsonObject().Int("agreed", e.agreed).Int("compared", e.compared).Finish())
      .Int("median_active_ms", e.median_active_ms);
  return JsonObject()
      .Raw("answer", RenderAnswer(ctx.answer))
      .Raw("item", RenderItemContext(ctx.item))
      .Raw("expert", rec.Finish())
      .Finish();
}

std::string RenderJob(const Job& j) {
  JsonObject o;
  o.Str("id", j.id)
      .Str("project_id", j.project_id)
      .Str("action", j.action)
      .Raw("params", j.params_json)
      .Str("state", j.state)
      .Int("total", j.total)
      .Int("done", j.done)
      .Int("changed", j.changed)
      .OptStr("error", j.error)
      .Raw("created_by", JsonObject().Str("id", j.created_by).Str("name", j.created_by_name).Finish())
      .Time("created_at", j.created_at_us);
  if (j.finished_at_us) o.Time("finished_at", *j.finished_at_us);
  else o.Null("finished_at");
  if (j.action == "export") o.Str("download", "/api/v1/jobs/" + j.id + "/export");
  return o.Finish();
}

std::string RenderAuditEntry(const AuditEntry& a) {
  return JsonObject()
      .Str("id", a.id)
      .Raw("actor", JsonObject().Str("id", a.actor_id).Str("name", a.actor_name).Finish())
      .Str("action", a.action)
      .Int("items", a.items)
      .Raw("detail", a.detail_json)
      .OptStr("job_id", a.job_id)
      .Time("at", a.created_at_us)
      .Finish();
}

std::string RenderBulkStarted(const BulkStarted& s) {
  JsonObject o;
  if (s.job_id.empty()) o.Null("job_id");
  else o.Str("job_id", s.job_id);
  return o.Int("count", s.count).Int("submissions", s.submissions).Finish();
}

std::string RenderSkipSummary(const SkipSummary& s) {
  std::string recent = List(s.recent, [](const Skip& k) {
    JsonObject o;
    o.Str("id", k.id)
        .Str("item_id", k.item_id)
        .OptStr("item_external_id", k.item_external_id)
        .Str("expert_id", k.expert_id);
    if (!k.expert_name.empty()) o.Str("expert_name", k.expert_name);
    return o.Str("reason", k.reason).Str("note", k.note).Time("at", k.created_at_us).Finish();
  });
  return JsonObject()
      .Raw("counts", JsonObject()
                         .Int("outside_expertise", s.outside_expertise)
                         .Int("broken_item", s.broken_item)
                         .Int("other", s.other)
                         .Finish())
      .Raw("recent", recent)
      .Finish();
}

std::string RenderRemaining(const RemainingWork& r) {
  return JsonObject().Int("for_you", r.for_you).Int("in_project", r.in_project).Int("live_leases", r.live_leases).Finish();
}

}  // namespace work
