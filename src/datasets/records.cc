// The record readers (records.h): the splitters cut the bytes, these turn each piece into an
// item record in the shape of its format.
#include "datasets/records.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "base/json.h"
#include "datasets/labelstudio.h"
#include "datasets/splitters.h"

namespace datasets {
namespace {

using json = nlohmann::json;

std::string Minify(simdjson::dom::element e) { return simdjson::minify(e); }

// An id as text: a string of 1..200 characters or an integer; "" for none; else an error.
std::string IdText(simdjson::dom::element v, std::optional<std::string>* out) {
  std::string_view s;
  int64_t n;
  if (v.get_string().get(s) == simdjson::SUCCESS) {
    if (s.empty() || s.size() > 200) return "id must be a string of 1 to 200 characters";
    *out = std::string(s);
  } else if (v.get_int64().get(n) == simdjson::SUCCESS) {
    *out = std::to_string(n);
  } else if (!v.is_null()) {
    return "id must be a string or an integer";
  }
  return "";
}

std::string TextOf(simdjson::dom::element v) {
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return Minify(v);
}

// The answers of an assay JSONL export come back as prior labels: "submissions" (kind
// submission, source the expert) and "prior_labels" as they were.
std::string ReadExportedLabels(simdjson::dom::element list, bool submissions, Record* r) {
  simdjson::dom::array arr;
  if (list.get_array().get(arr) != simdjson::SUCCESS) {
    return std::string(submissions ? "submissions" : "prior_labels") + " must be an array";
  }
  for (simdjson::dom::element e : arr) {
    if (!e.is_object()) return "each of submissions / prior_labels must be an object";
    PriorLabel p;
    p.kind = "submission";
    simdjson::dom::element v;
    if (!submissions && e["kind"].get(v) == simdjson::SUCCESS) p.kind = TextOf(v);
    if (p.kind != "submission" && p.kind != "annotation" && p.kind != "prediction") {
      return "prior_labels[].kind must be submission, annotation or prediction";
    }
    for (const char* key : {"expert", "expert_id", "source"}) {
      if (p.source.empty() && e[key].get(v) == simdjson::SUCCESS && !v.is_null()) p.source = TextOf(v);
    }
    if (e["answer"].get(v) == simdjson::SUCCESS && !v.is_null()) p.answer_json = Minify(v);
    double score;
    if (e["score"].get(v) == simdjson::SUCCESS && v.get_double().get(score) == simdjson::SUCCESS) p.score = score;
    if (!submissions && e["raw"].get(v) == simdjson::SUCCESS) p.raw_json = Minify(v);
    else p.raw_json = Minify(e);
    r->priors.push_back(std::move(p));
  }
  return "";
}

// {"id"?, "data", "gold"?} — and the other keys of assay's own JSONL export, so that an export
// imports again: external_id, item_id (ignored), submissions and prior_labels (prior labels).
std::string ConvertEntry(simdjson::dom::element el, Record* r) {
  simdjson::dom::object obj;
  if (el.get_object().get(obj) != simdjson::SUCCESS) return "must be an object {\"id\"?, \"data\", \"gold\"?}";
  bool has_data = false;
  for (auto field : obj) {
    const std::string_view key = field.key;
    if (key == "id" || key == "external_id") {
      if (key == "external_id" && r->external_id) continue;  // "id" wins
      std::string err = IdText(field.value, &r->external_id);
      if (!err.empty()) return err;
    } else if (key == "data") {
      if (!field.value.is_object()) return "data must be an object";
      r->data_json = Minify(field.value);
      has_data = true;
    } else if (key == "gold") {
      if (!field.value.is_null()) r->gold_json = Minify(field.value);
    } else if (key == "submissions" || key == "prior_labels") {
      std::string err = ReadExportedLabels(field.value, key == "submissions", r);
      if (!err.empty()) return err;
    } else if (key == "item_id" || key == "agreement" || key == "provenance") {
      // assay's own export: the other project's item id and numbers, not part of an item
    } else {
      return "unknown key \"" + std::string(key) + "\" (expected id, data, gold)";
    }
  }
  if (!has_data) return "data is required";
  return "";
}

// {"id"?, "prompt" | "messages", "responses" | "completions": [text | {id?, model?, content}],
// "models"?: [name per response], "gold"?, other keys kept in data}.
std::string ConvertResponses(simdjson::dom::element el, Record* r) {
  simdjson::dom::object obj;
  if (el.get_object().get(obj) != simdjson::SUCCESS) return "must be an object {\"prompt\", \"responses\": […]}";
  json data = json::object();
  std::optional<simdjson::dom::array> responses, models;
  for (auto field : obj) {
    const std::string_view key = field.key;
    if (key == "id") {
      std::string err = IdText(field.value, &r->external_id);
      if (!err.empty()) return err;
    } else if (key == "gold") {
      if (!field.value.is_null()) r->gold_json = Minify(field.value);
    } else if (key == "responses" || key == "completions") {
      simdjson::dom::array a;
      if (field.value.get_array().get(a) != simdjson::SUCCESS) return std::string(key) + " must be an array";
      responses = a;
    } else if (key == "models") {
      simdjson::dom::array a;
      if (field.value.get_array().get(a) != simdjson::SUCCESS) return "models must be an array of names";
      models = a;
    } else {
      auto v = base::ParseJson(Minify(field.value));
      if (!v) return std::string(key) + ": " + v.error().message();
      data[std::string(key)] = std::move(*v);
    }
  }
  if (!data.contains("prompt") && !data.contains("messages")) return "prompt is required (text, or messages)";
  json list = json::array();
  if (responses) {
    size_t i = 0;
    for (simdjson::dom::element resp : *responses) {
      json one = {{"id", std::string(1, static_cast<char>('a' + i % 26)) + (i >= 26 ? std::to_string(i / 26) : "")}};
      std::string_view text;
      if (resp.get_string().get(text) == simdjson::SUCCESS) {
        one["content"] = std::string(text);
      } else if (resp.is_object()) {
        auto v = base::ParseJson(Minify(resp));
        if (!v || !v->contains("content") || !(*v)["content"].is_string()) {
          return "responses[" + std::to_string(i) + "] must be text or {model?, content}";
        }
        for (auto& [k, x] : v->items()) one[k] = x;
      } else {
        return "responses[" + std::to_string(i) + "] must be text or {model?, content}";
      }
      if (models && i < models->size()) {
        simdjson::dom::element m = models->at(i).value_unsafe();
        std::string_view name;
        if (m.get_string().get(name) == simdjson::SUCCESS) one["model"] = std::string(name);
      }
      list.push_back(std::move(one));
      ++i;
    }
  }
  data["responses"] = std::move(list);
  r->data_json = base::Dump(data);
  return "";
}

// A JSON value's record in the reader's format.
std::string Convert(Format format, simdjson::dom::element el, Record* r) {
  switch (format) {
    case Format::kJsonl: return ConvertEntry(el, r);
    case Format::kResponses: return ConvertResponses(el, r);
    case Format::kLabelStudio: return ConvertLabelStudioTask(el, r);
    case Format::kCsv: break;
  }
  return "not a JSON format";
}

class JsonRecordReader final : public RecordReader {
 public:
  explicit JsonRecordReader(Format format)
      : format_(format),
        split_(format == Format::kLabelStudio ? JsonSplitter::Mode::kValues : JsonSplitter::Mode::kLines) {}

  base::Status Init() {
    // Nothing deeper than base::kMaxJsonDepth in a record.
    if (auto err = parser_.allocate(64 * 1024, base::kMaxJsonDepth)) {
      return base::Error::Internal(std::string("parser: ") + simdjson::error_message(err));
    }
    return base::Ok();
  }

  base::Status Feed(std::string_view chunk, const ParsedFn& on) override {
    split_.Feed(chunk, [&](const Piece& p) { Handle(p, on); });
    return base::Ok();
  }

  base::Status Finish(const ParsedFn& on) override {
    std::string err = split_.Finish([&](const Piece& p) { Handle(p, on); });
    if (!err.empty()) return base::Error::Invalid(err).Detail("field", "body");
    return base::Ok();
  }

 private:
  void Handle(const Piece& p, const ParsedFn& on) {
    if (!p.error.empty()) return on(Parsed{std::nullopt, p.line, p.error});
    simdjson::dom::element el;
    auto err = parser_.parse(p.text.data(), p.text.size(), /*realloc_if_needed=*/true).get(el);
    if (err) {
      std::string message = err == simdjson::DEPTH_ERROR ? "nested deeper than 128 levels"
                                                          : std::string("not valid JSON: ") + simdjson::error_message(err);
      return on(Parsed{std::nullopt, p.line, std::move(message)});
    }
    Record r;
    r.line = p.line;
    std::string problem = Convert(format_, el, &r);
    if (!problem.empty()) return on(Parsed{std::nullopt, p.line, std::move(problem)});
    on(Parsed{std::move(r), p.line, {}});
  }

  Format format_;
  JsonSplitter split_;
  simdjson::dom::parser parser_;
};

// ---- CSV ---------------------------------------------------------------------------------------

struct Target {
  enum Kind { kIgnore, kId, kGold, kData, kDataPath, kPrior } kind = kIgnore;
  std::vector<std::string> path;  // kDataPath: the keys under data (digits index arrays)
  enum Type { kString, kJson, kNumber, kAuto } type = kString;
  std::string prior_field;  // kPrior: answer | expert | kind | state | submitted_at
};

std::vector<std::string> SplitPath(std::string_view p) {
  std::vector<std::string> out;
  while (true) {
    size_t dot = p.find('.');
    out.emplace_back(p.substr(0, dot));
    if (dot == std::string_view::npos) break;
    p.remove_prefix(dot + 1);
  }
  return out;
}

base::Result<Target> ParseTarget(const std::string& column, std::string spec) {
  Target t;
  if (spec.empty()) return t;
  for (auto [suffix, type] : {std::pair<std::string_view, Target::Type>{":json", Target::kJson},
                              {":number", Target::kNumber}, {":string", Target::kString}}) {
    if (spec.size() > suffix.size() && spec.compare(spec.size() - suffix.size(), suffix.size(), suffix) == 0) {
      t.type = type;
      spec.resize(spec.size() - suffix.size());
    }
  }
  if (spec == "id") {
    t.kind = Target::kId;
  } else if (spec == "gold") {
    t.kind = Target::kGold;
    if (t.type == Target::kString) t.type = Target::kAuto;
  } else if (spec == "data") {
    t.kind = Target::kData;
  } else {
    std::string_view p = spec;
    if (p.rfind("data.", 0) == 0) p.remove_prefix(5);
    t.kind = Target::kDataPath;
    t.path = SplitPath(p);
    for (const std::string& k : t.path) {
      if (k.empty()) {
        return base::Error::Invalid("mapping for column \"" + column + "\": \"" + spec + "\" has an empty path segment")
            .Detail("field", "mapping");
      }
    }
  }
  return t;
}

Target DefaultTarget(const std::string& column) {
  Target t;
  if (column == "id" || column == "external_id") t.kind = Target::kId;
  else if (column == "gold") { t.kind = Target::kGold; t.type = Target::kAuto; }
  else if (column == "data") t.kind = Target::kData;
  else if (column == "item_id") t.kind = Target::kIgnore;
  else if (column == "answer" || column == "expert" || column == "kind" || column == "state" || column == "submitted_at") {
    t.kind = Target::kPrior;
    t.prior_field = column;
  } else if (column.rfind("answer.", 0) == 0 || column == "submission_id" || column == "reviewed_at" ||
             column == "verdict" || column == "active_ms" || column == "source" || column == "agreement") {
    t.kind = Target::kIgnore;  // more columns of an assay CSV export: `answer` holds it all
  } else {
    t.kind = Target::kDataPath;
    t.path = SplitPath(column.rfind("data.", 0) == 0 ? std::string_view(column).substr(5) : std::string_view(column));
  }
  return t;
}

// Sets data at path (digits index arrays, made as needed).
std::string SetPath(json& root, const std::vector<std::string>& path, json value) {
  json* cur = &root;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& k = path[i];
    const bool index = !k.empty() && k.size() <= 4 && k.find_first_not_of("0123456789") == std::string::npos;
    if (index) {
      if (cur->is_null()) *cur = json::array();
      if (!cur->is_array()) return "cannot index " + k + " into a non-array";
      const size_t n = std::stoul(k);
      if (n > 1000) return "array index " + k + " is above 1000";
      while (cur->size() <= n) cur->push_back(nullptr);
      cur = &(*cur)[n];
    } else {
      if (cur->is_null()) *cur = json::object();
      if (!cur->is_object()) return "cannot set " + k + " inside a non-object";
      cur = &(*cur)[k];
    }
  }
  *cur = std::move(value);
  return "";
}

class CsvRecordReader final : public RecordReader {
 public:
  explicit CsvRecordReader(CsvMapping mapping) : mapping_(std::move(mapping)) {}

  base::Status Feed(std::string_view chunk, const ParsedFn& on) override {
    split_.Feed(chunk, [&](const std::vector<std::string>& f, int64_t line, const std::string& err) {
      Row(f, line, err, on);
    });
    return header_error_;
  }
  base::Status Finish(const ParsedFn& on) override {
    std::string err = split_.Finish([&](const std::vector<std::string>& f, int64_t line, const std::string& e) {
      Row(f, line, e, on);
    });
    if (!err.empty()) return base::Error::Invalid(err).Detail("field", "body");
    ASSAY_TRY(header_error_);
    if (targets_.empty()) return base::Error::Invalid("the CSV file has no header row").Detail("field", "body");
    return base::Ok();
  }

 private:
  void Header(const std::vector<std::string>& fields) {
    for (const auto& [column, spec] : mapping_.columns) {
      if (std::find(fields.begin(), fields.end(), column) == fields.end()) {
        header_error_ = base::Error::Invalid("the mapping names a column the header does not have: " + column)
                            .Detail("field", "mapping");
        return;
      }
    }
    for (const std::string& column : fields) {
      auto it = mapping_.columns.find(column);
      if (it == mapping_.columns.end()) {
        targets_.push_back(DefaultTarget(column));
        continue;
      }
      auto t = ParseTarget(column, it->second);
      if (!t) {
        header_error_ = t.error();
        return;
      }
      targets_.push_back(std::move(*t));
    }
    columns_ = fields;
  }

  // The cell's JSON value in its target's type; an error names the column.
  std::string Value(size_t i, const std::string& cell, json* out) {
    switch (targets_[i].type) {
      case Target::kString: *out = cell; return "";
      case Target::kNumber: {
        double x;
        auto parsed = base::ParseJson(cell);
        if (!parsed || !parsed->is_number()) return "column " + columns_[i] + ": \"" + cell.substr(0, 40) + "\" is not a number";
        x = parsed->get<double>();
        *out = parsed->is_number_integer() ? json(parsed->get<int64_t>()) : json(x);
        return "";
      }
      case Target::kJson: {
        auto parsed = base::ParseJson(cell);
        if (!parsed) return "column " + columns_[i] + " is not valid JSON: " + parsed.error().message();
        *out = std::move(*parsed);
        return "";
      }
      case Target::kAuto: {
        auto parsed = base::ParseJson(cell);
        *out = parsed ? std::move(*parsed) : json(cell);
        return "";
      }
    }
    return "";
  }

  void Row(const std::vector<std::string>& fields, int64_t line, const std::string& err, const ParsedFn& on) {
    if (!header_error_) return;
    if (columns_.empty()) return Header(fields);
    if (!err.empty()) return on(Parsed{std::nullopt, line, err});
    if (fields.size() != columns_.size()) {
      return on(Parsed{std::nullopt, line, "has " + std::to_string(fields.size()) + " fields, the header " +
                                               std::to_string(columns_.size())});
    }
    Record r;
    r.line = line;
    json data = json::object(), prior = json::object();
    for (size_t i = 0; i < fields.size(); ++i) {
      const Target& t = targets_[i];
      if (t.kind == Target::kIgnore || fields[i].empty()) continue;
      if (t.kind == Target::kId) {
        if (fields[i].size() > 200) return on(Parsed{std::nullopt, line, "id must have at most 200 characters"});
        r.external_id = fields[i];
        continue;
      }
      if (t.kind == Target::kPrior) {
        auto parsed = t.prior_field == "answer" ? base::ParseJson(fields[i]) : base::Result<json>(json(fields[i]));
        if (!parsed) return on(Parsed{std::nullopt, line, "column answer is not valid JSON"});
        prior[t.prior_field] = std::move(*parsed);
        continue;
      }
      json v;
      Target::Type type = t.kind == Target::kData ? Target::kJson : t.type;
      std::string problem;
      if (type != t.type) {
        auto parsed = base::ParseJson(fields[i]);
        if (!parsed || !parsed->is_object()) problem = "column " + columns_[i] + " must hold the data as a JSON object";
        else v = std::move(*parsed);
      } else {
        problem = Value(i, fields[i], &v);
      }
      if (!problem.empty()) return on(Parsed{std::nullopt, line, std::move(problem)});
      if (t.kind == Target::kGold) {
        r.gold_json = base::Dump(v);
      } else if (t.kind == Target::kData) {
        for (auto& [k, x] : v.items()) data[k] = x;
      } else if (std::string p = SetPath(data, t.path, std::move(v)); !p.empty()) {
        return on(Parsed{std::nullopt, line, "column " + columns_[i] + ": " + p});
      }
    }
    if (prior.contains("answer")) {
      PriorLabel p;
      p.kind = prior.value("kind", "submission");
      if (p.kind != "submission" && p.kind != "annotation" && p.kind != "prediction") p.kind = "submission";
      p.source = prior.value("expert", "");
      p.answer_json = base::Dump(prior["answer"]);
      p.raw_json = base::Dump(prior);
      r.priors.push_back(std::move(p));
    }
    r.data_json = base::Dump(data);
    on(Parsed{std::move(r), line, {}});
  }

  CsvMapping mapping_;
  CsvSplitter split_;
  std::vector<std::string> columns_;
  std::vector<Target> targets_;
  base::Status header_error_ = base::Ok();
};

}  // namespace

base::Result<Format> ParseFormat(std::string_view name) {
  if (name == "jsonl" || name == "json" || name == "ndjson") return Format::kJsonl;
  if (name == "csv") return Format::kCsv;
  if (name == "labelstudio") return Format::kLabelStudio;
  if (name == "responses") return Format::kResponses;
  return base::Error::Invalid("unknown import format \"" + std::string(name) +
                              "\" (jsonl, csv, labelstudio or responses)")
      .Detail("field", "format");
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kJsonl: return "jsonl";
    case Format::kCsv: return "csv";
    case Format::kLabelStudio: return "labelstudio";
    case Format::kResponses: return "responses";
  }
  return "";
}

base::Result<CsvMapping> CsvMapping::FromJson(std::string_view text) {
  CsvMapping m;
  if (text.empty()) return m;
  ASSAY_ASSIGN_OR_RETURN(json j, base::ParseJson(text));
  if (!j.is_object()) return base::Error::Invalid("mapping must be a JSON object {\"column\": \"target\"}").Detail("field", "mapping");
  for (auto& [column, target] : j.items()) {
    if (target.is_null()) {
      m.columns[column] = "";
    } else if (target.is_string()) {
      m.columns[column] = target.get<std::string>();
    } else {
      return base::Error::Invalid("mapping for column \"" + column + "\" must be a string or null").Detail("field", "mapping");
    }
    auto t = ParseTarget(column, m.columns[column]);
    if (!t) return t.error();
  }
  return m;
}

base::Result<std::unique_ptr<RecordReader>> RecordReader::Make(const ReaderOptions& options) {
  if (options.format == Format::kCsv) return std::unique_ptr<RecordReader>(new CsvRecordReader(options.mapping));
  auto reader = std::make_unique<JsonRecordReader>(options.format);
  ASSAY_TRY(reader->Init());
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace datasets
