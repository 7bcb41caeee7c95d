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
#include "support/serve_process.h"

namespace {

using nlohmann::json;

std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (p) pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

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
  std::vector<std::string> experts;
  for (int i = 0; i < kExperts; ++i) {
    experts.push_back(RunCommand(bin + " token create --db " + db + " --email e" + std::to_string(i) +
                          "@x.org --role expert"));
  }
  test::ServeProcess server = Start("sqlite:" + db);
  ASSERT_GT(server.port, 0);
  auto auth = [](const std::string& t) {
    return std::vector<http::Header>{{"Authorization", "Bearer " + t},
                                     {"Content-Type", "application/json"}};
  };
  http::Client m("127.0.0.1", server.port);
  json proj = {{"name", "storm"}, {"overlap", 1}, {"lease_seconds", 600},
               {"template", json::parse(R"([{"type":"text","name":"t","source":"t"},
                 {"type":"choice","name":"c","options":["x","y"]}])")}};
  auto created = m.Send("POST", "/api/v1/projects", proj.dump(), auth(manager));
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "");
  const std::string pid = json::parse(created->body)["id"];
  std::string items;
  for (int i = 0; i < 5000; ++i) items += "{\"id\":\"i" + std::to_string(i) + "\",\"data\":{\"t\":\"x\"}}\n";
  auto imp = m.Send("POST", "/api/v1/projects/" + pid + "/items", items,
                    {{"Authorization", "Bearer " + manager}, {"Content-Type", "application/x-ndjson"}});
  ASSERT_TRUE(imp && imp->status == 200);
  for (int i = 0; i < kExperts; ++i) {
    auto r = m.Send("POST", "/api/v1/projects/" + pid + "/members",
                    json({{"email", "e" + std::to_string(i) + "@x.org"}, {"role", "expert"}}).dump(),
                    auth(manager));
    ASSERT_TRUE(r && r->status == 202);  // an invitation, which the expert accepts
    auto mine = m.Send("GET", "/api/v1/me/invitations", "", auth(experts[i]));
    ASSERT_TRUE(mine && mine->status == 200);
    const std::string invitation = json::parse(mine->body)["invitations"][0]["id"];
    auto accepted = m.Send("POST", "/api/v1/invitations/" + invitation + "/accept", "", auth(experts[i]));
    ASSERT_TRUE(accepted && accepted->status == 200);
  }

  std::mutex mu;
  std::set<std::string> acknowledged;  // submission ids answered 201
  std::atomic<bool> dead{false};
  std::vector<std::thread> storm;
  for (int i = 0; i < kExperts; ++i) {
    storm.emplace_back([&, i] {
      http::Client c("127.0.0.1", server.port);
      for (int n = 0; !dead; ++n) {
        auto l = c.Send("POST", "/api/v1/projects/" + pid + "/leases", "", auth(experts[i]));
        if (!l || l->status != 200) return;
        json lease = json::parse(l->body);
        json body = {{"lease_token", lease["lease_token"]}, {"client_submission_id", "c" + std::to_string(n)},
                     {"answer", {{"c", "x"}}}, {"active_ms", 10}};
        auto s = c.Send("POST", "/api/v1/assignments/" + std::string(lease["assignment_id"]) + "/submit",
                        body.dump(), auth(experts[i]));
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
