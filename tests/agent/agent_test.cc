// `assay env agent` against a fake chat-completions endpoint served by this test: the fake plays
// back tau2 retail task 0's reference actions as tool_calls, one per turn, then a final answer.
// The real binary runs as a child process; the test asserts the score, the written trajectory,
// and what the fake was sent.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/log.h"
#include "http/server.h"
#include "workplace/suites.h"

namespace {

using nlohmann::json;

const std::string kTau2Dir = ASSAY_SHARED_DATA_DIR "/tau2-retail";

const env::Task& Task0() {
  static const std::unique_ptr<env::Suite> suite = [] {
    auto s = workplace::LoadSuite("tau2-retail", kTau2Dir);
    EXPECT_TRUE(s) << s.error().ToString();
    return std::move(*s);
  }();
  return *suite->FindTask("0");
}

// What the fake model does on each turn.
struct Script {
  bool bad_arguments_first = false;  // turn 0: a call whose arguments are not JSON
  int fail_status = 0;               // answer every request with this status and an error
};

class FakeChat final : public http::Handler {
 public:
  explicit FakeChat(Script script) : script_(script) {}

  http::Admission Admit(http::Request&, bool) override { return http::Admission::Accept(16 << 20); }
  http::Response ErrorResponse(const base::Error& e, const http::Request&) override {
    return http::Response::Json(500, json({{"error", {{"message", e.message()}}}}).dump());
  }

  http::Response Handle(http::Request& req) override {
    json body = json::parse(req.body, nullptr, false);
    {
      std::lock_guard lock(mu_);
      requests_.push_back(body);
      paths_.push_back(req.path);
      authorizations_.push_back(std::string(req.GetHeader("authorization")));
    }
    if (script_.fail_status != 0) {
      return http::Response::Json(
          script_.fail_status,
          R"({"error":{"message":"Incorrect API key provided","type":"auth"}})");
    }
    int turn = 0;
    for (const json& m : body["messages"]) turn += m["role"] == "assistant" ? 1 : 0;
    const auto& actions = Task0().reference_actions;
    int action = turn;
    json message = {{"role", "assistant"}, {"content", nullptr}};
    if (script_.bad_arguments_first && turn == 0) {
      message["tool_calls"] = {ToolCall("bad_0", actions[0].name, "{\"first_name\": ")};
    } else {
      action -= script_.bad_arguments_first ? 1 : 0;
      if (action < static_cast<int>(actions.size())) {
        message["tool_calls"] = {ToolCall("call_" + std::to_string(action), actions[action].name,
                                          actions[action].arguments_json)};
      } else {
        message["content"] = "The exchange is done.";
      }
    }
    json out = {{"id", "chatcmpl-fake"},
                {"object", "chat.completion"},
                {"model", body.value("model", "")},
                {"choices",
                 {{{"index", 0},
                   {"message", message},
                   {"finish_reason", message.contains("tool_calls") ? "tool_calls" : "stop"}}}}};
    return http::Response::Json(200, out.dump());
  }

  std::vector<json> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<std::string> paths() {
    std::lock_guard lock(mu_);
    return paths_;
  }
  std::vector<std::string> authorizations() {
    std::lock_guard lock(mu_);
    return authorizations_;
  }

 private:
  static json ToolCall(const std::string& id, const std::string& name, const std::string& args) {
    return {{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", args}}}};
  }

  Script script_;
  std::mutex mu_;
  std::vector<json> requests_;
  std::vector<std::string> paths_;
  std::vector<std::string> authorizations_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  json trajectory;
};

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("assay_agent_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Serves `script` on an ephemeral port; returns the base URL.
  std::string Serve(Script script) {
    fake_ = std::make_unique<FakeChat>(script);
    http::ServerOptions opt;
    opt.port = 0;
    opt.access_log = false;
    server_ = std::make_unique<http::Server>(opt, *fake_, base::Logger::Null());
    auto port = server_->Start();
    EXPECT_TRUE(port);
    return "http://127.0.0.1:" + std::to_string(port ? *port : 0) + "/v1";
  }

  RunResult RunAgent(const std::string& base_url, const std::string& extra = "",
                     const std::string& env_prefix = "") {
    const auto out = dir_ / "out.txt", err = dir_ / "err.txt", traj = dir_ / "trajectory.json";
    const std::string cmd =
        env_prefix + " " + ASSAY_BINARY + " env agent --suite tau2-retail --data " + kTau2Dir +
        " --task 0 --base-url " + base_url + " --model fake-model --out " + traj.string() + " " +
        extra + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    if (std::filesystem::exists(traj)) r.trajectory = json::parse(Slurp(traj), nullptr, false);
    return r;
  }

  std::filesystem::path dir_;
  std::unique_ptr<FakeChat> fake_;
  std::unique_ptr<http::Server> server_;
};

size_t CountRole(const json& messages, const std::string& role) {
  size_t n = 0;
  for (const json& m : messages) n += m["role"] == role ? 1 : 0;
  return n;
}

TEST_F(AgentTest, ReferencePlaybackScoresOne) {
  const std::string url = Serve({});
  RunResult r = RunAgent(url, "--api-key-env ASSAY_FAKE_KEY", "ASSAY_FAKE_KEY=sk-test-123");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS  score 1.000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("The exchange is done."), std::string::npos) << r.out;

  const auto& actions = Task0().reference_actions;
  ASSERT_TRUE(r.trajectory.is_object()) << "trajectory file missing or not JSON";
  EXPECT_EQ(r.trajectory["check"]["score"], 1.0);
  const json& messages = r.trajectory["messages"];
  EXPECT_EQ(messages[0]["role"], "system");
  EXPECT_NE(messages[0]["content"].get<std::string>().find(Task0().instruction), std::string::npos);
  ASSERT_EQ(CountRole(messages, "tool"), actions.size());
  EXPECT_EQ(messages.back()["content"], "The exchange is done.");

  // The fake was asked once per tool call plus once for the final answer, at the right path,
  // with the key, the tools and (from the second turn on) the results of the calls so far.
  const std::vector<json> requests = fake_->requests();
  ASSERT_EQ(requests.size(), actions.size() + 1);
  EXPECT_EQ(fake_->paths()[0], "/v1/chat/completions");
  EXPECT_EQ(fake_->authorizations()[0], "Bearer sk-test-123");
  EXPECT_EQ(requests[0]["model"], "fake-model");
  EXPECT_EQ(requests[0]["temperature"], 0.0);
  ASSERT_EQ(requests[0]["tools"].size(), 16u);
  EXPECT_EQ(requests[0]["tools"][0]["type"], "function");
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(CountRole(requests[i]["messages"], "tool"), i) << "request " << i;
  }
  // get_order_details (action 1) returned the order; the model saw it in the next request.
  const json& seen = requests[2]["messages"].back();
  EXPECT_EQ(seen["role"], "tool");
  EXPECT_EQ(seen["tool_call_id"], "call_1");
  EXPECT_NE(seen["content"].get<std::string>().find("#W2378156"), std::string::npos) << seen.dump();
}

TEST_F(AgentTest, MalformedArgumentsGoBackToTheModelAsAnError) {
  const std::string url = Serve({.bad_arguments_first = true});
  RunResult r = RunAgent(url);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;  // the model recovered: the task still passes
  const std::vector<json> requests = fake_->requests();
  ASSERT_GE(requests.size(), 2u);
  const json& reply = requests[1]["messages"].back();
  EXPECT_EQ(reply["role"], "tool");
  EXPECT_EQ(reply["tool_call_id"], "bad_0");
  EXPECT_EQ(reply["content"].get<std::string>().rfind("Error: arguments are not valid JSON", 0), 0u)
      << reply.dump();
  EXPECT_EQ(r.trajectory["check"]["score"], 1.0);
  ASSERT_GE(r.trajectory["steps"].size(), 1u);
  EXPECT_TRUE(r.trajectory["steps"][0]["is_error"].get<bool>());  // recorded as a failed call
}

TEST_F(AgentTest, StopsAtMaxStepsAndReportsTheFailedCheck) {
  const std::string url = Serve({});
  RunResult r = RunAgent(url, "--max-steps 2");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_NE(r.out.find("stopped at --max-steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_LT(r.trajectory["check"]["score"].get<double>(), 1.0);
}

TEST_F(AgentTest, EndpointErrorsAreClear) {
  const std::string url = Serve({.fail_status = 401});
  RunResult refused = RunAgent(url);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("answered 401: Incorrect API key provided"), std::string::npos)
      << refused.err;

  server_.reset();  // nothing listens on that port any more
  RunResult down = RunAgent(url);
  EXPECT_EQ(down.exit_code, 2);
  EXPECT_NE(down.err.find("cannot reach"), std::string::npos) << down.err;

  RunResult https = RunAgent("https://api.example.com/v1");
  EXPECT_EQ(https.exit_code, 2);
  EXPECT_NE(https.err.find("only http://"), std::string::npos) << https.err;
}

}  // namespace
