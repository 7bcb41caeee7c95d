-- Many servers on one database (issue 18): no row that every submit of a project must lock, the
-- quality report kept in the database for every server, one-time password-reset links.

-- The quality report's version stamp, spread over 64 rows per project. A submit, review, import
-- or project change adds one to one row (work/quality_stamps.h picks it from the item), so
-- concurrent submits of one project seldom wait for each other; the version is the sum of the
-- project's rows. It only grows, and a read snapshot sees the sum of what committed before it, so
-- two snapshots with the same sum saw the same changes. Replaces projects.quality_version (kept,
-- no longer written), whose one row per project every submit used to queue on.
CREATE TABLE quality_stamps (
  project_id TEXT NOT NULL REFERENCES projects(id),
  shard INTEGER NOT NULL CHECK (shard >= 0 AND shard < 64),
  changes INTEGER NOT NULL CHECK (changes >= 0),
  PRIMARY KEY (project_id, shard)
) STRICT;
INSERT INTO quality_stamps (project_id, shard, changes)
  SELECT id, 0, quality_version FROM projects WHERE quality_version > 0;

-- The latest quality report of a project, shared by every server (quality/cache.h), and the claim
-- of the server computing the next one: one recompute per project however many servers ask.
-- report NULL: none computed yet (a claim only). version -1 before the first report.
CREATE TABLE quality_reports (
  project_id TEXT PRIMARY KEY REFERENCES projects(id),
  version INTEGER NOT NULL,
  computed_at_us INTEGER NOT NULL,
  report TEXT,
  claimed_by TEXT,
  claimed_until_us INTEGER
) STRICT;

-- Each expert's gold answers in a project as of its latest report: qualifications granted by gold
-- accuracy sum them over the projects a rule covers, whichever server computed each report.
CREATE TABLE quality_gold (
  project_id TEXT NOT NULL REFERENCES projects(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  correct INTEGER NOT NULL CHECK (correct >= 0),
  total INTEGER NOT NULL CHECK (total >= correct),
  PRIMARY KEY (project_id, expert_id)
) STRICT;
CREATE INDEX quality_gold_expert ON quality_gold(expert_id);

-- One-time password-reset links an admin issues (accounts/service.h): the token's sha256, used
-- once, before it expires; a newer link for the same user ends the older ones.
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_by TEXT REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  expires_at_us INTEGER NOT NULL,
  used_at_us INTEGER
) STRICT;
CREATE INDEX password_resets_user ON password_resets(user_id, created_at_us);
