-- Dynamic overlap and the quality cache's version stamp.
-- max_overlap NULL: fixed overlap (the project's overlap). Otherwise overlap <= max_overlap <= 20
-- (checked by the service) and an item is leased until it is decided: its best label reached
-- target_confidence_ppm / 1e6, or max_overlap labels. The target is an integer (parts per
-- million) so both SQL dialects store it exactly.
ALTER TABLE projects ADD COLUMN max_overlap INTEGER CHECK (max_overlap IS NULL OR max_overlap BETWEEN 1 AND 100);
ALTER TABLE projects ADD COLUMN target_confidence_ppm INTEGER NOT NULL DEFAULT 950000
  CHECK (target_confidence_ppm > 500000 AND target_confidence_ppm < 1000000);
-- Bumped by every change the quality report reads (submit, review, import, project update):
-- the cache of GET /projects/{id}/quality is valid while it is unchanged.
ALTER TABLE projects ADD COLUMN quality_version INTEGER NOT NULL DEFAULT 0;

-- Per item, dynamic overlap: want = labels wanted now (0 = the project's overlap; raised by one
-- on "one more"), decided = 1 once no further label is wanted. Leasing reads both.
ALTER TABLE items ADD COLUMN want INTEGER NOT NULL DEFAULT 0 CHECK (want >= 0);
ALTER TABLE items ADD COLUMN decided INTEGER NOT NULL DEFAULT 0 CHECK (decided IN (0, 1));
CREATE INDEX items_undecided ON items(project_id, decided, taken, seq);
