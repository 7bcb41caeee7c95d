// Items on their way in: the template check and the batched insert (items.h).
#include "work/items.h"

#include <simdjson.h>

#include <map>
#include <nlohmann/json.hpp>

#include "base/hash.h"
#include "base/json.h"
#include "people/requirements.h"

namespace work {
namespace {

constexpr size_t kRowsPerStatement = 64;

// The class of an item's requirement list: items with equal lists share one.
std::string RequirementClass(const std::string& requirements_json) {
  return "r" + base::Sha256Hex(requirements_json).substr(0, 16);
}

std::string_view ShapeName(Template::Shape s) {
  switch (s) {
    case Template::Shape::kString: return "a string";
    case Template::Shape::kArray: return "an array";
    case Template::Shape::kResponses: return "an array of at least 2 responses";
  }
  return "";
}

// The element at a dotted path, or false.
bool Lookup(simdjson::dom::element root, std::string_view path, simdjson::dom::element* out) {
  simdjson::dom::element cur = root;
  while (true) {
    size_t dot = path.find('.');
    simdjson::dom::object obj;
    if (cur.get_object().get(obj) != simdjson::SUCCESS || obj.at_key(path.substr(0, dot)).get(cur) != simdjson::SUCCESS) {
      return false;
    }
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  *out = cur;
  return true;
}

bool IsResponses(simdjson::dom::element v) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS || arr.size() < 2) return false;
  for (simdjson::dom::element r : arr) {
    std::string_view content;
    if (!r.is_string() && !(r.is_object() && r["content"].get(content) == simdjson::SUCCESS)) return false;
  }
  return true;
}

// Checks one source path of the template against the item's data: "" when fine; "awaiting"
// when only model responses are missing; else the message.
std::string CheckSource(simdjson::dom::element data, const Template::Source& s, bool allow_awaiting) {
  simdjson::dom::element cur;
  if (!Lookup(data, s.path, &cur)) {
    if (allow_awaiting && s.shape == Template::Shape::kResponses) return "awaiting";
    return "data." + s.path + " is missing (" + s.component + " shows it)";
  }
  // Fewer than two responses, each well formed: the rest can be generated.
  simdjson::dom::array few;
  if (allow_awaiting && s.shape == Template::Shape::kResponses && cur.get_array().get(few) == simdjson::SUCCESS &&
      few.size() < 2) {
    bool well_formed = true;
    for (simdjson::dom::element r : few) {
      std::string_view content;
      well_formed = well_formed && (r.is_string() || (r.is_object() && r["content"].get(content) == simdjson::SUCCESS));
    }
    if (well_formed) return "awaiting";
  }
  bool ok = false;
  switch (s.shape) {
    case Template::Shape::kString: ok = cur.is_string(); break;
    case Template::Shape::kArray: ok = cur.is_array(); break;
    case Template::Shape::kResponses: ok = IsResponses(cur); break;
  }
  return ok ? "" : "data." + s.path + " must be " + std::string(ShapeName(s.shape));
}

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::string RowsSql(size_t rows) {
  std::string sql =
      "INSERT INTO items (id, project_id, external_id, seq, data, gold, created_at_us, req_class, awaiting_responses) "
      "VALUES ";
  for (size_t i = 0; i < rows; ++i) sql += i ? ",(?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?)";
  return sql + " ON CONFLICT (project_id, external_id) DO NOTHING RETURNING seq";
}

// Records each requirement class of the batch once (its qualifications must exist); the
// classes that may not be used, with why.
base::Result<std::map<std::string, std::string>> RecordClasses(storage::Conn& c, std::string_view project_id,
                                                               const std::vector<NewItem>& batch) {
  std::map<std::string, std::string> class_error;
  for (const NewItem& it : batch) {
    if (!it.req_class || class_error.count(*it.req_class)) continue;
    auto reqs = people::ParseRequirements(it.requirements_json, "data.requires");
    base::Status ok = reqs ? people::CheckRequirements(c, *reqs, "data.requires") : base::Status(reqs.error());
    class_error[*it.req_class] = ok ? "" : ok.error().message();
    if (ok) {
      ASSAY_TRY(c.Exec("INSERT INTO item_requirement_classes (project_id, class, requirements) VALUES (?, ?, ?) "
                       "ON CONFLICT (project_id, class) DO NOTHING",
                       {project_id, *it.req_class, it.requirements_json}));
    }
  }
  return class_error;
}

}  // namespace

bool HasModelPrompt(std::string_view data_json) {
  simdjson::dom::element data, v;
  if (ThreadParser().parse(data_json.data(), data_json.size()).get(data) != simdjson::SUCCESS) return false;
  return (data["prompt"].get(v) == simdjson::SUCCESS && v.is_string()) ||
         (data["messages"].get(v) == simdjson::SUCCESS && v.is_array());
}

std::string CheckNewItem(const Template& tmpl, std::string_view data_json, const std::optional<std::string>& gold_json,
                         const ItemCheckOptions& options, NewItem* out) {
  if (data_json.size() > kMaxItemBytes) return "data is larger than 1 MiB";
  if (!base::CheckJsonDepth(data_json)) return "data is nested deeper than 128 levels";
  simdjson::dom::element data;
  if (ThreadParser().parse(data_json.data(), data_json.size()).get(data) != simdjson::SUCCESS) {
    return "data is not valid JSON";
  }
  if (!data.is_object()) return "data must be an object";
  bool awaiting = false;
  for (const Template::Source& s : tmpl.RequiredSources()) {
    std::string err = CheckSource(data, s, options.allow_awaiting_responses);
    if (err == "awaiting") {
      const std::string missing = "data." + s.path + " is missing or short (" + s.component + " shows it)";
      simdjson::dom::element v;
      const bool prompt = (data["prompt"].get(v) == simdjson::SUCCESS && v.is_string()) ||
                          (data["messages"].get(v) == simdjson::SUCCESS && v.is_array());
      if (!prompt) return missing + ", and there is no data.prompt or data.messages to generate it from";
      awaiting = true;
    } else if (!err.empty()) {
      return err;
    }
  }
  out->data = simdjson::minify(data);
  out->awaiting_responses = awaiting;
  auto asks = people::ItemRequirements(out->data);
  if (!asks) return asks.error().message();
  if (!asks->empty()) {
    out->requirements_json = people::RequirementsJson(*asks);
    out->req_class = RequirementClass(out->requirements_json);
  }
  if (gold_json) {
    auto gold = base::ParseJson(*gold_json);
    if (!gold) return "gold is not valid JSON";
    simdjson::dom::element g;  // minified as sent, keys in their order
    if (ThreadParser().parse(gold_json->data(), gold_json->size()).get(g) != simdjson::SUCCESS) {
      return "gold is not valid JSON";
    }
    out->gold = simdjson::minify(g);
    if (!awaiting) {  // a gold ranking needs the responses it ranks
      auto parsed_data = base::ParseJson(out->data);
      if (!parsed_data) return "data is not valid JSON";
      base::Status st = tmpl.ValidateAnswer(*gold, *parsed_data);
      if (!st) return "gold does not fit the template: " + st.error().message();
    }
  }
  return "";
}

base::Result<InsertedItems> InsertItems(storage::Conn& c, std::string_view project_id, int64_t after_seq,
                                        const std::vector<NewItem>& batch, const std::function<std::string()>& new_id,
                                        int64_t now_us) {
  InsertedItems out;
  out.last_seq = after_seq;
  ASSAY_ASSIGN_OR_RETURN(auto class_error, RecordClasses(c, project_id, batch));
  std::vector<size_t> rows;  // indices into batch of the items to write
  rows.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const NewItem& it = batch[i];
    if (it.req_class && !class_error[*it.req_class].empty()) {
      out.refused.push_back({it.line, class_error[*it.req_class]});
    } else {
      rows.push_back(i);
    }
  }
  for (size_t begin = 0; begin < rows.size(); begin += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.size() - begin);
    storage::Params params;
    params.reserve(n * 9);
    std::vector<std::string> ids(n);
    for (size_t k = 0; k < n; ++k) {
      const NewItem& it = batch[rows[begin + k]];
      ids[k] = new_id();
      params.insert(params.end(), {ids[k], project_id, it.external_id, out.last_seq + 1 + static_cast<int64_t>(k),
                                   it.data, it.gold, now_us, it.req_class, it.awaiting_responses ? 1 : 0});
    }
    ASSAY_ASSIGN_OR_RETURN(storage::Rows written, c.Query(RowsSql(n), params));
    std::vector<bool> took(n, false);
    for (const storage::Row& r : written) took[static_cast<size_t>(r.Int(0) - out.last_seq - 1)] = true;
    for (size_t k = 0; k < n; ++k) {
      const NewItem& it = batch[rows[begin + k]];
      if (!took[k]) {
        ++out.skipped;
        continue;
      }
      ++out.imported;
      if (it.awaiting_responses) ++out.awaiting;
      out.written.emplace_back(rows[begin + k], std::move(ids[k]));
    }
    out.last_seq += static_cast<int64_t>(n);
  }
  return out;
}

}  // namespace work
