// people::Service — who the experts are and what each may do: profiles (domains, languages,
// rate, availability, status with its history), credentials with evidence files, the domain
// taxonomy, qualifications and their grants, and versioned contracts and their acceptances.
// The work loop (below us in nothing, above us in the layers) asks requirements.h whether an
// expert may take an item; recruiting (openings, vetting) builds on this.
//
// Who may: an expert reads and edits her own profile and credentials, reads the qualification
// list and the contracts her projects require; org reviewers also verify credentials; org
// managers and admins read every profile, change statuses, create qualifications, grant them
// and publish contracts; admins extend the taxonomy. Every status change, grant and
// verification needs a reason or note the expert reads.
//
//   people::Service people(db, clock, ids, {.data_dir = "var/data"});
//   ASSAY_ASSIGN_OR_RETURN(people::Profile p, people.UpdateMyProfile(expert, fields));
//   ASSAY_ASSIGN_OR_RETURN(people::Contract c, people.CreateContract(manager, "Terms", body));
//   ASSAY_ASSIGN_OR_RETURN(people::AcceptResult a, people.Accept(expert, c.id, address, agent));
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/types.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "people/taxonomy.h"
#include "people/types.h"
#include "storage/db.h"

namespace people {

struct Options {
  std::string data_dir = "var/data";  // evidence files go to <data_dir>/evidence/
  int64_t max_evidence_bytes = 10LL << 20;
  int max_credentials_per_user = 50;
};

struct ExpertView {  // a profile with everything a manager looks at
  Profile profile;
  std::vector<StatusChange> history;  // oldest first
  std::vector<Credential> credentials;
  std::vector<Grant> grants;  // current ones
  std::vector<Grant> grant_history;  // every grant, change and revocation, newest first
  std::vector<Acceptance> acceptances;
};

struct GrantFields {
  std::string user;  // id or email
  std::optional<std::string> value_json;
  std::string reason;
  std::optional<int64_t> expires_at_us;
};

struct QualificationFields {
  std::string name;
  std::string kind;
  std::optional<int64_t> min_value, max_value;
  std::vector<std::string> values;
  std::string description;
  std::optional<GoldRule> gold_rule;
};

struct AcceptResult {
  Acceptance acceptance;
  bool created = false;  // false: accepted before, the same acceptance back
};

struct EvidenceFile {
  std::string path;
  std::string content_type;
  std::string download_name;
};

class Service {
 public:
  Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Options options = {});

  // ---- profiles (profiles.cc) ------------------------------------------------------------
  base::Result<ExpertView> MyProfile(const accounts::Caller& caller);
  // Validates everything first; an invalid tag, level, path or a negative rate is InvalidArgument
  // naming the field (e.g. "languages[1].tag").
  base::Result<Profile> UpdateMyProfile(const accounts::Caller& caller, const ProfileFields& fields);
  base::Result<ExpertView> GetExpert(const accounts::Caller& caller, std::string_view user_id);
  base::Result<std::vector<Profile>> Directory(const accounts::Caller& caller, const DirectoryFilter& filter,
                                               std::optional<std::string>* next_cursor = nullptr);
  // Managers and admins, with a reason the expert reads. Allowed moves: applicant → vetting →
  // active ⇄ paused; any → removed; removed → active by an admin only.
  base::Result<Profile> SetStatus(const accounts::Caller& caller, std::string_view user_id, std::string_view status,
                                  std::string_view reason);

  // ---- credentials (credentials.cc) --------------------------------------------------------
  base::Result<Credential> AddCredential(const accounts::Caller& caller, const CredentialFields& fields);
  // The evidence file: PDF, PNG or JPEG (checked by its bytes, which must agree with
  // content_type), at most max_evidence_bytes; replaces an earlier file of the credential while
  // it is unverified.
  base::Result<Credential> AttachEvidence(const accounts::Caller& caller, std::string_view credential_id,
                                          std::string_view content_type, std::string_view bytes);
  // Its owner, and org reviewers, managers and admins.
  base::Result<EvidenceFile> Evidence(const accounts::Caller& caller, std::string_view credential_id);
  // Org reviewers, managers, admins: verified or rejected, with a note (required to reject).
  base::Result<Credential> VerifyCredential(const accounts::Caller& caller, std::string_view credential_id,
                                            std::string_view status, std::string_view note);

  // ---- taxonomy (profiles.cc) ---------------------------------------------------------------
  base::Result<std::vector<TaxonomyPath>> Taxonomy();
  base::Status AddTaxonomyPath(const accounts::Caller& caller, std::string_view path, std::string_view label);

  // ---- qualifications (qualifications.cc) --------------------------------------------------
  base::Result<Qualification> CreateQualification(const accounts::Caller& caller, const QualificationFields& f);
  base::Result<std::vector<Qualification>> ListQualifications(const accounts::Caller& caller);
  base::Result<Grant> GrantQualification(const accounts::Caller& caller, std::string_view qualification_id,
                                         const GrantFields& fields);
  base::Status RevokeQualification(const accounts::Caller& caller, std::string_view qualification_id,
                                   std::string_view user_id, std::string_view reason);
  base::Result<std::vector<Grant>> MyGrants(const accounts::Caller& caller);
  // Gold rules (quality calls this after a report): the grant of `user_id` follows her gold
  // accuracy — granted (flag) or set to round(100·accuracy) (scale) once she has min_answers
  // scored; lowered, or revoked below the threshold, each with a reason. Nothing is written
  // when nothing changes.
  base::Status ApplyGoldAccuracy(std::string_view qualification_id, std::string_view user_id, int64_t correct,
                                 int64_t total);
  // The qualifications with a gold rule (for quality).
  base::Result<std::vector<Qualification>> GoldRuleQualifications();
  // Called after a qualification is created (quality follows gold rules). Set before serving.
  void OnQualificationsChanged(std::function<void()> fn) { qualifications_changed_ = std::move(fn); }

  // ---- contracts (contracts.cc) -------------------------------------------------------------
  base::Result<Contract> CreateContract(const accounts::Caller& caller, std::string_view title, std::string_view body);
  // A new version of the contract family `contract_id` belongs to (title kept when empty).
  base::Result<Contract> NewContractVersion(const accounts::Caller& caller, std::string_view contract_id,
                                            std::string_view title, std::string_view body);
  base::Result<std::vector<Contract>> ListContracts(const accounts::Caller& caller);
  // Managers and admins; anyone else when a project she belongs to requires it or she accepted it.
  base::Result<Contract> GetContract(const accounts::Caller& caller, std::string_view contract_id);
  base::Result<AcceptResult> Accept(const accounts::Caller& caller, std::string_view contract_id,
                                    std::string_view address, std::string_view user_agent);
  base::Result<std::vector<Acceptance>> MyAcceptances(const accounts::Caller& caller);
  // What she accepted, as a markdown document: the record (title, version, sha256, when, from
  // where) and the exact text.
  base::Result<std::string> AcceptanceDocument(const accounts::Caller& caller, std::string_view acceptance_id);

 private:
  base::Result<std::string> ResolveUser(storage::Conn& c, std::string_view id_or_email);

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  Options options_;
  std::function<void()> qualifications_changed_;
};

// The statuses a manager may move an expert who is `from` to (an admin: `admin`), in the order
// of kStatuses: SetStatus refuses every other move.
std::vector<std::string> StatusMoves(std::string_view from, bool admin);

// The contract gate of the work loop: RequirementUnmet (403) with details.contract_id unless
// `user_id` accepted contract `contract_id`.
base::Status RequireAcceptance(storage::Conn& c, std::string_view contract_id, std::string_view user_id);

}  // namespace people
