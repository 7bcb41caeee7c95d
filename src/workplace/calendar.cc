#include "workplace/calendar.h"

#include <algorithm>
#include <array>
#include <limits>

#include "workplace/app_util.h"
#include "workplace/people.h"

namespace workplace {
namespace {

const std::string kApp(kCalendarApp);
constexpr std::array<std::string_view, 7> kDays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr int64_t kDay = 86400;
constexpr int kMaxOccurrences = 1000;  // expansion stops here whatever the rule says
// What calendar work is charged as (env::Budget): a day of a recurrence walked, or an interval
// compared with another. Expanding every event for every attendee over a year and comparing
// all of them grows with events × people × days, which a caller can multiply.
constexpr std::string_view kExpandWork = "recurrence days expanded";
constexpr std::string_view kCompareWork = "busy times compared";

struct Rule {
  std::string freq;  // "daily" | "weekly"
  int64_t interval = 1;
  int64_t count = 0;
  std::string until;
  std::vector<std::string> by_day;
};

Value RuleValue(const Rule& r) {
  return Value::Object({{"freq", Value::String(r.freq)},
                        {"interval", Value::Int(r.interval)},
                        {"count", Value::Int(r.count)},
                        {"until", Value::String(r.until)},
                        {"by_day", StringArray(r.by_day)}});
}

Value Attendees(const std::vector<std::pair<std::string, std::string>>& people) {
  std::vector<Value::Member> members;
  for (const auto& [id, status] : people) members.emplace_back(id, Value::String(status));
  return Value::Object(std::move(members));
}

Value Event(std::string_view title, std::string_view start, std::string_view end,
            std::string_view organizer, Value attendees, std::optional<Rule> rule = std::nullopt,
            std::string_view location = "", std::string_view description = "") {
  return Value::Object({{"title", Value::String(std::string(title))},
                        {"start", Value::String(std::string(start))},
                        {"end", Value::String(std::string(end))},
                        {"organizer", Value::String(std::string(organizer))},
                        {"attendees", std::move(attendees)},
                        {"location", Value::String(std::string(location))},
                        {"description", Value::String(std::string(description))},
                        {"recurrence", rule ? RuleValue(*rule) : Value()},
                        {"status", Value::String("confirmed")}});
}

Value All(std::string_view me_status) {
  std::vector<std::pair<std::string, std::string>> people;
  for (const Person& p : People()) {
    people.emplace_back(p.id, p.id == kMeId ? std::string(me_status) : "accepted");
  }
  return Attendees(people);
}

}  // namespace

Value CalendarSeed() {
  const Rule weekdays{"weekly", 1, 0, "2026-03-31T23:59:00Z", {"MO", "TU", "WE", "TH", "FR"}};
  const Rule weekly{"weekly", 1, 0, "", {}};
  const Rule fortnightly{"weekly", 2, 6, "", {}};
  const auto yes = [](std::initializer_list<const char*> ids) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* id : ids) out.emplace_back(id, "accepted");
    return out;
  };
  auto with = [](std::vector<std::pair<std::string, std::string>> v, const char* id,
                 const char* status) {
    v.emplace_back(id, status);
    return Attendees(v);
  };
  Value events = Value::Object({
      {"ev-standup",
       Event("Finance standup", "2026-01-05T09:30:00Z", "2026-01-05T09:45:00Z", "u-dwhitfield",
             Attendees(yes({"u-dwhitfield", "u-lmartins", "u-achen", "u-ohaddad"})), weekdays,
             "Zoom")},
      {"ev-1on1",
       Event("Leo / Dana 1:1", "2025-12-02T14:00:00Z", "2025-12-02T14:30:00Z", "u-dwhitfield",
             Attendees(yes({"u-dwhitfield", "u-lmartins"})), weekly, "Dana's office")},
      {"ev-payment-review",
       Event("Payment run review", "2026-01-02T15:00:00Z", "2026-01-02T15:30:00Z", "u-lmartins",
             Attendees(yes({"u-lmartins", "u-achen"})), std::nullopt, "Zoom",
             "Review the vendor payments in Friday's run.")},
      {"ev-cloudnine",
       Event("CloudNine account review", "2026-01-09T16:00:00Z", "2026-01-09T16:30:00Z",
             "u-lmartins", Attendees(yes({"u-lmartins", "u-achen", "u-rpatel"})), std::nullopt,
             "Zoom", "Quarterly review of the CloudNine hosting account and invoices.")},
      {"ev-pbc", Event("Audit PBC list walkthrough", "2026-01-14T14:00:00Z", "2026-01-14T15:00:00Z",
                       "u-lmartins", Attendees(yes({"u-lmartins", "u-dwhitfield"})), std::nullopt,
                       "Finance room", "Walk through the auditors' prepared-by-client list.")},
      {"ev-audit-kickoff",
       Event("Q4 audit kickoff with Brightline LLP", "2026-01-19T15:00:00Z", "2026-01-19T16:00:00Z",
             "u-praman", with(yes({"u-praman", "u-dwhitfield"}), "u-lmartins", "needs_action"),
             std::nullopt, "Board room")},
      {"ev-allhands", Event("Company all-hands", "2026-01-08T17:00:00Z", "2026-01-08T18:00:00Z",
                            "u-mbell", All("accepted"), std::nullopt, "Main hall")},
      {"ev-offsite", Event("Company offsite", "2026-01-22T09:00:00Z", "2026-01-22T17:00:00Z",
                           "u-hlee", All("needs_action"), std::nullopt, "Harbor Loft",
                           "Agenda: Files > Operations > Offsite agenda draft.")},
      {"ev-bank-call", Event("First Harbor relationship call", "2026-01-06T09:00:00Z",
                             "2026-01-06T10:30:00Z", "u-praman", Attendees(yes({"u-praman"})))},
      {"ev-board-prep", Event("Board deck prep", "2026-01-06T11:00:00Z", "2026-01-06T12:00:00Z",
                              "u-dwhitfield", Attendees(yes({"u-dwhitfield"})))},
      {"ev-hiring", Event("Hiring sync", "2026-01-07T11:30:00Z", "2026-01-07T12:30:00Z", "u-jpark",
                          Attendees(yes({"u-jpark", "u-gkim"})))},
      {"ev-dentist", Event("Dentist", "2026-01-07T10:00:00Z", "2026-01-07T11:30:00Z", "u-rpatel",
                           Attendees(yes({"u-rpatel"})))},
      {"ev-sprint",
       Event("Sprint planning", "2026-01-05T10:00:00Z", "2026-01-05T12:00:00Z", "u-jpark",
             Attendees(yes({"u-jpark", "u-rpatel", "u-enovak", "u-tokafor", "u-lromano"})),
             fortnightly)},
      {"ev-sept-review",
       Event("September close review", "2025-10-07T15:00:00Z", "2025-10-07T15:30:00Z",
             "u-dwhitfield", Attendees(yes({"u-dwhitfield", "u-lmartins"})))},
  });
  return Value::Object({{"me", Value::String(std::string(kMeId))}, {"events", std::move(events)}});
}

namespace {

struct Interval {
  int64_t start;
  int64_t end;
};

int Weekday(int64_t seconds) {  // 0 = Monday (1970-01-01 was a Thursday)
  const int64_t days = seconds >= 0 ? seconds / kDay : (seconds - kDay + 1) / kDay;
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

int64_t DayStart(int64_t seconds) { return seconds - (((seconds % kDay) + kDay) % kDay); }

// The event's occurrences that overlap [from, to), in order; each day walked is charged (past the
// budget the list stops short: the call is refused anyway).
std::vector<Interval> Occurrences(const Value& event, int64_t from, int64_t to,
                                  env::Budget& budget) {
  const int64_t start = *ParseTime(Field(event, "start"));
  const int64_t length = *ParseTime(Field(event, "end")) - start;
  std::vector<Interval> out;
  const Value* rule = event.Find("recurrence");
  if (rule == nullptr || rule->is_null()) {
    if (start < to && start + length > from) out.push_back({start, start + length});
    return out;
  }
  const std::string& freq = Field(*rule, "freq");
  const int64_t interval = std::max<int64_t>(1, rule->Find("interval")->AsInt());
  const int64_t count = rule->Find("count")->AsInt();
  const std::optional<int64_t> until =
      Field(*rule, "until").empty() ? std::nullopt : ParseTime(Field(*rule, "until"));
  std::vector<std::string> by_day = Strings(rule->Find("by_day"));
  if (by_day.empty() && freq == "weekly") by_day = {std::string(kDays[Weekday(start)])};
  const int64_t first_monday = DayStart(start) - Weekday(start) * kDay;
  int64_t produced = 0;
  for (int64_t day = 0; produced < kMaxOccurrences; ++day) {
    if (!budget.Spend(1, kExpandWork)) break;
    const int64_t at = start + day * kDay;
    if ((until && at > *until) || (count > 0 && produced >= count) || at >= to) break;
    bool on = false;
    if (freq == "daily") {
      on = day % interval == 0;
    } else {
      const int64_t week = (DayStart(at) - first_monday) / (7 * kDay);
      on = week % interval == 0 &&
           std::find(by_day.begin(), by_day.end(), kDays[Weekday(at)]) != by_day.end();
    }
    if (!on) continue;
    ++produced;
    if (at + length > from) out.push_back({at, at + length});
  }
  return out;
}

bool Attends(const Value& event, std::string_view person) {
  if (Field(event, "status") == "cancelled") return false;
  if (Field(event, "organizer") == person) return true;
  const Value* status = event.Find("attendees")->Find(person);
  return status != nullptr && status->AsString() != "declined";
}

struct Busy {
  Interval when;
  std::string event_id;
  std::string title;
};

std::vector<Busy> BusyTimes(const Value& state, std::string_view person, int64_t from, int64_t to,
                            env::Budget& budget, std::string_view except_event = "") {
  std::vector<Busy> out;
  for (const auto& [id, e] : state.Find("events")->members()) {
    if (id == except_event || !Attends(e, person)) continue;
    for (const Interval& i : Occurrences(e, from, to, budget)) {
      out.push_back({i, id, Field(e, "title")});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Busy& a, const Busy& b) { return a.when.start < b.when.start; });
  return out;
}

// Resolves names, e-mails and ids to user ids.
base::Result<std::vector<std::string>> PeopleIds(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const std::string& g : given) {
    const Person* p = FindPerson(g);
    if (p == nullptr)
      return base::Error::Invalid("unknown attendee '" + g +
                                  "'; use a colleague's name, e-mail or id (chat_list_users)");
    if (std::find(out.begin(), out.end(), p->id) == out.end()) out.emplace_back(p->id);
  }
  return out;
}

base::Result<int64_t> TimeArg(const nlohmann::json& args, const char* key) {
  const std::string text = Arg(args, key);
  std::optional<int64_t> t = ParseTime(text);
  if (!t)
    return base::Error::Invalid(std::string(key) + " '" + text + "' is not a time; " +
                                kTimeFormatHint);
  return *t;
}

// "start" and "end" arguments: both times, end after start, at most `max_seconds` apart.
base::Result<Interval> RangeArgs(const nlohmann::json& args, int64_t max_seconds,
                                 std::string_view too_long) {
  ASSAY_ASSIGN_OR_RETURN(int64_t from, TimeArg(args, "start"));
  ASSAY_ASSIGN_OR_RETURN(int64_t to, TimeArg(args, "end"));
  if (to <= from) return base::Error::Invalid("end must be after start");
  if (to - from > max_seconds) return base::Error::Invalid(std::string(too_long));
  return Interval{from, to};
}

int64_t NowSeconds(const ToolContext& ctx) { return ctx.NowMicros() / 1'000'000; }

ToolResult UnknownEvent(std::string_view id) {
  return ToolResult::Error("no event '" + std::string(id) + "'; see calendar_list_events");
}

std::string Name(std::string_view id) {
  const Person* p = FindPerson(id);
  return p != nullptr ? std::string(p->name) : std::string(id);
}

// A conflict with anyone's calendar among `people` for the event's first occurrences, or "".
std::string Conflict(const Value& state, const Value& event, const std::vector<std::string>& people,
                     std::string_view except_event, env::Budget& budget) {
  const int64_t start = *ParseTime(Field(event, "start"));
  const int64_t horizon = start + 366 * kDay;
  const std::vector<Interval> mine = Occurrences(event, start, horizon, budget);
  for (const std::string& person : people) {
    const std::vector<Busy> busy = BusyTimes(state, person, start, horizon, budget, except_event);
    for (const Interval& o : mine) {
      if (!budget.Spend(static_cast<int64_t>(busy.size()), kCompareWork)) return "";
      for (const Busy& b : busy) {
        if (b.when.start < o.end && b.when.end > o.start) {
          return Name(person) + " is busy " + FormatTime(b.when.start) + " to " +
                 FormatTime(b.when.end) + (person == kMeId ? " (" + b.title + ")" : "") +
                 "; find a free slot with calendar_free_busy";
        }
      }
    }
  }
  return "";
}

base::Result<Value> RuleArg(const nlohmann::json& args) {
  if (!args.contains("recurrence")) return Value();
  const nlohmann::json& r = args["recurrence"];
  Rule rule{r["freq"].get<std::string>(),
            r.value("interval", 1),
            r.value("count", 0),
            r.value("until", ""),
            {}};
  if (r.contains("count") && r.contains("until"))
    return base::Error::Invalid("give recurrence.count or recurrence.until, not both");
  if (!rule.until.empty() && !ParseTime(rule.until))
    return base::Error::Invalid("recurrence.until '" + rule.until + "' is not a time; " +
                                kTimeFormatHint);
  if (r.contains("by_day")) {
    if (rule.freq != "weekly") return base::Error::Invalid("recurrence.by_day needs freq weekly");
    for (const auto& d : r["by_day"]) rule.by_day.push_back(d.get<std::string>());
    std::sort(rule.by_day.begin(), rule.by_day.end(),
              [](const std::string& a, const std::string& b) {
                return std::find(kDays.begin(), kDays.end(), a) <
                       std::find(kDays.begin(), kDays.end(), b);
              });
    rule.by_day.erase(std::unique(rule.by_day.begin(), rule.by_day.end()), rule.by_day.end());
  }
  return RuleValue(rule);
}

nlohmann::json Occurrence(const std::string& id, const Value& e, const Interval& i) {
  return {{"event_id", id},
          {"title", Field(e, "title")},
          {"start", FormatTime(i.start)},
          {"end", FormatTime(i.end)},
          {"organizer", Field(e, "organizer")},
          {"location", Field(e, "location")},
          {"recurring", !e.Find("recurrence")->is_null()},
          {"my_response", e.Find("attendees")->Find(kMeId) != nullptr
                              ? e.Find("attendees")->Find(kMeId)->AsString()
                              : ""}};
}

ToolResult ListEvents(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  ASSAY_ASSIGN_OR_RETURN_TOOL(Interval range,
                              RangeArgs(args, 92 * kDay, "list at most 92 days at a time"));
  const int64_t from = range.start, to = range.end;
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto who, PeopleIds({Arg(args, "person", std::string(kMeId))}));
  std::vector<std::pair<Interval, nlohmann::json>> found;
  for (const auto& [id, e] : state.Find("events")->members()) {
    if (!Attends(e, who[0])) continue;
    for (const Interval& i : Occurrences(e, from, to, ctx.budget())) {
      found.emplace_back(i, Occurrence(id, e, i));
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first.start < b.first.start; });
  nlohmann::json out = nlohmann::json::array();
  for (auto& [i, j] : found) out.push_back(std::move(j));
  return OkJson({{"person", who[0]}, {"events", out}});
}

ToolResult GetEvent(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "id");
  const Value* e = ctx.State(kApp).Find("events")->Find(id);
  if (e == nullptr) return UnknownEvent(id);
  nlohmann::json out = e->ToJson();
  out["id"] = id;
  return OkJson(out);
}

ToolResult FreeBusy(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  ASSAY_ASSIGN_OR_RETURN_TOOL(Interval range,
                              RangeArgs(args, 31 * kDay, "ask for at most 31 days at a time"));
  const int64_t from = range.start, to = range.end;
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto people, PeopleIds(ArgList(args, "people")));
  nlohmann::json busy = nlohmann::json::object();
  std::vector<Interval> all;
  for (const std::string& p : people) {
    nlohmann::json list = nlohmann::json::array();
    for (const Busy& b : BusyTimes(state, p, from, to, ctx.budget())) {
      list.push_back({{"start", FormatTime(b.when.start)}, {"end", FormatTime(b.when.end)}});
      all.push_back(b.when);
    }
    busy[p] = std::move(list);
  }
  nlohmann::json out = {{"busy", busy}};
  if (args.contains("duration_minutes")) {
    // Windows in working hours (09:00-17:00 UTC, Monday to Friday) when all are free.
    const int64_t need = args["duration_minutes"].get<int64_t>() * 60;
    nlohmann::json free = nlohmann::json::array();
    for (int64_t day = DayStart(from); day < to; day += kDay) {
      if (Weekday(day) >= 5) continue;
      int64_t cursor = std::max(day + 9 * 3600, from);
      const int64_t close = std::min(day + 17 * 3600, to);
      while (cursor + need <= close) {
        if (!ctx.budget().Spend(2 * static_cast<int64_t>(all.size()), kCompareWork)) break;
        int64_t blocked_until = 0;
        for (const Interval& b : all) {
          if (b.start < cursor + need && b.end > cursor)
            blocked_until = std::max(blocked_until, b.end);
        }
        if (blocked_until == 0) {
          int64_t window_end = close;
          for (const Interval& b : all) {
            if (b.start >= cursor + need && b.start < window_end) window_end = b.start;
          }
          free.push_back({{"start", FormatTime(cursor)}, {"end", FormatTime(window_end)}});
          cursor = window_end;
        } else {
          cursor = blocked_until;
        }
      }
    }
    out["free"] = std::move(free);
  }
  return OkJson(out);
}

ToolResult CreateEvent(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  ASSAY_ASSIGN_OR_RETURN_TOOL(Interval when,
                              RangeArgs(args, kDay, "an event lasts at most 24 hours"));
  const int64_t start = when.start, end = when.end;
  if (start < NowSeconds(ctx))
    return ToolResult::Error("start " + FormatTime(start) + " is in the past (now is " +
                             NowText(ctx) + ")");
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto people, PeopleIds(ArgList(args, "attendees")));
  ASSAY_ASSIGN_OR_RETURN_TOOL(Value rule, RuleArg(args));
  std::vector<std::pair<std::string, std::string>> attendees = {{std::string(kMeId), "accepted"}};
  for (const std::string& p : people) {
    if (p != kMeId) attendees.emplace_back(p, "needs_action");
  }
  Value event =
      Event(Arg(args, "title"), FormatTime(start), FormatTime(end), kMeId, Attendees(attendees),
            std::nullopt, Arg(args, "location"), Arg(args, "description"))
          .With("recurrence", rule);
  if (args.value("avoid_conflicts", false)) {
    std::vector<std::string> everyone;
    for (const auto& [id, status] : attendees) everyone.push_back(id);
    const std::string conflict = Conflict(state, event, everyone, "", ctx.budget());
    if (!conflict.empty()) return ToolResult::Error("not booked: " + conflict);
  }
  const std::string id = ctx.NewId();
  ctx.SetState(kApp, Put(state, Ptr({"events", id}), std::move(event)));
  return OkJson({{"id", id}, {"start", FormatTime(start)}, {"end", FormatTime(end)}});
}

// The event `id` if I organise it and it has not happened or been cancelled.
base::Result<const Value*> MyUpcomingEvent(const ToolContext& ctx, const std::string& id) {
  const Value* e = ctx.State(kApp).Find("events")->Find(id);
  if (e == nullptr) return base::Error::NotFound("no event '" + id + "'; see calendar_list_events");
  if (Field(*e, "organizer") != kMeId)
    return base::Error::Forbidden("only the organizer (" + Name(Field(*e, "organizer")) +
                                  ") can change this event; answer it with calendar_respond");
  if (Field(*e, "status") == "cancelled")
    return base::Error::Conflict("event " + id + " is cancelled");
  if (e->Find("recurrence")->is_null() && *ParseTime(Field(*e, "end")) <= NowSeconds(ctx))
    return base::Error::Conflict("event " + id + " is in the past");
  return e;
}

ToolResult UpdateEvent(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  ASSAY_ASSIGN_OR_RETURN_TOOL(const Value* found, MyUpcomingEvent(ctx, id));
  Value e = *found;
  for (const char* key : {"title", "location", "description"}) {
    if (args.contains(key)) e = e.With(key, Value::String(Arg(args, key)));
  }
  int64_t start = *ParseTime(Field(e, "start")), end = *ParseTime(Field(e, "end"));
  if (args.contains("start")) {
    ASSAY_ASSIGN_OR_RETURN_TOOL(start, TimeArg(args, "start"));
  }
  if (args.contains("end")) {
    ASSAY_ASSIGN_OR_RETURN_TOOL(end, TimeArg(args, "end"));
  }
  if (end <= start) return ToolResult::Error("end must be after start");
  if ((args.contains("start") || args.contains("end")) && start < NowSeconds(ctx))
    return ToolResult::Error("start " + FormatTime(start) + " is in the past (now is " +
                             NowText(ctx) + ")");
  e = e.With("start", Value::String(FormatTime(start))).With("end", Value::String(FormatTime(end)));
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto add, PeopleIds(ArgList(args, "add_attendees")));
  ASSAY_ASSIGN_OR_RETURN_TOOL(auto remove, PeopleIds(ArgList(args, "remove_attendees")));
  Value attendees = *e.Find("attendees");
  for (const std::string& p : add) {
    if (attendees.Find(p) == nullptr) attendees = attendees.With(p, Value::String("needs_action"));
  }
  for (const std::string& p : remove) {
    if (p == kMeId)
      return ToolResult::Error("the organizer cannot be removed; cancel the event instead");
    if (attendees.Find(p) == nullptr)
      return ToolResult::Error(Name(p) + " is not invited to this event");
    attendees = attendees.Without(p);
  }
  e = e.With("attendees", attendees);
  if (args.value("avoid_conflicts", false)) {
    std::vector<std::string> everyone;
    for (const auto& [p, status] : attendees.members()) everyone.push_back(p);
    const std::string conflict = Conflict(state, e, everyone, id, ctx.budget());
    if (!conflict.empty()) return ToolResult::Error("not changed: " + conflict);
  }
  ctx.SetState(kApp, Put(state, Ptr({"events", id}), std::move(e)));
  return OkJson({{"id", id}, {"updated", true}});
}

ToolResult CancelEvent(ToolContext& ctx, const nlohmann::json& args) {
  const std::string id = Arg(args, "id");
  ASSAY_ASSIGN_OR_RETURN_TOOL(const Value* e, MyUpcomingEvent(ctx, id));
  (void)e;
  ctx.SetState(kApp,
               Put(ctx.State(kApp), Ptr({"events", id, "status"}), Value::String("cancelled")));
  return OkJson({{"id", id}, {"status", "cancelled"}});
}

ToolResult Respond(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "id");
  const Value* e = state.Find("events")->Find(id);
  if (e == nullptr) return UnknownEvent(id);
  if (Field(*e, "organizer") == kMeId)
    return ToolResult::Error("you organise this event; change it with calendar_update_event");
  if (e->Find("attendees")->Find(kMeId) == nullptr)
    return ToolResult::Error("you are not invited to event " + id);
  if (Field(*e, "status") == "cancelled") return ToolResult::Error("event " + id + " is cancelled");
  const std::string response = Arg(args, "response");
  ctx.SetState(kApp, Put(state, Ptr({"events", id, "attendees", kMeId}), Value::String(response)));
  return OkJson({{"id", id}, {"response", response}});
}

}  // namespace

base::Status RegisterCalendarTools(ToolRegistry& r) {
  auto add = [&](const char* name, const char* description, const std::string& props,
                 const std::string& required, bool read_only, ToolHandler handler) {
    return AddTool(r, kApp, name, description, props, required, read_only, std::move(handler));
  };
  const std::string kTime = R"({"type":"string","description":"UTC, e.g. 2026-01-07T15:00:00Z"})";
  const std::string kRange = R"("start":)" + kTime + R"(,"end":)" + kTime;
  const std::string kId = R"("id":{"type":"string","description":"event id, e.g. ev-pbc"})";
  const std::string kPeople =
      R"({"type":"array","items":{"type":"string","minLength":1},"maxItems":50,"description":"names, e-mails or user ids"})";
  const std::string kRule =
      R"("recurrence":{"type":"object","properties":{"freq":{"type":"string","enum":["daily","weekly"]},)"
      R"("interval":{"type":"integer","minimum":1,"maximum":52},"count":{"type":"integer","minimum":1,"maximum":500},)"
      R"("until":)" +
      kTime +
      R"(,"by_day":{"type":"array","items":{"type":"string","enum":["MO","TU","WE","TH","FR","SA","SU"]}}},)"
      R"("required":["freq"],"additionalProperties":false})";
  const std::string kAvoid =
      R"("avoid_conflicts":{"type":"boolean","description":"refuse if any attendee is busy"})";
  ASSAY_TRY(add("calendar_list_events",
                "Events of a person (default: you) between start and end, recurring ones expanded.",
                kRange + R"(,"person":{"type":"string"})", R"("start","end")", true, ListEvents));
  ASSAY_TRY(add("calendar_get_event", "One event with attendees, responses and recurrence rule.",
                kId, R"("id")", true, GetEvent));
  ASSAY_TRY(add("calendar_free_busy",
                "Busy times of people between start and end; with duration_minutes, also the "
                "windows in working hours (09:00-17:00 UTC, Mon-Fri) when all are free.",
                kRange + R"(,"people":)" + kPeople +
                    R"(,"duration_minutes":{"type":"integer","minimum":5,"maximum":480})",
                R"("start","end","people")", true, FreeBusy));
  ASSAY_TRY(add(
      "calendar_create_event",
      "Create an event you organise and invite attendees; optional daily/weekly recurrence.",
      R"("title":{"type":"string","minLength":1,"maxLength":200},)" + kRange + R"(,"attendees":)" +
          kPeople + R"(,"location":{"type":"string"},"description":{"type":"string"},)" + kRule +
          "," + kAvoid,
      R"("title","start","end","attendees")", false, CreateEvent));
  ASSAY_TRY(add("calendar_update_event",
                "Change an event you organise: time, title, place, attendees.",
                kId + R"(,"title":{"type":"string","minLength":1},)" + kRange +
                    R"(,"location":{"type":"string"},"description":{"type":"string"},)"
                    R"("add_attendees":)" +
                    kPeople + R"(,"remove_attendees":)" + kPeople + "," + kAvoid,
                R"("id")", false, UpdateEvent));
  ASSAY_TRY(add("calendar_cancel_event", "Cancel an upcoming event you organise.", kId, R"("id")",
                false, CancelEvent));
  ASSAY_TRY(add("calendar_respond", "Accept, decline or tentatively accept an invitation.",
                kId + R"(,"response":{"type":"string","enum":["accepted","declined","tentative"]})",
                R"("id","response")", false, Respond));
  return base::Ok();
}

}  // namespace workplace

namespace workplace {

std::function<bool(const Value&)> Booked(std::string title_word, std::string start, std::string end,
                                         std::vector<std::string> attendees) {
  return [=](const Value& e) {
    return ContainsIgnoreCase(Field(e, "title"), title_word) && HasString(e, "start", start) &&
           HasString(e, "end", end) && HasString(e, "organizer", kMeId) &&
           HasString(e, "status", "confirmed") &&
           std::all_of(attendees.begin(), attendees.end(),
                       [&](const std::string& a) { return ListHas(e, "attendees", a); });
  };
}

base::Result<std::vector<Task>> CalendarTasks(const World& w, const ToolRegistry& tools) {
  std::vector<Task> tasks;
  tasks.push_back(
      TaskBuilder("calendar-book-close-review",
                  "Book a 30-minute 'October close review' with Dana Whitfield and Priya Raman on "
                  "Tuesday 2026-01-06 at the earliest time all three of you are free during "
                  "working hours (09:00-17:00 UTC).",
                  w)
          .Do("calendar_free_busy", {{"people", {"u-lmartins", "Dana Whitfield", "Priya Raman"}},
                                     {"start", "2026-01-06T00:00:00Z"},
                                     {"end", "2026-01-07T00:00:00Z"},
                                     {"duration_minutes", 30}})
          .Do("calendar_create_event", {{"title", "October close review"},
                                        {"start", "2026-01-06T10:30:00Z"},
                                        {"end", "2026-01-06T11:00:00Z"},
                                        {"attendees", {"Dana Whitfield", "Priya Raman"}},
                                        {"avoid_conflicts", true}})
          .ExpectNew("/calendar/events", "October close review, Jan 6 10:30-11:00, Dana and Priya",
                     Booked("October close review", "2026-01-06T10:30:00Z", "2026-01-06T11:00:00Z",
                            {"u-dwhitfield", "u-praman"}))
          .Build());
  tasks.push_back(
      TaskBuilder("calendar-cancel-cloudnine",
                  "CloudNine postponed: cancel the CloudNine account review on Jan 9.", w)
          .Do("calendar_list_events",
              {{"start", "2026-01-09T00:00:00Z"}, {"end", "2026-01-10T00:00:00Z"}})
          .Do("calendar_cancel_event", {{"id", "ev-cloudnine"}})
          .Expect(PathEquals("/calendar/events/ev-cloudnine/status", Value::String("cancelled")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder(
          "calendar-decline-offsite",
          "You will be with the auditors on Jan 22: decline the company offsite invitation.", w)
          .Do("calendar_list_events",
              {{"start", "2026-01-22T00:00:00Z"}, {"end", "2026-01-23T00:00:00Z"}})
          .Do("calendar_respond", {{"id", "ev-offsite"}, {"response", "declined"}})
          .Expect(PathEquals("/calendar/events/ev-offsite/attendees/u-lmartins",
                             Value::String("declined")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("calendar-move-payment-review",
                  "Move the Payment run review on Jan 2 one hour later (16:00-16:30 UTC).", w)
          .Do("calendar_update_event", {{"id", "ev-payment-review"},
                                        {"start", "2026-01-02T16:00:00Z"},
                                        {"end", "2026-01-02T16:30:00Z"}})
          .Expect(PathEquals("/calendar/events/ev-payment-review/start",
                             Value::String("2026-01-02T16:00:00Z")))
          .Expect(PathEquals("/calendar/events/ev-payment-review/end",
                             Value::String("2026-01-02T16:30:00Z")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("calendar-invite-pbc",
                  "Add Amy Chen and Omar Haddad to your Audit PBC list walkthrough on Jan 14.", w)
          .Do("calendar_update_event",
              {{"id", "ev-pbc"}, {"add_attendees", {"Amy Chen", "Omar Haddad"}}})
          .Expect(PathEquals("/calendar/events/ev-pbc/attendees/u-achen",
                             Value::String("needs_action")))
          .Expect(PathEquals("/calendar/events/ev-pbc/attendees/u-ohaddad",
                             Value::String("needs_action")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("calendar-recurring-sync",
                  "Set up a weekly 'AP/AR sync' with Amy Chen and Omar Haddad on Thursdays "
                  "15:00-15:30 UTC, starting 2026-01-08, six meetings in total.",
                  w)
          .Do("calendar_create_event", {{"title", "AP/AR sync"},
                                        {"start", "2026-01-08T15:00:00Z"},
                                        {"end", "2026-01-08T15:30:00Z"},
                                        {"attendees", {"Amy Chen", "Omar Haddad"}},
                                        {"recurrence", {{"freq", "weekly"}, {"count", 6}}}})
          .ExpectNew(
              "/calendar/events", "weekly AP/AR sync from Jan 8, six occurrences",
              [](const Value& e) {
                if (!Booked("AP/AR sync", "2026-01-08T15:00:00Z", "2026-01-08T15:30:00Z",
                            {"u-achen", "u-ohaddad"})(e))
                  return false;
                // Any rule giving exactly the six Thursdays Jan 8 - Feb 12 will do.
                env::Budget unlimited(std::numeric_limits<int64_t>::max());  // a checker's
                std::vector<Interval> all =
                    Occurrences(e, 0, *ParseTime("2027-01-01T00:00Z"), unlimited);
                return all.size() == 6 && FormatTime(all.back().start) == "2026-02-12T15:00:00Z";
              })
          .Build());
  tasks.push_back(
      TaskBuilder("calendar-accept-audit", "Accept Priya's Q4 audit kickoff invitation.", w)
          .Do("calendar_respond", {{"id", "ev-audit-kickoff"}, {"response", "accepted"}})
          .Expect(PathEquals("/calendar/events/ev-audit-kickoff/attendees/u-lmartins",
                             Value::String("accepted")))
          .BuildExact(tools));
  return tasks;
}

}  // namespace workplace
