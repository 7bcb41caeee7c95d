// Suites: named collections of tasks sharing one tool registry ("tau2-retail", later the mock
// apps' suites). The CLI, HTTP and MCP layers find tasks through this table.
//
//   ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<env::Suite> suite,
//                          env::LoadSuite("tau2-retail", "../shared/data/tau2-retail"));
//   const env::Task* task = suite->FindTask("0");
//   env::Session s(suite->tools, task->initial, clock, 1);
#pragma once

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
  std::string name;
  ToolRegistry tools;
  std::vector<Task> tasks;

  const Task* FindTask(std::string_view id) const;
};

struct SuiteInfo {
  std::string name;
  std::string description;
  std::string default_data_dir;  // relative to the working directory; "" = needs no data
  // Loads the suite; data_dir is where its files live.
  std::function<base::Result<std::unique_ptr<Suite>>(const std::string& data_dir)> load;
};

// Every suite assay knows, in listing order. Add a suite by adding a row in suite.cc.
const std::vector<SuiteInfo>& Suites();
const SuiteInfo* FindSuite(std::string_view name);
// data_dir "" uses the suite's default.
base::Result<std::unique_ptr<Suite>> LoadSuite(std::string_view name, const std::string& data_dir);

}  // namespace env
