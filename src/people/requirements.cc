#include "people/requirements.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "base/json.h"
#include "people/languages.h"
#include "people/taxonomy.h"

namespace people {
namespace {

using nlohmann::json;

// Stored JSON (written by us) as a value; null when it does not parse.
json ParseOr(std::string_view text) { return base::ParseJson(text).value_or(json()); }

base::Error Bad(std::string_view field, size_t index, std::string message) {
  return base::Error::Invalid(std::string(field) + "[" + std::to_string(index) + "]: " + message)
      .Detail("field", field)
      .Detail("index", static_cast<int64_t>(index));
}

bool ValidOp(std::string_view op) {
  return op == "exists" || op == "=" || op == ">=" || op == "<=" || op == "in";
}

base::Result<Requirement> ParseOne(const json& j, std::string_view field, size_t i) {
  if (!j.is_object()) return Bad(field, i, "must be an object");
  Requirement r;
  if (j.contains("qualification")) {
    r.kind = Requirement::Kind::kQualification;
    if (!j["qualification"].is_string()) return Bad(field, i, "qualification must be an id");
    r.qualification_id = j["qualification"];
    r.op = j.value("op", "exists");
    if (!ValidOp(r.op)) return Bad(field, i, "op must be exists, =, >=, <= or in");
    if (r.op != "exists") {
      if (!j.contains("value")) return Bad(field, i, "op " + r.op + " needs a value");
      const json& v = j["value"];
      if (r.op == "in" ? !(v.is_array() && !v.empty() && v.size() <= 100)
                       : !(v.is_string() || v.is_number_integer() || v.is_boolean())) {
        return Bad(field, i, r.op == "in" ? "value must be a non-empty array" : "value must be a string or an integer");
      }
      r.value_json = base::CanonicalJson(v);
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() != "qualification" && it.key() != "op" && it.key() != "value") {
        return Bad(field, i, "unknown key " + it.key());
      }
    }
    return r;
  }
  if (j.contains("language")) {
    r.kind = Requirement::Kind::kLanguage;
    if (!j["language"].is_string()) return Bad(field, i, "language must be a BCP 47 tag");
    auto tag = ParseLanguageTag(j["language"].get<std::string>());
    if (!tag) return Bad(field, i, "language is not a BCP 47 tag");
    r.language = *tag;
    if (j.contains("level")) {
      if (!j["level"].is_string() || !ValidLevel(j["level"].get<std::string>())) {
        return Bad(field, i, "level must be A1, A2, B1, B2, C1, C2 or native");
      }
      r.min_level = j["level"];
    }
    return r;
  }
  if (j.contains("domain")) {
    r.kind = Requirement::Kind::kDomain;
    if (!j["domain"].is_string() || !ValidTaxonomyPath(j["domain"].get<std::string>())) {
      return Bad(field, i, "domain must be a taxonomy path like medicine/cardiology");
    }
    r.domain = j["domain"];
    return r;
  }
  return Bad(field, i, "must name a qualification, a language or a domain");
}

bool CompareScale(const std::string& op, int64_t have, int64_t want) {
  if (op == "=") return have == want;
  if (op == ">=") return have >= want;
  if (op == "<=") return have <= want;
  return false;
}

}  // namespace

std::string Requirement::Json() const {
  json j;
  switch (kind) {
    case Kind::kQualification:
      j = {{"qualification", qualification_id}, {"op", op}};
      if (!value_json.empty()) j["value"] = ParseOr(value_json);
      break;
    case Kind::kLanguage:
      j = {{"language", language}};
      if (!min_level.empty()) j["level"] = min_level;
      break;
    case Kind::kDomain:
      j = {{"domain", domain}};
      break;
  }
  return base::CanonicalJson(j);
}

base::Result<std::vector<Requirement>> ParseRequirements(std::string_view text, std::string_view field) {
  std::vector<Requirement> out;
  if (text.empty() || text == "null") return out;
  auto parsed = base::ParseJson(text);
  if (!parsed) return base::Error::Invalid(std::string(field) + " is not valid JSON").Detail("field", field);
  if (!parsed->is_array()) return base::Error::Invalid(std::string(field) + " must be a list").Detail("field", field);
  if (parsed->size() > 50) return base::Error::Invalid(std::string(field) + ": at most 50").Detail("field", field);
  for (size_t i = 0; i < parsed->size(); ++i) {
    ASSAY_ASSIGN_OR_RETURN(Requirement r, ParseOne((*parsed)[i], field, i));
    out.push_back(std::move(r));
  }
  return out;
}

std::string RequirementsJson(const std::vector<Requirement>& reqs) {
  std::string out = "[";
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (i) out += ',';
    out += reqs[i].Json();
  }
  return out + "]";
}

base::Status CheckRequirements(storage::Conn& c, const std::vector<Requirement>& reqs, std::string_view field) {
  for (size_t i = 0; i < reqs.size(); ++i) {
    const Requirement& r = reqs[i];
    if (r.kind != Requirement::Kind::kQualification) continue;
    ASSAY_ASSIGN_OR_RETURN(storage::Rows q, c.Query("SELECT kind, allowed_values FROM qualifications WHERE id = ?",
                                                    {r.qualification_id}));
    if (q.empty()) return Bad(field, i, "no qualification " + r.qualification_id);
    const std::string kind = q[0].Text(0);
    if (kind == "flag" && r.op != "exists") return Bad(field, i, "a flag qualification takes op exists");
    const json v = r.value_json.empty() ? json() : ParseOr(r.value_json);
    if (kind == "scale" && r.op != "exists" && !(r.op == "in" ? v.is_array() : v.is_number_integer())) {
      return Bad(field, i, "a scale qualification compares integers");
    }
    if (kind == "set" && r.op != "exists") {
      if (r.op == ">=" || r.op == "<=") return Bad(field, i, "a set qualification takes exists, = or in");
      const json allowed = ParseOr(q[0].Text(1));
      for (const json& each : r.op == "in" ? v : json::array({v})) {
        if (!each.is_string() || std::find(allowed.begin(), allowed.end(), each) == allowed.end()) {
          return Bad(field, i, "value is not one of the qualification's values");
        }
      }
    }
  }
  return base::Ok();
}

base::Result<std::vector<Requirement>> ItemRequirements(std::string_view data_json) {
  std::vector<Requirement> out;
  // Cheap test first: most items ask nothing.
  if (data_json.find("\"lang\"") == std::string_view::npos && data_json.find("\"requires\"") == std::string_view::npos) {
    return out;
  }
  ASSAY_ASSIGN_OR_RETURN(json data, base::ParseJson(data_json));
  if (!data.is_object()) return out;
  if (auto lang = data.find("lang"); lang != data.end() && !lang->is_null()) {
    if (!lang->is_string()) return base::Error::Invalid("data.lang must be a BCP 47 tag").Detail("field", "data.lang");
    auto tag = ParseLanguageTag(lang->get<std::string>());
    if (!tag) return base::Error::Invalid("data.lang is not a BCP 47 tag").Detail("field", "data.lang");
    Requirement r;
    r.kind = Requirement::Kind::kLanguage;
    r.language = *tag;
    r.min_level = "B2";
    out.push_back(std::move(r));
  }
  if (auto req = data.find("requires"); req != data.end() && !req->is_null()) {
    ASSAY_ASSIGN_OR_RETURN(std::vector<Requirement> more,
                           ParseRequirements(base::Dump(*req), "data.requires"));
    for (Requirement& r : more) out.push_back(std::move(r));
  }
  return out;
}

base::Result<Facts> LoadFacts(storage::Conn& c, std::string_view user_id, int64_t now_us) {
  Facts f;
  ASSAY_ASSIGN_OR_RETURN(storage::Rows p, c.Query("SELECT status FROM expert_profiles WHERE user_id = ?", {user_id}));
  if (!p.empty()) f.status = p[0].Text(0);
  // The newest grant row of each qualification is the current one.
  ASSAY_TRY(c.QueryEach(
      "SELECT g.qualification_id, g.value, g.revoked, g.expires_at_us FROM qualification_grants g "
      "WHERE g.user_id = ? AND g.id = (SELECT g2.id FROM qualification_grants g2 WHERE g2.user_id = g.user_id "
      "AND g2.qualification_id = g.qualification_id ORDER BY g2.granted_at_us DESC, g2.id DESC LIMIT 1)",
      {user_id}, [&](const storage::Row& r) -> base::Status {
        if (r.Int(2) == 0 && (r.IsNull(3) || r.Int(3) > now_us)) f.grants[r.Text(0)] = r.Text(1);
        return base::Ok();
      }));
  ASSAY_TRY(c.QueryEach("SELECT tag, level FROM expert_languages WHERE user_id = ?", {user_id},
                        [&](const storage::Row& r) -> base::Status {
                          f.languages.push_back({r.Text(0), r.Text(1)});
                          return base::Ok();
                        }));
  ASSAY_TRY(c.QueryEach("SELECT path FROM expert_domains WHERE user_id = ?", {user_id},
                        [&](const storage::Row& r) -> base::Status {
                          f.domains.push_back(r.Text(0));
                          return base::Ok();
                        }));
  return f;
}

bool Meets(const Requirement& r, const Facts& f) {
  switch (r.kind) {
    case Requirement::Kind::kLanguage:
      for (const LanguageSkill& l : f.languages) {
        if (LanguageMatches(r.language, l.tag) && (r.min_level.empty() || LevelRank(l.level) >= LevelRank(r.min_level))) {
          return true;
        }
      }
      return false;
    case Requirement::Kind::kDomain:
      for (const std::string& d : f.domains) {
        if (PathIsUnder(d, r.domain)) return true;
      }
      return false;
    case Requirement::Kind::kQualification: {
      auto it = f.grants.find(r.qualification_id);
      if (it == f.grants.end()) return false;
      if (r.op == "exists") return true;
      const json have = ParseOr(it->second);
      const json want = ParseOr(r.value_json);
      if (r.op == "in") {
        for (const json& w : want) {
          if (w == have || (w.is_string() && have.is_string() && Nfc(w.get<std::string>()) == Nfc(have.get<std::string>()))) {
            return true;
          }
        }
        return false;
      }
      if (have.is_number_integer() && want.is_number_integer()) {
        return CompareScale(r.op, have.get<int64_t>(), want.get<int64_t>());
      }
      if (r.op == "=" && have.is_string() && want.is_string()) {
        return Nfc(have.get<std::string>()) == Nfc(want.get<std::string>());
      }
      return r.op == "=" && have == want;
    }
  }
  return false;
}

std::optional<size_t> FirstUnmet(const std::vector<Requirement>& reqs, const Facts& facts) {
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (!Meets(reqs[i], facts)) return i;
  }
  return std::nullopt;
}

base::Error UnmetError(storage::Conn& c, const Requirement& r) {
  std::string message;
  switch (r.kind) {
    case Requirement::Kind::kLanguage:
      message = "This work needs " + DescribeLanguage(r.language) + (r.min_level.empty() ? "" : " at level " + r.min_level + " or better") +
                ". Add the language to your profile if you have it.";
      break;
    case Requirement::Kind::kDomain:
      message = "This work needs experience in " + r.domain + ". Add the domain to your profile if you have it.";
      break;
    case Requirement::Kind::kQualification: {
      std::string name = r.qualification_id;
      auto q = c.Query("SELECT name FROM qualifications WHERE id = ?", {r.qualification_id});
      if (q && !q->empty()) name = q->at(0).Text(0);
      const json v = r.value_json.empty() ? json() : ParseOr(r.value_json);
      std::string value = v.is_string() ? v.get<std::string>() : base::Dump(v);
      message = "This work needs the qualification \u201c" + name + "\u201d";
      if (r.op == ">=") message += " at " + value + " or more";
      if (r.op == "<=") message += " at " + value + " or less";
      if (r.op == "=") message += " at " + value;
      if (r.op == "in") message += " (one of " + value + ")";
      message += ". Qualifications come from a test, from your accuracy on gold items, or from a manager.";
      break;
    }
  }
  return base::Error(base::ErrorCode::kRequirementUnmet, message).DetailJson("requirement", r.Json());
}

}  // namespace people
