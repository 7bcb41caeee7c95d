-- Accounts hardening (issue 11): login attempts counted in the database before a password is
-- checked, trusted browsers, token expiry and scopes, deactivated users, project invitations.

-- One row per login attempt that has not (yet) succeeded, reserved before the hash is verified:
-- key is 'pair:<email>|addr:<address>', 'pair:<email>|dev:<device>', 'addr:<address>' or
-- 'acct:<email>'. A success deletes its own rows and its pair's history. Rows older than a day
-- are swept. In the database, so every server sees the same counts.
CREATE TABLE login_attempts (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_key ON login_attempts(key, at_us);
CREATE INDEX login_attempts_at ON login_attempts(at_us);

-- A browser that signed in to this account before (its assay_device cookie, stored as sha256):
-- it is judged by its own failures, not by its address's.
CREATE TABLE trusted_devices (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  expires_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX trusted_devices_user ON trusted_devices(user_id);

ALTER TABLE users ADD COLUMN deactivated_at_us INTEGER;

-- NULL expires_at_us: tokens made before expiry existed (they get none); new ones always have one.
ALTER TABLE api_tokens ADD COLUMN expires_at_us INTEGER;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'all';
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at_us);

-- A manager invites by email; the person joins when she accepts. The answer to the manager never
-- says whether an account with that email exists.
CREATE TABLE project_invitations (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('manager', 'reviewer', 'expert')),
  invited_by TEXT REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  responded_at_us INTEGER,
  response TEXT CHECK (response IS NULL OR response IN ('accepted', 'declined')),
  UNIQUE (project_id, email)
) STRICT;
CREATE INDEX project_invitations_email ON project_invitations(email, responded_at_us);
