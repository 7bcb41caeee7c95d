// Credentials and their evidence files; verification by a person, with a note.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/rng.h"
#include "people/internal.h"
#include "people/service.h"

namespace people {
namespace {

using accounts::Caller;
using accounts::Role;
using internal::BadField;

constexpr std::string_view kCredentialSelect =
    "SELECT c.id, c.user_id, c.kind, c.title, c.issuer, c.number, c.country, c.expires_on, c.evidence_type, "
    "c.evidence_bytes, c.status, CASE WHEN v.name <> '' THEN v.name ELSE v.email END, c.verified_at_us, c.note, "
    "c.created_at_us FROM credentials c LEFT JOIN users v ON v.id = c.verified_by ";

Credential CredentialFromRow(const storage::Row& r) {
  Credential c;
  c.id = r.Text(0);
  c.user_id = r.Text(1);
  c.kind = r.Text(2);
  c.title = r.Text(3);
  c.issuer = r.Text(4);
  c.number = r.Text(5);
  c.country = r.Text(6);
  c.expires_on = r.OptText(7);
  c.evidence_type = r.OptText(8);
  c.evidence_bytes = r.OptInt(9);
  c.status = r.Text(10);
  c.verified_by_name = r.OptText(11);
  c.verified_at_us = r.OptInt(12);
  c.note = r.Text(13);
  c.created_at_us = r.Int(14);
  return c;
}

base::Result<Credential> LoadCredential(storage::Conn& c, std::string_view id) {
  ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query(std::string(kCredentialSelect) + "WHERE c.id = ?", {id}));
  if (rows.empty()) return base::Error::NotFound("no such credential");
  return CredentialFromRow(rows[0]);
}

bool ValidDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int month = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The type the bytes are, by their first bytes, or "".
std::string_view SniffType(std::string_view bytes) {
  if (bytes.substr(0, 5) == "%PDF-") return "application/pdf";
  if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8 &&
      static_cast<unsigned char>(bytes[2]) == 0xFF) {
    return "image/jpeg";
  }
  return "";
}

std::string_view Extension(std::string_view type) {
  return type == "application/pdf" ? ".pdf" : type == "image/png" ? ".png" : ".jpg";
}

}  // namespace

base::Status LoadCredentials(storage::Conn& c, std::string_view user_id, std::vector<Credential>& out) {
  return c.QueryEach(std::string(kCredentialSelect) + "WHERE c.user_id = ? ORDER BY c.created_at_us, c.id", {user_id},
                     [&](const storage::Row& r) -> base::Status {
                       out.push_back(CredentialFromRow(r));
                       return base::Ok();
                     });
}

base::Result<Credential> Service::AddCredential(const Caller& caller, const CredentialFields& f) {
  if (caller.user_id.empty()) return base::Error::Invalid("a credential needs a user");
  if (f.kind != "degree" && f.kind != "licence" && f.kind != "certification") {
    return BadField("kind", "must be degree, licence or certification");
  }
  if (f.title.empty() || f.title.size() > 200) return BadField("title", "1 to 200 characters");
  if (f.issuer.size() > 200) return BadField("issuer", "at most 200 characters");
  if (f.number.size() > 100) return BadField("number", "at most 100 characters");
  if (f.country.size() > 60) return BadField("country", "at most 60 characters");
  if (f.expires_on && !ValidDate(*f.expires_on)) return BadField("expires_on", "must be a date like 2027-06-30");
  const std::string id = ids_.Next();
  Credential out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Row n, c.QueryOne("SELECT count(*) FROM credentials WHERE user_id = ?", {caller.user_id}));
    if (n.Int(0) >= options_.max_credentials_per_user) {
      return base::Error(base::ErrorCode::kResourceExhausted, "too many credentials")
          .Detail("limit", options_.max_credentials_per_user);
    }
    ASSAY_TRY(c.Exec("INSERT INTO credentials (id, user_id, kind, title, issuer, number, country, expires_on, created_at_us) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {id, caller.user_id, f.kind, f.title, f.issuer, f.number, f.country, f.expires_on,
                      clock_.NowMicros()}));
    ASSAY_ASSIGN_OR_RETURN(out, LoadCredential(c, id));
    return base::Ok();
  }));
  return out;
}

base::Result<Credential> Service::AttachEvidence(const Caller& caller, std::string_view credential_id,
                                                 std::string_view content_type, std::string_view bytes) {
  if (bytes.empty()) return BadField("body", "the file is empty");
  if (static_cast<int64_t>(bytes.size()) > options_.max_evidence_bytes) {
    return base::Error(base::ErrorCode::kPayloadTooLarge, "the file is larger than the limit")
        .Detail("limit_bytes", options_.max_evidence_bytes);
  }
  const std::string_view sniffed = SniffType(bytes);
  if (sniffed.empty()) {
    return base::Error(base::ErrorCode::kUnsupportedMediaType, "evidence must be a PDF, PNG or JPEG file")
        .Detail("accepted", "application/pdf,image/png,image/jpeg");
  }
  if (sniffed != content_type) {
    return base::Error(base::ErrorCode::kUnsupportedMediaType, "the file's contents do not match its type")
        .Detail("content_type", content_type)
        .Detail("contents", sniffed);
  }
  // The file first, under a name of ours (never anything from the request), then the row.
  const std::filesystem::path dir = std::filesystem::path(options_.data_dir) / "evidence";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return base::Error::Internal("cannot create the evidence folder: " + ec.message());
  const std::string name = std::string(credential_id.substr(0, 40)) + "-" + base::SecureRandomHex(8) +
                           std::string(Extension(sniffed));
  Credential out;
  std::string previous;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Credential cred, LoadCredential(c, credential_id));
    if (cred.user_id != caller.user_id) return base::Error::NotFound("no such credential");
    if (cred.status != "unverified") {
      return base::Error(base::ErrorCode::kFailedPrecondition, "a credential already checked keeps its evidence");
    }
    return base::Ok();
  }));
  {
    std::ofstream file(dir / name, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file) return base::Error::Internal("cannot write the evidence file");
  }
  base::Status st = db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows old, c.Query("SELECT evidence_file FROM credentials WHERE id = ? AND user_id = ? "
                                                      "AND status = 'unverified'",
                                                      {credential_id, caller.user_id}));
    if (old.empty()) return base::Error::NotFound("no such credential");
    previous = old[0].Text(0);
    ASSAY_TRY(c.Exec("UPDATE credentials SET evidence_file = ?, evidence_type = ?, evidence_bytes = ? WHERE id = ?",
                     {name, sniffed, static_cast<int64_t>(bytes.size()), credential_id}));
    ASSAY_ASSIGN_OR_RETURN(out, LoadCredential(c, credential_id));
    return base::Ok();
  });
  if (!st) {
    std::filesystem::remove(dir / name, ec);
    return std::move(st).error();
  }
  if (!previous.empty()) std::filesystem::remove(dir / previous, ec);
  return out;
}

base::Result<EvidenceFile> Service::Evidence(const Caller& caller, std::string_view credential_id) {
  EvidenceFile out;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(storage::Rows rows, c.Query("SELECT user_id, evidence_file, evidence_type, title FROM credentials "
                                                       "WHERE id = ?",
                                                       {credential_id}));
    if (rows.empty() || (rows[0].Text(0) != caller.user_id && caller.role < Role::kReviewer)) {
      return base::Error::NotFound("no such credential");
    }
    if (rows[0].IsNull(1)) return base::Error::NotFound("this credential has no evidence file");
    out.path = (std::filesystem::path(options_.data_dir) / "evidence" / rows[0].Text(1)).string();
    out.content_type = rows[0].Text(2);
    std::string title = rows[0].Text(3);
    for (char& ch : title) {
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '-';
    }
    out.download_name = title.substr(0, 60) + std::string(Extension(out.content_type));
    return base::Ok();
  }));
  return out;
}

base::Result<Credential> Service::VerifyCredential(const Caller& caller, std::string_view credential_id,
                                                   std::string_view status, std::string_view note) {
  if (caller.role < Role::kReviewer) return base::Error::Forbidden("only reviewers and managers check credentials");
  if (status != "verified" && status != "rejected") return BadField("status", "must be verified or rejected");
  if (status == "rejected" && note.size() < 3) return BadField("note", "say why, for the expert to read");
  if (note.size() > 5000) return BadField("note", "at most 5,000 characters");
  Credential out;
  ASSAY_TRY(db_.Write([&](storage::Conn& c) -> base::Status {
    ASSAY_ASSIGN_OR_RETURN(Credential cred, LoadCredential(c, credential_id));
    if (cred.user_id == caller.user_id) return base::Error::Forbidden("you cannot check your own credential");
    ASSAY_TRY(c.Exec("UPDATE credentials SET status = ?, note = ?, verified_by = ?, verified_at_us = ? WHERE id = ?",
                     {status, note, caller.user_id.empty() ? storage::Value() : storage::Value(caller.user_id),
                      clock_.NowMicros(), credential_id}));
    ASSAY_ASSIGN_OR_RETURN(out, LoadCredential(c, credential_id));
    return base::Ok();
  }));
  return out;
}

}  // namespace people
