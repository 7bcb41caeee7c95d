#include "env/suite.h"

#include "env/apps/apps.h"
#include "env/tau2/retail.h"

namespace env {

Suite::Suite(std::string name, std::shared_ptr<const ToolRegistry> registry,
             std::vector<Task> tasks)
    : name(std::move(name)),
      registry(std::move(registry)),
      tools(*this->registry),
      tasks(std::move(tasks)) {}

const Task* Suite::FindTask(std::string_view id) const {
  for (const Task& t : tasks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

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
  std::vector<std::vector<Task>> app_tasks;  // parallel to apps::Apps()
  std::vector<Task> cross_tasks;
};

base::Result<Workplace> BuildWorkplace() {
  auto tools = std::make_shared<ToolRegistry>();
  ASSAY_TRY(apps::RegisterWorkplaceTools(*tools));
  const World world = apps::WorkplaceWorld();
  Workplace out;
  for (const apps::App& app : apps::Apps()) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<Task> tasks, app.tasks(world, *tools));
    out.app_tasks.push_back(std::move(tasks));
  }
  ASSAY_ASSIGN_OR_RETURN(out.cross_tasks, apps::CrossAppTasks(world, *tools));
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
  for (size_t i = 0; i < apps::Apps().size(); ++i) {
    if (!only_app.empty() && apps::Apps()[i].name != only_app) continue;
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

const std::vector<SuiteInfo>& Suites() {
  static const std::vector<SuiteInfo> kSuites = [] {
    std::vector<SuiteInfo> suites = {
        {"tau2-retail", "tau2-bench retail domain: 16 tools, 114 tasks judged by the db hash",
         "../shared/data/tau2-retail", LoadTau2Retail},
        {"workplace", "every mock workplace app on one world: each app's tasks and the cross-app tasks",
         "", [](const std::string&) { return LoadWorkplace(""); }},
    };
    for (const apps::App& app : apps::Apps()) {
      std::string name(app.name);
      suites.push_back({name, std::string(app.description) + " (on the workplace world)", "",
                        [name](const std::string&) { return LoadWorkplace(name); }});
    }
    return suites;
  }();
  return kSuites;
}

const SuiteInfo* FindSuite(std::string_view name) {
  for (const SuiteInfo& s : Suites()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

base::Result<std::unique_ptr<Suite>> LoadSuite(std::string_view name, const std::string& data_dir) {
  const SuiteInfo* info = FindSuite(name);
  if (info == nullptr) {
    std::string names;
    for (const SuiteInfo& s : Suites()) names += (names.empty() ? "" : ", ") + s.name;
    return base::Error::NotFound("unknown suite '" + std::string(name) + "'; known: " + names);
  }
  return info->load(data_dir.empty() ? info->default_data_dir : data_dir);
}

std::vector<SuiteSummary> SummarizeSuites(const SuiteLoader& load) {
  std::vector<SuiteSummary> out;
  for (const SuiteInfo& info : Suites()) {
    SuiteSummary row;
    row.name = info.name;
    row.description = info.description;
    base::Result<const Suite*> suite = load(info);
    if (suite) {
      row.tasks = (*suite)->tasks.size();
      row.tools = (*suite)->tools.size();
    } else {
      row.error = suite.error().message();
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<SuiteSummary> SummarizeSuites() {
  std::unique_ptr<Suite> held;  // the suite being counted; replaced by the next load
  return SummarizeSuites([&held](const SuiteInfo& info) -> base::Result<const Suite*> {
    ASSAY_ASSIGN_OR_RETURN(held, info.load(info.default_data_dir));
    return held.get();
  });
}

}  // namespace env
