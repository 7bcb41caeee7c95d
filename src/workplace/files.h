// files: the company's shared drive — folders and documents (text content), with share links
// other apps refer to (mail attachments are file ids here; chat messages carry the links).
// State: {"folders": {"fo-…": {"name", "parent"}}, "files": {"f-…": {"name", "folder", "mime",
// "content", "owner", "created", "modified", "shared_with", "trashed"}}}.
#pragma once

#include <cstdint>
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

inline constexpr std::string_view kFilesApp = "files";

// First Harbor Bank, account ****4417, October 2025: the statement the bank mails (mail seed:
// lines in the body, CSV attached as file f-bank-2025-10). The books app holds the same lines.
struct StatementLine {
  std::string_view date;  // YYYY-MM-DD
  std::string_view description;
  int64_t amount_cents;  // + credit, - debit
};
inline constexpr int64_t kOctoberOpeningCents = 18452310;
inline constexpr int64_t kOctoberClosingCents = 9350210;
const std::vector<StatementLine>& OctoberStatementLines();

Value FilesSeed();
base::Status RegisterFilesTools(ToolRegistry& registry);
base::Result<std::vector<Task>> FilesTasks(const World& workplace, const ToolRegistry& tools);

// "https://files.northwind.example/d/<id>": what files_share returns and chat messages carry.
std::string FileLink(std::string_view file_id);
// The file record, or nullptr when `files` has no (untrashed or trashed) file with this id.
const Value* FindFile(const Value& files_state, std::string_view file_id);

}  // namespace workplace
