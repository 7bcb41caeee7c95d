#include "workplace/hr.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "workplace/app_kit.h"
#include "workplace/people.h"

namespace workplace {
namespace {

using kit::IntField;
using kit::Money;
using kit::Params;

const std::string kApp(kHrApp);
constexpr int64_t kRegularHoursPerPeriod = 80;  // semi-monthly, for hourly staff
constexpr int64_t kHoursPerDay = 8;
constexpr const char* kKinds[] = {"vacation", "sick", "personal"};

// Days since 1970-01-01 of a YYYY-MM-DD date (proleptic Gregorian).
int64_t DayNumber(const std::string& date) {
  int y = std::stoi(date.substr(0, 4));
  const unsigned m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return int64_t{era} * 146097 + static_cast<int64_t>(doe) - 719468;
}

const Value& Hr(const ToolContext& ctx) { return ctx.State(kApp); }

const Value* Employee(const Value& hr, const std::string& id) {
  return hr.At(Ptr({"employees", id}));
}

ToolResult NoEmployee(const std::string& id) {
  return ToolResult::Error("no employee '" + id +
                           "'; ids look like u-dwhitfield (hr_list_employees lists them)");
}

// Hours of `kind` already requested and awaiting a decision for an employee.
int64_t PendingHours(const Value& hr, const std::string& employee, const std::string& kind,
                     const std::string& except_request = "") {
  int64_t hours = 0;
  for (const auto& [id, r] : hr.Find("time_off_requests")->members()) {
    if (id != except_request && Field(r, "employee_id") == employee && Field(r, "kind") == kind &&
        Field(r, "status") == "pending") {
      hours += IntField(r, "hours");
    }
  }
  return hours;
}

int64_t BasePayCents(const Value& e) {
  if (Field(e, "pay_type") == "hourly") {
    return IntField(e, "hourly_rate_cents") * kRegularHoursPerPeriod;
  }
  return (IntField(e, "annual_salary_cents") + 12) / 24;  // 24 semi-monthly periods, rounded
}

int64_t OvertimePayCents(const Value& e, double hours) {
  return static_cast<int64_t>(std::llround(IntField(e, "hourly_rate_cents") * hours * 1.5));
}

double Number(const Value& record, std::string_view key) {
  const Value* v = record.Find(key);
  return v != nullptr && v->is_number() ? v->AsDouble() : 0;
}

nlohmann::json PayrollSummary(const Value& hr, const std::string& period_id) {
  const Value* inputs = hr.At(Ptr({"payroll_inputs", period_id}));
  nlohmann::json rows = nlohmann::json::array();
  int64_t total_gross = 0, total_reimbursement = 0;
  for (const auto& [id, e] : hr.Find("employees")->members()) {
    if (Field(e, "status") != "active") continue;
    const Value* in = inputs != nullptr ? inputs->Find(id) : nullptr;
    const Value none = Value::EmptyObject();
    const Value& input = in != nullptr ? *in : none;
    const int64_t base = BasePayCents(e);
    const int64_t overtime = OvertimePayCents(e, Number(input, "overtime_hours"));
    const int64_t bonus = IntField(input, "bonus_cents");
    const int64_t commission = IntField(input, "commission_cents");
    const int64_t reimbursement = IntField(input, "reimbursement_cents");
    const int64_t gross = base + overtime + bonus + commission;
    total_gross += gross;
    total_reimbursement += reimbursement;
    rows.push_back({{"employee_id", id},
                    {"name", Field(e, "name")},
                    {"base_cents", base},
                    {"overtime_cents", overtime},
                    {"bonus_cents", bonus},
                    {"commission_cents", commission},
                    {"gross_cents", gross},
                    {"reimbursement_cents", reimbursement}});
  }
  return {{"period_id", period_id},
          {"employees", rows},
          {"total_gross_cents", total_gross},
          {"total_reimbursement_cents", total_reimbursement}};
}

// --- tools -----------------------------------------------------------------------------------

ToolResult ListEmployees(ToolContext& ctx, const nlohmann::json& args) {
  const std::string dept = Arg(args, "department"), manager = Arg(args, "manager_id"),
                    query = Arg(args, "query");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, e] : Hr(ctx).Find("employees")->members()) {
    if (!dept.empty() && !ContainsIgnoreCase(Field(e, "department"), dept)) continue;
    if (!manager.empty() && Field(e, "manager_id") != manager) continue;
    if (!MatchesQuery(query, {Field(e, "name"), Field(e, "title"), Field(e, "email")},
                      ctx.budget()))
      continue;
    out.push_back({{"id", id},
                   {"name", Field(e, "name")},
                   {"title", Field(e, "title")},
                   {"department", Field(e, "department")},
                   {"manager_id", Field(e, "manager_id")}});
  }
  return OkJson(out);
}

ToolResult GetEmployee(ToolContext& ctx, const nlohmann::json& args) {
  const Value& hr = Hr(ctx);
  const std::string id = Arg(args, "employee_id");
  const Value* e = Employee(hr, id);
  if (e == nullptr) return NoEmployee(id);
  nlohmann::json out = e->ToJson();
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& [rid, r] : hr.Find("employees")->members()) {
    if (Field(r, "manager_id") == id) reports.push_back(rid);
  }
  out["direct_reports"] = reports;
  nlohmann::json pending = nlohmann::json::object();
  for (const char* kind : kKinds) pending[kind] = PendingHours(hr, id, kind);
  out["pending_hours"] = pending;
  return OkJson(out);
}

ToolResult RequestTimeOff(ToolContext& ctx, const nlohmann::json& args) {
  const Value& hr = Hr(ctx);
  const std::string employee = Arg(args, "employee_id"), kind = Arg(args, "kind");
  const std::string start = Arg(args, "start_date"), end = Arg(args, "end_date");
  const int64_t hours = args["hours"].get<int64_t>();
  const Value* e = Employee(hr, employee);
  if (e == nullptr) return NoEmployee(employee);
  if (!kit::IsDate(start) || !kit::IsDate(end) || end < start) {
    return ToolResult::Error("start_date and end_date must be YYYY-MM-DD with end >= start");
  }
  const int64_t days = DayNumber(end) - DayNumber(start) + 1;
  if (hours > days * kHoursPerDay) {
    return ToolResult::Error(std::to_string(hours) + " h is more than " +
                             std::to_string(kHoursPerDay) + " h a day over " +
                             std::to_string(days) + " day(s)");
  }
  const int64_t balance = IntField(*e->Find("balances"), kind);
  const int64_t pending = PendingHours(hr, employee, kind);
  if (hours > balance - pending) {
    return ToolResult::Error("insufficient " + kind + " balance for " + Field(*e, "name") + ": " +
                             std::to_string(balance - pending) + " h available (" +
                             std::to_string(balance) + " h balance, " + std::to_string(pending) +
                             " h pending), requested " + std::to_string(hours) + " h");
  }
  const std::string id = ctx.NewId();
  Value request = Value::Object({{"id", Value::String(id)},
                                 {"employee_id", Value::String(employee)},
                                 {"kind", Value::String(kind)},
                                 {"start_date", Value::String(start)},
                                 {"end_date", Value::String(end)},
                                 {"hours", Value::Int(hours)},
                                 {"note", Value::String(Arg(args, "note"))},
                                 {"status", Value::String("pending")},
                                 {"approver_id", Value::String(Field(*e, "manager_id"))},
                                 {"decided_by", Value::String("")},
                                 {"decision_note", Value::String("")},
                                 {"requested_at_us", Value::Int(ctx.NowMicros())}});
  ctx.SetState(kApp, Put(hr, Ptr({"time_off_requests", id}), request));
  return kit::OkValue(request);
}

// Approve or deny: the request must be pending and the approver the employee's manager.
ToolResult Decide(ToolContext& ctx, const nlohmann::json& args, bool approve) {
  const Value& hr = Hr(ctx);
  const std::string id = Arg(args, "request_id"), approver = Arg(args, "approver_id");
  const Value* r = hr.At(Ptr({"time_off_requests", id}));
  if (r == nullptr) {
    return ToolResult::Error("no time-off request '" + id + "'; hr_list_time_off lists them");
  }
  if (Field(*r, "status") != "pending") {
    return ToolResult::Error("request " + id + " is already " + Field(*r, "status"));
  }
  const std::string employee = Field(*r, "employee_id");
  const Value* e = Employee(hr, employee);
  if (e == nullptr) return NoEmployee(employee);
  const std::string manager = Field(*e, "manager_id");
  if (approver != manager) {
    const Value* m = Employee(hr, manager);
    return ToolResult::Error(approver + " is not " + Field(*e, "name") + "'s manager; only " +
                             manager + " (" + (m ? Field(*m, "name") : "?") +
                             ") can decide this request");
  }
  Value next = hr;
  if (approve) {
    const std::string kind = Field(*r, "kind");
    const int64_t balance = IntField(*e->Find("balances"), kind);
    const int64_t hours = IntField(*r, "hours");
    if (hours > balance) {
      return ToolResult::Error("cannot approve: " + Field(*e, "name") + " has " +
                               std::to_string(balance) + " h of " + kind +
                               " left and the request "
                               "is for " +
                               std::to_string(hours) + " h; deny it with a reason");
    }
    next = Put(next, Ptr({"employees", employee, "balances", kind}), Value::Int(balance - hours));
  }
  Value decided = r->With("status", Value::String(approve ? "approved" : "denied"))
                      .With("decided_by", Value::String(approver))
                      .With("decision_note", Value::String(Arg(args, approve ? "note" : "reason")))
                      .With("decided_at_us", Value::Int(ctx.NowMicros()));
  ctx.SetState(kApp, Put(next, Ptr({"time_off_requests", id}), decided));
  return kit::OkValue(decided);
}

ToolResult CancelTimeOff(ToolContext& ctx, const nlohmann::json& args) {
  const Value& hr = Hr(ctx);
  const std::string id = Arg(args, "request_id");
  const Value* r = hr.At(Ptr({"time_off_requests", id}));
  if (r == nullptr) return ToolResult::Error("no time-off request '" + id + "'");
  if (Field(*r, "status") != "pending") {
    return ToolResult::Error("only pending requests can be cancelled; " + id + " is " +
                             Field(*r, "status"));
  }
  Value cancelled = r->With("status", Value::String("cancelled"));
  ctx.SetState(kApp, Put(hr, Ptr({"time_off_requests", id}), cancelled));
  return kit::OkValue(cancelled);
}

ToolResult ListTimeOff(ToolContext& ctx, const nlohmann::json& args) {
  const Value& hr = Hr(ctx);
  const std::string status = Arg(args, "status", "all"), employee = Arg(args, "employee_id"),
                    manager = Arg(args, "manager_id");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, r] : hr.Find("time_off_requests")->members()) {
    if (status != "all" && Field(r, "status") != status) continue;
    if (!employee.empty() && Field(r, "employee_id") != employee) continue;
    const Value* e = Employee(hr, Field(r, "employee_id"));
    if (!manager.empty() && (e == nullptr || Field(*e, "manager_id") != manager)) continue;
    nlohmann::json j = r.ToJson();
    if (e != nullptr) {
      j["employee_name"] = Field(*e, "name");
      j["balance_hours"] = IntField(*e->Find("balances"), Field(r, "kind"));
    }
    out.push_back(std::move(j));
  }
  return OkJson(out);
}

ToolResult SetPayrollInput(ToolContext& ctx, const nlohmann::json& args) {
  const Value& hr = Hr(ctx);
  const std::string period = Arg(args, "period_id"), employee = Arg(args, "employee_id");
  const Value* p = hr.At(Ptr({"payroll_periods", period}));
  if (p == nullptr) {
    return ToolResult::Error("no payroll period '" + period + "' (e.g. 2025-12-B)");
  }
  if (Field(*p, "status") != "open") {
    return ToolResult::Error("payroll period " + period + " is " + Field(*p, "status") +
                             "; inputs can only change while it is open");
  }
  const Value* e = Employee(hr, employee);
  if (e == nullptr) return NoEmployee(employee);
  if (args.contains("overtime_hours") && Field(*e, "pay_type") != "hourly" &&
      args["overtime_hours"].get<double>() != 0) {
    return ToolResult::Error(Field(*e, "name") +
                             " is salaried (exempt): overtime applies to hourly staff only");
  }
  const Value* existing = hr.At(Ptr({"payroll_inputs", period, employee}));
  Value input = existing != nullptr ? *existing : Value::EmptyObject();
  for (const char* key : {"bonus_cents", "commission_cents", "reimbursement_cents"}) {
    if (auto v = kit::OptInt(args, key)) input = input.With(key, Value::Int(*v));
  }
  if (args.contains("overtime_hours")) {
    input = input.With("overtime_hours", Value::Float(args["overtime_hours"].get<double>()));
  }
  if (args.contains("note")) input = input.With("note", Value::String(Arg(args, "note")));
  Value next = hr;
  if (hr.At(Ptr({"payroll_inputs", period})) == nullptr) {
    next = Put(next, Ptr({"payroll_inputs", period}), Value::EmptyObject());
  }
  ctx.SetState(kApp, Put(next, Ptr({"payroll_inputs", period, employee}), input));
  return kit::OkValue(input);
}

ToolResult PayrollSummaryTool(ToolContext& ctx, const nlohmann::json& args) {
  const std::string period = Arg(args, "period_id");
  const Value* p = Hr(ctx).At(Ptr({"payroll_periods", period}));
  if (p == nullptr) return ToolResult::Error("no payroll period '" + period + "'");
  nlohmann::json out = PayrollSummary(Hr(ctx), period);
  out["period"] = p->ToJson();
  return OkJson(out);
}

ToolResult UpdateEmployee(ToolContext& ctx, const nlohmann::json& args) {
  const Value& hr = Hr(ctx);
  const std::string id = Arg(args, "employee_id");
  const Value* e = Employee(hr, id);
  if (e == nullptr) return NoEmployee(id);
  Value updated = *e;
  if (args.contains("manager_id")) {
    const std::string manager = Arg(args, "manager_id");
    if (Employee(hr, manager) == nullptr) return NoEmployee(manager);
    // Walk up from the new manager: reaching the employee would make a reporting loop.
    for (std::string at = manager; !at.empty();) {
      if (at == id) {
        return ToolResult::Error(manager + " reports (directly or not) to " + id +
                                 "; that manager change would make a reporting loop");
      }
      const Value* up = Employee(hr, at);
      at = up != nullptr ? Field(*up, "manager_id") : "";
    }
    updated = updated.With("manager_id", Value::String(manager));
  }
  for (const char* key : {"title", "department"}) {
    if (args.contains(key)) updated = updated.With(key, Value::String(Arg(args, key)));
  }
  ctx.SetState(kApp, Put(hr, Ptr({"employees", id}), updated));
  return kit::OkValue(updated);
}

}  // namespace

int64_t HrPeriodGrossCents(const Value& hr, const std::string& period_id) {
  if (hr.At(Ptr({"payroll_periods", period_id})) == nullptr) return -1;
  return PayrollSummary(hr, period_id)["total_gross_cents"].get<int64_t>();
}

base::Status RegisterHrTools(ToolRegistry& r) {
  const std::string decide = R"("request_id":{"type":"string"},
      "approver_id":{"type":"string","description":"the employee's manager, e.g. u-jpark"})";
  const std::vector<Tool> tools = {
      {"hr_list_employees",
       "Employees (id, name, title, department, manager); filter by "
       "department, manager_id or a name/title query.",
       Params(
           R"("department":{"type":"string"},"manager_id":{"type":"string"},"query":{"type":"string"})",
           ""),
       true, kApp, ListEmployees},
      {"hr_get_employee",
       "One employee: pay, start date, time-off balances (hours), pending hours, direct reports.",
       Params(R"("employee_id":{"type":"string"})", R"("employee_id")"), true, kApp, GetEmployee},
      {"hr_request_time_off",
       "Request time off for an employee; refused when the balance minus pending requests does "
       "not cover the hours.",
       Params(
           R"("employee_id":{"type":"string"},"kind":{"type":"string","enum":["vacation","sick","personal"]},
              "start_date":{"type":"string"},"end_date":{"type":"string"},
              "hours":{"type":"integer","minimum":1},"note":{"type":"string"})",
           R"("employee_id","kind","start_date","end_date","hours")"),
       false, kApp, RequestTimeOff},
      {"hr_approve_time_off",
       "Approve a pending request as the employee's manager; deducts the hours from the balance.",
       Params(decide + R"(,"note":{"type":"string"})", R"("request_id","approver_id")"), false,
       kApp, [](ToolContext& ctx, const nlohmann::json& a) { return Decide(ctx, a, true); }},
      {"hr_deny_time_off", "Deny a pending request as the employee's manager, with a reason.",
       Params(decide + R"(,"reason":{"type":"string","minLength":1})",
              R"("request_id","approver_id","reason")"),
       false, kApp,
       [](ToolContext& ctx, const nlohmann::json& a) { return Decide(ctx, a, false); }},
      {"hr_cancel_time_off", "Withdraw a pending request.",
       Params(R"("request_id":{"type":"string"})", R"("request_id")"), false, kApp, CancelTimeOff},
      {"hr_list_time_off",
       "Time-off requests with the employee's current balance; filter by status, employee or "
       "manager (a manager's direct reports).",
       Params(
           R"("status":{"type":"string","enum":["pending","approved","denied","cancelled","all"]},
              "employee_id":{"type":"string"},"manager_id":{"type":"string"})",
           ""),
       true, kApp, ListTimeOff},
      {"hr_set_payroll_input",
       "Set an employee's payroll inputs for an open payroll period (e.g. 2025-12-B); given "
       "fields replace earlier values. Overtime is for hourly staff only.",
       Params(R"("period_id":{"type":"string"},"employee_id":{"type":"string"},
              "bonus_cents":{"type":"integer","minimum":0},"commission_cents":{"type":"integer","minimum":0},
              "reimbursement_cents":{"type":"integer","minimum":0},
              "overtime_hours":{"type":"number","minimum":0,"maximum":80},"note":{"type":"string"})",
              R"("period_id","employee_id")"),
       false, kApp, SetPayrollInput},
      {"hr_payroll_summary",
       "Gross pay per employee for a payroll period: base (salary/24, or 80 h for hourly), "
       "overtime at 1.5x, bonus, commission; reimbursements listed apart.",
       Params(R"("period_id":{"type":"string"})", R"("period_id")"), true, kApp,
       PayrollSummaryTool},
      {"hr_update_employee", "Change an employee's title, department or manager.",
       Params(R"("employee_id":{"type":"string"},"title":{"type":"string","minLength":1},
              "department":{"type":"string","minLength":1},"manager_id":{"type":"string"})",
              R"("employee_id")"),
       false, kApp, UpdateEmployee},
  };
  for (const Tool& tool : tools) ASSAY_TRY(r.Register(tool));
  return base::Ok();
}

// --- seed ------------------------------------------------------------------------------------

namespace {

struct PayFacts {
  const char* id;
  const char* start_date;
  int64_t annual_dollars;  // 0 for hourly staff
  int64_t hourly_cents;    // 0 for salaried staff
  int64_t vacation_hours, sick_hours, personal_hours;
};

constexpr PayFacts kPay[] = {
    {"u-mbell", "2019-03-04", 240000, 0, 120, 40, 16},
    {"u-praman", "2020-01-13", 210000, 0, 96, 40, 16},
    {"u-dwhitfield", "2021-06-01", 150000, 0, 72, 40, 16},
    {"u-lmartins", "2023-02-06", 96000, 0, 56, 32, 8},
    {"u-achen", "2024-04-15", 72000, 0, 4, 24, 8},
    {"u-ohaddad", "2025-01-06", 78000, 0, 40, 24, 8},
    {"u-salvarez", "2019-05-20", 225000, 0, 110, 40, 16},
    {"u-jpark", "2020-09-14", 180000, 0, 88, 40, 16},
    {"u-rpatel", "2021-11-01", 165000, 0, 64, 40, 16},
    {"u-enovak", "2023-08-21", 138000, 0, 40, 32, 8},
    {"u-tokafor", "2022-03-07", 132000, 0, 80, 40, 16},
    {"u-lromano", "2024-07-08", 126000, 0, 32, 24, 8},
    {"u-gkim", "2020-02-03", 168000, 0, 92, 40, 16},
    {"u-nfischer", "2024-10-14", 84000, 0, 24, 24, 8},
    {"u-bcarter", "2020-06-15", 195000, 0, 100, 40, 16},
    {"u-mjohansson", "2022-09-12", 108000, 0, 60, 40, 8},
    {"u-sreyes", "2023-05-01", 102000, 0, 48, 32, 8},
    {"u-zadams", "2025-03-03", 81000, 0, 20, 24, 8},
    {"u-kmorgan", "2021-01-11", 156000, 0, 84, 40, 16},
    {"u-ahassan", "2022-11-28", 90000, 0, 52, 40, 8},
    {"u-hlee", "2020-04-06", 132000, 0, 90, 40, 16},
    {"u-ipetrov", "2023-10-02", 0, 4200, 44, 32, 8},
    {"u-obrooks", "2024-01-08", 0, 3150, 36, 32, 8},
    {"u-ewright", "2021-09-20", 144000, 0, 76, 40, 16},
    {"u-nschultz", "2024-02-12", 114000, 0, 30, 24, 8},
};

constexpr int64_t kSeedUs = 1'766'700'000'000'000;  // 2025-12-25

nlohmann::json Request(const char* id, const char* employee, const char* manager, const char* kind,
                       const char* start, const char* end, int64_t hours, const char* note,
                       const char* status = "pending", const char* decision = "") {
  nlohmann::json r = {{"id", id},
                      {"employee_id", employee},
                      {"kind", kind},
                      {"start_date", start},
                      {"end_date", end},
                      {"hours", hours},
                      {"note", note},
                      {"status", status},
                      {"approver_id", manager},
                      {"decided_by", std::string(status) == "pending" ? "" : manager},
                      {"decision_note", decision},
                      {"requested_at_us", kSeedUs}};
  if (std::string(status) != "pending") r["decided_at_us"] = kSeedUs;
  return r;
}

}  // namespace

Value HrSeed() {
  nlohmann::json employees = nlohmann::json::object();
  for (const PayFacts& f : kPay) {
    const Person* p = FindPerson(f.id);
    if (p == nullptr) continue;
    nlohmann::json e = {
        {"id", f.id},
        {"name", std::string(p->name)},
        {"email", std::string(p->email)},
        {"title", std::string(p->title)},
        {"department", std::string(p->department)},
        {"manager_id", std::string(p->manager_id)},
        {"start_date", f.start_date},
        {"status", "active"},
        {"pay_type", f.hourly_cents > 0 ? "hourly" : "salaried"},
        {"balances",
         {{"vacation", f.vacation_hours}, {"sick", f.sick_hours}, {"personal", f.personal_hours}}}};
    if (f.hourly_cents > 0) {
      e["hourly_rate_cents"] = f.hourly_cents;
    } else {
      e["annual_salary_cents"] = f.annual_dollars * 100;
    }
    employees[f.id] = e;
  }
  nlohmann::json requests = nlohmann::json::object();
  for (nlohmann::json r : {
           Request("tor-2001", "u-rpatel", "u-jpark", "vacation", "2026-01-19", "2026-01-21", 24,
                   "Ski trip"),
           Request("tor-2002", "u-enovak", "u-jpark", "vacation", "2026-02-09", "2026-02-18", 64,
                   "Trip home to Ljubljana"),
           Request("tor-2003", "u-lmartins", "u-dwhitfield", "vacation", "2026-01-16", "2026-01-16",
                   8, "Long weekend"),
           Request("tor-2004", "u-mjohansson", "u-bcarter", "sick", "2025-12-29", "2025-12-29", 8,
                   "Flu", "approved", "Get well soon"),
           Request("tor-2005", "u-tokafor", "u-jpark", "vacation", "2026-01-12", "2026-01-13", 16,
                   "Moving apartments"),
           Request("tor-2006", "u-achen", "u-dwhitfield", "vacation", "2026-01-30", "2026-01-30", 8,
                   "Sister's wedding"),
           Request("tor-2007", "u-ahassan", "u-kmorgan", "vacation", "2026-01-05", "2026-01-09", 40,
                   "Conference + vacation", "denied", "Halcyon renewal kickoff that week"),
           Request("tor-2008", "u-nschultz", "u-ewright", "personal", "2026-01-23", "2026-01-23", 8,
                   "Moving day"),
       }) {
    requests[r["id"].get<std::string>()] = r;
  }
  nlohmann::json periods = {
      {"2025-12-A",
       {{"id", "2025-12-A"},
        {"start_date", "2025-12-01"},
        {"end_date", "2025-12-15"},
        {"pay_date", "2025-12-19"},
        {"status", "paid"}}},
      {"2025-12-B",
       {{"id", "2025-12-B"},
        {"start_date", "2025-12-16"},
        {"end_date", "2025-12-31"},
        {"pay_date", "2026-01-05"},
        {"status", "open"}}},
  };
  nlohmann::json inputs = {
      {"2025-12-A", nlohmann::json::object()},
      {"2025-12-B",
       {{"u-mjohansson", {{"commission_cents", 180000}, {"note", "Fabrikam pilot commission"}}},
        {"u-sreyes", {{"commission_cents", 95000}, {"note", "Verdant subscription commission"}}},
        {"u-ipetrov", {{"overtime_hours", 4.0}, {"note", "Weekend server migration"}}}}},
  };
  return Value::FromJson({{"company", std::string(kCompanyName)},
                          {"employees", employees},
                          {"time_off_requests", requests},
                          {"payroll_periods", periods},
                          {"payroll_inputs", inputs}});
}

// --- tasks -----------------------------------------------------------------------------------

namespace {

std::string HrPath(std::initializer_list<std::string_view> tokens) {
  return kit::AppPath(kApp, tokens);
}

Predicate RequestIs(const char* id, const char* status, const char* decided_by) {
  return kit::Holds(std::string("request ") + id + " " + status + " by " + decided_by,
                    [=](const World& w) -> std::optional<std::string> {
                      const Value* r = w.Get(kApp).At(Ptr({"time_off_requests", id}));
                      if (r == nullptr) return std::string("missing");
                      if (Field(*r, "status") != status || Field(*r, "decided_by") != decided_by) {
                        return std::string(id) + " is " + Field(*r, "status") + " by '" +
                               Field(*r, "decided_by") + "'";
                      }
                      return std::nullopt;
                    });
}

Predicate DecisionMentions(const char* id, const char* word) {
  return kit::Holds(std::string("the decision on ") + id + " mentions '" + word + "'",
                    [=](const World& w) -> std::optional<std::string> {
                      const Value* r = w.Get(kApp).At(Ptr({"time_off_requests", id}));
                      if (r == nullptr || !ContainsIgnoreCase(Field(*r, "decision_note"), word)) {
                        return std::string("reason does not mention ") + word;
                      }
                      return std::nullopt;
                    });
}

}  // namespace

base::Result<std::vector<Task>> HrTasks(const World& w, const ToolRegistry& /*tools*/) {
  std::vector<Task> tasks;
  tasks.push_back(kit::MakeTask(
      "hr-approve-ravi",
      "Jin Park (u-jpark) asked you to approve, on his behalf, Ravi Patel's pending vacation "
      "request for January 19-21.",
      w,
      {kit::Act("hr_approve_time_off", {{"request_id", "tor-2001"}, {"approver_id", "u-jpark"}})},
      {RequestIs("tor-2001", "approved", "u-jpark"),
       PathEquals(HrPath({"employees", "u-rpatel", "balances", "vacation"}), Value::Int(40))},
      kit::Changes({HrPath({"time_off_requests", "tor-2001"}),
                    HrPath({"employees", "u-rpatel", "balances", "vacation"})})));

  tasks.push_back(kit::MakeTask(
      "hr-deny-emma",
      "Emma Novak's February vacation request is larger than her vacation balance. Deny it as "
      "her manager (Jin Park) with a reason that mentions her balance.",
      w,
      {kit::Act(
          "hr_deny_time_off",
          {{"request_id", "tor-2002"},
           {"approver_id", "u-jpark"},
           {"reason", "Request is 64 h but your vacation balance is 40 h; please resubmit"}})},
      {RequestIs("tor-2002", "denied", "u-jpark"), DecisionMentions("tor-2002", "balance"),
       kit::Unchanged(HrPath({"employees", "u-enovak"}), w)},
      kit::Changes({HrPath({"time_off_requests", "tor-2002"})})));

  tasks.push_back(kit::MakeTask(
      "hr-request-dana",
      "Submit a vacation request for Dana Whitfield: Feb 2 to Feb 3, 2026, 16 hours, note "
      "'Family visit'.",
      w,
      {kit::Act("hr_request_time_off", {{"employee_id", "u-dwhitfield"},
                                        {"kind", "vacation"},
                                        {"start_date", "2026-02-02"},
                                        {"end_date", "2026-02-03"},
                                        {"hours", 16},
                                        {"note", "Family visit"}})},
      {kit::Holds("a pending 16 h vacation request for u-dwhitfield, 2026-02-02..2026-02-03",
                  [](const World& fw) -> std::optional<std::string> {
                    if (kit::FindRecord(fw.Get(kApp).Find("time_off_requests"), [](const Value& r) {
                          return Field(r, "employee_id") == "u-dwhitfield" &&
                                 Field(r, "kind") == "vacation" &&
                                 Field(r, "start_date") == "2026-02-02" &&
                                 Field(r, "end_date") == "2026-02-03" &&
                                 IntField(r, "hours") == 16 && Field(r, "status") == "pending";
                        }) == nullptr) {
                      return std::string("no such request");
                    }
                    return std::nullopt;
                  })},
      kit::Changes({HrPath({"time_off_requests"})})));

  tasks.push_back(kit::MakeTask(
      "hr-bonus-leo",
      "Add a $2,500 spot bonus for Leo Martins to payroll period 2025-12-B (month-end close "
      "work).",
      w,
      {kit::Act("hr_set_payroll_input", {{"period_id", "2025-12-B"},
                                         {"employee_id", "u-lmartins"},
                                         {"bonus_cents", 250000},
                                         {"note", "Spot bonus: month-end close"}})},
      {PathEquals(HrPath({"payroll_inputs", "2025-12-B", "u-lmartins", "bonus_cents"}),
                  Value::Int(250000))},
      kit::Changes({HrPath({"payroll_inputs", "2025-12-B", "u-lmartins"})})));

  tasks.push_back(kit::MakeTask(
      "hr-overtime-olivia",
      "Olivia Brooks worked 6 hours of overtime in the second half of December (the office "
      "move). Add them to her payroll inputs for that period.",
      w,
      {kit::Act("hr_set_payroll_input", {{"period_id", "2025-12-B"},
                                         {"employee_id", "u-obrooks"},
                                         {"overtime_hours", 6},
                                         {"note", "Office move"}})},
      {kit::NumberNear(HrPath({"payroll_inputs", "2025-12-B", "u-obrooks", "overtime_hours"}), 6)},
      kit::Changes({HrPath({"payroll_inputs", "2025-12-B", "u-obrooks"})})));

  tasks.push_back(kit::MakeTask(
      "hr-dana-team-requests",
      "You are acting for Dana Whitfield (u-dwhitfield). Process her direct reports' pending "
      "time-off requests: approve those their balance covers, deny the others with a reason "
      "that mentions the balance.",
      w,
      {kit::Act("hr_approve_time_off",
                {{"request_id", "tor-2003"}, {"approver_id", "u-dwhitfield"}}),
       kit::Act("hr_deny_time_off", {{"request_id", "tor-2006"},
                                     {"approver_id", "u-dwhitfield"},
                                     {"reason", "Only 4 h of vacation balance left"}})},
      {RequestIs("tor-2003", "approved", "u-dwhitfield"),
       RequestIs("tor-2006", "denied", "u-dwhitfield"), DecisionMentions("tor-2006", "balance"),
       PathEquals(HrPath({"employees", "u-lmartins", "balances", "vacation"}), Value::Int(48)),
       PathEquals(HrPath({"employees", "u-achen", "balances", "vacation"}), Value::Int(4))},
      kit::Changes({HrPath({"time_off_requests", "tor-2003"}),
                    HrPath({"time_off_requests", "tor-2006"}),
                    HrPath({"employees", "u-lmartins", "balances", "vacation"})})));

  tasks.push_back(kit::MakeTask(
      "hr-reorg-tom",
      "Reorg: Tom Okafor becomes a Staff Engineer reporting directly to Sofia Alvarez (CTO).", w,
      {kit::Act("hr_update_employee", {{"employee_id", "u-tokafor"},
                                       {"title", "Staff Engineer"},
                                       {"manager_id", "u-salvarez"}})},
      {PathEquals(HrPath({"employees", "u-tokafor", "manager_id"}), Value::String("u-salvarez")),
       PathEquals(HrPath({"employees", "u-tokafor", "title"}), Value::String("Staff Engineer"))},
      kit::Changes({HrPath({"employees", "u-tokafor", "manager_id"}),
                    HrPath({"employees", "u-tokafor", "title"})})));
  return tasks;
}

}  // namespace workplace
