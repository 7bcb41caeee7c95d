// Environment routes: adapt env::SessionStore / env::Session to HTTP. Every session route
// goes through OwnSession(), which answers 404 for a session the caller does not own.
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "api/handlers.h"
#include "base/clock.h"
#include "env/diff.h"
#include "env/session_store.h"
#include "env/task.h"

namespace api {
namespace {

using base::Result;
using http::Response;
using nlohmann::json;

Result<env::SessionStore*> Store(Deps& d) {
  if (d.env_sessions == nullptr) {
    return base::Error(base::ErrorCode::kUnavailable,
                       "environments are not enabled on this server");
  }
  return d.env_sessions;
}

Result<env::SessionStore::Lease> OwnSession(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  return store->Get(call.caller->user_id, call.params.Get("session_id"));
}

json InfoJson(const env::SessionInfo& info) {
  return {{"id", info.id},
          {"suite", info.suite},
          {"task", info.task.empty() ? json(nullptr) : json(info.task)},
          {"forked_from", info.forked_from.empty() ? json(nullptr) : json(info.forked_from)},
          {"created_at", base::FormatRfc3339(info.created_at_us)},
          {"last_used_at", base::FormatRfc3339(info.last_used_at_us)}};
}

// The session object: who/what it is plus what a UI shows at a glance.
json SessionJson(env::SessionStore::Lease& lease) {
  json j = InfoJson(lease.info());
  const env::Session& s = lease.session();
  j["tools"] = s.tools().size();
  j["steps"] = s.trajectory().size();
  j["apps"] = s.world().Apps();
  j["state_hash"] = lease.StateHash();
  if (const env::Task* task = lease.task()) j["instruction"] = task->instruction;
  return j;
}

Result<Response> CreatedSession(env::SessionStore& store, const Call& call,
                                const env::SessionInfo& info) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, store.Get(call.caller->user_id, info.id));
  return Response::Json(201, base::Dump(SessionJson(lease)));
}

// Who a call is recorded as: decided by how the caller signed in, never by the body — a person
// in the browser (cookie) is `human`, a bearer token (an agent, a script) is always `agent`.
// A body's "actor" is still checked, so a typo is refused rather than silently ignored.
Result<env::Actor> CallActor(const Call& call, const json& body) {
  auto it = body.find("actor");
  if (it != body.end() && !it->is_null() &&
      (!it->is_string() || !env::ParseActor(it->get<std::string>()))) {
    return base::Error::Invalid("actor must be \"human\" or \"agent\"").Detail("field", "actor");
  }
  return call.via_cookie ? env::Actor::kHuman : env::Actor::kAgent;
}

}  // namespace

Result<Response> EnvListSuites(Deps& d, const Call&) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  json suites = json::array();
  for (const env::SuiteSummary& s : store->ListSuites()) {
    json row = {{"name", s.name},
                {"description", s.description},
                {"tasks", s.tasks},
                {"tools", s.tools},
                {"available", s.error.empty()}};
    if (!s.error.empty()) row["error"] = s.error;
    suites.push_back(std::move(row));
  }
  return Response::Json(200, base::Dump(json({{"suites", suites}})));
}

Result<Response> EnvListTasks(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  ASSAY_ASSIGN_OR_RETURN(const env::Suite* suite, store->GetSuite(call.params.Get("suite")));
  json tasks = json::array();
  for (const env::Task& t : suite->tasks) {
    tasks.push_back({{"id", t.id},
                     {"instruction", t.instruction},
                     {"reference_actions", t.reference_actions.size()}});
  }
  return Response::Json(200, base::Dump(json({{"suite", suite->name}, {"tasks", tasks}})));
}

Result<Response> EnvCreateSession(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  ASSAY_ASSIGN_OR_RETURN(json body, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string suite, StringField(body, "suite"));
  const std::string& owner = call.caller->user_id;
  auto world = body.find("world");
  if (world == body.end() || world->is_null()) {
    ASSAY_ASSIGN_OR_RETURN(std::string task, StringField(body, "task"));
    ASSAY_ASSIGN_OR_RETURN(env::SessionInfo info, store->Create(owner, suite, task));
    return CreatedSession(*store, call, info);
  }
  if (body.contains("task") && !body["task"].is_null()) {
    return base::Error::Invalid("give either task or world, not both").Detail("field", "world");
  }
  if (!world->is_object()) {
    return base::Error::Invalid("world must be an object {app: state, …}").Detail("field", "world");
  }
  auto parsed = env::World::FromValue(env::Value::FromJson(*world));
  if (!parsed)
    return base::Error::Invalid("world: " + parsed.error().message()).Detail("field", "world");
  ASSAY_ASSIGN_OR_RETURN(env::SessionInfo info,
                         store->CreateOnWorld(owner, suite, std::move(*parsed)));
  return CreatedSession(*store, call, info);
}

Result<Response> EnvListSessions(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  json sessions = json::array();
  for (const env::SessionInfo& info : store->List(call.caller->user_id)) {
    sessions.push_back(InfoJson(info));
  }
  return Response::Json(200, base::Dump(json({{"sessions", sessions}})));
}

Result<Response> EnvGetSession(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  return Response::Json(200, base::Dump(SessionJson(lease)));
}

Result<Response> EnvDeleteSession(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  ASSAY_TRY(store->Delete(call.caller->user_id, call.params.Get("session_id")));
  return Response::Empty(204);
}

Result<Response> EnvTools(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  const std::string format = call.http.QueryParam("format").value_or("openai");
  const env::ToolRegistry& tools = lease.session().tools();
  if (format == "openai") return Response::Json(200, base::Dump(json({{"tools", tools.OpenAiTools()}})));
  if (format == "mcp") return Response::Json(200, base::Dump(json({{"tools", tools.McpTools()}})));
  return base::Error::Invalid("format must be openai or mcp").Detail("format", format);
}

Result<Response> EnvCall(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  ASSAY_ASSIGN_OR_RETURN(json body, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string name, StringField(body, "name"));
  ASSAY_ASSIGN_OR_RETURN(env::Actor actor, CallActor(call, body));
  const env::Session& session = lease.session();
  // An unknown tool is a mistake in the request, not a step: refuse it without recording.
  if (session.tools().Find(name) == nullptr) {
    return base::Error::NotFound("no tool '" + name + "' in this session")
        .Detail("tool", name)
        .Detail("hint", "GET …/tools lists them");
  }
  // Arguments as an object, or as JSON text the way OpenAI tool_calls carry them; anything
  // malformed comes back as an error result the caller (or model) can act on. A call over the
  // session's limits (arguments too big: 413; trajectory full: 429) is refused unrecorded. The
  // step is in the database before the answer goes out.
  auto args = body.find("arguments");
  base::Result<env::ToolResult> called =
      args == body.end() || args->is_null() ? lease.Call(name, json::object(), actor)
      : args->is_string() ? lease.CallJson(name, args->get<std::string>(), actor)
                          : lease.Call(name, *args, actor);
  ASSAY_ASSIGN_OR_RETURN(env::ToolResult result, std::move(called));
  const env::Step& step = session.trajectory().steps().back();
  json out = {{"content", result.content},           {"is_error", result.is_error},
              {"changed_state", step.changed_state}, {"call_id", step.call_id},
              {"actor", env::ActorName(step.actor)}, {"state_hash", lease.StateHash()}};
  return Response::Json(200, base::Dump(out));
}

Result<Response> EnvState(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  const env::World& world = lease.session().world();
  auto app = call.http.QueryParam("app");
  if (!app) {
    return Response::Json(
        200, base::Dump(json({{"state", world.AsValue().ToJson()}, {"state_hash", lease.StateHash()}})));
  }
  if (!world.Has(*app)) {
    return base::Error::NotFound("no app '" + *app + "' in this world")
        .Detail("apps", base::Dump(json(world.Apps())));
  }
  return Response::Json(
      200,
      base::Dump(json(
          {{"app", *app}, {"state", world.Get(*app).ToJson()}, {"app_hash", world.AppHash(*app)}})));
}

Result<Response> EnvDiff(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  const env::Session& s = lease.session();
  std::vector<env::Change> changes = env::Diff(s.initial().AsValue(), s.world().AsValue());
  return Response::Json(
      200, base::Dump(json({{"count", changes.size()}, {"changes", env::ChangesToJson(changes)}})));
}

Result<Response> EnvTrajectory(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  const env::Trajectory& t = lease.session().trajectory();
  const std::string format = call.http.QueryParam("format").value_or("openai");
  if (format == "openai")
    return Response::Json(200, base::Dump(json({{"messages", t.ToOpenAiMessages()}})));
  if (format == "raw") return Response::Json(200, base::Dump(t.ToJson()));
  return base::Error::Invalid("format must be openai or raw").Detail("format", format);
}

Result<Response> EnvFork(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore * store, Store(d));
  ASSAY_ASSIGN_OR_RETURN(env::SessionInfo info,
                         store->Fork(call.caller->user_id, call.params.Get("session_id")));
  return CreatedSession(*store, call, info);
}

Result<Response> EnvCheck(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(env::SessionStore::Lease lease, OwnSession(d, call));
  const env::Task* task = lease.task();
  if (task == nullptr) {
    return base::Error(
        base::ErrorCode::kFailedPrecondition,
        "this session was started on a given world: there is no task to check against");
  }
  json report = env::Check(*task, lease.session().world()).ToJson();
  report["task"] = task->id;
  report["state_hash"] = lease.StateHash();
  return Response::Json(200, base::Dump(report));
}

}  // namespace api
