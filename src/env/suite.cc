#include "env/suite.h"

#include "env/apps/apps.h"
#include "env/tau2/retail.h"

namespace env {

const Task* Suite::FindTask(std::string_view id) const {
  for (const Task& t : tasks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

namespace {

base::Result<std::unique_ptr<Suite>> LoadTau2Retail(const std::string& dir) {
  auto suite = std::make_unique<Suite>();
  suite->name = "tau2-retail";
  ASSAY_TRY(tau2::RegisterRetailTools(suite->tools));
  ASSAY_ASSIGN_OR_RETURN(Value db, tau2::LoadRetailDb(dir + "/db.json"));
  ASSAY_ASSIGN_OR_RETURN(suite->tasks, tau2::LoadRetailTasks(dir + "/tasks.json", db));
  return suite;
}

// The workplace apps: every app's tools on one world; `only_app` "" = every app's tasks and
// the cross-app tasks, else that app's tasks.
base::Result<std::unique_ptr<Suite>> LoadWorkplace(std::string_view only_app) {
  auto suite = std::make_unique<Suite>();
  suite->name = only_app.empty() ? "workplace" : std::string(only_app);
  ASSAY_TRY(apps::RegisterWorkplaceTools(suite->tools));
  World world = apps::WorkplaceWorld();
  for (const apps::App& app : apps::Apps()) {
    if (!only_app.empty() && app.name != only_app) continue;
    ASSAY_ASSIGN_OR_RETURN(std::vector<Task> tasks, app.tasks(world, suite->tools));
    for (Task& t : tasks) suite->tasks.push_back(std::move(t));
  }
  if (only_app.empty()) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<Task> tasks, apps::CrossAppTasks(world, suite->tools));
    for (Task& t : tasks) suite->tasks.push_back(std::move(t));
  }
  return suite;
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

}  // namespace env
