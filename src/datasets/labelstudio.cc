#include "datasets/labelstudio.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "base/json.h"

namespace datasets {
namespace {

using json = nlohmann::json;

// Keys of a task that are Label Studio's, not data, when a task has no "data" object.
bool TaskKey(std::string_view k) {
  return k == "id" || k == "annotations" || k == "completions" || k == "predictions" || k == "meta" ||
         k == "created_at" || k == "updated_at" || k == "project" || k == "drafts" || k == "inner_id" ||
         k == "total_annotations" || k == "cancelled_annotations" || k == "total_predictions" ||
         k == "file_upload" || k == "annotators" || k == "is_labeled" || k == "overlap";
}

// Who gave an annotation: completed_by is a user id, or an object with email / id.
std::string Annotator(simdjson::dom::element a) {
  simdjson::dom::element by;
  if (a["completed_by"].get(by) != simdjson::SUCCESS || by.is_null()) return "";
  std::string_view s;
  int64_t n;
  if (by.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  if (by.get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
  simdjson::dom::element e;
  if (by["email"].get(e) == simdjson::SUCCESS && e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  if (by["id"].get(e) == simdjson::SUCCESS && e.get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
  return "";
}

std::string ReadLabels(simdjson::dom::element list, const char* kind, Record* out) {
  simdjson::dom::array arr;
  if (list.get_array().get(arr) != simdjson::SUCCESS) return std::string(kind) + "s must be an array";
  for (simdjson::dom::element a : arr) {
    if (!a.is_object()) return std::string(kind) + "s must hold objects {result, …}";
    simdjson::dom::element result;
    if (a["result"].get(result) != simdjson::SUCCESS || !result.is_array()) {
      return std::string("each ") + kind + " needs a result array";
    }
    PriorLabel p;
    p.kind = kind;
    simdjson::dom::element v;
    std::string_view s;
    if (p.kind == "annotation") {
      p.source = Annotator(a);
    } else if (a["model_version"].get(v) == simdjson::SUCCESS && v.get_string().get(s) == simdjson::SUCCESS) {
      p.source = std::string(s);
    }
    double score;
    if (a["score"].get(v) == simdjson::SUCCESS && v.get_double().get(score) == simdjson::SUCCESS) p.score = score;
    if (a["assay_answer"].get(v) == simdjson::SUCCESS && v.is_object()) p.answer_json = simdjson::minify(v);
    p.raw_json = simdjson::minify(a);
    out->priors.push_back(std::move(p));
  }
  return "";
}

// The first display component's source, which Label Studio calls the object a control labels.
std::string ObjectName(const json& components, const json& c) {
  if (c.contains("source") && c["source"].is_string()) return c["source"].get<std::string>();
  for (const json& d : components) {
    if (d.contains("source") && d["source"].is_string() && !d.contains("name")) return d["source"].get<std::string>();
  }
  return "text";
}

json Result(const std::string& id, const std::string& from, const std::string& to, const char* type, json value) {
  return {{"id", id}, {"from_name", from}, {"to_name", to}, {"type", type}, {"origin", "manual"}, {"value", std::move(value)}};
}

void AppendResults(const json& components, const json& c, const json& v, json& out) {
  const std::string name = c["name"].get<std::string>();
  const std::string type = c.value("type", "");
  const std::string to = ObjectName(components, c);
  const std::string id = name.substr(0, 8) + std::to_string(out.size());
  if (type == "choice") {
    out.push_back(Result(id, name, to, "choices", {{"choices", v.is_array() ? v : json::array({v})}}));
  } else if (type == "rating") {
    out.push_back(Result(id, name, to, "rating", {{"rating", v}}));
  } else if (type == "textarea" || type == "rewrite") {
    out.push_back(Result(id, name, to, "textarea", {{"text", json::array({v})}}));
  } else if (type == "pairwise" && v.is_object()) {
    const std::string choice = v.value("choice", "");
    if (choice == "a" || choice == "b") {
      out.push_back(Result(id, name, to, "pairwise", {{"selected", choice == "a" ? "left" : "right"}}));
    }
  } else if (type == "spans" && v.is_array()) {
    for (const json& s : v) {
      json value = {{"start", s.value("start", 0)}, {"end", s.value("end", 0)}, {"text", s.value("text", "")},
                    {"labels", json::array({s.value("category", "")})}};
      out.push_back(Result(id + "_" + std::to_string(out.size()), name, to, "labels", std::move(value)));
    }
  } else if (type == "rubric" && v.is_object()) {
    for (auto& [criterion, entry] : v.items()) {
      if (entry.is_object() && entry.contains("score")) {
        out.push_back(Result(id + "_" + criterion, name + "." + criterion, to, "rating", {{"rating", entry["score"]}}));
      }
    }
  } else {  // ranking, claims, chat_author: no Label Studio control of that shape; the text of it
    out.push_back(Result(id, name, to, "textarea", {{"text", json::array({base::Dump(v)})}}));
  }
}

}  // namespace

std::string ConvertLabelStudioTask(const simdjson::dom::element& task, Record* out) {
  simdjson::dom::object obj;
  if (task.get_object().get(obj) != simdjson::SUCCESS) return "a task must be an object";
  simdjson::dom::element v;
  int64_t n;
  std::string_view s;
  // assay's own export keeps the external id in meta; Label Studio numbers its tasks.
  simdjson::dom::element ext;
  if (task["meta"].get(v) == simdjson::SUCCESS && v["external_id"].get(ext) == simdjson::SUCCESS &&
      ext.get_string().get(s) == simdjson::SUCCESS) {
    out->external_id = std::string(s);
  } else if (task["id"].get(v) == simdjson::SUCCESS) {
    if (v.get_int64().get(n) == simdjson::SUCCESS) out->external_id = std::to_string(n);
    else if (v.get_string().get(s) == simdjson::SUCCESS && !s.empty() && s.size() <= 200) out->external_id = std::string(s);
  }
  if (task["data"].get(v) == simdjson::SUCCESS) {
    if (!v.is_object()) return "data must be an object";
    out->data_json = simdjson::minify(v);
  } else {
    json data = json::object();  // no "data": the task is its data
    for (auto field : obj) {
      if (TaskKey(field.key)) continue;
      auto parsed = base::ParseJson(simdjson::minify(field.value));
      if (!parsed) return std::string(field.key) + ": " + parsed.error().message();
      data[std::string(field.key)] = std::move(*parsed);
    }
    out->data_json = base::Dump(data);
  }
  for (const char* key : {"annotations", "completions"}) {
    if (task[key].get(v) == simdjson::SUCCESS && !v.is_null()) {
      std::string err = ReadLabels(v, "annotation", out);
      if (!err.empty()) return err;
    }
  }
  if (task["predictions"].get(v) == simdjson::SUCCESS && !v.is_null()) {
    std::string err = ReadLabels(v, "prediction", out);
    if (!err.empty()) return err;
  }
  return "";
}

json ResultsFromAnswer(const json& components, const json& answer) {
  json out = json::array();
  if (!components.is_array() || !answer.is_object()) return out;
  for (const json& c : components) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    auto it = answer.find(c["name"].get<std::string>());
    if (it == answer.end() || it->is_null()) continue;
    AppendResults(components, c, *it, out);
  }
  return out;
}

std::optional<json> AnswerFromResults(const json& components, const json& results) {
  if (!components.is_array() || !results.is_array()) return std::nullopt;
  json answer = json::object();
  for (const json& c : components) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
    const std::string name = c["name"].get<std::string>();
    const std::string type = c.value("type", "");
    for (const json& r : results) {
      if (!r.is_object() || !r.contains("value") || !r["value"].is_object()) continue;
      const std::string from = r.value("from_name", "");
      const json& value = r["value"];
      if (type == "rubric" && from.rfind(name + ".", 0) == 0 && value.contains("rating")) {
        answer[name][from.substr(name.size() + 1)] = {{"score", value["rating"]}};
        continue;
      }
      if (from != name) continue;
      if (type == "choice" && value.contains("choices") && value["choices"].is_array() && !value["choices"].empty()) {
        answer[name] = c.value("multiple", false) ? value["choices"] : value["choices"][0];
      } else if (type == "rating" && value.contains("rating")) {
        answer[name] = value["rating"];
      } else if ((type == "textarea" || type == "rewrite") && value.contains("text") && value["text"].is_array()) {
        std::string text;
        for (const json& t : value["text"]) text += t.is_string() ? t.get<std::string>() : "";
        answer[name] = text;
      } else if (type == "pairwise" && value.contains("selected")) {
        const std::string sel = value.value("selected", "");
        answer[name] = {{"choice", sel == "left" ? "a" : sel == "right" ? "b" : "tie"}};
      } else if (type == "spans" && value.contains("labels") && value["labels"].is_array() && !value["labels"].empty()) {
        json span = {{"start", value.value("start", 0)}, {"end", value.value("end", 0)},
                     {"text", value.value("text", "")}, {"category", value["labels"][0]}};
        if (c.contains("severities") && c["severities"].is_array() && !c["severities"].empty()) {
          span["severity"] = c["severities"][0];  // Label Studio's labels carry no severity
        }
        answer[name].push_back(std::move(span));
      }
    }
  }
  if (answer.empty()) return std::nullopt;
  return answer;
}

}  // namespace datasets
