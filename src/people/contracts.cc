// Versioned contracts; acceptances recorded with the text's sha256, time, address and user
// agent, never changed or deleted (the database refuses it: migrations/0004_people.sql).
#include "base/clock.h"
#include "base/hash.h"
#include "people/internal.h"
#include "people/service.h"

namespace people {
namespace {

using accounts::Caller;
using accounts::Role;
using internal::BadField;

constexpr std::string_view kContractSelect =
    "SELECT id, family_id, version, title, body, sha256, created_at_us FROM contracts ";

Contract ContractFromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)};
}

base::Result<Contract> LoadContract(storage::Conn& c, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kContractSelect) + "WHERE id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such contract");
  return ContractFromRow(rows[0]);
}

constexpr std::string_view kAcceptanceSelect =
    "SELECT a.id, a.contract_id, a.user_id, a.sha256, a.accepted_at_us, a.address, a.user_agent, k.title, k.version "
    "FROM contract_acceptances a JOIN contracts k ON k.id = a.contract_id ";

Acceptance AcceptanceFromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Text(5), r.Text(6), r.Text(7), r.Int(8)};
}

base::Status CheckText(std::string_view title, std::string_view body) {
  if (title.empty() || title.size() > 200) return BadField("title", "1 to 200 characters");
  if (body.empty() || body.size() > 500000) return BadField("body", "1 to 500,000 characters of markdown");
  return base::Ok();
}

// Someone other than a manager may read a contract that a project of hers requires, or that she
// accepted.
base::Status CanRead(storage::Conn& c, const Caller& caller, std::string_view contract_id) {
  if (caller.role >= Role::kManager) return base::Ok();
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows,
                         c.Query("SELECT 1 FROM projects p JOIN project_members m ON m.project_id = p.id "
                                 "WHERE p.contract_id = ? AND m.user_id = ? UNION ALL "
                                 "SELECT 1 FROM contract_acceptances WHERE contract_id = ? AND user_id = ?",
                                 {contract_id, caller.user_id, contract_id, caller.user_id}));
  if (rows.empty()) return base::Error::NotFound("no such contract");
  return base::Ok();
}

}  // namespace

base::Status LoadAcceptances(storage::Conn& c, std::string_view user_id, std::vector<Acceptance>& out) {
  return c.QueryEach(std::string(kAcceptanceSelect) + "WHERE a.user_id = ? ORDER BY a.accepted_at_us, a.id", {user_id},
                     [&](const storage::Row& r) -> base::Status {
                       out.push_back(AcceptanceFromRow(r));
                       return base::Ok();
                     });
}

base::Status RequireAcceptance(storage::Conn& c, std::string_view contract_id, std::string_view user_id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT 1 FROM contract_acceptances WHERE contract_id = ? AND user_id = ?",
                                                     {contract_id, user_id}));
  if (!rows.empty()) return base::Ok();
  ASSAY_ASSIGN_OR_RETURN(Contract k, LoadContract(c, contract_id));
  return base::Error(base::ErrorCode::kRequirementUnmet,
                     "Accept the contract \u201c" + k.title + "\u201d (version " + std::to_string(k.version) +
                         ") before working on this project.")
      .Detail("contract_id", k.id)
      .Detail("contract_title", k.title)
      .Detail("contract_version", k.version);
}

base::Result<Contract> Service::CreateContract(const Caller& caller, std::string_view title, std::string_view body) {
  if (caller.role < Role::kManager) return base::Error::Forbidden("only managers publish contracts");
  ASSAY_TRY(CheckText(title, body));
  Contract k;
  k.id = ids_.Next();
  k.family_id = k.id;
  k.title = std::string(title);
  k.body = std::string(body);
  k.sha256 = base::Sha256Hex(body);
  k.created_at_us = clock_.NowMicros();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("INSERT INTO contracts (id, family_id, version, title, body, sha256, created_by, created_at_us) "
                     "VALUES (?, ?, 1, ?, ?, ?, ?, ?)",
                     {k.id, k.family_id, k.title, k.body, k.sha256,
                      caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id), k.created_at_us}));
    return base::Ok();
  }));
  return k;
}

base::Result<Contract> Service::NewContractVersion(const Caller& caller, std::string_view contract_id,
                                                   std::string_view title, std::string_view body) {
  if (caller.role < Role::kManager) return base::Error::Forbidden("only managers publish contracts");
  Contract k;
  const std::string id = ids_.Next();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Contract of, LoadContract(c, contract_id));
    ASSAY_ASSIGN_OR_RETURN(storage::Row latest, c.QueryOne("SELECT max(version), (SELECT title FROM contracts WHERE "
                                                           "family_id = ? ORDER BY version DESC LIMIT 1) FROM contracts "
                                                           "WHERE family_id = ?",
                                                           {of.family_id, of.family_id}));
    k.id = id;
    k.family_id = of.family_id;
    k.version = latest.Int(0) + 1;
    k.title = title.empty() ? latest.Text(1) : std::string(title);
    k.body = std::string(body);
    ASSAY_TRY(CheckText(k.title, k.body));
    k.sha256 = base::Sha256Hex(body);
    k.created_at_us = clock_.NowMicros();
    ASSAY_TRY(c.Exec("INSERT INTO contracts (id, family_id, version, title, body, sha256, created_by, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {k.id, k.family_id, k.version, k.title, k.body, k.sha256,
                      caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id), k.created_at_us}));
    return base::Ok();
  }));
  return k;
}

base::Result<std::vector<Contract>> Service::ListContracts(const Caller& caller) {
  if (caller.role < Role::kManager) return base::Error::Forbidden("only managers list contracts");
  std::vector<Contract> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    return c.QueryEach(std::string(kContractSelect) + "ORDER BY family_id, version LIMIT 1000", {},
                       [&](const storage::Row& r) -> base::Status {
                         out.push_back(ContractFromRow(r));
                         return base::Ok();
                       });
  }));
  return out;
}

base::Result<Contract> Service::GetContract(const Caller& caller, std::string_view contract_id) {
  Contract k;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(CanRead(c, caller, contract_id));
    ASSAY_ASSIGN_OR_RETURN(k, LoadContract(c, contract_id));
    return base::Ok();
  }));
  return k;
}

base::Result<AcceptResult> Service::Accept(const Caller& caller, std::string_view contract_id, std::string_view address,
                                           std::string_view user_agent) {
  if (caller.user_id.empty()) return base::Error::Invalid("an acceptance needs a user");
  AcceptResult out;
  const std::string id = ids_.Next();
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    out = {};
    ASSAY_TRY(CanRead(c, caller, contract_id));
    ASSAY_ASSIGN_OR_RETURN(Contract k, LoadContract(c, contract_id));
    ASSAY_ASSIGN_OR_RETURN(int64_t inserted,
                           c.Exec("INSERT INTO contract_acceptances (id, contract_id, user_id, sha256, accepted_at_us, "
                                  "address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (contract_id, user_id) DO NOTHING",
                                  {id, k.id, caller.user_id, k.sha256, clock_.NowMicros(), address.substr(0, 100),
                                   user_agent.substr(0, 500)}));
    out.created = inserted == 1;
    ASSAY_ASSIGN_OR_RETURN(storage::Row r, c.QueryOne(std::string(kAcceptanceSelect) +
                                                          "WHERE a.contract_id = ? AND a.user_id = ?",
                                                      {k.id, caller.user_id}));
    out.acceptance = AcceptanceFromRow(r);
    return base::Ok();
  }));
  return out;
}

base::Result<std::vector<Acceptance>> Service::MyAcceptances(const Caller& caller) {
  std::vector<Acceptance> out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) { return LoadAcceptances(c, caller.user_id, out); }));
  return out;
}

base::Result<std::string> Service::AcceptanceDocument(const Caller& caller, std::string_view acceptance_id) {
  std::string doc;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kAcceptanceSelect) + "WHERE a.id = ?", {acceptance_id}));
    if (rows.empty()) return base::Error::NotFound("no such acceptance");
    Acceptance a = AcceptanceFromRow(rows[0]);
    if (a.user_id != caller.user_id) return base::Error::NotFound("no such acceptance");
    ASSAY_ASSIGN_OR_RETURN(Contract k, LoadContract(c, a.contract_id));
    ASSAY_ASSIGN_OR_RETURN(storage::Row u, c.QueryOne("SELECT email, name FROM users WHERE id = ?", {a.user_id}));
    doc = "<!--\nAccepted by: " + (u.Text(1).empty() ? u.Text(0) : u.Text(1) + " <" + u.Text(0) + ">") +
          "\nContract: " + k.title + ", version " + std::to_string(k.version) + " (" + k.id + ")" +
          "\nText sha256: " + a.sha256 + "\nAccepted at: " + base::FormatRfc3339(a.accepted_at_us) +
          "\nFrom address: " + a.address + "\nUser agent: " + a.user_agent + "\n-->\n\n" + k.body;
    return base::Ok();
  }));
  return doc;
}

}  // namespace people
