// `assay env agent` — drives an OpenAI-compatible chat-completions endpoint through a task's
// tools: the model's tool_calls run on a local env::Session, their results go back as `tool`
// messages, until the model answers without tool calls (or --max-steps). Then the task's check
// report is printed and the conversation written as OpenAI messages.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "cli/commands.h"
#include "cli/env_agent.h"
#include "env/session_store.h"
#include "http/client.h"
#include "workplace/suites.h"

namespace cli {
namespace {

using nlohmann::json;

struct AgentOptions {
  std::string suite = "tau2-retail";
  std::string data_dir;
  std::string task;
  std::string base_url;
  std::string model;
  std::string api_key_env = "OPENAI_API_KEY";
  int max_steps = 30;
  double temperature = 0;
  int timeout_s = 300;
  std::string out_path;
};

constexpr std::string_view kSystemPrompt =
    "You are an agent working in a simulated environment through the tools you are given. "
    "Complete the task below by calling tools; check facts with the read tools before you "
    "change anything, and change only what the task asks. When you are done, answer with a "
    "short summary and no tool calls.\n\nTask:\n";

// One chat-completions endpoint: POST {base}/chat/completions over http:// only.
class ChatEndpoint {
 public:
  static base::Result<ChatEndpoint> Open(const AgentOptions& o) {
    ASSAY_ASSIGN_OR_RETURN(http::Url url, http::ParseHttpUrl(o.base_url));
    std::string key;
    if (const char* v = std::getenv(o.api_key_env.c_str()); v != nullptr) key = v;
    return ChatEndpoint(std::move(url), std::move(key), int64_t{o.timeout_s} * 1000);
  }

  // The first choice's message, or why there is none.
  base::Result<json> Complete(const json& request) {
    const std::string target = url_.path + "/chat/completions";
    std::vector<http::Header> headers = {{"Content-Type", "application/json"}};
    if (!key_.empty()) headers.push_back({"Authorization", "Bearer " + key_});
    auto r = client_.Send("POST", target, base::Dump(request), headers);
    const std::string where = "http://" + url_.host + ":" + std::to_string(url_.port) + target;
    if (!r) {
      return base::Error(base::ErrorCode::kUnavailable,
                         "cannot reach " + where + ": " + r.error().message());
    }
    auto body = base::ParseJson(r->body);
    if (r->status != 200) {
      std::string message = r->body.substr(0, 300);
      if (body && body->is_object() && body->contains("error")) {
        const json& e = (*body)["error"];
        message = e.is_object() ? e.value("message", base::Dump(e)) : base::Dump(e);
      }
      return base::Error(base::ErrorCode::kUnavailable,
                         where + " answered " + std::to_string(r->status) + ": " + message);
    }
    if (!body || !body->is_object() || !(*body)["choices"].is_array() ||
        (*body)["choices"].empty() || !(*body)["choices"][0]["message"].is_object()) {
      return base::Error::Invalid(
          where + " answered without choices[0].message: " + r->body.substr(0, 300));
    }
    return (*body)["choices"][0]["message"];
  }

 private:
  ChatEndpoint(http::Url url, std::string key, int64_t timeout_ms)
      : url_(std::move(url)), key_(std::move(key)), client_(url_.host, url_.port, timeout_ms) {}
  http::Url url_;
  std::string key_;
  http::Client client_;
};

// Runs one tool call from the model; the reply is a `tool` message. A malformed call (no name,
// arguments that are not JSON) is answered with an error the model can read, not a crash.
json RunToolCall(env::Session& session, const json& call, size_t index) {
  std::string id = call.is_object() ? call.value("id", "") : "";
  if (id.empty()) id = "call_" + std::to_string(index);
  const json fn = call.is_object() ? call.value("function", json()) : json();
  if (!fn.is_object() || !fn.contains("name") || !fn["name"].is_string()) {
    return {{"role", "tool"},
            {"tool_call_id", id},
            {"content",
             "Error: malformed tool call (expected {\"function\":{\"name\",\"arguments\"}})"}};
  }
  const json& args = fn.contains("arguments") ? fn["arguments"] : json("{}");
  env::ToolResult r = session.CallJson(fn["name"].get<std::string>(),
                                       args.is_string() ? args.get<std::string>() : base::Dump(args));
  // A tool message has no error flag: say it in the text, as tau2's tools do themselves.
  if (r.is_error && r.content.rfind("Error", 0) != 0) r.content = "Error: " + r.content;
  return {{"role", "tool"}, {"tool_call_id", id}, {"content", r.content}};
}

struct AgentRun {
  json messages = json::array();
  int model_turns = 0;
  size_t tool_calls = 0;
  std::string final_answer;
  bool finished = false;  // the model answered without tool calls
};

// The conversation loop. Returns an error only when the endpoint fails; `run` keeps what was
// said so far either way.
base::Status Converse(const AgentOptions& o, env::Session& session, ChatEndpoint& endpoint,
                      AgentRun& run) {
  const json tools = session.tools().OpenAiTools();
  while (run.model_turns < o.max_steps) {
    json request = {{"model", o.model},
                    {"messages", run.messages},
                    {"tools", tools},
                    {"tool_choice", "auto"},
                    {"temperature", o.temperature}};
    ++run.model_turns;
    ASSAY_ASSIGN_OR_RETURN(json reply, endpoint.Complete(request));
    json said = {{"role", "assistant"}, {"content", reply.value("content", json())}};
    const json calls = reply.value("tool_calls", json::array());
    if (calls.is_array() && !calls.empty()) said["tool_calls"] = calls;
    run.messages.push_back(said);
    if (!calls.is_array() || calls.empty()) {
      run.finished = true;
      if (said["content"].is_string()) run.final_answer = said["content"];
      return base::Ok();
    }
    for (const json& call : calls)
      run.messages.push_back(RunToolCall(session, call, run.tool_calls++));
  }
  return base::Ok();
}

int RunAgent(const AgentOptions& o) {
  auto fail = [](const base::Error& e) {
    std::fprintf(stderr, "assay env agent: %s\n", e.message().c_str());
    return 2;
  };
  auto endpoint = ChatEndpoint::Open(o);
  if (!endpoint) return fail(endpoint.error());
  // The store gives the same session (fixed tool clock, seed, derived checker) as the HTTP API.
  base::SystemClock clock;
  env::SessionStoreOptions store_options;
  if (!o.data_dir.empty()) store_options.data_dirs[o.suite] = o.data_dir;
  env::SessionStore store(clock, workplace::Suites(), store_options);
  constexpr std::string_view kOwner = "cli";
  auto created = store.Create(kOwner, o.suite, o.task);
  if (!created) return fail(created.error());
  auto lease = store.Get(kOwner, created->id);
  if (!lease) return fail(lease.error());
  const env::Task& task = *lease->task();

  AgentRun run;
  run.messages.push_back(
      {{"role", "system"}, {"content", std::string(kSystemPrompt) + task.instruction}});
  // Chat endpoints expect a user turn; the task itself is in the system prompt.
  run.messages.push_back({{"role", "user"}, {"content", "Please complete the task."}});
  base::Status talked = Converse(o, lease->session(), *endpoint, run);
  const env::CheckReport report = env::Check(task, lease->session().world());

  if (!o.out_path.empty()) {
    json out = {{"suite", o.suite},
                {"task", task.id},
                {"model", o.model},
                {"messages", run.messages},
                {"check", report.ToJson()},
                // Each call as the session recorded it: actor, is_error, changed_state, times.
                {"steps", lease->session().trajectory().ToJson()["steps"]}};
    std::ofstream file(o.out_path);
    file << base::DumpPretty(out) << "\n";
    if (!file) return fail(base::Error::Internal("cannot write " + o.out_path));
  }
  if (!talked) return fail(talked.error());
  std::printf("task %s: %d model turns, %zu tool calls%s\n", task.id.c_str(), run.model_turns,
              run.tool_calls, run.finished ? "" : " (stopped at --max-steps)");
  if (!run.final_answer.empty()) std::printf("model: %s\n", run.final_answer.c_str());
  std::fputs(report.Render().c_str(), stdout);
  return report.passed ? 0 : 1;
}

}  // namespace

void AddEnvAgentCommand(CLI::App* env_cmd) {
  auto o = std::make_shared<AgentOptions>();
  auto* cmd = env_cmd->add_subcommand(
      "agent",
      "Let a model (OpenAI-compatible chat completions, http:// only — put an https endpoint "
      "behind a local proxy) work a task through its tools; print the check report");
  cmd->add_option("--suite", o->suite, "suite name (see `assay env list`)")->capture_default_str();
  cmd->add_option("--data", o->data_dir, "directory with the suite's data files");
  cmd->add_option("--task", o->task, "task id")->required();
  cmd->add_option("--base-url", o->base_url,
                  "e.g. http://127.0.0.1:8000/v1 (POSTs to …/chat/completions)")
      ->required();
  cmd->add_option("--model", o->model, "model name sent to the endpoint")->required();
  cmd->add_option("--api-key-env", o->api_key_env,
                  "environment variable holding the API key (sent as a bearer token when set)")
      ->capture_default_str();
  cmd->add_option("--max-steps", o->max_steps, "most model turns")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--temperature", o->temperature, "sampling temperature")->capture_default_str();
  cmd->add_option("--timeout", o->timeout_s, "seconds to wait for one completion")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--out", o->out_path, "write {messages, check, …} here (OpenAI chat messages)");
  cmd->callback([o] { SetExitCode(RunAgent(*o)); });
}

}  // namespace cli
