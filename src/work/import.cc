// Item import from one body in memory: JSONL or a JSON array of {"id"?, "data", "gold"?}, parsed with
// simdjson (tests, the demo; the API and the CLI stream through src/datasets instead).
#include <simdjson.h>

#include "base/json.h"
#include "work/item_stats.h"
#include "work/items.h"
#include "work/quality_stamps.h"
#include "work/service.h"

namespace work {
namespace {

constexpr size_t kImportBatchItems = 1000;

// Turns one JSON value {"id"?, "data", "gold"?} into an item, or says what is wrong.
std::string ParseEntry(simdjson::dom::element el, const Template& tmpl, NewItem* out) {
  simdjson::dom::object obj;
  if (el.get_object().get(obj) != simdjson::SUCCESS) return "must be an object {\"id\"?, \"data\", \"gold\"?}";
  std::optional<std::string> data, gold;
  for (auto field : obj) {
    if (field.key == "id") {
      int64_t n;
      std::string_view s;
      if (field.value.get_string().get(s) == simdjson::SUCCESS) {
        if (s.empty() || s.size() > 200) return "id must be a string of 1 to 200 characters";
        out->external_id = std::string(s);
      } else if (field.value.get_int64().get(n) == simdjson::SUCCESS) {
        out->external_id = std::to_string(n);
      } else if (!field.value.is_null()) {
        return "id must be a string or an integer";
      }
    } else if (field.key == "data") {
      data = simdjson::minify(field.value);
    } else if (field.key == "gold") {
      if (!field.value.is_null()) gold = simdjson::minify(field.value);
    } else {
      return "unknown key \"" + std::string(field.key) + "\" (expected id, data, gold)";
    }
  }
  if (!data) return "data is required";
  return CheckNewItem(tmpl, *data, gold, {}, out);
}

}  // namespace

base::Result<ImportResult> Service::ImportItems(const Caller& caller, std::string_view project_id,
                                                std::string_view body, const ImportProgressFn& progress) {
  std::string template_json;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT template FROM projects WHERE id = ?", {project_id}));
    template_json = r.Text(0);
    return base::Ok();
  }));
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> tmpl, TemplateFor(std::string(project_id), template_json));

  ImportResult result;
  std::vector<NewItem> batch;
  auto add_error = [&](int64_t line, std::string message) {
    ++result.error_count;
    if (result.errors.size() < kMaxImportErrors) result.errors.push_back({line, std::move(message)});
  };
  auto flush = [&](size_t done_bytes) -> base::Status {
    if (!batch.empty()) {
      InsertedItems done;
      const int64_t now = clock_.NowMicros();
      ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
        // While an import of src/datasets runs, its items wait above the visible mark: no other import.
        ASSAY_ASSIGN_OR_RETURN(storage::Rows running,
                               c.Query("SELECT id FROM import_jobs WHERE project_id = ? AND state = 'running'", {project_id}));
        if (!running.empty()) {
          return base::Error::Conflict("another import into this project is running").Detail("job_id", running[0].Text(0));
        }
        ASSAY_ASSIGN_OR_RETURN(storage::Row r,
                               c.QueryOne("SELECT coalesce(max(seq), 0) FROM items WHERE project_id = ?", {project_id}));
        ASSAY_ASSIGN_OR_RETURN(done, InsertItems(c, project_id, r.Int(0), batch, [this] { return NewId(); }, now));
        // The new items are complete: visible from now on, and they change the quality report.
        if (done.imported) {
          ASSAY_TRY(c.Exec("UPDATE projects SET items_committed_seq = ? WHERE id = ?", {done.last_seq, project_id}));
          ASSAY_TRY(BumpQualityStamp(c, project_id, project_id));
          ASSAY_TRY(AddMissingItemStats(c, project_id));  // their rows in the browser
        }
        return base::Ok();
      }));
      result.imported += done.imported;
      result.skipped += done.skipped;
      for (ImportError& e : done.refused) add_error(e.line, std::move(e.message));
      batch.clear();
    }
    if (progress) progress(done_bytes, body.size());
    return base::Ok();
  };
  auto handle = [&](int64_t line, simdjson::dom::element el, size_t done_bytes) -> base::Status {
    NewItem item;
    item.line = line;
    std::string err = ParseEntry(el, tmpl->parsed, &item);
    if (!err.empty()) {
      add_error(line, std::move(err));
      return base::Ok();
    }
    batch.push_back(std::move(item));
    if (batch.size() >= kImportBatchItems) return flush(done_bytes);
    return base::Ok();
  };

  simdjson::dom::parser parser;
  // Nothing deeper than base::kMaxJsonDepth in an item (one more for the array around them).
  if (auto err = parser.allocate(64 * 1024, base::kMaxJsonDepth + 1)) {
    return base::Error::Internal(std::string("parser: ") + simdjson::error_message(err));
  }
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return result;
  if (body[first] == '[') {
    simdjson::dom::element root;
    auto err = parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root);
    if (err) {
      return base::Error::Invalid(std::string("body is not a valid JSON array: ") + simdjson::error_message(err))
          .Detail("field", "body");
    }
    simdjson::dom::array arr;
    if (root.get_array().get(arr) != simdjson::SUCCESS) return base::Error::Invalid("body must be a JSON array");
    int64_t n = 0;
    for (simdjson::dom::element el : arr) {
      ++n;
      ASSAY_TRY(handle(n, el, body.size() * n / std::max<size_t>(1, arr.size())));
    }
  } else {
    int64_t line_no = 0;
    size_t pos = 0;
    while (pos < body.size()) {
      size_t end = body.find('\n', pos);
      if (end == std::string_view::npos) end = body.size();
      ++line_no;
      std::string_view line = body.substr(pos, end - pos);
      pos = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (line.size() > kMaxItemBytes * 2) {
        add_error(line_no, "line is longer than 2 MiB");
        continue;
      }
      simdjson::dom::element el;
      auto err = parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(el);
      if (err) {
        add_error(line_no, std::string("not valid JSON: ") + simdjson::error_message(err));
        continue;
      }
      ASSAY_TRY(handle(line_no, el, std::min(pos, body.size())));
    }
  }
  ASSAY_TRY(flush(body.size()));
  if (result.imported > 0 && import_listener_) import_listener_(std::string(project_id));
  return result;
}

}  // namespace work
