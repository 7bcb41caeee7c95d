// What a project (or one item) asks of the expert it is leased to, and whether she has it.
//
// A requirement list is JSON, as projects take it (`requirements`) and items carry it
// (`requires`, or a `lang` tag, which means that language at B2 or better):
//   [{"qualification": "<id>", "op": "exists" | "=" | ">=" | "<=" | "in", "value": …},
//    {"language": "ar", "level": "C1"},          // level optional (any level)
//    {"domain": "medicine/cardiology"}]           // she has the path or one under it
// A flag qualification takes "exists"; a scale one compares integers; a set one compares its
// strings ("in": an array). A grant that expired or was revoked is no grant.
//
//   ASSAY_ASSIGN_OR_RETURN(auto reqs, people::ParseRequirements(text));
//   ASSAY_ASSIGN_OR_RETURN(people::Facts facts, people::LoadFacts(conn, user_id, now));
//   if (auto unmet = people::FirstUnmet(reqs, facts)) … people::UnmetError(conn, reqs[*unmet])
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "people/types.h"
#include "storage/db.h"

namespace people {

struct Requirement {
  enum class Kind { kQualification, kLanguage, kDomain } kind = Kind::kQualification;
  std::string qualification_id;
  std::string op = "exists";
  std::string value_json;  // "" for exists
  std::string language;    // a BCP 47 range
  std::string min_level;   // "" = any
  std::string domain;
  std::string Json() const;  // canonical: what details.requirement shows
};

// Syntax and values; which qualifications exist is checked by CheckRequirements. `field` names
// the request field in errors ("requirements", "data.requires").
base::Result<std::vector<Requirement>> ParseRequirements(std::string_view json_text,
                                                         std::string_view field = "requirements");
// Every qualification named exists and the op and value fit its kind.
base::Status CheckRequirements(storage::Conn& c, const std::vector<Requirement>& reqs,
                               std::string_view field = "requirements");
// Canonical JSON of a list (sorted keys, in order): equal lists give equal text.
std::string RequirementsJson(const std::vector<Requirement>& reqs);
// The requirements an item's data asks: `lang` and `requires` (see above); empty when none.
base::Result<std::vector<Requirement>> ItemRequirements(std::string_view item_data_json);

// What is known of an expert for matching.
struct Facts {
  std::string status = "active";
  std::map<std::string, std::string> grants;  // qualification id → value JSON (current grants)
  std::vector<LanguageSkill> languages;
  std::vector<std::string> domains;
};
base::Result<Facts> LoadFacts(storage::Conn& c, std::string_view user_id, int64_t now_us);
bool Meets(const Requirement& r, const Facts& facts);
// The index of the first requirement the facts do not meet.
std::optional<size_t> FirstUnmet(const std::vector<Requirement>& reqs, const Facts& facts);
// The refusal for an unmet requirement: RequirementUnmet (403 failed_precondition), in words
// ("This project needs the qualification “Cardiology board” at 3 or more."), with
// details.requirement the requirement as JSON.
base::Error UnmetError(storage::Conn& c, const Requirement& r);

}  // namespace people
