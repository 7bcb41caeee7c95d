// calendar: everyone's calendar at Northwind Analytics, worked on as Leo Martins (kMeId):
// events with attendees and their responses, free/busy, and daily/weekly recurrence
// (interval, by_day, count or until), expanded over the asked range by list and free/busy.
// State: {"me", "events": {"ev-…": {"title", "start", "end", "organizer", "attendees": {"<user
// id>": "accepted"|"declined"|"tentative"|"needs_action"}, "location", "description", "recurrence":
// null | {"freq": "daily"|"weekly", "interval", "count" (0 = none), "until" ("" = none),
// "by_day": ["MO", …]}, "status": "confirmed"|"cancelled"}}}. Times are UTC "…Z" text; "now"
// is the session clock, so booking in the past is refused.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr std::string_view kCalendarApp = "calendar";

Value CalendarSeed();
base::Status RegisterCalendarTools(ToolRegistry& registry);
// For checkers: a confirmed event I organise whose title contains `title_word`, at exactly
// start-end, inviting each of `attendees` (user ids).
std::function<bool(const Value&)> Booked(std::string title_word, std::string start, std::string end,
                                         std::vector<std::string> attendees);

base::Result<std::vector<Task>> CalendarTasks(const World& workplace, const ToolRegistry& tools);

}  // namespace workplace
