#include "work/requests.h"

#include <simdjson.h>

#include <string>

#include "base/json.h"

namespace work {
namespace {

base::Error BadField(std::string field, std::string message) {
  base::Error e = base::Error::Invalid(field + ": " + message);
  e.Detail("field", field);
  return e;
}

base::Error BadBody(simdjson::error_code err) {
  return BadField("body", std::string("not valid JSON: ") + simdjson::error_message(err));
}

// simdjson On Demand needs SIMDJSON_PADDING readable bytes after the input.
simdjson::padded_string Pad(std::string_view body) { return simdjson::padded_string(body); }

}  // namespace

base::Result<SubmitRequest> ParseSubmitBody(std::string_view assignment_id, std::string_view body) {
  SubmitRequest req;
  req.assignment_id = std::string(assignment_id);
  ASSAY_TRY(base::CheckJsonDepth(body));
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded = Pad(body);
  simdjson::ondemand::document doc;
  if (auto err = parser.iterate(padded).get(doc)) return BadBody(err);
  simdjson::ondemand::object obj;
  if (auto err = doc.get_object().get(obj)) return BadField("body", "must be a JSON object");
  bool has_answer = false;
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return BadBody(err);
    simdjson::ondemand::value v;
    if (auto err = field.value().get(v)) return BadBody(err);
    if (key == "lease_token" || key == "client_submission_id") {
      std::string_view s;
      if (v.get_string().get(s)) return BadField(std::string(key), "must be a string");
      (key == "lease_token" ? req.lease_token : req.client_submission_id) = std::string(s);
    } else if (key == "answer") {
      std::string_view raw;
      if (auto err = simdjson::to_json_string(v).get(raw)) return BadBody(err);
      // to_json_string keeps the bytes of the value; trailing whitespace before the next token is not
      // part of the answer.
      size_t end = raw.find_last_not_of(" \t\r\n");
      req.answer_json = std::string(raw.substr(0, end == std::string_view::npos ? 0 : end + 1));
      has_answer = true;
    } else if (key == "active_ms") {
      int64_t ms;
      if (v.get_int64().get(ms)) return BadField("active_ms", "must be an integer");
      req.active_ms = ms;
    } else {
      return BadField(std::string(key), "is not a field of a submission");
    }
  }
  if (!has_answer) return BadField("answer", "is required");
  if (req.lease_token.empty()) return BadField("lease_token", "is required");
  if (req.client_submission_id.empty()) return BadField("client_submission_id", "is required");
  return req;
}

base::Result<ProjectFields> ParseProjectFields(std::string_view body) {
  ProjectFields f;
  ASSAY_TRY(base::CheckJsonDepth(body));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body.data(), body.size(), true).get(root)) return BadBody(err);
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return BadField("body", "must be a JSON object");
  for (auto field : obj) {
    std::string key(field.key);
    std::string_view s;
    int64_t n;
    if (key == "name" || key == "instructions") {
      if (field.value.get_string().get(s)) return BadField(key, "must be a string");
      (key == "name" ? f.name : f.instructions) = std::string(s);
    } else if (key == "template") {
      f.template_json = simdjson::minify(field.value);
    } else if (key == "overlap" || key == "lease_seconds" || key == "max_overlap") {
      if (field.value.get_int64().get(n)) return BadField(key, "must be an integer");
      (key == "overlap" ? f.overlap : key == "max_overlap" ? f.max_overlap : f.lease_seconds) = n;
    } else if (key == "target_confidence" || key == "max_share") {
      double x;  // integers are numbers too
      if (field.value.is_null() && key == "max_share") {
        f.max_share = 0;
        continue;
      }
      if (field.value.get_double().get(x)) return BadField(key, "must be a number");
      (key == "max_share" ? f.max_share : f.target_confidence) = x;
    } else if (key == "requirements") {
      f.requirements_json = simdjson::minify(field.value);
    } else if (key == "contract_id") {
      if (field.value.is_null()) {
        f.contract_id = "";
      } else if (field.value.get_string().get(s)) {
        return BadField(key, "must be a contract id or null");
      } else {
        f.contract_id = std::string(s);
      }
    } else if (key == "hide_models" || key == "shuffle_responses") {
      bool b;
      if (field.value.get_bool().get(b)) return BadField(key, "must be true or false");
      (key == "hide_models" ? f.hide_models : f.shuffle_responses) = b;
    } else if (key == "daily_cap") {
      if (field.value.is_null()) {
        f.daily_cap = 0;
      } else if (field.value.get_int64().get(n) || n < 1) {
        return BadField(key, "must be a positive integer or null");
      } else {
        f.daily_cap = n;
      }
    } else if (key == "export_experts") {
      if (field.value.get_string().get(s) || (s != "pseudonym" && s != "id")) {
        return BadField(key, "must be \"pseudonym\" or \"id\"");
      }
      f.export_experts = std::string(s);
    } else {
      return BadField(key, "is not a field of a project");
    }
  }
  return f;
}

}  // namespace work
