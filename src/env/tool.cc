#include "env/tool.h"

#include <nlohmann/json.hpp>

namespace env {

std::string_view ActorName(Actor actor) { return actor == Actor::kHuman ? "human" : "agent"; }

base::Result<Actor> ParseActor(std::string_view name) {
  if (name == "agent") return Actor::kAgent;
  if (name == "human") return Actor::kHuman;
  return base::Error::Invalid("actor must be 'agent' or 'human', got '" + std::string(name) + "'");
}

namespace {

bool ValidToolName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

base::Status ToolRegistry::Register(Tool tool) {
  if (!ValidToolName(tool.name)) {
    return base::Error::Invalid("tool name must match [a-zA-Z0-9_-]{1,64}: '" + tool.name + "'");
  }
  if (tools_.count(tool.name) != 0)
    return base::Error::Conflict("duplicate tool '" + tool.name + "'");
  if (!tool.handler) return base::Error::Invalid("tool '" + tool.name + "' has no handler");
  auto compiled =
      Schema::CompileText(tool.parameters.empty() ? "{\"type\":\"object\"}" : tool.parameters);
  if (!compiled) {
    return base::Error::Invalid("tool '" + tool.name +
                                "': bad parameters schema: " + compiled.error().message());
  }
  std::string name = tool.name;
  tools_.emplace(std::move(name), std::make_unique<RegisteredTool>(
                                      RegisteredTool{std::move(tool), std::move(*compiled)}));
  return base::Ok();
}

const RegisteredTool* ToolRegistry::Find(std::string_view name) const {
  auto it = tools_.find(name);
  return it == tools_.end() ? nullptr : it->second.get();
}

std::vector<const RegisteredTool*> ToolRegistry::List() const {
  std::vector<const RegisteredTool*> out;
  out.reserve(tools_.size());
  for (const auto& [name, tool] : tools_) out.push_back(tool.get());
  return out;
}

base::Status ToolRegistry::ValidateCall(std::string_view name, const nlohmann::json& args) const {
  const RegisteredTool* tool = Find(name);
  if (tool == nullptr) {
    std::string names;
    for (const auto& [n, t] : tools_) names += (names.empty() ? "" : ", ") + n;
    return base::Error::NotFound("unknown tool '" + std::string(name) + "'; available: " + names);
  }
  if (!args.is_object()) return base::Error::Invalid("arguments must be a JSON object");
  return tool->schema.Validate(args);
}

nlohmann::json ToolRegistry::OpenAiTools() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, t] : tools_) {
    out.push_back({{"type", "function"},
                   {"function",
                    {{"name", name},
                     {"description", t->tool.description},
                     {"parameters", t->schema.json()}}}});
  }
  return out;
}

nlohmann::json ToolRegistry::McpTools() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, t] : tools_) {
    out.push_back({{"name", name},
                   {"description", t->tool.description},
                   {"inputSchema", t->schema.json()},
                   {"annotations", {{"readOnlyHint", t->tool.read_only}}}});
  }
  return out;
}

}  // namespace env
