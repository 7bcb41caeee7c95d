// The hr app: Northwind Analytics' employees (the people of people.h) with pay, managers and
// time-off balances in hours; time-off requests that only the employee's manager may approve
// or deny (approval deducts the balance, refused when it does not cover the request); and
// payroll inputs (bonus, commission, overtime for hourly staff, reimbursements) per semi-monthly
// payroll period, with a gross-pay summary the books can accrue.
//
// State: /employees/<person id>, /time_off_requests/<id>, /payroll_periods/<id>,
// /payroll_inputs/<period id>/<employee id>.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr const char* kHrApp = "hr";

Value HrSeed();
base::Status RegisterHrTools(ToolRegistry& registry);
base::Result<std::vector<Task>> HrTasks(const World& workplace, const ToolRegistry& tools);

// Gross pay of a payroll period in the hr state (base + overtime + bonus + commission), the
// figure hr_payroll_summary reports; -1 if the period does not exist.
int64_t HrPeriodGrossCents(const Value& hr, const std::string& period_id);

}  // namespace workplace
