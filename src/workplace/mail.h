// mail: Leo Martins's mailbox (kMeId) at Northwind Analytics — search, read, send, reply,
// forward and labels. Attachments are file ids in the files app ({"file_id", "name"}); sending
// one checks the file exists there.
// State: {"owner": e-mail, "labels": {"<name>": {"system": bool}}, "messages": {"m-…": {"thread",
// "from", "to", "cc", "subject", "body", "date", "labels", "attachments", "in_reply_to"}}}.
// Unread is the "unread" label; archiving removes "inbox".
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

inline constexpr std::string_view kMailApp = "mail";

Value MailSeed();
base::Status RegisterMailTools(ToolRegistry& registry);
// For checkers: a message I sent to `to` (an e-mail address) whose body has every word
// (case-insensitive); with `thread`, in that thread.
std::function<bool(const Value&)> SentTo(std::string to, std::vector<std::string> words,
                                         std::string thread = "");

base::Result<std::vector<Task>> MailTasks(const World& workplace, const ToolRegistry& tools);

}  // namespace workplace
