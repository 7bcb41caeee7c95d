#include "env/trajectory.h"

#include <nlohmann/json.hpp>

#include "base/json.h"

namespace env {

size_t StepBytes(const Step& step) {
  return step.call_id.size() + step.name.size() + step.arguments_json.size() +
         step.result.content.size();
}

void Trajectory::Add(Step step) {
  bytes_ += StepBytes(step);
  steps_.steps_.push_back(std::make_shared<const Step>(std::move(step)));
}

nlohmann::json Trajectory::ToOpenAiMessages() const {
  nlohmann::json messages = nlohmann::json::array();
  for (const Step& s : steps_) {
    messages.push_back(
        {{"role", "assistant"},
         {"content", nullptr},
         {"tool_calls",
          nlohmann::json::array(
              {{{"id", s.call_id},
                {"type", "function"},
                {"function", {{"name", s.name}, {"arguments", s.arguments_json}}}}})}});
    messages.push_back(
        {{"role", "tool"}, {"tool_call_id", s.call_id}, {"content", s.result.content}});
  }
  return messages;
}

nlohmann::json Trajectory::ToJson() const {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : steps_) {
    steps.push_back({{"call_id", s.call_id},
                     {"actor", ActorName(s.actor)},
                     {"name", s.name},
                     {"arguments", s.arguments_json},
                     {"content", s.result.content},
                     {"is_error", s.result.is_error},
                     {"started_at_us", s.started_at_us},
                     {"finished_at_us", s.finished_at_us},
                     {"changed_state", s.changed_state}});
  }
  return {{"steps", std::move(steps)}};
}

base::Result<Trajectory> Trajectory::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("steps") || !j["steps"].is_array()) {
    return base::Error::Invalid("a trajectory is {\"steps\": [...]}");
  }
  Trajectory t;
  size_t index = 0;
  for (const auto& s : j["steps"]) {
    ++index;
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) {
      return base::Error::Invalid("step " + std::to_string(index) + " needs a string \"name\"");
    }
    Step step;
    step.call_id = s.value("call_id", "");
    ASSAY_ASSIGN_OR_RETURN(step.actor, ParseActor(s.value("actor", "agent")));
    step.name = s["name"].get<std::string>();
    step.arguments_json = s.value("arguments", "{}");
    step.result = {s.value("content", ""), s.value("is_error", false)};
    step.started_at_us = s.value("started_at_us", int64_t{0});
    step.finished_at_us = s.value("finished_at_us", int64_t{0});
    step.changed_state = s.value("changed_state", false);
    t.Add(std::move(step));
  }
  return t;
}

std::vector<Action> Trajectory::Actions() const {
  std::vector<Action> actions;
  actions.reserve(steps_.size());
  for (const Step& s : steps_) actions.push_back({s.name, s.arguments_json, s.actor});
  return actions;
}

namespace {

base::Result<Action> ActionFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return base::Error::Invalid("an action must be a JSON object");
  const nlohmann::json* call = &j;
  if (auto f = j.find("function"); f != j.end() && f->is_object()) call = &*f;
  auto name = call->find("name");
  if (name == call->end() || !name->is_string()) {
    return base::Error::Invalid("an action needs a string \"name\"");
  }
  Action action;
  action.name = name->get<std::string>();
  if (auto args = call->find("arguments"); args != call->end()) {
    if (args->is_string()) {
      action.arguments_json = args->get<std::string>();
    } else if (args->is_object()) {
      action.arguments_json = base::Dump(*args);
    } else {
      return base::Error::Invalid("\"arguments\" must be an object or a JSON string");
    }
  }
  if (auto actor = j.find("actor"); actor != j.end() && actor->is_string()) {
    ASSAY_ASSIGN_OR_RETURN(action.actor, ParseActor(actor->get<std::string>()));
  }
  return action;
}

}  // namespace

base::Result<std::vector<Action>> ParseActionsJsonl(std::string_view text) {
  std::vector<Action> actions;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    auto parsed = base::ParseJson(line);
    if (!parsed) {
      return base::Error::Invalid("line " + std::to_string(line_no) + ": " +
                                  parsed.error().message());
    }
    auto action = ActionFromJson(*parsed);
    if (!action) {
      return base::Error::Invalid("line " + std::to_string(line_no) + ": " +
                                  action.error().message());
    }
    actions.push_back(std::move(*action));
  }
  return actions;
}

base::Result<std::vector<Action>> ActionsFromOpenAiMessages(const nlohmann::json& messages) {
  if (!messages.is_array()) return base::Error::Invalid("messages must be an array");
  std::vector<Action> actions;
  for (const auto& m : messages) {
    if (!m.is_object() || m.value("role", "") != "assistant") continue;
    auto calls = m.find("tool_calls");
    if (calls == m.end() || !calls->is_array()) continue;
    for (const auto& call : *calls) {
      ASSAY_ASSIGN_OR_RETURN(Action a, ActionFromJson(call));
      actions.push_back(std::move(a));
    }
  }
  return actions;
}

}  // namespace env
