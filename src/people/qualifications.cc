// Qualifications and their grants: by hand with a reason, by a test (recruiting), by gold
// accuracy on live work (ApplyGoldAccuracy, called by the quality service).
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "people/internal.h"
#include "people/service.h"

namespace people {
namespace {

using accounts::Caller;
using accounts::Role;
using internal::BadField;
using nlohmann::json;

json ParseOr(std::string_view text) { return base::ParseJson(text).value_or(json()); }

constexpr std::string_view kQualificationSelect =
    "SELECT id, name, kind, min_value, max_value, allowed_values, description, gold_rule, created_at_us "
    "FROM qualifications ";

Qualification QualificationFromRow(const storage::Row& r) {
  Qualification q;
  q.id = r.Text(0);
  q.name = r.Text(1);
  q.kind = r.Text(2);
  q.min_value = r.OptInt(3);
  q.max_value = r.OptInt(4);
  for (const json& v : ParseOr(r.Text(5))) {
    if (v.is_string()) q.values.push_back(v);
  }
  q.description = r.Text(6);
  if (!r.IsNull(7)) {
    json g = ParseOr(r.Text(7));
    GoldRule rule;
    if (g.contains("project_id") && g["project_id"].is_string()) rule.project_id = g["project_id"];
    rule.min_answers = g.value("min_answers", int64_t{10});
    rule.threshold = g.value("threshold", 0.8);
    q.gold_rule = rule;
  }
  q.created_at_us = r.Int(8);
  return q;
}

base::Result<Qualification> LoadQualification(storage::Conn& c, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kQualificationSelect) + "WHERE id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such qualification");
  return QualificationFromRow(rows[0]);
}

// The grant's value as JSON text, checked against the qualification's kind.
base::Result<std::string> GrantValue(const Qualification& q, const std::optional<std::string>& value_json) {
  if (q.kind == "flag") {
    if (value_json && ParseOr(*value_json) != json(true)) return BadField("value", "a flag qualification takes true or nothing");
    return std::string("true");
  }
  if (!value_json) return BadField("value", "a " + q.kind + " qualification needs a value");
  const json v = ParseOr(*value_json);
  if (q.kind == "scale") {
    if (!v.is_number_integer() || v.get<int64_t>() < *q.min_value || v.get<int64_t>() > *q.max_value) {
      return BadField("value", "must be an integer from " + std::to_string(*q.min_value) + " to " +
                                   std::to_string(*q.max_value));
    }
    return base::CanonicalJson(v);
  }
  if (!v.is_string() || std::find(q.values.begin(), q.values.end(), v.get<std::string>()) == q.values.end()) {
    return BadField("value", "must be one of the qualification's values");
  }
  return base::CanonicalJson(v);
}

// The newest grant row of (qualification, user): {value, revoked, source}, or none.
base::Result<std::optional<storage::Row>> CurrentGrantRow(storage::Conn& c, std::string_view qual_id,
                                                          std::string_view user_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT value, revoked, source, expires_at_us FROM qualification_grants "
                                                     "WHERE qualification_id = ? AND user_id = ? "
                                                     "ORDER BY granted_at_us DESC, id DESC LIMIT 1",
                                                     {qual_id, user_id}));
  if (rows.empty()) return std::optional<storage::Row>();
  return std::optional<storage::Row>(rows[0]);
}

}  // namespace

base::Status LoadGrants(storage::Conn& c, std::string_view user_id, int64_t now_us, std::vector<Grant>& out) {
  return c.QueryEach(
      "SELECT g.id, g.qualification_id, q.name, g.user_id, g.value, g.source, g.reason, "
      "CASE WHEN u.name <> '' THEN u.name ELSE coalesce(u.email, '') END, g.granted_at_us, g.expires_at_us "
      "FROM qualification_grants g JOIN qualifications q ON q.id = g.qualification_id "
      "LEFT JOIN users u ON u.id = g.granted_by WHERE g.user_id = ? AND g.revoked = 0 "
      "AND (g.expires_at_us IS NULL OR g.expires_at_us > ?) AND g.id = (SELECT g2.id FROM qualification_grants g2 "
      "WHERE g2.user_id = g.user_id AND g2.qualification_id = g.qualification_id ORDER BY g2.granted_at_us DESC, "
      "g2.id DESC LIMIT 1) ORDER BY q.name",
      {user_id, now_us}, [&](const storage::Row& r) -> base::Status {
        out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Int(8),
                       r.OptInt(9)});
        return base::Ok();
      });
}

// Every row of the user's grants, newest first (at most 200): what she was granted, changed
// and had taken away, each with its reason.
base::Status LoadGrantHistory(storage::Conn& c, std::string_view user_id, std::vector<Grant>& out) {
  return c.QueryEach(
      "SELECT g.id, g.qualification_id, q.name, g.user_id, g.value, g.source, g.reason, "
      "CASE WHEN u.name <> '' THEN u.name ELSE coalesce(u.email, '') END, g.granted_at_us, g.expires_at_us, g.revoked "
      "FROM qualification_grants g JOIN qualifications q ON q.id = g.qualification_id "
      "LEFT JOIN users u ON u.id = g.granted_by WHERE g.user_id = ? ORDER BY g.granted_at_us DESC, g.id DESC LIMIT 200",
      {user_id}, [&](const storage::Row& r) -> base::Status {
        out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Int(8),
                       r.OptInt(9), r.Int(10) != 0});
        return base::Ok();
      });
}

base::Result<Qualification> Service::CreateQualification(const Caller& caller, const QualificationFields& f) {
  if (caller.role < Role::kManager) return base::Error::Forbidden("only managers create qualifications");
  if (f.name.empty() || f.name.size() > 200) return BadField("name", "1 to 200 characters");
  if (f.kind != "flag" && f.kind != "scale" && f.kind != "set") return BadField("kind", "must be flag, scale or set");
  if (f.description.size() > 5000) return BadField("description", "at most 5,000 characters");
  if (f.kind == "scale" && (!f.min_value || !f.max_value || *f.min_value > *f.max_value)) {
    return BadField("max", "a scale needs min and max with min ≤ max");
  }
  if (f.kind == "set" && (f.values.empty() || f.values.size() > 100)) return BadField("values", "a set needs 1 to 100 values");
  if (f.kind != "set" && !f.values.empty()) return BadField("values", "only a set qualification has values");
  if (f.gold_rule) {
    if (f.kind == "set") return BadField("gold_rule", "gold accuracy grants a flag or a scale (0 to 100)");
    if (f.kind == "scale" && (*f.min_value != 0 || *f.max_value != 100)) {
      return BadField("gold_rule", "a scale granted by gold accuracy runs from 0 to 100 (percent correct)");
    }
    if (!(f.gold_rule->threshold > 0 && f.gold_rule->threshold <= 1)) return BadField("gold_rule.threshold", "between 0 and 1");
    if (f.gold_rule->min_answers < 1 || f.gold_rule->min_answers > 100000) {
      return BadField("gold_rule.min_answers", "between 1 and 100,000");
    }
  }
  Qualification q;
  q.id = ids_.Next();
  q.name = f.name;
  q.kind = f.kind;
  if (f.kind == "scale") {
    q.min_value = f.min_value;
    q.max_value = f.max_value;
  }
  q.values = f.values;
  q.description = f.description;
  q.gold_rule = f.gold_rule;
  q.created_at_us = clock_.NowMicros();
  std::optional<std::string> rule;
  if (f.gold_rule) {
    json g = {{"min_answers", f.gold_rule->min_answers}, {"threshold", f.gold_rule->threshold}};
    if (f.gold_rule->project_id) g["project_id"] = *f.gold_rule->project_id;
    rule = base::CanonicalJson(g);
  }
  base::Status st = db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO qualifications (id, name, kind, min_value, max_value, allowed_values, description, "
                     "gold_rule, created_by, created_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {q.id, q.name, q.kind, q.min_value, q.max_value,
                      f.kind == "set" ? std::optional<std::string>(base::CanonicalJson(json(q.values))) : std::nullopt,
                      q.description, rule, caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id),
                      q.created_at_us}));
    return base::Ok();
  });
  if (!st && st.error().code() == base::ErrorCode::kConflict) {
    return base::Error::Conflict("a qualification with this name exists").Detail("field", "name");
  }
  ASSAY_TRY(st);
  if (qualifications_changed_) qualifications_changed_();
  return q;
}

base::Result<std::vector<Qualification>> Service::ListQualifications(const Caller&) {
  std::vector<Qualification> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach(std::string(kQualificationSelect) + "ORDER BY name LIMIT 1000", {},
                       [&](const storage::Row& r) -> base::Status {
                         out.push_back(QualificationFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<Grant> Service::GrantQualification(const Caller& caller, std::string_view qual_id, const GrantFields& f) {
  if (caller.role < Role::kManager) return base::Error::Forbidden("only managers grant qualifications");
  std::string reason = f.reason;
  while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) reason.pop_back();
  if (reason.size() < 3) return BadField("reason", "a grant needs a reason the expert can read");
  if (reason.size() > 5000) return BadField("reason", "at most 5,000 characters");
  const int64_t now = clock_.NowMicros();
  if (f.expires_at_us && *f.expires_at_us <= now) return BadField("expires_at", "must be in the future");
  Grant out;
  const std::string id = ids_.Next();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Qualification q, LoadQualification(c, qual_id));
    ASSAY_ASSIGN_OR_RETURN(std::string value, GrantValue(q, f.value_json));
    ASSAY_ASSIGN_OR_RETURN(std::string user_id, ResolveUser(c, f.user));
    ASSAY_TRY(c.Exec("INSERT INTO qualification_grants (id, qualification_id, user_id, value, source, reason, revoked, "
                     "granted_by, granted_at_us, expires_at_us) VALUES (?, ?, ?, ?, 'manual', ?, 0, ?, ?, ?)",
                     {id, q.id, user_id, value, reason,
                      caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id), now, f.expires_at_us}));
    std::vector<Grant> all;
    ASSAY_TRY(LoadGrants(c, user_id, now, all));
    for (Grant& g : all) {
      if (g.id == id) out = std::move(g);
    }
    return base::Ok();
  }));
  return out;
}

base::Status Service::RevokeQualification(const Caller& caller, std::string_view qual_id, std::string_view user_id,
                                          std::string_view reason) {
  if (caller.role < Role::kManager) return base::Error::Forbidden("only managers revoke qualifications");
  if (reason.size() < 3) return BadField("reason", "a revocation needs a reason the expert can read");
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(LoadQualification(c, qual_id));
    ASSAY_ASSIGN_OR_RETURN(auto current, CurrentGrantRow(c, qual_id, user_id));
    if (!current || current->Int(1) != 0) return base::Error::NotFound("she does not hold this qualification");
    ASSAY_TRY(c.Exec("INSERT INTO qualification_grants (id, qualification_id, user_id, value, source, reason, revoked, "
                     "granted_by, granted_at_us) VALUES (?, ?, ?, ?, 'manual', ?, 1, ?, ?)",
                     {ids_.Next(), qual_id, user_id, current->Text(0), reason,
                      caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id), clock_.NowMicros()}));
    return base::Ok();
  });
}

base::Result<std::vector<Grant>> Service::MyGrants(const Caller& caller) {
  std::vector<Grant> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) { return LoadGrants(c, caller.user_id, clock_.NowMicros(), out); }));
  return out;
}

base::Result<std::vector<Qualification>> Service::GoldRuleQualifications() {
  std::vector<Qualification> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach(std::string(kQualificationSelect) + "WHERE gold_rule IS NOT NULL ORDER BY id", {},
                       [&](const storage::Row& r) -> base::Status {
                         out.push_back(QualificationFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Status Service::ApplyGoldAccuracy(std::string_view qual_id, std::string_view user_id, int64_t correct,
                                        int64_t total) {
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Qualification q, LoadQualification(c, qual_id));
    if (!q.gold_rule || total < q.gold_rule->min_answers || total <= 0) return base::Ok();
    const double accuracy = static_cast<double>(correct) / static_cast<double>(total);
    const bool holds = accuracy >= q.gold_rule->threshold;
    const std::string value = q.kind == "scale" ? std::to_string(std::lround(accuracy * 100)) : "true";
    ASSAY_ASSIGN_OR_RETURN(auto current, CurrentGrantRow(c, qual_id, user_id));
    const bool held = current && current->Int(1) == 0;
    // A grant by hand or by a test is a person's decision: gold accuracy does not undo it.
    if (held && current->Text(2) != "gold") return base::Ok();
    const std::string percent = std::to_string(std::lround(accuracy * 100)) + "%";
    const std::string facts = std::to_string(correct) + " of " + std::to_string(total) + " gold answers right (" +
                              percent + "; the threshold is " +
                              std::to_string(std::lround(q.gold_rule->threshold * 100)) + "%)";
    std::string reason;
    int revoked = 0;
    if (holds && (!held || current->Text(0) != value)) {
      reason = (held ? "Updated from gold accuracy: " : "Granted for gold accuracy: ") + facts;
    } else if (!holds && held) {
      reason = "Revoked: gold accuracy fell below the threshold: " + facts;
      revoked = 1;
    } else {
      return base::Ok();
    }
    ASSAY_TRY(c.Exec("INSERT INTO qualification_grants (id, qualification_id, user_id, value, source, reason, revoked, "
                     "granted_by, granted_at_us) VALUES (?, ?, ?, ?, 'gold', ?, ?, NULL, ?)",
                     {ids_.Next(), qual_id, user_id, value, reason, revoked, clock_.NowMicros()}));
    return base::Ok();
  });
}

}  // namespace people
