#include "env/suite.h"

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

const SuiteInfo* FindSuite(const SuiteCatalog& catalog, std::string_view name) {
  for (const SuiteInfo& s : catalog) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

base::Result<std::unique_ptr<Suite>> LoadSuite(const SuiteCatalog& catalog, std::string_view name,
                                               const std::string& data_dir) {
  const SuiteInfo* info = FindSuite(catalog, name);
  if (info == nullptr) {
    std::string names;
    for (const SuiteInfo& s : catalog) names += (names.empty() ? "" : ", ") + s.name;
    return base::Error::NotFound("unknown suite '" + std::string(name) + "'; known: " + names);
  }
  return info->load(data_dir.empty() ? info->default_data_dir : data_dir);
}

std::vector<SuiteSummary> SummarizeSuites(const SuiteCatalog& catalog, const SuiteLoader& load) {
  std::vector<SuiteSummary> out;
  for (const SuiteInfo& info : catalog) {
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

std::vector<SuiteSummary> SummarizeSuites(const SuiteCatalog& catalog) {
  std::unique_ptr<Suite> held;  // the suite being counted; replaced by the next load
  return SummarizeSuites(catalog, [&held](const SuiteInfo& info) -> base::Result<const Suite*> {
    ASSAY_ASSIGN_OR_RETURN(held, info.load(info.default_data_dir));
    return held.get();
  });
}

}  // namespace env
