// kill -9 of the server in the middle of a submit storm loses no acknowledged submission.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "http/client.h"
#include "support/run_command.h"
#include "support/serve_process.h"
#include "support/work_project.h"

namespace {

using nlohmann::json;
using test::RunCommand;

// Starts `assay serve` on an ephemeral port.
test::ServeProcess Start(const std::string& db) {
  return test::StartServe(ASSAY_BINARY, {"--db", db, "--log-level", "off"});
}

TEST(CrashTest, KillNineLosesNoAcknowledgedSubmission) {
  auto dir = std::filesystem::temp_directory_path() / ("assay_crash_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "c.db").string();
  const std::string bin = ASSAY_BINARY;
  const std::string manager = RunCommand(bin + " token create --db " + db + " --email m@x.org --role manager");
  ASSERT_FALSE(manager.empty());
  constexpr int kExperts = 8;
  std::vector<test::Expert> experts;
  for (int i = 0; i < kExperts; ++i) {
    const std::string email = "e" + std::to_string(i) + "@x.org";
    experts.push_back({email, RunCommand(bin + " token create --db " + db + " --email " + email + " --role expert")});
  }
  test::ServeProcess server = Start("sqlite:" + db);
  ASSERT_GT(server.port, 0);
  auto auth = [](const std::string& t) { return test::BearerJson(t); };
  http::Client m("127.0.0.1", server.port);
  test::WorkProject project = test::CreateWorkProject(m, manager, {.overlap = 1, .items = 5000}, experts);
  ASSERT_TRUE(project.error.empty()) << project.error;
  const std::string pid = project.id;

  std::mutex mu;
  std::set<std::string> acknowledged;  // submission ids answered 201
  std::atomic<bool> dead{false};
  std::vector<std::thread> storm;
  for (int i = 0; i < kExperts; ++i) {
    storm.emplace_back([&, i] {
      http::Client c("127.0.0.1", server.port);
      for (int n = 0; !dead; ++n) {
        auto l = c.Send("POST", "/api/v1/projects/" + pid + "/leases", "", auth(experts[i].token));
        if (!l || l->status != 200) return;
        json lease = json::parse(l->body);
        json body = {{"lease_token", lease["lease_token"]}, {"client_submission_id", "c" + std::to_string(n)},
                     {"answer", {{"c", "x"}}}, {"active_ms", 10}};
        auto s = c.Send("POST", "/api/v1/assignments/" + std::string(lease["assignment_id"]) + "/submit",
                        body.dump(), auth(experts[i].token));
        if (!s) return;
        if (s->status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert(json::parse(s->body)["submission"]["id"]);
        }
      }
    });
  }
  // Kill once a few hundred submissions were acknowledged (waiting on the condition).
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acknowledged.size() >= 400) break;
    }
    std::this_thread::yield();
  }
  kill(server.pid, SIGKILL);
  waitpid(server.pid, nullptr, 0);
  dead = true;
  for (auto& t : storm) t.join();

  test::ServeProcess again = Start("sqlite:" + db);
  ASSERT_GT(again.port, 0);
  http::Client c("127.0.0.1", again.port);
  auto exp = c.Send("GET", "/api/v1/projects/" + pid + "/export?format=jsonl", "", auth(manager));
  ASSERT_TRUE(exp && exp->status == 200);
  size_t missing = 0;
  for (const std::string& id : acknowledged) {
    if (exp->body.find("\"" + id + "\"") == std::string::npos) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged submissions";
  kill(again.pid, SIGTERM);
  waitpid(again.pid, nullptr, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
