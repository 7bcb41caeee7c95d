// Tests over the whole apps table: the seeds, every task's reference and empty runs, replay
// determinism, collateral damage, schema errors for every tool.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "workplace/apps_test_util.h"
#include "workplace/files.h"
#include "workplace/people.h"
#include "workplace/suites.h"

namespace workplace {
namespace {

std::unique_ptr<Suite> Workplace() {
  auto suite = LoadSuite("workplace", "");
  EXPECT_TRUE(suite.has_value()) << suite.error().ToString();
  return suite ? std::move(*suite) : nullptr;
}

TEST(People, TwentyFiveDistinctPeopleWithExistingManagers) {
  std::set<std::string_view> ids, emails;
  for (const Person& p : People()) {
    ids.insert(p.id);
    emails.insert(p.email);
    if (!p.manager_id.empty()) {
      EXPECT_NE(FindPerson(p.manager_id), nullptr) << p.id;
    }
  }
  EXPECT_EQ(People().size(), 25u);
  EXPECT_EQ(ids.size(), 25u);
  EXPECT_EQ(emails.size(), 25u);
  EXPECT_EQ(FindPerson("Dana Whitfield")->title, "Controller");
  EXPECT_EQ(FindPerson("DANA.WHITFIELD@northwind.example")->id, "u-dwhitfield");
  EXPECT_EQ(FindPerson(kMeId)->manager_id, "u-dwhitfield");
  EXPECT_EQ(FindPerson("nobody"), nullptr);
}

TEST(Seeds, AreDeterministicAndConsistentAcrossApps) {
  EXPECT_EQ(WorkplaceWorld().Hash(), WorkplaceWorld().Hash());
  const World w = WorkplaceWorld();
  // Every mail attachment is a file in Files, under the same name.
  size_t attachments = 0;
  for (const auto& [id, m] : w.Get("mail").Find("messages")->members()) {
    for (const Value& a : m.Find("attachments")->elements()) {
      const Value* file = FindFile(w.Get("files"), a.Find("file_id")->AsString());
      ASSERT_NE(file, nullptr) << id;
      EXPECT_EQ(*file->Find("name"), *a.Find("name"));
      ++attachments;
    }
  }
  EXPECT_GE(attachments, 4u);
  // The statement's lines add up from the opening to the closing balance, and the mail body and
  // the CSV in Files both carry every line.
  int64_t balance = kOctoberOpeningCents;
  const std::string& body = w.Get("mail").At("/messages/m-002/body")->AsString();
  const std::string& csv = FindFile(w.Get("files"), "f-bank-2025-10")->Find("content")->AsString();
  for (const StatementLine& line : OctoberStatementLines()) {
    balance += line.amount_cents;
    EXPECT_NE(body.find(line.description), std::string::npos) << line.description;
    EXPECT_NE(csv.find(std::string(line.description) + "," + std::to_string(line.amount_cents)),
              std::string::npos);
  }
  EXPECT_EQ(balance, kOctoberClosingCents);
  EXPECT_GE(OctoberStatementLines().size(), 8u);
  EXPECT_NE(body.find("93,502.10"), std::string::npos);
}

TEST(Suites, EachAppHasSixTasksAndToolsNamedAfterIt) {
  auto suite = Workplace();
  ASSERT_NE(suite, nullptr);
  std::map<std::string, int> tasks_per_app, tools_per_app;
  for (const Task& t : suite->tasks) ++tasks_per_app[t.id.substr(0, t.id.find('-'))];
  for (const RegisteredTool* t : suite->tools.List()) {
    ++tools_per_app[t->tool.app];
    EXPECT_EQ(t->tool.name.rfind(t->tool.app + "_", 0), 0u) << t->tool.name;
  }
  for (const char* app : {"mail", "chat", "calendar", "files"}) {
    EXPECT_GE(tasks_per_app[app], 6) << app;
    EXPECT_GE(tools_per_app[app], 5) << app;
    EXPECT_LE(tools_per_app[app], 15) << app;
    auto own = LoadSuite(app, "");
    ASSERT_TRUE(own.has_value());
    EXPECT_EQ(static_cast<int>((*own)->tasks.size()), tasks_per_app[app]);
  }
  EXPECT_GE(tasks_per_app["cross"], 3);
}

TEST(Tasks, ReferenceActionsScoreOneAndDoingNothingScoresLess) {
  auto suite = Workplace();
  ASSERT_NE(suite, nullptr);
  for (const Task& task : suite->tasks) {
    base::FakeClock clock;
    ASSERT_FALSE(task.reference_actions.empty()) << task.id;
    Session done = Replay(suite->tools, task.initial, task.reference_actions, clock, 1);
    for (const Step& step : done.trajectory().steps())
      EXPECT_FALSE(step.result.is_error)
          << task.id << " " << step.name << ": " << step.result.content;
    const CheckReport report = Check(task, done.world());
    EXPECT_TRUE(report.passed) << task.id << "\n" << report.Render();
    EXPECT_EQ(report.score, 1.0) << task.id;
    const CheckReport idle = Check(task, task.initial);
    EXPECT_LT(idle.score, 1.0) << task.id << "\n" << idle.Render();
    // A different seed makes different ids; content checks still pass.
    Session reseeded = Replay(suite->tools, task.initial, task.reference_actions, clock, 99);
    if (!task.checker.expected_hash) {
      EXPECT_TRUE(Check(task, reseeded.world()).passed) << task.id;
    }
  }
}

TEST(Tasks, ReplayIsDeterministicAlsoAfterFork) {
  auto suite = Workplace();
  ASSERT_NE(suite, nullptr);
  for (const Task& task : suite->tasks) {
    base::FakeClock clock;
    const auto& actions = task.reference_actions;
    const std::string hash = Replay(suite->tools, task.initial, actions, clock, 7).world().Hash();
    EXPECT_EQ(Replay(suite->tools, task.initial, actions, clock, 7).world().Hash(), hash)
        << task.id;
    // Run half, fork, finish both: the two finish at the same state as each other.
    Session s(suite->tools, task.initial, clock, 7);
    const size_t half = actions.size() / 2;
    for (size_t i = 0; i < half; ++i) s.Run(actions[i]);
    Session a = s.Fork(), b = s.Fork();
    for (size_t i = half; i < actions.size(); ++i) {
      a.Run(actions[i]);
      b.Run(actions[i]);
    }
    EXPECT_EQ(a.world().Hash(), b.world().Hash()) << task.id;
    EXPECT_NE(a.world().Hash(), task.initial.Hash()) << task.id;
  }
}

std::vector<Action> WithExtra(const Task& task, Action extra) {
  std::vector<Action> actions = task.reference_actions;
  actions.push_back(std::move(extra));
  return actions;
}

TEST(Tasks, AWrongActionIsReportedAsCollateralDamage) {
  auto suite = Workplace();
  ASSERT_NE(suite, nullptr);
  base::FakeClock clock;
  // An exact task: the extra change is a "collateral" item naming the path.
  const Task* exact = suite->FindTask("mail-archive-newsletter");
  ASSERT_NE(exact, nullptr);
  Session s =
      Replay(suite->tools, exact->initial,
             WithExtra(*exact, {"mail_label", R"({"id":"m-005","remove":["inbox"]})"}), clock, 1);
  CheckReport report = Check(*exact, s.world());
  EXPECT_FALSE(report.passed);
  bool named = false;
  for (const CheckItem& item : report.items) {
    named |= !item.passed && item.name.rfind("collateral /mail/messages/m-005/labels", 0) == 0;
  }
  EXPECT_TRUE(named) << report.Render();
  // A content-checked task: "nothing else changed" fails and names the path; the rest passes.
  const Task* content = suite->FindTask("cross-file-and-share");
  ASSERT_NE(content, nullptr);
  Session s2 = Replay(suite->tools, content->initial,
                      WithExtra(*content, {"files_delete", R"({"id":"f-pto-policy"})"}), clock, 1);
  report = Check(*content, s2.world());
  EXPECT_FALSE(report.passed);
  size_t failed = 0;
  for (const CheckItem& item : report.items) {
    if (item.passed) continue;
    ++failed;
    EXPECT_EQ(item.name, "predicate: nothing else changed");
    EXPECT_NE(item.detail.find("/files/files/f-pto-policy/trashed"), std::string::npos)
        << item.detail;
  }
  EXPECT_EQ(failed, 1u) << report.Render();
  // The right change with the wrong content fails its predicate.
  const Task* reply = suite->FindTask("mail-reply-halcyon");
  ASSERT_NE(reply, nullptr);
  Session s3 = Replay(
      suite->tools, reply->initial,
      {{"mail_reply", R"({"id":"m-011","reply_all":true,"body":"Will check. Leo"})"}}, clock, 1);
  EXPECT_FALSE(Check(*reply, s3.world()).passed);
}

using ToolSchemas = WorkplaceTest;

// A well-typed placeholder for a schema property (never reaches a handler in these tests).
// A value the property's schema accepts (type, enum, minLength, minItems, item and member
// schemas), so each test below fails for the one argument it changes.
nlohmann::json Placeholder(const nlohmann::json& property) {
  const nlohmann::json& types =
      property.contains("type") ? property["type"] : nlohmann::json("string");
  const std::string type =
      types.is_array() ? types[0].get<std::string>() : types.get<std::string>();
  if (property.contains("enum")) return property["enum"][0];
  if (type == "array") {
    const nlohmann::json item = property.contains("items") ? Placeholder(property["items"]) : "x";
    return nlohmann::json::array_t(std::max<size_t>(1, property.value("minItems", 1)), item);
  }
  if (type == "integer" || type == "number") return property.value("minimum", 1);
  if (type == "boolean") return false;
  if (type == "object") {
    if (!property.contains("properties")) return {{"freq", "daily"}};
    nlohmann::json object = nlohmann::json::object();
    for (const auto& required : property.value("required", nlohmann::json::array())) {
      object[required.get<std::string>()] =
          Placeholder(property["properties"][required.get<std::string>()]);
    }
    return object;
  }
  return std::string(std::max<size_t>(1, property.value("minLength", 1)), 'x');
}

TEST_F(ToolSchemas, EveryToolRefusesMissingUnknownAndMistypedArguments) {
  for (const RegisteredTool* t : tools_.List()) {
    const nlohmann::json schema = nlohmann::json::parse(t->tool.parameters);
    nlohmann::json valid = nlohmann::json::object();
    for (const auto& required : schema.value("required", nlohmann::json::array())) {
      valid[required.get<std::string>()] =
          Placeholder(schema["properties"][required.get<std::string>()]);
    }
    for (const auto& [name, property] : valid.items()) {
      nlohmann::json missing = valid;
      missing.erase(name);
      EXPECT_NE(Err(t->tool.name, missing).find(name), std::string::npos) << t->tool.name;
    }
    nlohmann::json unknown = valid;
    unknown["no_such_argument"] = 1;
    EXPECT_NE(Err(t->tool.name, unknown).find("no_such_argument"), std::string::npos)
        << t->tool.name;
    for (const auto& [name, property] : schema["properties"].items()) {
      nlohmann::json mistyped = valid;
      mistyped[name] =
          property.value("type", "") == "string" ? nlohmann::json(12345) : nlohmann::json("x");
      EXPECT_NE(Err(t->tool.name, mistyped).find(name), std::string::npos)
          << t->tool.name << " " << name;
    }
  }
}

// `assay env` on the apps, through the real binary: output and exit code.
struct CliRun {
  std::string out;
  int exit_code = -1;
};

CliRun Assay(const std::string& args) {
  CliRun r;
  FILE* p = popen((std::string(ASSAY_BINARY) + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string WriteActions(const std::string& name, const std::string& jsonl) {
  const auto path =
      std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".jsonl");
  std::ofstream(path) << jsonl;
  return path.string();
}

TEST(Cli, ListsEverySuiteAndRunsAnAgentsOwnWordingAgainstTheTaskChecker) {
  if (!std::filesystem::exists(ASSAY_BINARY)) GTEST_SKIP() << "build the assay target first";
  const CliRun list = Assay("env list");
  EXPECT_EQ(list.exit_code, 0) << list.out;
  for (const char* name : {"workplace", "mail", "chat", "calendar", "files"}) {
    auto suite = LoadSuite(name, "");
    ASSERT_TRUE(suite.has_value());
    char line[64];
    std::snprintf(line, sizeof line, "%-14s %4zu tasks %3zu tools", name, (*suite)->tasks.size(),
                  (*suite)->tools.size());
    EXPECT_NE(list.out.find(line), std::string::npos) << line << "\n" << list.out;
  }
  EXPECT_NE(list.out.find("tau2-retail"), std::string::npos);
  // Different words from the reference's: the content checker passes it.
  const std::string forward =
      R"({"name":"mail_forward","arguments":{"id":"m-001","to":["Amy Chen"],"body":"Amy: for the payment run on Friday."}})"
      "\n";
  CliRun run = Assay("env run mail-forward-invoice --suite mail --actions " +
                     WriteActions("forward", forward));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("PASS  score 1.000"), std::string::npos) << run.out;
  // The same plus archiving an unrelated message: collateral damage, exit 1.
  run = Assay(
      "env run mail-forward-invoice --suite mail --actions " +
      WriteActions(
          "collateral",
          forward + R"({"name":"mail_label","arguments":{"id":"m-005","remove":["inbox"]}})"));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("collateral: - /mail/messages/m-005/labels"), std::string::npos)
      << run.out;
  std::filesystem::remove(WriteActions("forward", ""));
  std::filesystem::remove(WriteActions("collateral", ""));
}

}  // namespace
}  // namespace workplace
