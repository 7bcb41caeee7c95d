#include "money/statement.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "base/csv.h"
#include "base/clock.h"
#include "base/json.h"
#include "money/pay.h"

namespace money {
namespace {

// The breakdown of an accrual line (zeros for other lines).
struct Breakdown {
  int64_t paid_ms = 0, hourly_cents = 0, item_cents = 0, time_cents = 0, floor_cents = 0, bonus_cents = 0,
          rush_cents = 0;
  bool verified = true;
  std::string bonus_reason;
};

Breakdown ParseDetail(const std::string& detail) {
  Breakdown b;
  auto j = base::ParseJson(detail);
  if (!j || !j->is_object()) return b;
  auto get = [&](const char* k) { return j->contains(k) && (*j)[k].is_number_integer() ? (*j)[k].get<int64_t>() : 0; };
  b.paid_ms = get("paid_ms");
  b.hourly_cents = get("hourly_cents");
  b.item_cents = get("item_cents");
  b.time_cents = get("time_cents");
  b.floor_cents = get("floor_cents");
  b.bonus_cents = get("bonus_cents");
  b.rush_cents = get("rush_cents");
  if (j->contains("verified") && (*j)["verified"].is_boolean()) b.verified = (*j)["verified"].get<bool>();
  if (j->contains("bonus_reason") && (*j)["bonus_reason"].is_string()) b.bonus_reason = (*j)["bonus_reason"];
  return b;
}

std::string Hours(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(ms) / static_cast<double>(kMsPerHour));
  return buf;
}

std::string Html(std::string_view v) {
  std::string out;
  for (char ch : v) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string KindWord(const EarningLine& l) {
  if (l.kind == "accrual") return "earned";
  if (l.kind == "reversal") return "correction";
  if (l.kind == "payout") return "payout";
  return l.kind;
}

constexpr const char* kStyle =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2430}h1{font-size:1.4rem;margin:0 0 .25rem}"
    "table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{padding:.3rem .5rem;border-bottom:1px solid #d8dde6;"
    "text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".muted{color:#5a6472}.sum{font-weight:600}@media print{body{margin:0}}";

}  // namespace

std::string CsvField(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  return base::CsvQuote(s);
}

std::string DecimalAmount(int64_t cents) {
  const int64_t a = cents < 0 ? -cents : cents;
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (cents < 0 ? "-" : "") + std::to_string(a / 100) + "." + frac;
}

std::string StatementCsv(const Statement& s) {
  std::string out =
      "date,transaction_id,kind,project,item,submission_id,hours,hourly_rate_cents,item_cents,time_cents,floor_cents,"
      "bonus_cents,rush_cents,amount_cents,amount,currency,memo\r\n";
  for (const EarningLine& l : s.lines) {
    const Breakdown b = ParseDetail(l.detail_json);
    const bool accrual = l.kind == "accrual";
    out += base::FormatRfc3339(l.at_us) + "," + CsvField(l.txn_id) + "," + CsvField(KindWord(l)) + "," +
           CsvField(l.project_name.value_or("")) + "," + CsvField(l.item_external_id.value_or("")) + "," +
           CsvField(l.submission_id.value_or("")) + "," + (accrual ? Hours(b.paid_ms) : "") + "," +
           (accrual ? std::to_string(b.hourly_cents) : "") + "," + (accrual ? std::to_string(b.item_cents) : "") + "," +
           (accrual ? std::to_string(b.time_cents) : "") + "," + (accrual ? std::to_string(b.floor_cents) : "") + "," +
           (accrual ? std::to_string(b.bonus_cents) : "") + "," + (accrual ? std::to_string(b.rush_cents) : "") + "," +
           std::to_string(l.amount_cents) + "," + DecimalAmount(l.amount_cents) + "," + CsvField(l.currency) + "," +
           CsvField(l.memo) + "\r\n";
  }
  return out;
}

std::string StatementHtml(const Statement& s) {
  const std::string from = base::FormatRfc3339(s.from_us).substr(0, 10);
  const std::string to = base::FormatRfc3339(s.to_us - 1).substr(0, 10);
  std::string h = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Statement " + Html(from) +
                  " to " + Html(to) + "</title><style>" + kStyle + "</style></head><body>";
  h += "<h1>Earnings statement</h1><p class=\"muted\">" + Html(s.expert_name.empty() ? s.expert_email : s.expert_name) +
       " &lt;" + Html(s.expert_email) + "&gt; · " + Html(from) + " to " + Html(to) + " (UTC) · " + Html(s.currency) +
       "</p>";
  h += "<p>Opening balance payable: <b>" + DecimalAmount(s.opening_cents) + "</b> · Closing: <b>" +
       DecimalAmount(s.closing_cents) + "</b></p>";
  h += "<table><thead><tr><th>Date</th><th>What</th><th>Project, item</th><th class=\"n\">Hours</th>"
       "<th class=\"n\">Rate/h</th><th class=\"n\">Item</th><th class=\"n\">Time</th><th class=\"n\">Floor</th>"
       "<th class=\"n\">Bonus</th><th class=\"n\">Rush</th><th class=\"n\">Amount</th></tr></thead><tbody>";
  for (const EarningLine& l : s.lines) {
    const Breakdown b = ParseDetail(l.detail_json);
    const bool accrual = l.kind == "accrual";
    auto cell = [&](int64_t v) { return "<td class=\"n\">" + (accrual ? DecimalAmount(v) : std::string()) + "</td>"; };
    h += "<tr><td>" + Html(base::FormatRfc3339(l.at_us).substr(0, 16).replace(10, 1, " ")) + "</td><td>" +
         Html(KindWord(l)) + (b.bonus_reason.empty() ? "" : "<br><span class=\"muted\">" + Html(b.bonus_reason) + "</span>") +
         (accrual && !b.verified ? "<br><span class=\"muted\">time unverified (no heartbeats)</span>" : "") +
         "</td><td>" + Html(l.memo) + "</td><td class=\"n\">" + (accrual ? Hours(b.paid_ms) : "") + "</td>" +
         cell(b.hourly_cents) + cell(b.item_cents) + cell(b.time_cents) + cell(b.floor_cents) + cell(b.bonus_cents) +
         cell(b.rush_cents) + "<td class=\"n\">" + DecimalAmount(l.amount_cents) + "</td></tr>";
  }
  if (s.lines.empty()) h += "<tr><td colspan=\"11\" class=\"muted\">Nothing in this period.</td></tr>";
  h += "<tr class=\"sum\"><td colspan=\"10\">Change in the period</td><td class=\"n\">" +
       DecimalAmount(s.closing_cents - s.opening_cents) + "</td></tr></tbody></table>";
  h += "<p class=\"muted\">Hours are paid time: measured by heartbeats (or, without them, the time claimed, capped at "
       "the lease), never more than the task was held. Amounts round to the cent, halves up.</p></body></html>";
  return h;
}

}  // namespace money
