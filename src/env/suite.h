// Suites: named collections of tasks sharing one tool registry, and the catalog that says which
// suites exist and how to load each. The engine knows no suite by name: the content library
// (src/workplace) gives assay's catalog (`workplace::Suites()`: tau2-retail, workplace and one
// per app), and the SessionStore, the CLI and the tests take a catalog from outside.
//
//   const env::SuiteCatalog& catalog = workplace::Suites();
//   ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<env::Suite> suite,
//                          env::LoadSuite(catalog, "tau2-retail", "../shared/data/tau2-retail"));
//   const env::Task* task = suite->FindTask("0");
//   env::Session s(suite->tools, task->initial, clock, 1);
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"

namespace env {

struct Suite {
  Suite(std::string name, std::shared_ptr<const ToolRegistry> registry, std::vector<Task> tasks);

  std::string name;
  // Suites loaded from one source may share one registry (the workplace suites all hold every
  // app's tools, built once per process). It lives as long as any suite holding it.
  std::shared_ptr<const ToolRegistry> registry;
  const ToolRegistry& tools;  // *registry
  std::vector<Task> tasks;    // the suite's own copies (callers may derive checkers in place)

  const Task* FindTask(std::string_view id) const;
};

struct SuiteInfo {
  std::string name;
  std::string description;
  std::string default_data_dir;  // relative to the working directory; "" = needs no data
  // Loads the suite; data_dir is where its files live.
  std::function<base::Result<std::unique_ptr<Suite>>(const std::string& data_dir)> load;
};

// Every suite a caller knows, in listing order.
using SuiteCatalog = std::vector<SuiteInfo>;

const SuiteInfo* FindSuite(const SuiteCatalog& catalog, std::string_view name);
// data_dir "" uses the suite's default. kNotFound (naming the known suites) for an unknown name.
base::Result<std::unique_ptr<Suite>> LoadSuite(const SuiteCatalog& catalog, std::string_view name,
                                               const std::string& data_dir);

// A suite's row in a listing (`assay env list`, GET /api/v1/env/suites).
struct SuiteSummary {
  std::string name;
  std::string description;
  size_t tasks = 0;
  size_t tools = 0;
  std::string error;  // why it could not be loaded (e.g. its data dir is missing), or ""
};

// Every suite in catalog order, each got from `load`, so a caller holding loaded suites (the
// SessionStore) lists those. The Suite* need only stay valid until `load` is called again.
using SuiteLoader = std::function<base::Result<const Suite*>(const SuiteInfo& info)>;
std::vector<SuiteSummary> SummarizeSuites(const SuiteCatalog& catalog, const SuiteLoader& load);
// Each suite loaded from its default data dir.
std::vector<SuiteSummary> SummarizeSuites(const SuiteCatalog& catalog);

}  // namespace env
