// `assay env list|run|replay|check` — environment suites from the command line.
// Wiring only: load a suite (src/env/suite.h), run sessions, render reports.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/file.h"
#include "base/json.h"
#include "base/result.h"
#include "cli/commands.h"
#include "cli/env_agent.h"
#include "env/session.h"
#include "env/task.h"
#include "env/trajectory.h"
#include "workplace/suites.h"
#include "workplace/tau2/retail.h"

namespace cli {
namespace {

struct SuiteOptions {
  std::string suite = "tau2-retail";
  std::string data_dir;  // "" = the suite's default
};

void AddSuiteOptions(CLI::App* cmd, SuiteOptions* o) {
  cmd->add_option("--suite", o->suite, "suite name (see `assay env list`)");
  cmd->add_option("--data", o->data_dir, "directory with the suite's data files");
}

int Report(const base::Error& e) {
  std::fprintf(stderr, "assay env: %s\n", e.ToString().c_str());
  return 2;
}

// --- list ----------------------------------------------------------------------------------------

struct ListOptions {
  SuiteOptions suite;
  bool tools = false;
  bool json = false;
  bool all_suites = false;  // no --suite: every suite with its counts
};

// Every suite with its task and tool counts; a suite whose data is missing says why.
int ListSuites(bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const env::SuiteSummary& s : workplace::SummarizeSuites()) {
    nlohmann::json row = {{"name", s.name}, {"description", s.description}};
    if (s.error.empty()) {
      row["tasks"] = s.tasks;
      row["tools"] = s.tools;
    } else {
      row["error"] = s.error;
    }
    if (!json) {
      if (s.error.empty()) {
        std::printf("%-14s %4zu tasks %3zu tools  %s\n", s.name.c_str(), s.tasks, s.tools,
                    s.description.c_str());
      } else {
        std::printf("%-14s not loaded: %s\n", s.name.c_str(), s.error.c_str());
      }
    }
    out.push_back(std::move(row));
  }
  if (json) std::cout << base::DumpPretty(nlohmann::json{{"suites", out}}) << "\n";
  return 0;
}

int RunList(const ListOptions& o) {
  if (o.all_suites) return ListSuites(o.json);
  auto suite = workplace::LoadSuite(o.suite.suite, o.suite.data_dir);
  if (!suite) {
    std::printf("suites:\n");
    for (const env::SuiteInfo& s : workplace::Suites()) {
      std::printf("  %-14s %s (data: %s)\n", s.name.c_str(), s.description.c_str(),
                  s.default_data_dir.c_str());
    }
    return Report(suite.error());
  }
  const env::Suite& s = **suite;
  if (o.json) {
    nlohmann::json tasks = nlohmann::json::array();
    for (const env::Task& t : s.tasks) {
      tasks.push_back({{"id", t.id},
                       {"instruction", t.instruction},
                       {"reference_actions", t.reference_actions.size()}});
    }
    nlohmann::json out = {{"suite", s.name}, {"tasks", tasks}};
    if (o.tools) out["tools"] = s.tools.OpenAiTools();
    std::cout << base::DumpPretty(out) << "\n";
    return 0;
  }
  std::printf("%s: %zu tasks, %zu tools\n", s.name.c_str(), s.tasks.size(), s.tools.size());
  if (o.tools) {
    for (const env::RegisteredTool* t : s.tools.List()) {
      std::printf("  tool %-32s %s\n", t->tool.name.c_str(), t->tool.read_only ? "read" : "write");
    }
  }
  for (const env::Task& t : s.tasks) {
    std::string instruction = t.instruction.substr(0, 90);
    if (t.instruction.size() > 90) instruction += "…";
    std::printf("  %-6s %2zu actions  %s\n", t.id.c_str(), t.reference_actions.size(),
                instruction.c_str());
  }
  return 0;
}

// --- run / check ---------------------------------------------------------------------------------

struct RunOptions {
  SuiteOptions suite;
  std::string task;
  std::string actions_path;     // JSONL actions
  std::string trajectory_path;  // OpenAI messages JSON (check)
  std::string trajectory_out;
  uint64_t seed = 1;
  bool json = false;
};

// Runs the actions on the task's initial world and checks the result against the task's checker,
// or, for a task with none (tau2), the one its reference actions imply (hash + exact expected
// changes + nothing else changed).
int RunAndCheck(const RunOptions& o, const std::vector<env::Action>& actions,
                const env::Suite& suite) {
  const env::Task* found = suite.FindTask(o.task);
  if (found == nullptr)
    return Report(base::Error::NotFound("no task '" + o.task + "' in " + suite.name));
  env::Task task = *found;
  base::FakeClock clock;
  // A task with its own checker (the workplace apps' content predicates) keeps it: deriving
  // from the reference would demand the reference's exact wording and ids.
  const env::Checker& own = task.checker;
  const bool has_checker =
      !own.predicates.empty() || own.expected_hash.has_value() || !own.expected_changes.empty();
  if (!has_checker && !task.reference_actions.empty())
    env::DeriveCheckerFromReference(task, suite.tools, clock, o.seed);
  env::Session session = env::Replay(suite.tools, task.initial, actions, clock, o.seed);
  const env::CheckReport report = env::Check(task, session.world());
  if (!o.trajectory_out.empty()) {
    std::ofstream out(o.trajectory_out);
    out << base::DumpPretty(session.trajectory().ToOpenAiMessages()) << "\n";
  }
  if (o.json) {
    nlohmann::json j = report.ToJson();
    j["task"] = task.id;
    j["steps"] = session.trajectory().ToJson()["steps"];
    std::cout << base::DumpPretty(j) << "\n";
  } else {
    size_t errors = 0;
    for (const env::Step& step : session.trajectory().steps())
      errors += step.result.is_error ? 1 : 0;
    std::printf("task %s: %zu calls (%zu errors)\n", task.id.c_str(), actions.size(), errors);
    std::fputs(report.Render().c_str(), stdout);
  }
  return report.passed ? 0 : 1;
}

int RunRun(const RunOptions& o) {
  auto suite = workplace::LoadSuite(o.suite.suite, o.suite.data_dir);
  if (!suite) return Report(suite.error());
  std::vector<env::Action> actions;
  if (o.actions_path.empty()) {
    const env::Task* task = (*suite)->FindTask(o.task);
    if (task == nullptr) return Report(base::Error::NotFound("no task '" + o.task + "'"));
    actions = task->reference_actions;  // no --actions: run the reference (a self-check)
  } else {
    auto text = base::ReadFile(o.actions_path);
    if (!text) return Report(text.error());
    auto parsed = env::ParseActionsJsonl(*text);
    if (!parsed) return Report(parsed.error());
    actions = std::move(*parsed);
  }
  return RunAndCheck(o, actions, **suite);
}

struct CheckOptions {
  RunOptions run;
  std::string hashes_path;  // compare a suite hashes file with our replay
  int threads = 0;
};

int CheckHashes(const CheckOptions& o, const env::Suite& suite) {
  auto text = base::ReadFile(o.hashes_path);
  if (!text) return Report(text.error());
  auto expected = base::ParseJson(*text);
  if (!expected || !expected->is_object() || !expected->contains("tasks")) {
    return Report(
        base::Error::Invalid(o.hashes_path + ": expected {\"initial_db_hash\", \"tasks\"}"));
  }
  const int threads =
      o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  auto ours = workplace::tau2::ReplayRetailSuite(
      suite.tasks.front().initial.Get(workplace::tau2::kRetailApp), suite.tasks, suite.tools,
      threads);
  if (!ours) return Report(ours.error());
  size_t matched = 0, mismatched = 0, missing = 0;
  if (expected->value("initial_db_hash", "") != ours->initial_db_hash) {
    std::printf("MISMATCH initial_db_hash: expected %s, got %s\n",
                expected->value("initial_db_hash", "").c_str(), ours->initial_db_hash.c_str());
    ++mismatched;
  }
  for (const auto& [id, hash] : ours->tasks) {
    const auto& tasks = (*expected)["tasks"];
    if (!tasks.contains(id)) {
      ++missing;
      continue;
    }
    if (tasks[id] == hash) {
      ++matched;
    } else {
      ++mismatched;
      std::printf("MISMATCH task %s: expected %s, got %s\n", id.c_str(),
                  tasks[id].get<std::string>().c_str(), hash.c_str());
    }
  }
  std::printf("%zu tasks match, %zu differ, %zu not in %s\n", matched, mismatched, missing,
              o.hashes_path.c_str());
  return mismatched == 0 ? 0 : 1;
}

int RunCheck(const CheckOptions& o) {
  if (o.run.suite.suite != "tau2-retail" && !o.hashes_path.empty()) {
    return Report(base::Error::Invalid("--hashes is only defined for tau2-retail"));
  }
  auto suite = workplace::LoadSuite(o.run.suite.suite, o.run.suite.data_dir);
  if (!suite) return Report(suite.error());
  if (!o.hashes_path.empty()) return CheckHashes(o, **suite);
  if (o.run.task.empty() || o.run.trajectory_path.empty()) {
    return Report(base::Error::Invalid("give --hashes FILE, or TASK with --trajectory FILE"));
  }
  auto text = base::ReadFile(o.run.trajectory_path);
  if (!text) return Report(text.error());
  auto messages = base::ParseJson(*text);
  if (!messages) return Report(messages.error());
  auto actions = env::ActionsFromOpenAiMessages(
      messages->is_object() && messages->contains("messages") ? (*messages)["messages"]
                                                              : *messages);
  if (!actions) return Report(actions.error());
  return RunAndCheck(o.run, *actions, **suite);
}

// --- replay --------------------------------------------------------------------------------------

struct ReplayOptions {
  SuiteOptions suite;
  std::string out_path;
  int threads = 0;
};

int RunReplay(const ReplayOptions& o) {
  if (o.suite.suite != "tau2-retail") {
    return Report(base::Error::Invalid("replay writes tau2 db hashes; only --suite tau2-retail"));
  }
  const auto start = std::chrono::steady_clock::now();
  auto suite = workplace::LoadSuite(o.suite.suite, o.suite.data_dir);
  if (!suite) return Report(suite.error());
  const auto loaded = std::chrono::steady_clock::now();
  const int threads =
      o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  const env::Suite& s = **suite;
  auto hashes = workplace::tau2::ReplayRetailSuite(
      s.tasks.front().initial.Get(workplace::tau2::kRetailApp), s.tasks, s.tools, threads);
  if (!hashes) return Report(hashes.error());
  const auto done = std::chrono::steady_clock::now();
  nlohmann::json tasks = nlohmann::json::object();
  for (const auto& [id, hash] : hashes->tasks) tasks[id] = hash;
  nlohmann::json out = {{"initial_db_hash", hashes->initial_db_hash}, {"tasks", tasks}};
  if (o.out_path.empty() || o.out_path == "-") {
    std::cout << base::DumpPretty(out) << "\n";
  } else {
    std::ofstream file(o.out_path);
    if (!file) return Report(base::Error::Internal("cannot write " + o.out_path));
    file << base::DumpPretty(out) << "\n";
  }
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::fprintf(stderr, "replayed %zu tasks in %.1f ms on %d threads (load %.1f ms)\n",
               hashes->tasks.size(), ms(loaded, done), threads, ms(start, loaded));
  return 0;
}

}  // namespace

void AddEnvCommand(CLI::App& app) {
  auto* env_cmd =
      app.add_subcommand("env", "Environment suites: list, run, replay, check tasks; run an agent");
  env_cmd->require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  auto* list = env_cmd->add_subcommand("list", "List suites, a suite's tasks and tools");
  AddSuiteOptions(list, &list_options->suite);
  list->add_flag("--tools", list_options->tools, "also list the tools");
  list->add_flag("--json", list_options->json, "JSON output (tools as OpenAI function specs)");
  list->callback([list, list_options] {
    list_options->all_suites = list->count("--suite") == 0;
    SetExitCode(RunList(*list_options));
  });

  auto run_options = std::make_shared<RunOptions>();
  auto* run = env_cmd->add_subcommand(
      "run", "Run actions (JSONL) on a task's world and print the check report");
  AddSuiteOptions(run, &run_options->suite);
  run->add_option("task", run_options->task, "task id")->required();
  run->add_option("--actions", run_options->actions_path,
                  "JSONL, one {\"name\",\"arguments\"} per line (default: the reference actions)");
  run->add_option("--trajectory-out", run_options->trajectory_out,
                  "write the OpenAI messages here");
  run->add_option("--seed", run_options->seed, "id seed");
  run->add_flag("--json", run_options->json, "JSON report");
  run->callback([run_options] { SetExitCode(RunRun(*run_options)); });

  auto replay_options = std::make_shared<ReplayOptions>();
  auto* replay =
      env_cmd->add_subcommand("replay", "Replay every task's reference actions; write db hashes");
  AddSuiteOptions(replay, &replay_options->suite);
  replay->add_option("--out", replay_options->out_path, "output JSON (default: stdout)");
  replay->add_option("--threads", replay_options->threads, "threads (default: all cores)");
  replay->callback([replay_options] { SetExitCode(RunReplay(*replay_options)); });

  auto check_options = std::make_shared<CheckOptions>();
  auto* check = env_cmd->add_subcommand(
      "check",
      "Check a trajectory (OpenAI messages) against a task, or a hashes file against our replay");
  AddSuiteOptions(check, &check_options->run.suite);
  check->add_option("task", check_options->run.task, "task id (with --trajectory)");
  check->add_option("--trajectory", check_options->run.trajectory_path,
                    "OpenAI chat messages JSON");
  check->add_option("--hashes", check_options->hashes_path,
                    "hashes JSON to compare (replay's format)");
  check->add_option("--threads", check_options->threads, "threads for --hashes");
  check->add_flag("--json", check_options->run.json, "JSON report");
  check->callback([check_options] { SetExitCode(RunCheck(*check_options)); });

  AddEnvAgentCommand(env_cmd);
}

}  // namespace cli
