// People routes: my profile, credentials and evidence, the experts directory and profiles,
// statuses, the taxonomy, qualifications and grants, contracts and acceptances. Adapt
// people::Service; no rules here.
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/file.h"
#include "base/json.h"

namespace api {
namespace {

using base::Result;
using http::Response;
using nlohmann::json;

json ParsedOr(const std::string& text) { return base::ParseJson(text).value_or(json(nullptr)); }

json ProfileJson(const people::Profile& p) {
  json languages = json::array();
  for (const people::LanguageSkill& l : p.languages) languages.push_back({{"tag", l.tag}, {"level", l.level}});
  return {{"user_id", p.user_id},
          {"email", p.email},
          {"name", p.name},
          {"headline", p.headline},
          {"bio", p.bio},
          {"domains", p.domains},
          {"languages", languages},
          {"rate_cents", p.rate_cents ? json(*p.rate_cents) : json(nullptr)},
          {"currency", p.currency},
          {"timezone", p.timezone},
          {"availability_hours", p.availability_hours ? json(*p.availability_hours) : json(nullptr)},
          {"status", p.status},
          {"updated_at", Time(p.updated_at_us)}};
}

json CredentialJson(const people::Credential& c) {
  return {{"id", c.id},
          {"kind", c.kind},
          {"title", c.title},
          {"issuer", c.issuer},
          {"number", c.number},
          {"country", c.country},
          {"expires_on", c.expires_on ? json(*c.expires_on) : json(nullptr)},
          {"evidence", c.evidence_type ? json{{"content_type", *c.evidence_type}, {"bytes", c.evidence_bytes.value_or(0)}}
                                       : json(nullptr)},
          {"status", c.status},
          {"verified_by", c.verified_by_name ? json(*c.verified_by_name) : json(nullptr)},
          {"verified_at", OptTime(c.verified_at_us)},
          {"note", c.note},
          {"created_at", Time(c.created_at_us)}};
}

json GrantJson(const people::Grant& g) {
  return {{"id", g.id},
          {"qualification_id", g.qualification_id},
          {"qualification", g.qualification_name},
          {"value", ParsedOr(g.value_json)},
          {"source", g.source},
          {"reason", g.reason},
          {"granted_by", g.granted_by_name},
          {"granted_at", Time(g.granted_at_us)},
          {"expires_at", OptTime(g.expires_at_us)}};
}

json AcceptanceJson(const people::Acceptance& a) {
  return {{"id", a.id},          {"contract_id", a.contract_id}, {"title", a.title},
          {"version", a.version}, {"sha256", a.sha256},          {"accepted_at", Time(a.accepted_at_us)},
          {"address", a.address}, {"user_agent", a.user_agent}};
}

json ViewJson(const people::ExpertView& v) {
  json out = ProfileJson(v.profile);
  json history = json::array(), credentials = json::array(), grants = json::array(), contracts = json::array();
  for (const people::StatusChange& h : v.history) {
    history.push_back({{"from", h.from}, {"to", h.to}, {"reason", h.reason}, {"by", h.changed_by_name}, {"at", Time(h.at_us)}});
  }
  for (const people::Credential& c : v.credentials) credentials.push_back(CredentialJson(c));
  for (const people::Grant& g : v.grants) grants.push_back(GrantJson(g));
  json grant_history = json::array();
  for (const people::Grant& g : v.grant_history) {
    json row = GrantJson(g);
    row["revoked"] = g.revoked;
    grant_history.push_back(std::move(row));
  }
  for (const people::Acceptance& a : v.acceptances) contracts.push_back(AcceptanceJson(a));
  out["history"] = history;
  out["credentials"] = credentials;
  out["qualifications"] = grants;
  out["qualification_history"] = grant_history;
  out["contracts"] = contracts;
  return out;
}

json QualificationJson(const people::Qualification& q) {
  json out = {{"id", q.id},
              {"name", q.name},
              {"kind", q.kind},
              {"description", q.description},
              {"created_at", Time(q.created_at_us)}};
  if (q.kind == "scale") {
    out["min"] = *q.min_value;
    out["max"] = *q.max_value;
  }
  if (q.kind == "set") out["values"] = q.values;
  if (q.gold_rule) {
    out["gold_rule"] = {{"min_answers", q.gold_rule->min_answers}, {"threshold", q.gold_rule->threshold}};
    if (q.gold_rule->project_id) out["gold_rule"]["project_id"] = *q.gold_rule->project_id;
  } else {
    out["gold_rule"] = nullptr;
  }
  return out;
}

json ContractJson(const people::Contract& k, bool with_body) {
  json out = {{"id", k.id},       {"family_id", k.family_id}, {"version", k.version},
              {"title", k.title}, {"sha256", k.sha256},       {"created_at", Time(k.created_at_us)}};
  if (with_body) out["body"] = k.body;
  return out;
}

Result<std::optional<int64_t>> OptInt(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return base::Error::Invalid(std::string(key) + " must be an integer").Detail("field", key);
  return std::optional<int64_t>(it->get<int64_t>());
}

Result<std::vector<std::string>> StringList(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return base::Error::Invalid(std::string(key) + " must be a list").Detail("field", key);
  for (const json& v : *it) {
    if (!v.is_string()) return base::Error::Invalid(std::string(key) + " must be a list of strings").Detail("field", key);
    out.push_back(v);
  }
  return out;
}

Response Json(int status, const json& j) { return Response::Json(status, base::Dump(j)); }

}  // namespace

Result<Response> GetMyProfile(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(people::ExpertView v, d.people->MyProfile(*call.caller));
  return Json(200, ViewJson(v));
}

Result<Response> PutMyProfile(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  static const char* kKeys[] = {"headline", "bio", "domains", "languages", "rate_cents", "currency", "timezone",
                                "availability_hours"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(std::begin(kKeys), std::end(kKeys), it.key()) == std::end(kKeys)) {
      return base::Error::Invalid(it.key() + " is not a field of a profile").Detail("field", it.key());
    }
  }
  people::ProfileFields f;
  ASSAY_ASSIGN_OR_RETURN(f.headline, StringField(j, "headline", false));
  ASSAY_ASSIGN_OR_RETURN(f.bio, StringField(j, "bio", false));
  ASSAY_ASSIGN_OR_RETURN(f.domains, StringList(j, "domains"));
  ASSAY_ASSIGN_OR_RETURN(f.rate_cents, OptInt(j, "rate_cents"));
  ASSAY_ASSIGN_OR_RETURN(f.availability_hours, OptInt(j, "availability_hours"));
  ASSAY_ASSIGN_OR_RETURN(std::string currency, StringField(j, "currency", false));
  if (!currency.empty()) f.currency = currency;
  ASSAY_ASSIGN_OR_RETURN(std::string tz, StringField(j, "timezone", false));
  if (!tz.empty()) f.timezone = tz;
  if (auto langs = j.find("languages"); langs != j.end() && !langs->is_null()) {
    if (!langs->is_array()) return base::Error::Invalid("languages must be a list").Detail("field", "languages");
    for (size_t i = 0; i < langs->size(); ++i) {
      const json& l = (*langs)[i];
      const std::string at = "languages[" + std::to_string(i) + "]";
      if (!l.is_object() || !l.contains("tag") || !l["tag"].is_string() || !l.contains("level") || !l["level"].is_string()) {
        return base::Error::Invalid(at + " must be {tag, level}").Detail("field", at);
      }
      f.languages.push_back({l["tag"], l["level"]});
    }
  }
  ASSAY_ASSIGN_OR_RETURN(people::Profile p, d.people->UpdateMyProfile(*call.caller, f));
  return Json(200, ProfileJson(p));
}

Result<Response> AddMyCredential(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  people::CredentialFields f;
  ASSAY_ASSIGN_OR_RETURN(f.kind, StringField(j, "kind"));
  ASSAY_ASSIGN_OR_RETURN(f.title, StringField(j, "title"));
  ASSAY_ASSIGN_OR_RETURN(f.issuer, StringField(j, "issuer", false));
  ASSAY_ASSIGN_OR_RETURN(f.number, StringField(j, "number", false));
  ASSAY_ASSIGN_OR_RETURN(f.country, StringField(j, "country", false));
  ASSAY_ASSIGN_OR_RETURN(std::string expires, StringField(j, "expires_on", false));
  if (!expires.empty()) f.expires_on = expires;
  ASSAY_ASSIGN_OR_RETURN(people::Credential c, d.people->AddCredential(*call.caller, f));
  return Json(201, CredentialJson(c));
}

Result<Response> PutEvidence(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(people::Credential c, d.people->AttachEvidence(*call.caller, call.params.Get("credential_id"),
                                                                        call.http.ContentType(), call.http.body));
  return Json(200, CredentialJson(c));
}

Result<Response> GetEvidence(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(people::EvidenceFile f, d.people->Evidence(*call.caller, call.params.Get("credential_id")));
  ASSAY_ASSIGN_OR_RETURN(std::string bytes, base::ReadFile(f.path));
  Response r = Response::Text(200, std::move(bytes), f.content_type);
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + f.download_name + "\"");
  r.SetHeader("Content-Security-Policy", "sandbox");  // never run as a page of ours
  r.SetHeader("Cache-Control", "private, no-store");
  return r;
}

Result<Response> VerifyCredential(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string status, StringField(j, "status"));
  ASSAY_ASSIGN_OR_RETURN(std::string note, StringField(j, "note", false));
  ASSAY_ASSIGN_OR_RETURN(people::Credential c,
                         d.people->VerifyCredential(*call.caller, call.params.Get("credential_id"), status, note));
  return Json(200, CredentialJson(c));
}

Result<Response> ListExperts(Deps& d, const Call& call) {
  people::DirectoryFilter f;
  f.domain = call.http.QueryParam("domain");
  f.language = call.http.QueryParam("language");
  f.qualification = call.http.QueryParam("qualification");
  f.status = call.http.QueryParam("status");
  f.query = call.http.QueryParam("q").value_or("");
  f.cursor = call.http.QueryParam("cursor").value_or("");
  if (call.http.QueryParam("limit")) f.limit = LimitParam(call);  // 1 … 500, like every list
  if (auto rate = call.http.QueryParam("max_rate_cents")) {
    char* end = nullptr;
    const long long v = std::strtoll(rate->c_str(), &end, 10);
    if (rate->empty() || *end != '\0' || v < 0) {
      return base::Error::Invalid("max_rate_cents must be a number of cents").Detail("field", "max_rate_cents");
    }
    f.max_rate_cents = v;
  }
  std::optional<std::string> next;
  ASSAY_ASSIGN_OR_RETURN(std::vector<people::Profile> list, d.people->Directory(*call.caller, f, &next));
  json experts = json::array();
  for (const people::Profile& p : list) experts.push_back(ProfileJson(p));
  return Json(200, {{"experts", experts}, {"next_cursor", next ? json(*next) : json(nullptr)}});
}

Result<Response> GetExpert(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(people::ExpertView v, d.people->GetExpert(*call.caller, call.params.Get("user_id")));
  json out = ViewJson(v);
  // What the page may offer: the moves SetStatus would allow this caller (managers, admins).
  if (call.caller->role >= accounts::Role::kManager) {
    out["status_moves"] = people::StatusMoves(v.profile.status, call.caller->role == accounts::Role::kAdmin);
  }
  return Json(200, out);
}

Result<Response> SetExpertStatus(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string status, StringField(j, "status"));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason", false));
  ASSAY_ASSIGN_OR_RETURN(people::Profile p, d.people->SetStatus(*call.caller, call.params.Get("user_id"), status, reason));
  return Json(200, ProfileJson(p));
}

Result<Response> GetTaxonomy(Deps& d, const Call&) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<people::TaxonomyPath> paths, d.people->Taxonomy());
  json out = json::array();
  for (const people::TaxonomyPath& t : paths) out.push_back({{"path", t.path}, {"label", t.label}, {"builtin", t.builtin}});
  return Json(200, {{"paths", out}});
}

Result<Response> AddTaxonomyPath(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string path, StringField(j, "path"));
  ASSAY_ASSIGN_OR_RETURN(std::string label, StringField(j, "label"));
  ASSAY_TRY(d.people->AddTaxonomyPath(*call.caller, path, label));
  return Json(201, {{"path", path}, {"label", label}, {"builtin", false}});
}

Result<Response> ListQualifications(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<people::Qualification> list, d.people->ListQualifications(*call.caller));
  json out = json::array();
  for (const people::Qualification& q : list) out.push_back(QualificationJson(q));
  return Json(200, {{"qualifications", out}});
}

Result<Response> CreateQualification(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  people::QualificationFields f;
  ASSAY_ASSIGN_OR_RETURN(f.name, StringField(j, "name"));
  ASSAY_ASSIGN_OR_RETURN(f.kind, StringField(j, "kind"));
  ASSAY_ASSIGN_OR_RETURN(f.description, StringField(j, "description", false));
  ASSAY_ASSIGN_OR_RETURN(f.min_value, OptInt(j, "min"));
  ASSAY_ASSIGN_OR_RETURN(f.max_value, OptInt(j, "max"));
  ASSAY_ASSIGN_OR_RETURN(f.values, StringList(j, "values"));
  if (auto g = j.find("gold_rule"); g != j.end() && !g->is_null()) {
    if (!g->is_object()) return base::Error::Invalid("gold_rule must be an object").Detail("field", "gold_rule");
    people::GoldRule rule;
    if (g->contains("project_id")) {
      ASSAY_ASSIGN_OR_RETURN(std::string project, StringField(*g, "project_id"));
      rule.project_id = project;
    }
    if (g->contains("min_answers") && !(*g)["min_answers"].is_number_integer()) {
      return base::Error::Invalid("gold_rule.min_answers must be an integer").Detail("field", "gold_rule.min_answers");
    }
    if (g->contains("threshold") && !(*g)["threshold"].is_number()) {
      return base::Error::Invalid("gold_rule.threshold must be a number").Detail("field", "gold_rule.threshold");
    }
    rule.min_answers = g->value("min_answers", rule.min_answers);
    rule.threshold = g->value("threshold", rule.threshold);
    f.gold_rule = rule;
  }
  ASSAY_ASSIGN_OR_RETURN(people::Qualification q, d.people->CreateQualification(*call.caller, f));
  return Json(201, QualificationJson(q));
}

Result<Response> GrantQualification(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  people::GrantFields f;
  ASSAY_ASSIGN_OR_RETURN(f.user, StringField(j, "user_id", false));
  if (f.user.empty()) {
    ASSAY_ASSIGN_OR_RETURN(f.user, StringField(j, "email"));
  }
  if (auto v = j.find("value"); v != j.end() && !v->is_null()) f.value_json = base::Dump(*v);
  ASSAY_ASSIGN_OR_RETURN(f.reason, StringField(j, "reason", false));
  ASSAY_ASSIGN_OR_RETURN(f.expires_at_us, TimeField(j, "expires_at"));
  ASSAY_ASSIGN_OR_RETURN(people::Grant g,
                         d.people->GrantQualification(*call.caller, call.params.Get("qualification_id"), f));
  return Json(201, GrantJson(g));
}

Result<Response> RevokeQualification(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string user, StringField(j, "user_id"));
  ASSAY_ASSIGN_OR_RETURN(std::string reason, StringField(j, "reason", false));
  ASSAY_TRY(d.people->RevokeQualification(*call.caller, call.params.Get("qualification_id"), user, reason));
  return Json(200, {{"revoked", true}});
}

Result<Response> MyQualifications(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<people::Grant> grants, d.people->MyGrants(*call.caller));
  json out = json::array();
  for (const people::Grant& g : grants) out.push_back(GrantJson(g));
  return Json(200, {{"qualifications", out}});
}

Result<Response> ListContracts(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<people::Contract> list, d.people->ListContracts(*call.caller));
  json out = json::array();
  for (const people::Contract& k : list) out.push_back(ContractJson(k, false));
  return Json(200, {{"contracts", out}});
}

Result<Response> CreateContract(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string title, StringField(j, "title"));
  ASSAY_ASSIGN_OR_RETURN(std::string body, StringField(j, "body"));
  ASSAY_ASSIGN_OR_RETURN(people::Contract k, d.people->CreateContract(*call.caller, title, body));
  return Json(201, ContractJson(k, true));
}

Result<Response> NewContractVersion(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string title, StringField(j, "title", false));
  ASSAY_ASSIGN_OR_RETURN(std::string body, StringField(j, "body"));
  ASSAY_ASSIGN_OR_RETURN(people::Contract k,
                         d.people->NewContractVersion(*call.caller, call.params.Get("contract_id"), title, body));
  return Json(201, ContractJson(k, true));
}

Result<Response> GetContract(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(people::Contract k, d.people->GetContract(*call.caller, call.params.Get("contract_id")));
  return Json(200, ContractJson(k, true));
}

Result<Response> AcceptContract(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(people::AcceptResult a,
                         d.people->Accept(*call.caller, call.params.Get("contract_id"), call.http.remote_address,
                                          call.http.GetHeader("user-agent")));
  return Json(a.created ? 201 : 200, AcceptanceJson(a.acceptance));
}

Result<Response> MyContracts(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<people::Acceptance> list, d.people->MyAcceptances(*call.caller));
  json out = json::array();
  for (const people::Acceptance& a : list) out.push_back(AcceptanceJson(a));
  return Json(200, {{"contracts", out}});
}

Result<Response> DownloadAcceptance(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::string doc, d.people->AcceptanceDocument(*call.caller, call.params.Get("acceptance_id")));
  Response r = Response::Text(200, std::move(doc), "text/markdown; charset=utf-8");
  r.SetHeader("Content-Disposition",
              "attachment; filename=\"contract-" + std::string(call.params.Get("acceptance_id")).substr(0, 40) + ".md\"");
  return r;
}

}  // namespace api
