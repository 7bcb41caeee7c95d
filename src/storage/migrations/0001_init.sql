-- Accounts, projects, items, assignments (leases), submissions, reviews.
-- Times are integer microseconds since the Unix epoch UTC (…_us); ids are UUIDv7 text;
-- JSON is stored as text exactly as received.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'reviewer', 'expert')),
  password_hash TEXT,  -- argon2id (libsodium crypto_pwhash_str); NULL: token-only account
  created_at_us INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,  -- sha256 hex of the cookie value
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  expires_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,  -- sha256 hex of the bearer token
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL,
  revoked_at_us INTEGER
) STRICT;

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  instructions TEXT NOT NULL,
  template TEXT NOT NULL,
  answer_schema TEXT NOT NULL,
  overlap INTEGER NOT NULL CHECK (overlap BETWEEN 1 AND 100),
  lease_seconds INTEGER NOT NULL CHECK (lease_seconds BETWEEN 10 AND 604800),
  created_by TEXT REFERENCES users(id),  -- NULL: created by the offline CLI
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
) STRICT;

CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('manager', 'reviewer', 'expert')),
  created_at_us INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
) STRICT;
CREATE INDEX project_members_user ON project_members(user_id);

CREATE TABLE items (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  external_id TEXT,
  seq INTEGER NOT NULL,             -- import order within the project
  data TEXT NOT NULL,
  gold TEXT,
  taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),  -- live leases + submissions
  created_at_us INTEGER NOT NULL,
  UNIQUE (project_id, external_id),
  UNIQUE (project_id, seq)
) STRICT;
CREATE INDEX items_open ON items(project_id, taken, seq);

CREATE TABLE assignments (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  item_id TEXT NOT NULL REFERENCES items(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  state TEXT NOT NULL CHECK (state IN ('leased', 'submitted', 'expired', 'returned')),
  lease_token TEXT NOT NULL,        -- fencing token: a submit must present the current one
  leased_at_us INTEGER NOT NULL,
  lease_expires_at_us INTEGER NOT NULL,
  finished_at_us INTEGER,
  UNIQUE (item_id, expert_id)       -- an expert never gets the same item twice
) STRICT;
CREATE INDEX assignments_lease ON assignments(project_id, state, lease_expires_at_us);
CREATE INDEX assignments_expert ON assignments(expert_id, project_id, state);

CREATE TABLE submissions (
  id TEXT PRIMARY KEY,
  assignment_id TEXT NOT NULL UNIQUE REFERENCES assignments(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  item_id TEXT NOT NULL REFERENCES items(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  client_submission_id TEXT NOT NULL CHECK (length(client_submission_id) BETWEEN 1 AND 200),
  answer TEXT NOT NULL,             -- exactly as sent
  answer_hash TEXT NOT NULL,        -- sha256 of the canonical JSON (idempotency comparison)
  active_ms INTEGER NOT NULL CHECK (active_ms >= 0),
  submitted_at_us INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
  UNIQUE (expert_id, client_submission_id)
) STRICT;
CREATE INDEX submissions_project ON submissions(project_id, state, submitted_at_us);
CREATE INDEX submissions_item ON submissions(item_id);
CREATE INDEX submissions_expert ON submissions(expert_id, submitted_at_us);

CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  reviewer_id TEXT NOT NULL REFERENCES users(id),
  verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
  reason TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  CHECK (verdict = 'approve' OR length(reason) >= 20)
) STRICT;
CREATE INDEX reviews_submission ON reviews(submission_id, created_at_us);
