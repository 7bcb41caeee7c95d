// A one-app suite for the engine's tests ("notes": notes_add, notes_count, notes_stamp), so
// they need no content library, and the steps the journal tests (env's and trajectories')
// drive a stored session with.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/json.h"
#include "env/session_store.h"
#include "env/suite.h"

namespace env {

// A one-app suite: "notes", where notes_add appends a note and notes_count reads how many.
inline std::shared_ptr<const ToolRegistry> NotesTools() {
  auto r = std::make_shared<ToolRegistry>();
  EXPECT_TRUE(r->Register(
      {.name = "notes_add",
       .description = "Add a note.",
       .parameters = R"({"type":"object","properties":{"text":{"type":"string"}},
                          "required":["text"],"additionalProperties":false})",
       .read_only = false,
       .app = "notes",
       .handler = [](ToolContext& ctx, const nlohmann::json& args) {
         Value notes = ctx.State("notes").Appended(Value::String(args["text"].get<std::string>()));
         ctx.SetState("notes", notes);
         return ToolResult::Ok(std::to_string(notes.size()));
       }}));
  EXPECT_TRUE(r->Register(
      {.name = "notes_count",
       .description = "How many notes there are.",
       .parameters = R"({"type":"object","properties":{},"additionalProperties":false})",
       .read_only = true,
       .app = "notes",
       .handler = [](ToolContext& ctx, const nlohmann::json&) {
         return ToolResult::Ok(std::to_string(ctx.State("notes").size()));
       }}));
  // Writes an id from the session's generator, so a rebuilt session must continue it exactly.
  EXPECT_TRUE(r->Register(
      {.name = "notes_stamp",
       .description = "Stamp the notes with a new id.",
       .parameters = R"({"type":"object","properties":{},"additionalProperties":false})",
       .read_only = false,
       .app = "stamps",
       .handler = [](ToolContext& ctx, const nlohmann::json&) {
         std::string id = ctx.NewId();
         Value stamps = ctx.State("stamps");
         ctx.SetState("stamps", (stamps.is_null() ? Value::Array({}) : stamps).Appended(Value::String(id)));
         return ToolResult::Ok(id);
       }}));
  return r;
}

struct Loads {
  int count = 0;
};

inline SuiteCatalog NotesCatalog(Loads* loads) {
  return {{"notes", "a list of notes", "",
           [loads](const std::string&) -> base::Result<std::unique_ptr<Suite>> {
             ++loads->count;
             World world;
             world.Set("notes", Value::Array({}));
             Task task;
             task.id = "first";
             task.instruction = "Add a note.";
             task.initial = world;
             return std::make_unique<Suite>("notes", NotesTools(), std::vector<Task>{task});
           }},
          {"broken", "a suite whose data is missing", "/nonexistent",
           [](const std::string& dir) -> base::Result<std::unique_ptr<Suite>> {
             return base::Error::NotFound("cannot open " + dir);
           }}};
}

// `n` calls on alice's session `id`, numbered from `from`, alternating a note (by the agent) and
// an id stamp (by a human), so the world, the id generator and the actors recorded all move.
inline void Work(SessionStore& store, const std::string& id, int n, int from = 0) {
  auto lease = store.Get("alice", id);
  ASSERT_TRUE(lease) << lease.error().ToString();
  for (int i = from; i < from + n; ++i) {
    auto r = i % 2 ? lease->CallJson("notes_stamp", "{}", Actor::kHuman)
                   : lease->CallJson("notes_add", R"({"text":"n)" + std::to_string(i) + "\"}",
                                     Actor::kAgent);
    ASSERT_TRUE(r) << r.error().ToString();
    ASSERT_FALSE(r->is_error) << r->content;
  }
}

// What a session of alice's looks like from `store`: to compare a session across stores.
struct Seen {
  std::string hash;
  size_t steps = 0;
  std::string trajectory;
};
inline Seen Look(SessionStore& store, const std::string& id) {
  auto lease = store.Get("alice", id);
  EXPECT_TRUE(lease) << lease.error().ToString();
  if (!lease) return {};
  return {lease->StateHash(), lease->session().trajectory().size(),
          base::Dump(lease->session().trajectory().ToJson())};
}

}  // namespace env
