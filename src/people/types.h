// Plain data of people: expert profiles and their history, credentials, qualifications and
// grants, contracts and acceptances. Times are µs since the Unix epoch UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace people {

// applicant → vetting → active ⇄ paused → removed (removed is final but for an admin).
inline constexpr const char* kStatuses[] = {"applicant", "vetting", "active", "paused", "removed"};

struct LanguageSkill {
  std::string tag;    // BCP 47, e.g. "ar-EG"
  std::string level;  // A1 … C2 | native
};

struct Profile {
  std::string user_id;
  std::string email;
  std::string name;
  std::string headline;
  std::string bio;
  std::vector<std::string> domains;  // taxonomy paths, e.g. "medicine/cardiology"
  std::vector<LanguageSkill> languages;
  std::optional<int64_t> rate_cents;  // hourly
  std::string currency = "USD";
  std::string timezone = "UTC";
  std::optional<int64_t> availability_hours;  // per week
  std::string status = "active";
  int64_t updated_at_us = 0;
};

// What PUT /me/profile changes (all of it: a PUT).
struct ProfileFields {
  std::string headline;
  std::string bio;
  std::vector<std::string> domains;
  std::vector<LanguageSkill> languages;
  std::optional<int64_t> rate_cents;
  std::string currency = "USD";
  std::string timezone = "UTC";
  std::optional<int64_t> availability_hours;
};

struct StatusChange {
  std::string from;
  std::string to;
  std::string reason;
  std::string changed_by_name;  // "" for the system
  int64_t at_us = 0;
};

struct Credential {
  std::string id;
  std::string user_id;
  std::string kind;  // degree | licence | certification
  std::string title;
  std::string issuer;
  std::string number;
  std::string country;
  std::optional<std::string> expires_on;  // YYYY-MM-DD
  std::optional<std::string> evidence_type;
  std::optional<int64_t> evidence_bytes;
  std::string status = "unverified";  // unverified | verified | rejected
  std::optional<std::string> verified_by_name;
  std::optional<int64_t> verified_at_us;
  std::string note;
  int64_t created_at_us = 0;
};

struct CredentialFields {
  std::string kind;
  std::string title;
  std::string issuer;
  std::string number;
  std::string country;
  std::optional<std::string> expires_on;
};

// Granted by gold accuracy on live work: recomputed as reviews and gold answers arrive.
struct GoldRule {
  std::optional<std::string> project_id;  // none: every project
  int64_t min_answers = 10;               // gold answers scored before anything is granted
  double threshold = 0.8;                 // accuracy to hold the grant (flag) / scale value = round(100·acc)
};

struct Qualification {
  std::string id;
  std::string name;
  std::string kind;  // flag | scale | set
  std::optional<int64_t> min_value, max_value;  // scale
  std::vector<std::string> values;              // set
  std::string description;
  std::optional<GoldRule> gold_rule;
  int64_t created_at_us = 0;
};

struct Grant {
  std::string id;
  std::string qualification_id;
  std::string qualification_name;
  std::string user_id;
  std::string value_json;  // true | 3 | "B2"
  std::string source;      // test | gold | manual
  std::string reason;
  std::string granted_by_name;
  int64_t granted_at_us = 0;
  std::optional<int64_t> expires_at_us;
  bool revoked = false;  // a revocation row (in a history): value_json is what was taken away
};

struct Contract {
  std::string id;  // this version
  std::string family_id;
  int64_t version = 1;
  std::string title;
  std::string body;  // markdown
  std::string sha256;
  int64_t created_at_us = 0;
};

struct Acceptance {
  std::string id;
  std::string contract_id;
  std::string user_id;
  std::string sha256;
  int64_t accepted_at_us = 0;
  std::string address;
  std::string user_agent;
  std::string title;  // the contract's
  int64_t version = 1;
};

struct DirectoryFilter {
  std::optional<std::string> domain;         // the path or anything under it
  std::optional<std::string> language;       // BCP 47 range ("ar" matches "ar-EG")
  std::optional<std::string> qualification;  // id: holds a current grant
  std::optional<std::string> status;
  std::optional<int64_t> max_rate_cents;
  std::string query;  // name, email or headline contains (NFC, case-insensitive for ASCII)
  int limit = 100;
  std::string cursor;
};

}  // namespace people
