// The crm app: Northwind Analytics' customers — companies, contacts, deals moving through the
// pipeline stages (lead → qualified → proposal → negotiation → won | lost; closed deals stay
// closed; lost needs a reason) and activities (calls, emails, meetings, notes). Owners are
// people of people.h.
//
// State: /companies/<id>, /contacts/<id>, /deals/<id> {stage, amount_cents, owner_id,
// history: [{from, to, at_us}]}, /activities/<id>, /stages (the ordered stage list).
#pragma once

#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr const char* kCrmApp = "crm";

Value CrmSeed();
base::Status RegisterCrmTools(ToolRegistry& registry);
base::Result<std::vector<Task>> CrmTasks(const World& workplace, const ToolRegistry& tools);

}  // namespace workplace
