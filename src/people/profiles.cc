// Expert profiles, their status and its history, the directory, the taxonomy.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "accounts/service.h"
#include "people/internal.h"
#include "people/languages.h"
#include "people/service.h"

namespace people {
namespace {

using accounts::Caller;
using accounts::Role;
using internal::BadField;

bool ValidTimezone(std::string_view tz) {
  if (tz == "UTC") return true;
  if (tz.empty() || tz.size() > 64 || tz.front() == '/' || tz.find("..") != std::string_view::npos) return false;
  for (char c : tz) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  }
  if (tz.find('/') == std::string_view::npos) return false;
  // Where the system has the tz database, the zone must be in it.
  const std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
  std::error_code ec;
  return !std::filesystem::is_directory(zoneinfo, ec) || std::filesystem::is_regular_file(zoneinfo / tz, ec);
}

// The status moves of service.h.
bool MoveAllowed(std::string_view from, std::string_view to, bool admin) {
  if (from == to) return false;
  if (to == "removed") return true;
  if (from == "removed") return admin && to == "active";
  if (from == "applicant") return to == "vetting" || to == "active";
  if (from == "vetting") return to == "active" || to == "applicant";
  if (from == "active") return to == "paused";
  if (from == "paused") return to == "active";
  return false;
}

bool ValidStatus(std::string_view s) {
  for (const char* k : kStatuses) {
    if (s == k) return true;
  }
  return false;
}

bool IsStaff(const Caller& c) { return c.role >= Role::kReviewer; }
bool IsManager(const Caller& c) { return c.role >= Role::kManager; }

constexpr std::string_view kProfileSelect =
    "SELECT u.id, u.email, u.name, coalesce(p.headline, ''), coalesce(p.bio, ''), p.rate_cents, "
    "coalesce(p.currency, 'USD'), coalesce(p.timezone, 'UTC'), p.availability_hours, coalesce(p.status, 'active'), "
    "coalesce(p.updated_at_us, u.created_at_us) FROM users u LEFT JOIN expert_profiles p ON p.user_id = u.id ";

Profile ProfileFromRow(const storage::Row& r) {
  Profile p;
  p.user_id = r.Text(0);
  p.email = r.Text(1);
  p.name = r.Text(2);
  p.headline = r.Text(3);
  p.bio = r.Text(4);
  p.rate_cents = r.OptInt(5);
  p.currency = r.Text(6);
  p.timezone = r.Text(7);
  p.availability_hours = r.OptInt(8);
  p.status = r.Text(9);
  p.updated_at_us = r.Int(10);
  return p;
}

base::Status LoadLists(storage::Conn& c, Profile& p) {
  ASSAY_TRY(c.QueryEach("SELECT path FROM expert_domains WHERE user_id = ? ORDER BY path", {p.user_id},
                        [&](const storage::Row& r) -> base::Status {
                          p.domains.push_back(r.Text(0));
                          return base::Ok();
                        }));
  return c.QueryEach("SELECT tag, level FROM expert_languages WHERE user_id = ? ORDER BY tag", {p.user_id},
                     [&](const storage::Row& r) -> base::Status {
                       p.languages.push_back({r.Text(0), r.Text(1)});
                       return base::Ok();
                     });
}

base::Result<Profile> LoadProfile(storage::Conn& c, std::string_view user_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kProfileSelect) + "WHERE u.id = ?", {user_id}));
  if (rows.empty()) return base::Error::NotFound("no such expert");
  Profile p = ProfileFromRow(rows[0]);
  ASSAY_TRY(LoadLists(c, p));
  return p;
}

// The profile row, created when missing (every user has an implicit active profile).
base::Status EnsureProfileRow(storage::Conn& c, std::string_view user_id, int64_t now) {
  ASSAY_TRY(c.Exec("INSERT INTO expert_profiles (user_id, updated_at_us) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
                   {user_id, now}));
  return base::Ok();
}

}  // namespace

// Defined in qualifications.cc / credentials.cc / contracts.cc: the rest of an ExpertView.
base::Status LoadGrants(storage::Conn& c, std::string_view user_id, int64_t now_us, std::vector<Grant>& out);
base::Status LoadGrantHistory(storage::Conn& c, std::string_view user_id, std::vector<Grant>& out);
base::Status LoadCredentials(storage::Conn& c, std::string_view user_id, std::vector<Credential>& out);
base::Status LoadAcceptances(storage::Conn& c, std::string_view user_id, std::vector<Acceptance>& out);

namespace {

base::Result<ExpertView> LoadView(storage::Conn& c, std::string_view user_id, int64_t now) {
  ExpertView v;
  ASSAY_ASSIGN_OR_RETURN(v.profile, LoadProfile(c, user_id));
  ASSAY_TRY(c.QueryEach("SELECT h.from_status, h.to_status, h.reason, CASE WHEN u.name <> '' THEN u.name ELSE coalesce(u.email, '') END, "
                        "h.changed_at_us "
                        "FROM expert_status_changes h LEFT JOIN users u ON u.id = h.changed_by WHERE h.user_id = ? "
                        "ORDER BY h.changed_at_us, h.id",
                        {user_id}, [&](const storage::Row& r) -> base::Status {
                          v.history.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)});
                          return base::Ok();
                        }));
  ASSAY_TRY(LoadCredentials(c, user_id, v.credentials));
  ASSAY_TRY(LoadGrants(c, user_id, now, v.grants));
  ASSAY_TRY(LoadGrantHistory(c, user_id, v.grant_history));
  ASSAY_TRY(LoadAcceptances(c, user_id, v.acceptances));
  return v;
}

}  // namespace

std::vector<std::string> StatusMoves(std::string_view from, bool admin) {
  std::vector<std::string> out;
  for (const char* to : kStatuses) {
    if (MoveAllowed(from, to, admin)) out.push_back(to);
  }
  return out;
}

Service::Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Options options)
    : db_(db), clock_(clock), ids_(ids), options_(std::move(options)) {}

base::Result<std::string> Service::ResolveUser(storage::Conn& c, std::string_view who) {
  // Stored emails are in accounts' normal form.
  const std::string email = accounts::NormalizeEmail(who);
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT id FROM users WHERE id = ? OR email = ?", {who, email}));
  if (rows.empty()) return base::Error::NotFound("no such user").Detail("field", "user");
  return rows[0].Text(0);
}

base::Result<ExpertView> Service::MyProfile(const Caller& caller) {
  ExpertView v;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(v, LoadView(c, caller.user_id, clock_.NowMicros()));
    return base::Ok();
  }));
  return v;
}

base::Result<Profile> Service::UpdateMyProfile(const Caller& caller, const ProfileFields& f) {
  if (caller.user_id.empty()) return base::Error::Invalid("a profile needs a user");
  if (f.headline.size() > 200) return BadField("headline", "at most 200 characters");
  if (f.bio.size() > 20000) return BadField("bio", "at most 20,000 characters");
  if (f.domains.size() > 30) return BadField("domains", "at most 30");
  if (f.languages.size() > 30) return BadField("languages", "at most 30");
  if (f.rate_cents && (*f.rate_cents < 0 || *f.rate_cents > 10'000'000)) {
    return BadField("rate_cents", "must be between 0 and 10,000,000 cents an hour");
  }
  if (f.currency.size() != 3 || !std::all_of(f.currency.begin(), f.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return BadField("currency", "must be an ISO 4217 code like USD");
  }
  if (!ValidTimezone(f.timezone)) return BadField("timezone", "must be an IANA time zone like Europe/Berlin");
  if (f.availability_hours && (*f.availability_hours < 0 || *f.availability_hours > 168)) {
    return BadField("availability_hours", "must be between 0 and 168 hours a week");
  }
  std::vector<LanguageSkill> languages;
  for (size_t i = 0; i < f.languages.size(); ++i) {
    const std::string at = "languages[" + std::to_string(i) + "]";
    auto tag = ParseLanguageTag(f.languages[i].tag);
    if (!tag) return BadField(at + ".tag", "\"" + f.languages[i].tag.substr(0, 40) + "\" is not a BCP 47 tag (like ar-EG)");
    if (!ValidLevel(f.languages[i].level)) return BadField(at + ".level", "must be A1, A2, B1, B2, C1, C2 or native");
    for (const LanguageSkill& seen : languages) {
      if (seen.tag == *tag) return BadField(at + ".tag", "listed twice");
    }
    languages.push_back({*tag, f.languages[i].level});
  }
  ASSAY_ASSIGN_OR_RETURN(std::vector<TaxonomyPath> taxonomy, Taxonomy());
  std::vector<std::string> domains;
  for (size_t i = 0; i < f.domains.size(); ++i) {
    const bool known = std::any_of(taxonomy.begin(), taxonomy.end(), [&](const TaxonomyPath& t) { return t.path == f.domains[i]; });
    if (!known) return BadField("domains[" + std::to_string(i) + "]", "\"" + f.domains[i].substr(0, 60) + "\" is not in the taxonomy");
    if (std::find(domains.begin(), domains.end(), f.domains[i]) == domains.end()) domains.push_back(f.domains[i]);
  }
  const int64_t now = clock_.NowMicros();
  Profile out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(EnsureProfileRow(c, caller.user_id, now));
    ASSAY_TRY(c.Exec("UPDATE expert_profiles SET headline = ?, bio = ?, rate_cents = ?, currency = ?, timezone = ?, "
                     "availability_hours = ?, updated_at_us = ? WHERE user_id = ?",
                     {f.headline, f.bio, f.rate_cents, f.currency, f.timezone, f.availability_hours, now, caller.user_id}));
    ASSAY_TRY(c.Exec("DELETE FROM expert_domains WHERE user_id = ?", {caller.user_id}));
    for (const std::string& d : domains) {
      ASSAY_TRY(c.Exec("INSERT INTO expert_domains (user_id, path) VALUES (?, ?)", {caller.user_id, d}));
    }
    ASSAY_TRY(c.Exec("DELETE FROM expert_languages WHERE user_id = ?", {caller.user_id}));
    for (const LanguageSkill& l : languages) {
      ASSAY_TRY(c.Exec("INSERT INTO expert_languages (user_id, tag, level) VALUES (?, ?, ?)", {caller.user_id, l.tag, l.level}));
    }
    ASSAY_ASSIGN_OR_RETURN(out, LoadProfile(c, caller.user_id));
    return base::Ok();
  }));
  return out;
}

base::Result<ExpertView> Service::GetExpert(const Caller& caller, std::string_view user_id) {
  if (caller.user_id != user_id && !IsStaff(caller)) return base::Error::NotFound("no such expert");
  ExpertView v;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(v, LoadView(c, user_id, clock_.NowMicros()));
    return base::Ok();
  }));
  return v;
}

base::Result<std::vector<Profile>> Service::Directory(const Caller& caller, const DirectoryFilter& f,
                                                      std::optional<std::string>* next_cursor) {
  if (!IsStaff(caller)) return base::Error::Forbidden("the experts directory is for reviewers and managers");
  std::string sql = std::string(kProfileSelect) + "WHERE u.role = 'expert' AND u.deactivated_at_us IS NULL AND u.id > ? ";
  storage::Params params = {f.cursor};
  if (f.domain) {
    sql += "AND EXISTS (SELECT 1 FROM expert_domains d WHERE d.user_id = u.id AND (d.path = ? OR d.path LIKE ?)) ";
    params.push_back(*f.domain);
    params.push_back(*f.domain + "/%");
  }
  if (f.language) {
    auto range = ParseLanguageTag(*f.language);
    if (!range) return BadField("language", "not a BCP 47 tag");
    sql += "AND EXISTS (SELECT 1 FROM expert_languages l WHERE l.user_id = u.id AND (l.tag = ? OR l.tag LIKE ?)) ";
    params.push_back(*range);
    params.push_back(*range + "-%");
  }
  if (f.qualification) {
    sql += "AND EXISTS (SELECT 1 FROM qualification_grants g WHERE g.user_id = u.id AND g.qualification_id = ? "
           "AND g.revoked = 0 AND (g.expires_at_us IS NULL OR g.expires_at_us > ?) AND g.id = "
           "(SELECT g2.id FROM qualification_grants g2 WHERE g2.user_id = u.id AND g2.qualification_id = "
           "g.qualification_id ORDER BY g2.granted_at_us DESC, g2.id DESC LIMIT 1)) ";
    params.push_back(*f.qualification);
    params.push_back(clock_.NowMicros());
  }
  if (f.status) {
    if (!ValidStatus(*f.status)) return BadField("status", "must be applicant, vetting, active, paused or removed");
    sql += "AND coalesce(p.status, 'active') = ? ";
    params.push_back(*f.status);
  }
  if (f.max_rate_cents) {
    sql += "AND p.rate_cents <= ? ";
    params.push_back(*f.max_rate_cents);
  }
  if (!f.query.empty()) {
    sql += "AND (lower(u.name) LIKE ? OR lower(u.email) LIKE ? OR lower(coalesce(p.headline, '')) LIKE ?) ";
    std::string q = Nfc(f.query);
    std::transform(q.begin(), q.end(), q.begin(), [](unsigned char ch) { return std::tolower(ch); });
    q = "%" + q + "%";
    params.insert(params.end(), {q, q, q});
  }
  const int limit = std::clamp(f.limit, 1, 500);
  sql += "ORDER BY u.id LIMIT ?";
  params.push_back(limit + 1);
  std::vector<Profile> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.QueryEach(sql, params, [&](const storage::Row& r) -> base::Status {
      out.push_back(ProfileFromRow(r));
      return base::Ok();
    }));
    if (static_cast<int>(out.size()) > limit) {
      out.pop_back();
      if (next_cursor) *next_cursor = out.back().user_id;
    }
    for (Profile& p : out) ASSAY_TRY(LoadLists(c, p));
    return base::Ok();
  }));
  return out;
}

base::Result<Profile> Service::SetStatus(const Caller& caller, std::string_view user_id, std::string_view status,
                                         std::string_view reason) {
  if (!IsManager(caller)) return base::Error::Forbidden("only managers change an expert's status");
  if (!ValidStatus(status)) return BadField("status", "must be applicant, vetting, active, paused or removed");
  std::string why(reason);
  while (!why.empty() && std::isspace(static_cast<unsigned char>(why.back()))) why.pop_back();
  if (why.size() < 3) return BadField("reason", "a status change needs a reason the expert can read");
  if (why.size() > 5000) return BadField("reason", "at most 5,000 characters");
  const int64_t now = clock_.NowMicros();
  Profile out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Profile p, LoadProfile(c, user_id));
    if (!MoveAllowed(p.status, status, caller.role == Role::kAdmin)) {
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "an expert who is " + p.status + " cannot become " + std::string(status))
          .Detail("field", "status")
          .Detail("from", p.status);
    }
    ASSAY_TRY(EnsureProfileRow(c, user_id, now));
    ASSAY_TRY(c.Exec("UPDATE expert_profiles SET status = ?, updated_at_us = ? WHERE user_id = ?", {status, now, user_id}));
    ASSAY_TRY(c.Exec("INSERT INTO expert_status_changes (id, user_id, from_status, to_status, reason, changed_by, "
                     "changed_at_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {ids_.Next(), user_id, p.status, status, why,
                      caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id), now}));
    ASSAY_ASSIGN_OR_RETURN(out, LoadProfile(c, user_id));
    return base::Ok();
  }));
  return out;
}

base::Result<std::vector<TaxonomyPath>> Service::Taxonomy() {
  std::vector<TaxonomyPath> out = DefaultTaxonomy();
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach("SELECT path, label FROM taxonomy_paths ORDER BY path", {}, [&](const storage::Row& r) -> base::Status {
      out.push_back({r.Text(0), r.Text(1), false});
      return base::Ok();
    });
  }));
  std::sort(out.begin(), out.end(), [](const TaxonomyPath& a, const TaxonomyPath& b) { return a.path < b.path; });
  return out;
}

base::Status Service::AddTaxonomyPath(const Caller& caller, std::string_view path, std::string_view label) {
  if (caller.role != Role::kAdmin) return base::Error::Forbidden("only an admin extends the taxonomy");
  if (!ValidTaxonomyPath(path)) {
    return BadField("path", "lowercase segments of a-z, 0-9 and -, joined by /, at most four deep");
  }
  if (label.empty() || label.size() > 100) return BadField("label", "1 to 100 characters");
  ASSAY_ASSIGN_OR_RETURN(std::vector<TaxonomyPath> taxonomy, Taxonomy());
  const size_t slash = path.rfind('/');
  auto has = [&](std::string_view p) {
    return std::any_of(taxonomy.begin(), taxonomy.end(), [&](const TaxonomyPath& t) { return t.path == p; });
  };
  if (has(path)) return base::Error::Conflict("the taxonomy has this path").Detail("field", "path");
  if (slash != std::string_view::npos && !has(path.substr(0, slash))) {
    return BadField("path", "its parent " + std::string(path.substr(0, slash)) + " is not in the taxonomy");
  }
  return db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO taxonomy_paths (path, label, added_by, added_at_us) VALUES (?, ?, ?, ?)",
                     {path, label, caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id),
                      clock_.NowMicros()}));
    return base::Ok();
  });
}

}  // namespace people
