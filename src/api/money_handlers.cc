// Money routes: heartbeats, the timesheet and its disputes, funding, costs, earnings and
// statements, fraud findings, payout batches, reversals; and `pay` on project create/PATCH.
// Adapt money::Service; no rules here.
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/json.h"
#include "money/pay.h"
#include "money/statement.h"
#include "work/render.h"

namespace api {
namespace {

using base::Result;
using http::Response;
using nlohmann::json;

template <typename T>
json Opt(const std::optional<T>& v) { return v ? json(*v) : json(nullptr); }
Response Json(int status, const json& j) { return Response::Json(status, base::Dump(j)); }

Result<money::Service*> Money(Deps& d) {
  if (!d.money) return base::Error(base::ErrorCode::kUnavailable, "money is not configured on this server");
  return d.money;
}

Result<int64_t> IntField(const json& j, const char* key, bool required, int64_t fallback = 0) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return base::Error::Invalid(std::string("missing field ") + key).Detail("field", key);
    return fallback;
  }
  if (!it->is_number_integer()) return base::Error::Invalid(std::string(key) + " must be an integer").Detail("field", key);
  return it->get<int64_t>();
}

json TransactionJson(const money::Transaction& t) {
  json lines = json::array();
  for (const money::Line& l : t.lines) {
    lines.push_back({{"account", l.account.kind}, {"owner", l.account.owner}, {"amount_cents", l.amount_cents}});
  }
  return {{"id", t.id},
          {"kind", t.kind},
          {"currency", t.currency},
          {"memo", t.memo},
          {"idempotency_key", t.idempotency_key},
          {"reverses_id", Opt(t.reverses_id)},
          {"project_id", Opt(t.project_id)},
          {"created_at", Time(t.created_at_us)},
          {"lines", lines}};
}

json DisputeJson(const money::Dispute& d) {
  return {{"id", d.id},
          {"segment_id", d.segment_id},
          {"segment_start", Time(d.segment_start_us)},
          {"segment_active_ms", d.segment_active_ms},
          {"expert_id", d.expert_id},
          {"expert_name", d.expert_name},
          {"project_id", d.project_id},
          {"project_name", d.project_name},
          {"claimed_ms", d.claimed_ms},
          {"reason", d.reason},
          {"status", d.status},
          {"granted_ms", Opt(d.granted_ms)},
          {"resolution", Opt(d.resolution)},
          {"resolved_by", Opt(d.resolved_by_name)},
          {"resolved_at", OptTime(d.resolved_at_us)},
          {"created_at", Time(d.created_at_us)}};
}

json SheetJson(const money::Timesheet& s) {
  json days = json::array(), unverified = json::array();
  for (const money::TimesheetDay& d : s.days) {
    json segments = json::array();
    for (const money::Segment& g : d.segments) {
      segments.push_back({{"id", g.id},
                          {"project_id", g.project_id},
                          {"project_name", g.project_name},
                          {"assignment_id", g.assignment_id},
                          {"start", Time(g.start_us)},
                          {"active_ms", g.active_ms},
                          {"granted_ms", g.granted_ms},
                          {"beats", g.beats},
                          {"level", std::min<int64_t>(4, (g.active_ms + g.granted_ms) * 5 / 600'001)},
                          {"dispute", g.dispute ? DisputeJson(*g.dispute) : json(nullptr)}});
    }
    days.push_back({{"day", d.day}, {"active_ms", d.active_ms}, {"granted_ms", d.granted_ms}, {"memo", d.memo},
                    {"segments", segments}});
  }
  for (const money::UnverifiedTime& u : s.unverified) {
    unverified.push_back({{"submission_id", u.submission_id}, {"project_id", u.project_id},
                          {"project_name", u.project_name}, {"submitted_at", Time(u.submitted_at_us)},
                          {"claimed_ms", u.claimed_ms}, {"paid_ms", u.paid_ms}});
  }
  return {{"from", s.from_day}, {"to", s.to_day}, {"days", days}, {"unverified", unverified}};
}

json CurrencyJson(const money::CurrencyEarnings& c) {
  return {{"currency", c.currency}, {"pending_cents", c.pending_cents}, {"payable_cents", c.payable_cents},
          {"in_batch_cents", c.in_batch_cents}, {"paid_cents", c.paid_cents}};
}

json LineJson(const money::EarningLine& l) {
  return {{"transaction_id", l.txn_id},
          {"kind", l.kind},
          {"memo", l.memo},
          {"currency", l.currency},
          {"project_id", Opt(l.project_id)},
          {"project_name", Opt(l.project_name)},
          {"submission_id", Opt(l.submission_id)},
          {"item_external_id", Opt(l.item_external_id)},
          {"reverses_id", Opt(l.reverses_id)},
          {"amount_cents", l.amount_cents},
          {"at", Time(l.at_us)},
          {"detail", base::ParseJson(l.detail_json).value_or(json::object())}};
}

json EarningsJson(const money::Earnings& e) {
  json out = CurrencyJson(e.main);
  json currencies = json::array(), projects = json::array(), lines = json::array();
  for (const auto& c : e.currencies) currencies.push_back(CurrencyJson(c));
  for (const money::ProjectEarnings& p : e.projects) {
    projects.push_back({{"project_id", p.project_id}, {"name", p.name}, {"currency", p.currency},
                        {"approved", p.approved}, {"rejected", p.rejected}, {"pending", p.pending},
                        {"earned_cents", p.earned_cents}, {"paid_ms", p.paid_ms},
                        {"effective_hourly_cents", Opt(p.effective_hourly_cents)}});
  }
  for (const money::EarningLine& l : e.lines) lines.push_back(LineJson(l));
  out["currencies"] = currencies;
  out["projects"] = projects;
  out["lines"] = lines;
  out["next_payout"] = {{"at", OptTime(e.next_payout_at_us)}, {"min_cents", e.payout_min_cents}};
  return out;
}

json CostsJson(const money::Costs& c) {
  json days = json::array();
  for (const money::DaySpend& d : c.spend_by_day) days.push_back({{"day", d.day}, {"cents", d.cents}});
  return {{"project_id", c.project_id},
          {"currency", c.currency},
          {"funded_cents", c.funded_cents},
          {"spend_cents", c.spend_cents},
          {"budget_left_cents", c.budget_left_cents},
          {"committed_cents", c.committed_cents},
          {"fee_cents", c.fee_cents},
          {"burn_rate_cents_per_day", c.burn_rate_cents_per_day},
          {"days_left", Opt(c.days_left)},
          {"spend_by_day", days},
          {"approved_items", c.approved_items},
          {"cost_per_approved_item_cents", Opt(c.cost_per_approved_item_cents)},
          {"correct_labels", Opt(c.correct_labels)},
          {"cost_per_correct_label_cents", Opt(c.cost_per_correct_label_cents)},
          {"correct_label_method", c.correct_label_method},
          {"correct_label_explanation", c.correct_label_explanation},
          {"leases_stopped", c.leases_stopped},
          {"leases_stopped_reason", c.leases_stopped_reason}};
}

json BatchJson(const money::Batch& b) {
  json payouts = json::array();
  for (const money::Payout& p : b.payouts) {
    payouts.push_back({{"id", p.id}, {"expert_id", p.expert_id}, {"expert_email", p.expert_email},
                       {"expert_name", p.expert_name}, {"amount_cents", p.amount_cents}, {"currency", p.currency},
                       {"status", p.status}});
  }
  return {{"id", b.id},           {"currency", b.currency},         {"status", b.status},
          {"min_cents", b.min_cents}, {"total_cents", b.total_cents}, {"created_at", Time(b.created_at_us)},
          {"ready_at", OptTime(b.ready_at_us)}, {"paid_at", OptTime(b.paid_at_us)}, {"payouts", payouts}};
}

Result<int64_t> DayParam(const Call& call, const char* key) {
  auto v = call.http.QueryParam(key);
  if (!v) return base::Error::Invalid(std::string(key) + " is required (YYYY-MM-DD)").Detail("field", key);
  return base::ParseDay(*v, key);
}

}  // namespace

Result<PayInBody> TakePay(Deps& d, const Call& call, std::string_view project_id) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  PayInBody out;
  if (auto it = j.find("pay"); it != j.end()) {
    out.pay_json = base::Dump(*it);
    j.erase(it);
    ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
    std::optional<money::PayRules> current;
    if (!project_id.empty()) {
      ASSAY_ASSIGN_OR_RETURN(current, money->GetPay(*call.caller, project_id));
    }
    ASSAY_TRY(money::ParsePay(out.pay_json, current ? &*current : nullptr));  // refused before anything changes
  }
  out.rest_json = base::Dump(j);
  return out;
}

base::Status StorePay(Deps& d, const Call& call, std::string_view project_id, const PayInBody& pay) {
  if (pay.pay_json.empty()) return base::Ok();
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_TRY(money->SetPay(*call.caller, project_id, pay.pay_json));
  return base::Ok();
}

Result<Response> ProjectResponse(Deps& d, const Call& call, int status, const work::Project& p) {
  std::string out = work::RenderProject(p);
  std::string pay = "null";
  if (d.money) {
    ASSAY_ASSIGN_OR_RETURN(std::optional<money::PayRules> rules, d.money->GetPay(*call.caller, p.id));
    if (rules) pay = money::PayJson(*rules);
  }
  out.pop_back();
  return Response::Json(status, out + ",\"pay\":" + pay + "}");
}

Result<Response> Heartbeat(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  money::BeatRequest b;
  ASSAY_ASSIGN_OR_RETURN(b.beat_id, StringField(j, "beat_id", false));
  ASSAY_ASSIGN_OR_RETURN(b.tab_id, StringField(j, "tab_id"));
  ASSAY_ASSIGN_OR_RETURN(b.active_ms, IntField(j, "active_ms", true));
  ASSAY_ASSIGN_OR_RETURN(b.client_at_us, TimeField(j, "client_at"));
  if (auto it = j.find("visible"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return base::Error::Invalid("visible must be true or false").Detail("field", "visible");
    b.visible = it->get<bool>();
  }
  ASSAY_ASSIGN_OR_RETURN(money::BeatResult r, money->Heartbeat(*call.caller, call.params.Get("assignment_id"), b));
  return Json(200, {{"credited_ms", r.credited_ms}, {"measured_ms", r.measured_ms}, {"duplicate", r.duplicate}});
}

Result<Response> MyTimesheet(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  const std::string today = base::FormatRfc3339(d.clock->NowMicros()).substr(0, 10);
  const std::string to = call.http.QueryParam("to").value_or(today);
  std::string from = call.http.QueryParam("from").value_or("");
  if (from.empty()) {
    auto t = base::ParseRfc3339(to);
    from = base::FormatRfc3339((t ? *t : d.clock->NowMicros()) - 13LL * 24 * 3600 * base::kMicrosPerSecond).substr(0, 10);
  }
  ASSAY_ASSIGN_OR_RETURN(money::Timesheet s, money->MyTimesheet(*call.caller, from, to));
  return Json(200, SheetJson(s));
}

Result<Response> PutMemo(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string memo, StringField(j, "memo"));
  ASSAY_TRY(money->SetMemo(*call.caller, call.params.Get("day"), memo));
  return Json(200, {{"day", call.params.Get("day")}, {"memo", memo}});
}

Result<Response> OpenDispute(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(int64_t claimed, IntField(j, "claimed_ms", true));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason"));
  ASSAY_ASSIGN_OR_RETURN(money::Dispute dispute,
                         money->OpenDispute(*call.caller, call.params.Get("segment_id"), claimed, reason));
  return Json(201, DisputeJson(dispute));
}

Result<Response> ListDisputes(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(std::vector<money::Dispute> list,
                         money->ListDisputes(*call.caller, call.params.Get("project_id"),
                                             call.http.QueryParam("status").value_or("")));
  json out = json::array();
  for (const money::Dispute& x : list) out.push_back(DisputeJson(x));
  return Json(200, {{"disputes", out}});
}

Result<Response> ResolveDispute(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string decision, StringField(j, "decision"));
  if (decision != "accept" && decision != "reject") {
    return base::Error::Invalid("decision must be accept or reject").Detail("field", "decision");
  }
  ASSAY_ASSIGN_OR_RETURN(int64_t granted, IntField(j, "granted_ms", false));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason"));
  ASSAY_ASSIGN_OR_RETURN(money::Dispute dispute, money->ResolveDispute(*call.caller, call.params.Get("dispute_id"),
                                                                      decision == "accept", granted, reason));
  return Json(200, DisputeJson(dispute));
}

Result<Response> Fund(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(int64_t cents, IntField(j, "amount_cents", true));
  ASSAY_ASSIGN_OR_RETURN(std::string currency, StringField(j, "currency"));
  ASSAY_ASSIGN_OR_RETURN(std::string key, StringField(j, "idempotency_key"));
  ASSAY_ASSIGN_OR_RETURN(money::Funded f, money->Fund(*call.caller, call.params.Get("project_id"), cents, currency, key));
  return Json(f.created ? 201 : 200, {{"transaction", TransactionJson(f.txn)}, {"budget_left_cents", f.budget_cents}});
}

Result<Response> Costs(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(money::Costs c, money->ProjectCosts(*call.caller, call.params.Get("project_id")));
  return Json(200, CostsJson(c));
}

Result<Response> MyEarnings(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(money::Earnings e, money->MyEarnings(*call.caller));
  return Json(200, EarningsJson(e));
}

Result<Response> MyStatement(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(int64_t from, DayParam(call, "from"));
  ASSAY_ASSIGN_OR_RETURN(int64_t to, DayParam(call, "to"));
  const std::string format = call.http.QueryParam("format").value_or("json");
  if (format != "json" && format != "csv" && format != "html") {
    return base::Error::Invalid("format must be json, csv or html").Detail("field", "format");
  }
  ASSAY_ASSIGN_OR_RETURN(money::Statement s, money->MyStatement(*call.caller, from, to + 24LL * 3600 * base::kMicrosPerSecond,
                                                                call.http.QueryParam("currency").value_or("")));
  const std::string name = "statement-" + base::FormatRfc3339(from).substr(0, 10) + "-to-" +
                           base::FormatRfc3339(to).substr(0, 10);
  if (format == "csv") {
    Response r = Response::Text(200, money::StatementCsv(s), "text/csv; charset=utf-8");
    r.SetHeader("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    return r;
  }
  if (format == "html") {
    Response r = Response::Text(200, money::StatementHtml(s), "text/html; charset=utf-8");
    // A page of our own text only: no script, its one inline stylesheet.
    r.SetHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    return r;
  }
  json lines = json::array();
  for (const money::EarningLine& l : s.lines) lines.push_back(LineJson(l));
  return Json(200, {{"currency", s.currency}, {"from", Time(s.from_us)}, {"to", Time(s.to_us)},
                    {"opening_cents", s.opening_cents}, {"closing_cents", s.closing_cents}, {"lines", lines}});
}

Result<Response> RecordFraud(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason"));
  ASSAY_TRY(money->RecordFraud(*call.caller, call.params.Get("submission_id"), reason));
  return Json(201, {{"submission_id", call.params.Get("submission_id")}, {"fraud", true}, {"reason", reason}});
}

Result<Response> CreateBatch(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(int64_t min, IntField(j, "min_cents", true));
  ASSAY_ASSIGN_OR_RETURN(std::string currency, StringField(j, "currency", false));
  ASSAY_ASSIGN_OR_RETURN(std::string key, StringField(j, "idempotency_key", false));
  ASSAY_ASSIGN_OR_RETURN(money::Batch b, money->CreateBatch(*call.caller, min, currency, key));
  return Json(b.created ? 201 : 200, BatchJson(b));
}

Result<Response> ListBatches(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(std::vector<money::Batch> list, money->ListBatches(*call.caller));
  json out = json::array();
  for (const money::Batch& b : list) out.push_back(BatchJson(b));
  return Json(200, {{"batches", out}});
}

Result<Response> GetBatch(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(money::Batch b, money->GetBatch(*call.caller, call.params.Get("batch_id")));
  return Json(200, BatchJson(b));
}

Result<Response> ExportBatch(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(std::string csv, money->BatchCsv(*call.caller, call.params.Get("batch_id")));
  Response r = Response::Text(200, std::move(csv), "text/csv; charset=utf-8");
  r.SetHeader("Content-Disposition", "attachment; filename=\"payouts-" + std::string(call.params.Get("batch_id")) + ".csv\"");
  return r;
}

Result<Response> MarkBatchPaid(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(money::Batch b, money->MarkPaid(*call.caller, call.params.Get("batch_id")));
  return Json(200, BatchJson(b));
}

Result<Response> ReverseTransaction(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(money::Service * money, Money(d));
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason"));
  ASSAY_ASSIGN_OR_RETURN(std::string key, StringField(j, "idempotency_key", false));
  ASSAY_ASSIGN_OR_RETURN(money::Posted p,
                         money->ReverseTransaction(*call.caller, call.params.Get("transaction_id"), reason, key));
  return Json(p.created ? 201 : 200, TransactionJson(p.txn));
}

}  // namespace api
