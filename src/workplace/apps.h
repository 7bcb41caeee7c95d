// The workplace mock apps (mail, chat, sheet, books, hr, calendar, files, crm) as one table.
// Each app is a seed state, its tools and its tasks; the "workplace" world holds every app's
// seed under the app's name, so a task may span apps and its checker sees collateral damage in
// any of them.
//
//   env::ToolRegistry tools;
//   ASSAY_TRY(workplace::RegisterWorkplaceTools(tools));
//   env::World world = workplace::WorkplaceWorld();
//   env::Session s(tools, world, clock, 1);
//   s.Call("mail_search", {{"query", "invoice"}}, env::Actor::Agent());
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

struct App {
  std::string_view name;         // state key in the world; tool names start with "<name>_"
  std::string_view description;  // one line, for `assay env list`
  Value (*seed)();               // deterministic seed data
  base::Status (*register_tools)(ToolRegistry& registry);
  // The app's tasks on the whole workplace world (`workplace`, with every app's seed);
  // `tools` holds every app's tools.
  base::Result<std::vector<Task>> (*tasks)(const World& workplace, const ToolRegistry& tools);
};

// Every app, in listing order (apps.cc).
const std::vector<App>& Apps();
const App* FindApp(std::string_view name);

// Every app's seed under its name.
World WorkplaceWorld();
base::Status RegisterWorkplaceTools(ToolRegistry& registry);
// Tasks that span several apps (cross_tasks.cc), e.g. a month-end close.
base::Result<std::vector<Task>> CrossAppTasks(const World& workplace, const ToolRegistry& tools);
// The finance ones among them (cross_finance.cc): hr→books payroll accrual, crm→books invoice,
// books→sheet actuals, and the mail+books+chat October close.
base::Result<std::vector<Task>> FinanceCrossTasks(const World& workplace,
                                                  const ToolRegistry& tools);

}  // namespace workplace
