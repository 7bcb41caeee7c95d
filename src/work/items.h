// work::NewItem — an item on its way in: checked against the project's template (CheckNewItem)
// and written in batches (InsertItems). work::Service::ImportItems and the streamed importer of
// src/datasets both go through these two, so an item means the same whichever way it came.
//
//   work::NewItem item;
//   item.line = 7;
//   std::string problem = work::CheckNewItem(tmpl, data_json, gold_json, {}, &item);
//   if (problem.empty()) batch.push_back(std::move(item));
//   ASSAY_ASSIGN_OR_RETURN(work::InsertedItems done,
//                          work::InsertItems(conn, project_id, last_seq, batch, new_id, now_us));
//
// Visibility: a project's items with seq <= projects.items_committed_seq are the ones leased,
// listed and exported. InsertItems does not move that mark; whoever imports does, when the
// import is complete (Service::ImportItems after each batch, datasets when its job ends).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "storage/db.h"
#include "work/template.h"
#include "work/types.h"

namespace work {

inline constexpr size_t kMaxItemBytes = 1 << 20;
inline constexpr size_t kMaxImportErrors = 1000;  // errors an import lists (it counts them all)

struct NewItem {
  int64_t line = 0;  // where it came from, for errors
  std::optional<std::string> external_id;
  std::string data;  // a JSON object, minified
  std::optional<std::string> gold;
  // What the item asks of its expert (its `lang`, `requires`): people/requirements.h.
  std::optional<std::string> req_class;
  std::string requirements_json;
  // The template shows model responses the item does not have yet (candidate generation fills
  // them); nobody is leased the item until then.
  bool awaiting_responses = false;
};

struct ItemCheckOptions {
  // An item without the responses its template shows, but with a prompt (data.prompt text or
  // data.messages) a model can answer, is accepted as awaiting_responses instead of refused.
  bool allow_awaiting_responses = false;
};

// Checks an item's data (a JSON object's text) and gold against the template and fills `out`
// (data minified, requirement class, awaiting_responses). Returns "" when it fits, else what is
// wrong, naming the field ("data.responses must be …").
std::string CheckNewItem(const Template& tmpl, std::string_view data_json, const std::optional<std::string>& gold_json,
                         const ItemCheckOptions& options, NewItem* out);

// A prompt a model can answer in item data: data.prompt (text) or data.messages ([{role, content}]).
bool HasModelPrompt(std::string_view data_json);

struct InsertedItems {
  int64_t imported = 0;
  int64_t skipped = 0;   // an item with this external id is already in the project
  int64_t awaiting = 0;  // imported awaiting responses
  int64_t last_seq = 0;  // the highest seq given (after_seq when none)
  std::vector<ImportError> refused;  // their requirement lists name unknown qualifications
  // (index in the batch, new item id) of every item written.
  std::vector<std::pair<size_t, std::string>> written;
};

// Writes the batch in one statement per 64 items, at seqs after `after_seq` (in batch order;
// a skipped item leaves its seq unused), recording requirement classes first. Inside the
// caller's write transaction; re-runnable (it keeps no state).
base::Result<InsertedItems> InsertItems(storage::Conn& c, std::string_view project_id, int64_t after_seq,
                                        const std::vector<NewItem>& batch, const std::function<std::string()>& new_id,
                                        int64_t now_us);

}  // namespace work
