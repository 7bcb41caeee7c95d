// Item import: JSONL or a JSON array of {"id"?, "data", "gold"?}, parsed with simdjson.
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "work/service.h"

namespace work {
namespace {

constexpr size_t kImportBatchItems = 1000;
constexpr size_t kMaxItemBytes = 1 << 20;

struct ParsedItem {
  std::optional<std::string> external_id;
  std::string data;
  std::optional<std::string> gold;
};

std::string_view ShapeName(Template::Shape s) {
  switch (s) {
    case Template::Shape::kString: return "a string";
    case Template::Shape::kArray: return "an array";
    case Template::Shape::kResponses: return "an array of at least 2 responses";
  }
  return "";
}

// Checks one source path of the template against the item's data; empty string when fine.
std::string CheckSource(simdjson::dom::element data, const Template::Source& s) {
  simdjson::dom::element cur = data;
  std::string_view path = s.path;
  while (true) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    simdjson::dom::object obj;
    if (cur.get_object().get(obj) != simdjson::SUCCESS || obj.at_key(key).get(cur) != simdjson::SUCCESS) {
      return "data." + s.path + " is missing (" + s.component + " shows it)";
    }
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  bool ok = false;
  switch (s.shape) {
    case Template::Shape::kString: ok = cur.is_string(); break;
    case Template::Shape::kArray: ok = cur.is_array(); break;
    case Template::Shape::kResponses: {
      simdjson::dom::array arr;
      if (cur.get_array().get(arr) == simdjson::SUCCESS && arr.size() >= 2) {
        ok = true;
        for (simdjson::dom::element r : arr) {
          std::string_view content;
          ok = ok && (r.is_string() || (r.is_object() && r["content"].get(content) == simdjson::SUCCESS));
        }
      }
      break;
    }
  }
  return ok ? "" : "data." + s.path + " must be " + std::string(ShapeName(s.shape));
}

// Turns one JSON value into an item or an error message.
std::string ParseEntry(simdjson::dom::element el, const Template& tmpl, ParsedItem* out) {
  simdjson::dom::object obj;
  if (el.get_object().get(obj) != simdjson::SUCCESS) return "must be an object {\"id\"?, \"data\", \"gold\"?}";
  simdjson::dom::element data_el, gold_el;
  bool has_data = false, has_gold = false;
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
      data_el = field.value;
      has_data = true;
    } else if (field.key == "gold") {
      if (!field.value.is_null()) {
        gold_el = field.value;
        has_gold = true;
      }
    } else {
      return "unknown key \"" + std::string(field.key) + "\" (expected id, data, gold)";
    }
  }
  if (!has_data) return "data is required";
  if (!data_el.is_object()) return "data must be an object";
  for (const Template::Source& s : tmpl.RequiredSources()) {
    std::string err = CheckSource(data_el, s);
    if (!err.empty()) return err;
  }
  out->data = simdjson::minify(data_el);
  if (out->data.size() > kMaxItemBytes) return "data is larger than 1 MiB";
  if (has_gold) {
    out->gold = simdjson::minify(gold_el);
    auto gold = base::ParseJson(*out->gold);
    auto data = base::ParseJson(out->data);
    if (!gold || !data) return "gold is not valid JSON";
    base::Status st = tmpl.ValidateAnswer(*gold, *data);
    if (!st) return "gold does not fit the template: " + st.error().message();
  }
  return "";
}

}  // namespace

base::Result<ImportResult> Service::ImportItems(const Caller& caller, std::string_view project_id,
                                                std::string_view body, const ImportProgressFn& progress) {
  std::string template_json;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(internal::RequireProjectRole(c, caller, project_id, {"manager"}));
    ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne("SELECT template FROM projects WHERE id = ?", {project_id}));
    template_json = r.Text(0);
    return base::Ok();
  }));
  ASSAY_ASSIGN_OR_RETURN(std::shared_ptr<const ProjectTemplate> tmpl, TemplateFor(std::string(project_id), template_json));

  ImportResult result;
  std::vector<ParsedItem> batch;
  auto add_error = [&](int64_t line, std::string message) {
    ++result.error_count;
    if (result.errors.size() < kMaxImportErrors) result.errors.push_back({line, std::move(message)});
  };
  auto flush = [&](size_t done_bytes) -> base::Status {
    if (!batch.empty()) {
      int64_t imported = 0, skipped = 0;
      const int64_t now = clock_.NowMicros();
      ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
        imported = skipped = 0;
        ASSAY_ASSIGN_OR_RETURN(storage::Row r,
                               c.QueryOne("SELECT coalesce(max(seq), 0) FROM items WHERE project_id = ?", {project_id}));
        int64_t seq = r.Int(0);
        for (const ParsedItem& it : batch) {
          ASSAY_ASSIGN_OR_RETURN(
              int64_t changed,
              c.Exec("INSERT INTO items (id, project_id, external_id, seq, data, gold, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, external_id) DO NOTHING",
                     {NewId(), project_id, it.external_id, seq + 1, it.data, it.gold, now}));
          if (changed) {
            ++imported;
            ++seq;
          } else {
            ++skipped;
          }
        }
        // New items change the quality report (quality.h).
        if (imported) ASSAY_TRY(c.Exec("UPDATE projects SET quality_version = quality_version + 1 WHERE id = ?", {project_id}));
        return base::Ok();
      }));
      result.imported += imported;
      result.skipped += skipped;
      batch.clear();
    }
    if (progress) progress(done_bytes, body.size());
    return base::Ok();
  };
  auto handle = [&](int64_t line, simdjson::dom::element el, size_t done_bytes) -> base::Status {
    ParsedItem item;
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
  return result;
}

}  // namespace work
