-- Datasets (issue 16): streamed import jobs, prior labels, items waiting for model responses,
-- candidate generation with its request cache, export manifests, and the change feed the
-- incremental quality report reads.

-- Items of an import that is still running are written in committed batches but stay invisible
-- (never leased, listed, counted or exported) until the import ends: the project's items with
-- seq <= items_committed_seq are the visible ones. A failed import's items (seq above it) are
-- deleted, so nothing of it remains.
ALTER TABLE projects ADD COLUMN items_committed_seq INTEGER NOT NULL DEFAULT 0;
UPDATE projects SET items_committed_seq = (SELECT coalesce(max(seq), 0) FROM items WHERE items.project_id = projects.id);
-- How exports name the experts: 'pseudonym' (work::ExpertPseudonym, per project) or 'id'.
ALTER TABLE projects ADD COLUMN export_experts TEXT NOT NULL DEFAULT 'pseudonym'
  CHECK (export_experts IN ('pseudonym', 'id'));

-- 1: imported without the model responses its template shows; candidate generation fills them,
-- and until then nobody is leased the item.
ALTER TABLE items ADD COLUMN awaiting_responses INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_responses IN (0, 1));

-- Most items ask nothing of their expert (req_class NULL): only those that do are in this index.
DROP INDEX items_class;
CREATE INDEX items_class ON items(project_id, req_class, taken, seq) WHERE req_class IS NOT NULL;

-- One import at a time per project (the partial unique index): running → done | failed.
-- heartbeat_at_us moves at least every 30 s while the importer lives; a running job whose
-- heartbeat is 5 minutes old belongs to a process that died, and the next import cleans it up.
CREATE TABLE import_jobs (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  created_by TEXT REFERENCES users(id),  -- NULL: the offline CLI
  format TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  first_seq INTEGER NOT NULL,            -- items of this job have seq > first_seq
  bytes_read INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  awaiting_responses INTEGER NOT NULL DEFAULT 0,
  prior_labels INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  errors TEXT NOT NULL DEFAULT '[]',     -- the first kMaxImportErrors {line, message}
  failure TEXT,                          -- why a failed job failed
  started_at_us INTEGER NOT NULL,
  heartbeat_at_us INTEGER NOT NULL,
  finished_at_us INTEGER
) STRICT;
CREATE UNIQUE INDEX import_jobs_running ON import_jobs(project_id) WHERE state = 'running';
CREATE INDEX import_jobs_project ON import_jobs(project_id, started_at_us);

-- Labels that came from outside with the items (Label Studio annotations and predictions, the
-- answers of an earlier export): kept beside the experts' submissions, never mixed with them.
CREATE TABLE prior_labels (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  item_id TEXT NOT NULL REFERENCES items(id),
  kind TEXT NOT NULL CHECK (kind IN ('annotation', 'prediction', 'submission')),
  source TEXT NOT NULL DEFAULT '',       -- who or what gave it: an annotator, a model version
  answer TEXT,                           -- in this project's answer shape, when it has one
  raw TEXT NOT NULL,                     -- the label exactly as imported (JSON)
  raw_hash TEXT NOT NULL,                -- sha256 of raw: the same label imported twice is one
  score REAL,
  created_at_us INTEGER NOT NULL,
  import_job_id TEXT REFERENCES import_jobs(id),
  UNIQUE (item_id, kind, source, raw_hash)
) STRICT;
CREATE INDEX prior_labels_project ON prior_labels(project_id, item_id);

-- Candidate generation: a job fills items' responses from OpenAI-compatible endpoints.
CREATE TABLE generation_jobs (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  created_by TEXT REFERENCES users(id),
  config TEXT NOT NULL,                  -- endpoints and options as given (no API keys, only their names)
  state TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'done', 'failed', 'cancelled')),
  items_total INTEGER NOT NULL DEFAULT 0,
  items_done INTEGER NOT NULL DEFAULT 0,
  requests_total INTEGER NOT NULL DEFAULT 0,
  requests_done INTEGER NOT NULL DEFAULT 0,
  requests_failed INTEGER NOT NULL DEFAULT 0,
  requests_cached INTEGER NOT NULL DEFAULT 0,
  retries INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  failure TEXT,
  created_at_us INTEGER NOT NULL,
  heartbeat_at_us INTEGER NOT NULL,
  finished_at_us INTEGER
) STRICT;
CREATE INDEX generation_jobs_project ON generation_jobs(project_id, created_at_us);

-- One row per response a job obtained (or failed to), with what it cost.
CREATE TABLE generations (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES generation_jobs(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  item_id TEXT NOT NULL REFERENCES items(id),
  endpoint TEXT NOT NULL,                -- the endpoint's name in the job
  model TEXT NOT NULL,
  response_id TEXT,                      -- the id the response got in data.responses
  request_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
  cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1)),
  attempts INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  latency_ms INTEGER,
  finish_reason TEXT,
  error TEXT,
  created_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX generations_job ON generations(job_id, created_at_us);
CREATE INDEX generations_item ON generations(item_id);

-- Responses by the exact request (sha256 of the endpoint URL and the canonical request body,
-- never the key): a re-run of the same request costs nothing.
CREATE TABLE generation_cache (
  request_hash TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  content TEXT NOT NULL,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  latency_ms INTEGER,
  finish_reason TEXT,
  created_at_us INTEGER NOT NULL
) STRICT;

-- What every export handed out: format, filters, method, counts, when and by whom.
CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  created_by TEXT REFERENCES users(id),  -- NULL: the offline CLI
  format TEXT NOT NULL,
  manifest TEXT NOT NULL,
  created_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX exports_project ON exports(project_id, created_at_us);
