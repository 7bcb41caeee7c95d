-- Environment sessions kept in the database (issue 17): a session is its log. env_sessions
-- holds what a session is (owner, suite, task or the world it started on, a fork's origin, the
-- assignment a demonstration belongs to), its latest snapshot and a front end's state;
-- env_steps holds every call as it was recorded, numbered from 1, and is append-only. A server
-- rebuilds a session it does not hold by replaying the steps after the snapshot; a step is
-- appended only as the next number, so two servers calling one session cannot both record it.

CREATE TABLE env_sessions (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,              -- a user id, or 'anonymous' (MCP without a token)
  suite TEXT NOT NULL,
  task TEXT NOT NULL DEFAULT '',    -- '' when started on a given world
  world_json TEXT,                  -- that world
  forked_from TEXT NOT NULL DEFAULT '',
  base_steps INTEGER NOT NULL DEFAULT 0,  -- a fork: the steps it was made with
  assignment_id TEXT NOT NULL DEFAULT '', -- a demonstration: the assignment it belongs to
  steps INTEGER NOT NULL DEFAULT 0,       -- how many env_steps rows it has
  snapshot_steps INTEGER,
  snapshot_json TEXT,               -- the latest snapshot (env::SnapshotToJson)
  attachment TEXT NOT NULL DEFAULT '',
  closed TEXT NOT NULL DEFAULT '',  -- why it takes no more calls, or ''
  created_at_us INTEGER NOT NULL,
  last_used_at_us INTEGER NOT NULL,
  deleted_at_us INTEGER
) STRICT;
CREATE INDEX env_sessions_owner ON env_sessions(owner, last_used_at_us);
CREATE INDEX env_sessions_used ON env_sessions(last_used_at_us);

CREATE TABLE env_steps (
  session_id TEXT NOT NULL REFERENCES env_sessions(id),
  number INTEGER NOT NULL CHECK (number >= 1),
  call_id TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (actor IN ('human', 'agent')),
  name TEXT NOT NULL,
  arguments_json TEXT NOT NULL,
  content TEXT NOT NULL,
  is_error INTEGER NOT NULL CHECK (is_error IN (0, 1)),
  changed_state INTEGER NOT NULL CHECK (changed_state IN (0, 1)),
  state_hash TEXT NOT NULL DEFAULT '',  -- the world's hash after the step ('' for a fork's copy)
  started_at_us INTEGER NOT NULL,
  finished_at_us INTEGER NOT NULL,
  PRIMARY KEY (session_id, number)
) STRICT;

-- dialect: sqlite
CREATE TRIGGER env_steps_no_update BEFORE UPDATE ON env_steps
BEGIN SELECT RAISE(ABORT, 'recorded steps cannot be changed'); END;
CREATE TRIGGER env_steps_no_delete BEFORE DELETE ON env_steps
BEGIN SELECT RAISE(ABORT, 'recorded steps cannot be deleted'); END;
-- dialect: postgres
CREATE TRIGGER env_steps_append_only BEFORE UPDATE OR DELETE ON env_steps
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
