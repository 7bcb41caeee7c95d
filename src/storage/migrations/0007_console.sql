-- The manager's console (issue 19): what the data browser filters and sorts on, its full-text
-- search and saved views; bulk actions as jobs with an append-only audit log; skips with a
-- reason; answers edited by their expert (every earlier version kept) and sent back by a
-- reviewer with a note; per-item history of the manager's changes; project display settings.

-- One row per item, kept by every change to the item's labels (submit, edit, review, skip, gold,
-- bulk actions) in that change's transaction, so the browser's filters, sorts and totals are
-- exact. Narrow on purpose: a filter that no index answers scans these rows, not the items'
-- data. Clustered by (project, import order). stale = 1: to be recomputed by the background
-- indexer (rows of items that existed before this migration, or imported by another path).
CREATE TABLE item_stats (
  project_id TEXT NOT NULL REFERENCES projects(id),
  seq INTEGER NOT NULL,
  item_id TEXT NOT NULL UNIQUE REFERENCES items(id),
  external_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'labelling', 'labelled')),
  labels INTEGER NOT NULL DEFAULT 0,      -- submissions not rejected
  pending INTEGER NOT NULL DEFAULT 0,     -- submissions waiting for review
  approved INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  consensus TEXT NOT NULL DEFAULT '',     -- the label of the template's first categorical field
  confidence_ppm INTEGER NOT NULL DEFAULT -1,  -- its posterior, parts per million; -1 unmeasured
  agreement_ppm INTEGER NOT NULL DEFAULT -1,   -- pairs of labels that agree; -1 below 2 labels
  gold TEXT NOT NULL DEFAULT 'none' CHECK (gold IN ('none', 'unscored', 'match', 'mismatch')),
  flags INTEGER NOT NULL DEFAULT 0,       -- skips reported as a broken item or "other"
  skips INTEGER NOT NULL DEFAULT 0,
  active_ms INTEGER NOT NULL DEFAULT 0,   -- experts' measured time on the item's submissions
  last_activity_us INTEGER NOT NULL,
  risk INTEGER NOT NULL DEFAULT 0,        -- review order: flagged, gold missed, disagreement
  stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
  PRIMARY KEY (project_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_stats_state ON item_stats(project_id, state, seq);
CREATE INDEX item_stats_labels ON item_stats(project_id, labels, seq);
CREATE INDEX item_stats_consensus ON item_stats(project_id, consensus, seq);
CREATE INDEX item_stats_confidence ON item_stats(project_id, confidence_ppm, seq);
CREATE INDEX item_stats_agreement ON item_stats(project_id, agreement_ppm, seq);
CREATE INDEX item_stats_gold ON item_stats(project_id, gold, seq);
CREATE INDEX item_stats_active ON item_stats(project_id, active_ms, seq);
CREATE INDEX item_stats_activity ON item_stats(project_id, last_activity_us, seq);
CREATE INDEX item_stats_external ON item_stats(project_id, external_id, seq);
CREATE INDEX item_stats_risk ON item_stats(project_id, risk, seq);
CREATE INDEX item_stats_flagged ON item_stats(project_id, flags, seq);
CREATE INDEX item_stats_pending ON item_stats(project_id, pending, seq);
CREATE INDEX item_stats_rejected ON item_stats(project_id, rejected, seq);
CREATE INDEX item_stats_stale ON item_stats(stale, project_id, seq) WHERE stale = 1;
INSERT INTO item_stats (project_id, seq, item_id, external_id, last_activity_us, stale)
  SELECT project_id, seq, id, coalesce(external_id, ''), created_at_us, 1 FROM items
  WHERE seq <= (SELECT p.items_committed_seq FROM projects p WHERE p.id = items.project_id);

-- Scalar fields of item data (a dotted path without arrays, values up to 200 characters), for
-- the browser's "a field's value" filter. Written by the background indexer.
CREATE TABLE item_fields (
  project_id TEXT NOT NULL,
  path TEXT NOT NULL,
  value TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (project_id, path, value, seq)
) STRICT, WITHOUT ROWID;

-- The browser's expert filter: the items she labelled in a project, from the index alone.
CREATE INDEX submissions_project_expert ON submissions(project_id, expert_id, item_id);

-- Items a manager asked more labels of than the project's overlap (items.want above what they
-- hold): the lease looks at these first.
CREATE INDEX items_wanted ON items(project_id, seq) WHERE want > taken;

-- How far the background indexer has read a project's items (full-text search, item_fields).
ALTER TABLE projects ADD COLUMN search_seq INTEGER NOT NULL DEFAULT 0;

-- What experts see: model names hidden (1) and responses in a per-item random order (1).
ALTER TABLE projects ADD COLUMN hide_models INTEGER NOT NULL DEFAULT 1 CHECK (hide_models IN (0, 1));
ALTER TABLE projects ADD COLUMN shuffle_responses INTEGER NOT NULL DEFAULT 1 CHECK (shuffle_responses IN (0, 1));

-- Saved views of the browser (a project's tabs): the browser's query string.
CREATE TABLE saved_views (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  query TEXT NOT NULL CHECK (length(query) <= 4000),
  created_by TEXT REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  UNIQUE (project_id, name)
) STRICT;

-- A task given back with a reason the manager sees.
CREATE TABLE skips (
  id TEXT PRIMARY KEY,
  assignment_id TEXT NOT NULL UNIQUE REFERENCES assignments(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  item_id TEXT NOT NULL REFERENCES items(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL CHECK (reason IN ('outside_expertise', 'broken_item', 'other')),
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX skips_project ON skips(project_id, created_at_us);
CREATE INDEX skips_item ON skips(item_id);

-- An answer edited by its expert: the current answer stays in submissions (version counts up),
-- every earlier one is here. Never changed or deleted (triggers below).
ALTER TABLE submissions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE submissions ADD COLUMN sent_back_at_us INTEGER;  -- open send-back: out of the queue
CREATE TABLE submission_versions (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  version INTEGER NOT NULL,
  answer TEXT NOT NULL,
  answer_hash TEXT NOT NULL,
  active_ms INTEGER NOT NULL,
  submitted_at_us INTEGER NOT NULL,
  replaced_at_us INTEGER NOT NULL,
  UNIQUE (submission_id, version)
) STRICT;

-- "Send back with a note": the reviewer's note; answered when the expert sends her revision.
CREATE TABLE send_backs (
  id TEXT PRIMARY KEY,
  submission_id TEXT NOT NULL REFERENCES submissions(id),
  reviewer_id TEXT NOT NULL REFERENCES users(id),
  note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 10000),
  created_at_us INTEGER NOT NULL,
  answered_at_us INTEGER
) STRICT;
CREATE INDEX send_backs_submission ON send_backs(submission_id, created_at_us);

-- Bulk actions run as jobs over a selection fixed when they are asked for (job_items, by the
-- items' import order), with progress.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'requeue', 'set_overlap', 'set_gold', 'export')),
  params TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  total INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_by TEXT REFERENCES users(id),
  created_at_us INTEGER NOT NULL,
  finished_at_us INTEGER
) STRICT;
CREATE INDEX jobs_project ON jobs(project_id, created_at_us);
CREATE INDEX jobs_open ON jobs(state, created_at_us);
CREATE TABLE job_items (
  job_id TEXT NOT NULL REFERENCES jobs(id),
  n INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (job_id, n)
) STRICT, WITHOUT ROWID;

-- Who did what to how many, when: one row when a bulk action is asked for, one when it ends.
-- Never changed or deleted (triggers below).
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  actor_id TEXT REFERENCES users(id),
  action TEXT NOT NULL,
  items INTEGER NOT NULL,
  detail TEXT NOT NULL,
  job_id TEXT,
  created_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_log_project ON audit_log(project_id, created_at_us);

-- A manager's change to one item (gold set or replaced, sent for another label, overlap):
-- the item's history, with what it was before.
CREATE TABLE item_events (
  id TEXT PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES items(id),
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  actor_id TEXT REFERENCES users(id),
  job_id TEXT,
  created_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX item_events_item ON item_events(item_id, created_at_us);

-- dialect: sqlite
-- A row's rowid is (projects.search_key << 43) | (seq << 11) | its number among the item's rows
-- (work/search.cc), so that a search reads the index alone: the project by rowid range, the item
-- from the rowid. project_id and seq are kept for reading by hand.
CREATE VIRTUAL TABLE item_search USING fts5(body, project_id UNINDEXED, seq UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2');
ALTER TABLE projects ADD COLUMN search_key INTEGER;  -- given on the project's first indexed text
CREATE UNIQUE INDEX projects_search_key ON projects(search_key);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER submission_versions_no_update BEFORE UPDATE ON submission_versions
BEGIN SELECT RAISE(ABORT, 'earlier versions of an answer are kept as they were'); END;
CREATE TRIGGER submission_versions_no_delete BEFORE DELETE ON submission_versions
BEGIN SELECT RAISE(ABORT, 'earlier versions of an answer are kept as they were'); END;
-- dialect: postgres
CREATE TABLE item_search (
  project_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  doc tsvector NOT NULL
);
CREATE INDEX item_search_doc ON item_search USING GIN (doc);
CREATE INDEX item_search_project ON item_search (project_id, seq);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER submission_versions_append_only BEFORE UPDATE OR DELETE ON submission_versions
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
