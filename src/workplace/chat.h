// chat: the company's team chat as Leo Martins (kMeId) sees it — channels, DMs, threads and
// reactions. State: {"me", "channels": {"c-…" | "dm-<user id>": {"name", "kind": "channel"|"dm",
// "private", "topic", "members"}}, "messages": {"cm-…": {"channel", "user", "text", "ts",
// "thread" ("" or the parent's id), "reactions": {"<emoji>": [user ids]}}}}.
// A DM with a person is the conversation "dm-<their id>", created by the first chat_send_dm.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "env/task.h"
#include "env/tool.h"
#include "env/value.h"
#include "env/world.h"
#include "workplace/env_names.h"

namespace workplace {

inline constexpr std::string_view kChatApp = "chat";

Value ChatSeed();
base::Status RegisterChatTools(ToolRegistry& registry);
// For checkers: a message I posted in `channel` (`thread` "" = top level, else the thread's
// root id) whose text has every word (case-insensitive).
std::function<bool(const Value&)> Posted(std::string channel, std::string thread,
                                         std::vector<std::string> words);

base::Result<std::vector<Task>> ChatTasks(const World& workplace, const ToolRegistry& tools);

}  // namespace workplace
