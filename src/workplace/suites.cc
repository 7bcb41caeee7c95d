#include "workplace/suites.h"

#include "workplace/apps.h"
#include "workplace/tau2/retail.h"

namespace workplace {
namespace {

base::Result<std::unique_ptr<Suite>> LoadTau2Retail(const std::string& dir) {
  auto tools = std::make_shared<ToolRegistry>();
  ASSAY_TRY(tau2::RegisterRetailTools(*tools));
  ASSAY_ASSIGN_OR_RETURN(Value db, tau2::LoadRetailDb(dir + "/db.json"));
  ASSAY_ASSIGN_OR_RETURN(std::vector<Task> tasks, tau2::LoadRetailTasks(dir + "/tasks.json", db));
  return std::make_unique<Suite>("tau2-retail", std::move(tools), std::move(tasks));
}

// The workplace apps: every app's tools on one world, with each app's tasks (in Apps() order)
// and the cross-app tasks. Built once per process and shared by the workplace suites.
struct Workplace {
  std::shared_ptr<const ToolRegistry> tools;
  std::vector<std::vector<Task>> app_tasks;  // parallel to Apps()
  std::vector<Task> cross_tasks;
};

base::Result<Workplace> BuildWorkplace() {
  auto tools = std::make_shared<ToolRegistry>();
  ASSAY_TRY(RegisterWorkplaceTools(*tools));
  const World world = WorkplaceWorld();
  Workplace out;
  for (const App& app : Apps()) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<Task> tasks, app.tasks(world, *tools));
    out.app_tasks.push_back(std::move(tasks));
  }
  ASSAY_ASSIGN_OR_RETURN(out.cross_tasks, CrossAppTasks(world, *tools));
  out.tools = std::move(tools);
  return out;
}

// Built on first use (a function-local static: thread-safe, once). It needs no data files,
// so a failure would be a defect in the apps; it is kept and reported by every load.
const base::Result<Workplace>& SharedWorkplace() {
  static const base::Result<Workplace> workplace = BuildWorkplace();
  return workplace;
}

// `only_app` "" = every app's tasks and the cross-app tasks, else that app's tasks; the
// registry is every app's either way (a task may need another app's tools to look around).
base::Result<std::unique_ptr<Suite>> LoadWorkplace(std::string_view only_app) {
  const base::Result<Workplace>& workplace = SharedWorkplace();
  if (!workplace) return workplace.error();
  std::vector<Task> tasks;
  for (size_t i = 0; i < Apps().size(); ++i) {
    if (!only_app.empty() && Apps()[i].name != only_app) continue;
    const std::vector<Task>& own = workplace->app_tasks[i];
    tasks.insert(tasks.end(), own.begin(), own.end());
  }
  if (only_app.empty()) {
    tasks.insert(tasks.end(), workplace->cross_tasks.begin(), workplace->cross_tasks.end());
  }
  return std::make_unique<Suite>(only_app.empty() ? "workplace" : std::string(only_app),
                                 workplace->tools, std::move(tasks));
}

}  // namespace

const env::SuiteCatalog& Suites() {
  static const env::SuiteCatalog kSuites = [] {
    env::SuiteCatalog suites = {
        {"tau2-retail", "tau2-bench retail domain: 16 tools, 114 tasks judged by the db hash",
         "../shared/data/tau2-retail", LoadTau2Retail},
        {"workplace",
         "every mock workplace app on one world: each app's tasks and the cross-app tasks", "",
         [](const std::string&) { return LoadWorkplace(""); }},
    };
    for (const App& app : Apps()) {
      std::string name(app.name);
      suites.push_back({name, std::string(app.description) + " (on the workplace world)", "",
                        [name](const std::string&) { return LoadWorkplace(name); }});
    }
    return suites;
  }();
  return kSuites;
}

base::Result<std::unique_ptr<env::Suite>> LoadSuite(std::string_view name,
                                                    const std::string& data_dir) {
  return env::LoadSuite(Suites(), name, data_dir);
}

std::vector<env::SuiteSummary> SummarizeSuites() { return env::SummarizeSuites(Suites()); }

}  // namespace workplace
