-- People (issue 12): expert profiles with their status history, domains and languages,
-- credentials with evidence files, the domain taxonomy's additions, qualifications and their
-- grants, versioned contracts and their acceptances (which the database refuses to change or
-- delete), and what projects and items require of the experts they are leased to.

-- One per expert; a user without a row is active with an empty profile.
CREATE TABLE expert_profiles (
  user_id TEXT PRIMARY KEY REFERENCES users(id),
  headline TEXT NOT NULL DEFAULT '',
  bio TEXT NOT NULL DEFAULT '',
  rate_cents INTEGER CHECK (rate_cents IS NULL OR rate_cents >= 0),
  currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
  timezone TEXT NOT NULL DEFAULT 'UTC',
  availability_hours INTEGER CHECK (availability_hours IS NULL OR availability_hours BETWEEN 0 AND 168),
  status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('applicant', 'vetting', 'active', 'paused', 'removed')),
  updated_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX expert_profiles_status ON expert_profiles(status);

CREATE TABLE expert_domains (
  user_id TEXT NOT NULL REFERENCES users(id),
  path TEXT NOT NULL,
  PRIMARY KEY (user_id, path)
) STRICT;
CREATE INDEX expert_domains_path ON expert_domains(path);

CREATE TABLE expert_languages (
  user_id TEXT NOT NULL REFERENCES users(id),
  tag TEXT NOT NULL,  -- BCP 47, as the expert wrote it (case normalized)
  level TEXT NOT NULL CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native')),
  PRIMARY KEY (user_id, tag)
) STRICT;
CREATE INDEX expert_languages_tag ON expert_languages(tag);

-- Every status change, with a reason the expert reads. Append-only.
CREATE TABLE expert_status_changes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) >= 1),
  changed_by TEXT REFERENCES users(id),  -- NULL: the system (the CLI, an admission)
  changed_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX expert_status_changes_user ON expert_status_changes(user_id, changed_at_us);

CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('degree', 'licence', 'certification')),
  title TEXT NOT NULL,
  issuer TEXT NOT NULL DEFAULT '',
  number TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  expires_on TEXT,                 -- YYYY-MM-DD
  evidence_file TEXT,              -- name in the server's data folder (never a path from outside)
  evidence_type TEXT,              -- application/pdf, image/png, image/jpeg
  evidence_bytes INTEGER,
  status TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN ('unverified', 'verified', 'rejected')),
  verified_by TEXT REFERENCES users(id),
  verified_at_us INTEGER,
  note TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX credentials_user ON credentials(user_id, created_at_us);

-- Paths an admin added to the taxonomy shipped with the binary.
CREATE TABLE taxonomy_paths (
  path TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  added_by TEXT REFERENCES users(id),
  added_at_us INTEGER NOT NULL
) STRICT;

CREATE TABLE qualifications (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  kind TEXT NOT NULL CHECK (kind IN ('flag', 'scale', 'set')),
  min_value INTEGER,
  max_value INTEGER,
  allowed_values TEXT,  -- JSON array of strings (kind set)
  description TEXT NOT NULL DEFAULT '',
  -- Granted by gold accuracy on live work: {"project_id"?, "min_answers", "threshold"} (JSON) or NULL.
  gold_rule TEXT,
  created_by TEXT REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  CHECK (kind <> 'scale' OR (min_value IS NOT NULL AND max_value IS NOT NULL AND min_value <= max_value))
) STRICT;

-- Grants as they happened: the current one of (qualification, user) is the newest row; a
-- revocation is a row with revoked = 1. Append-only.
CREATE TABLE qualification_grants (
  id TEXT PRIMARY KEY,
  qualification_id TEXT NOT NULL REFERENCES qualifications(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  value TEXT NOT NULL,  -- JSON: true, an integer, or a string
  source TEXT NOT NULL CHECK (source IN ('test', 'gold', 'manual')),
  reason TEXT NOT NULL CHECK (length(reason) >= 1),
  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
  granted_by TEXT REFERENCES users(id),
  granted_at_us INTEGER NOT NULL,
  expires_at_us INTEGER
) STRICT;
CREATE INDEX qualification_grants_user ON qualification_grants(user_id, qualification_id, granted_at_us);
CREATE INDEX qualification_grants_qual ON qualification_grants(qualification_id, granted_at_us);

-- A contract version. family_id is the id of version 1; a new version of it has version + 1.
CREATE TABLE contracts (
  id TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_by TEXT REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  UNIQUE (family_id, version)
) STRICT;

-- What an expert accepted: the text's sha256, when, from where. Never changed or deleted: the
-- triggers below refuse it, whatever code runs.
CREATE TABLE contract_acceptances (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL REFERENCES contracts(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  sha256 TEXT NOT NULL,
  accepted_at_us INTEGER NOT NULL,
  address TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  UNIQUE (contract_id, user_id)
) STRICT;
CREATE INDEX contract_acceptances_user ON contract_acceptances(user_id, accepted_at_us);

-- What a project asks of its experts (people/requirements.h): JSON list, or NULL for nothing;
-- the contract version to accept first; a daily cap of tasks per expert; the largest share of
-- the project's labels one expert may give, in parts per million.
ALTER TABLE projects ADD COLUMN requirements TEXT;
ALTER TABLE projects ADD COLUMN contract_id TEXT REFERENCES contracts(id);
ALTER TABLE projects ADD COLUMN daily_cap INTEGER CHECK (daily_cap IS NULL OR daily_cap >= 1);
ALTER TABLE projects ADD COLUMN max_share_ppm INTEGER CHECK (max_share_ppm IS NULL OR max_share_ppm BETWEEN 1 AND 1000000);

-- Items whose data asks something of the expert (a `lang`, or `requires`) carry a class: the
-- sha256 of the canonical requirement list. The lease path evaluates a project's few classes
-- per expert instead of every item.
ALTER TABLE items ADD COLUMN req_class TEXT;
CREATE INDEX items_class ON items(project_id, req_class, taken, seq);
CREATE TABLE item_requirement_classes (
  project_id TEXT NOT NULL REFERENCES projects(id),
  class TEXT NOT NULL,
  requirements TEXT NOT NULL,
  PRIMARY KEY (project_id, class)
) STRICT;

-- dialect: sqlite
CREATE TRIGGER contract_acceptances_no_update BEFORE UPDATE ON contract_acceptances
BEGIN SELECT RAISE(ABORT, 'contract acceptances cannot be changed'); END;
CREATE TRIGGER contract_acceptances_no_delete BEFORE DELETE ON contract_acceptances
BEGIN SELECT RAISE(ABORT, 'contract acceptances cannot be deleted'); END;
CREATE TRIGGER contracts_no_update BEFORE UPDATE ON contracts
BEGIN SELECT RAISE(ABORT, 'a contract version cannot be changed: publish a new version'); END;
CREATE TRIGGER qualification_grants_no_update BEFORE UPDATE ON qualification_grants
BEGIN SELECT RAISE(ABORT, 'grants are append-only'); END;
CREATE TRIGGER qualification_grants_no_delete BEFORE DELETE ON qualification_grants
BEGIN SELECT RAISE(ABORT, 'grants are append-only'); END;
CREATE TRIGGER expert_status_changes_no_update BEFORE UPDATE ON expert_status_changes
BEGIN SELECT RAISE(ABORT, 'status history is append-only'); END;
CREATE TRIGGER expert_status_changes_no_delete BEFORE DELETE ON expert_status_changes
BEGIN SELECT RAISE(ABORT, 'status history is append-only'); END;
-- dialect: postgres
CREATE FUNCTION assay_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% rows cannot be % (append-only)', TG_TABLE_NAME, lower(TG_OP); END $$;
CREATE TRIGGER contract_acceptances_append_only BEFORE UPDATE OR DELETE ON contract_acceptances
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER contracts_no_update BEFORE UPDATE ON contracts
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER qualification_grants_append_only BEFORE UPDATE OR DELETE ON qualification_grants
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER expert_status_changes_append_only BEFORE UPDATE OR DELETE ON expert_status_changes
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
-- TRUNCATE skips row triggers: refused by a statement trigger on each append-only table.
CREATE TRIGGER contract_acceptances_no_truncate BEFORE TRUNCATE ON contract_acceptances
  FOR EACH STATEMENT EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER qualification_grants_no_truncate BEFORE TRUNCATE ON qualification_grants
  FOR EACH STATEMENT EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER expert_status_changes_no_truncate BEFORE TRUNCATE ON expert_status_changes
  FOR EACH STATEMENT EXECUTE FUNCTION assay_refuse_change();
