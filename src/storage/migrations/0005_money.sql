-- Money and time (issue 14): pay rules per project; heartbeats, time segments, memos and
-- disputes; the double-entry ledger (integer cents, one currency per transaction, entries that
-- sum to zero, append-only); accruals keyed by submission; payout batches and payouts.

-- What a project pays (src/money/pay.h). One row per project that pays anything.
CREATE TABLE project_pay (
  project_id TEXT PRIMARY KEY REFERENCES projects(id),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  per_item_cents INTEGER NOT NULL DEFAULT 0 CHECK (per_item_cents BETWEEN 0 AND 100000000),
  hourly_cents INTEGER NOT NULL DEFAULT 0 CHECK (hourly_cents BETWEEN 0 AND 100000000),
  floor_hourly_cents INTEGER NOT NULL DEFAULT 0 CHECK (floor_hourly_cents BETWEEN 0 AND 100000000),
  auto_approve_days INTEGER CHECK (auto_approve_days IS NULL OR auto_approve_days BETWEEN 1 AND 365),
  bonuses TEXT NOT NULL DEFAULT '[]',  -- JSON: quality tiers
  rush TEXT NOT NULL DEFAULT '[]',     -- JSON: date ranges with a multiplier
  -- Since when it pays anything (NULL: it pays nothing): verdicts from then on accrue.
  pays_since_us INTEGER,
  updated_by TEXT REFERENCES users(id),
  updated_at_us INTEGER NOT NULL
) STRICT;

-- A confirmed fraud finding on a submission, with a reason: its time is not paid.
CREATE TABLE fraud_findings (
  submission_id TEXT PRIMARY KEY REFERENCES submissions(id),
  reason TEXT NOT NULL CHECK (length(reason) >= 10),
  found_by TEXT NOT NULL REFERENCES users(id),
  found_at_us INTEGER NOT NULL
) STRICT;

-- Auto-approval (the project's auto_approve_days passed without a review).
ALTER TABLE submissions ADD COLUMN auto_approved_at_us INTEGER;

-- ---- time ----------------------------------------------------------------------------------
-- Every heartbeat as received (server time), with what it credited. beat_id is the client's,
-- so a retried beat counts once.
CREATE TABLE heartbeats (
  assignment_id TEXT NOT NULL REFERENCES assignments(id),
  beat_id TEXT NOT NULL,
  tab_id TEXT NOT NULL,
  at_us INTEGER NOT NULL,             -- server clock
  client_at_us INTEGER,               -- the client's clock, kept, never trusted
  claimed_ms INTEGER NOT NULL CHECK (claimed_ms >= 0),
  credited_ms INTEGER NOT NULL CHECK (credited_ms >= 0),
  visible INTEGER NOT NULL CHECK (visible IN (0, 1)),
  PRIMARY KEY (assignment_id, beat_id)
) STRICT;

-- Measured time per assignment: the sum of the credited heartbeats.
CREATE TABLE assignment_time (
  assignment_id TEXT PRIMARY KEY REFERENCES assignments(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  beats INTEGER NOT NULL,
  measured_ms INTEGER NOT NULL CHECK (measured_ms >= 0),
  last_beat_at_us INTEGER NOT NULL,
  -- The active time after the last beat up to the submit (time_credit.h TailMs), added to
  -- measured_ms once, when the submission first accrues; NULL until then.
  tail_ms INTEGER
) STRICT;

-- 10-minute buckets of measured time per expert, project and assignment.
CREATE TABLE time_segments (
  id TEXT PRIMARY KEY,
  assignment_id TEXT NOT NULL REFERENCES assignments(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  bucket_start_us INTEGER NOT NULL,
  active_ms INTEGER NOT NULL CHECK (active_ms BETWEEN 0 AND 600000),
  granted_ms INTEGER NOT NULL DEFAULT 0 CHECK (granted_ms BETWEEN 0 AND 600000),
  beats INTEGER NOT NULL,
  UNIQUE (assignment_id, bucket_start_us)
) STRICT;
CREATE INDEX time_segments_expert ON time_segments(expert_id, bucket_start_us);
CREATE INDEX time_segments_project ON time_segments(project_id, bucket_start_us);

-- The expert's note on a day of her timesheet (UTC day, YYYY-MM-DD).
CREATE TABLE timesheet_memos (
  expert_id TEXT NOT NULL REFERENCES users(id),
  day TEXT NOT NULL CHECK (length(day) = 10),
  memo TEXT NOT NULL,
  updated_at_us INTEGER NOT NULL,
  PRIMARY KEY (expert_id, day)
) STRICT;

-- "This segment shows less than I worked": a manager of the project accepts (granting time)
-- or rejects, always with a reason she reads. Never deleted.
CREATE TABLE time_disputes (
  id TEXT PRIMARY KEY,
  segment_id TEXT NOT NULL REFERENCES time_segments(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  claimed_ms INTEGER NOT NULL CHECK (claimed_ms BETWEEN 1 AND 600000),
  reason TEXT NOT NULL CHECK (length(reason) >= 1),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  granted_ms INTEGER,
  resolution TEXT,
  resolved_by TEXT REFERENCES users(id),
  resolved_at_us INTEGER,
  created_at_us INTEGER NOT NULL,
  CHECK (status = 'open' OR (resolution IS NOT NULL AND length(resolution) >= 1))
) STRICT;
CREATE UNIQUE INDEX time_disputes_open ON time_disputes(segment_id) WHERE status = 'open';
CREATE INDEX time_disputes_project ON time_disputes(project_id, status, created_at_us);
CREATE INDEX time_disputes_expert ON time_disputes(expert_id, created_at_us);

-- ---- the ledger ----------------------------------------------------------------------------
-- An account: a kind, whose it is (a project, an expert; '' for the platform's own) and a
-- currency. balance_cents is kept by a trigger on every entry; the auditor recomputes it.
CREATE TABLE ledger_accounts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('client_funding', 'project_budget', 'expert_payable', 'expert_paid',
                                     'platform_fee', 'cash')),
  owner TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  balance_cents INTEGER NOT NULL DEFAULT 0,
  UNIQUE (kind, owner, currency)
) STRICT;

-- Entries, clustered by transaction. Written after their transaction's header, lines 1..n in
-- order; the triggers below refuse any other order, an entry without its header, an account of
-- another currency, and a last line that leaves the transaction's sum other than zero.
CREATE TABLE ledger_entries (
  txn_seq INTEGER NOT NULL,
  line INTEGER NOT NULL CHECK (line >= 1),
  account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0 AND amount_cents BETWEEN -10000000000000 AND 10000000000000),
  PRIMARY KEY (txn_seq, line)
) STRICT, WITHOUT ROWID;
CREATE INDEX ledger_entries_account ON ledger_entries(account_id, txn_seq, amount_cents);

-- A transaction's header, written first. Its (seq, lines) must name an existing entry by
-- COMMIT (a deferred foreign key, on both drivers): a transaction whose last line was never
-- written cannot commit. idempotency_key: the same key and body is the same transaction.
CREATE TABLE ledger_transactions (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  body_hash TEXT NOT NULL,
  -- Written as ORs: SQLite builds a temporary index for a CHECK's IN list of more than two
  -- values on every row inserted, which cost the single writer more than the row itself.
  kind TEXT NOT NULL CHECK (kind = 'funding' OR kind = 'accrual' OR kind = 'payout' OR kind = 'payout_paid' OR
                            kind = 'reversal' OR kind = 'adjustment'),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  lines INTEGER NOT NULL CHECK (lines BETWEEN 2 AND 1000),
  reverses_id TEXT REFERENCES ledger_transactions(id),
  project_id TEXT,
  expert_id TEXT,
  submission_id TEXT,
  payout_id TEXT,
  memo TEXT NOT NULL DEFAULT '',
  detail TEXT,  -- JSON: how the amount was computed (hours, rate, bonus …)
  created_by TEXT,
  created_at_us INTEGER NOT NULL,
  FOREIGN KEY (seq, lines) REFERENCES ledger_entries (txn_seq, line) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE UNIQUE INDEX ledger_transactions_reverses ON ledger_transactions(reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX ledger_transactions_submission ON ledger_transactions(submission_id) WHERE submission_id IS NOT NULL;
CREATE INDEX ledger_transactions_project ON ledger_transactions(project_id, created_at_us) WHERE project_id IS NOT NULL;
CREATE INDEX ledger_transactions_expert ON ledger_transactions(expert_id, created_at_us) WHERE expert_id IS NOT NULL;

-- What a submission earns now (pay.h): one row per submission that was reviewed or
-- auto-approved on a paying project, with the breakdown of its latest accrual transaction.
CREATE TABLE accruals (
  submission_id TEXT PRIMARY KEY REFERENCES submissions(id),
  project_id TEXT NOT NULL REFERENCES projects(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  currency TEXT NOT NULL,
  basis TEXT NOT NULL CHECK (basis IN ('approved', 'rejected', 'fraud')),
  txn_id TEXT REFERENCES ledger_transactions(id),  -- NULL: it earns nothing now
  generation INTEGER NOT NULL,
  claimed_ms INTEGER NOT NULL,
  measured_ms INTEGER NOT NULL,
  held_ms INTEGER NOT NULL,
  paid_ms INTEGER NOT NULL,
  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
  item_cents INTEGER NOT NULL,
  time_cents INTEGER NOT NULL,
  floor_cents INTEGER NOT NULL,
  bonus_cents INTEGER NOT NULL,
  rush_cents INTEGER NOT NULL,
  total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
  fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0),
  updated_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX accruals_project ON accruals(project_id, updated_at_us);
CREATE INDEX accruals_expert ON accruals(expert_id, updated_at_us);
CREATE INDEX accruals_paid_time ON accruals(project_id, basis, paid_ms);

-- ---- payouts -------------------------------------------------------------------------------
-- Batch and payout ids are derived from what they are (payout.h), so a rerun finds its own.
CREATE TABLE payout_batches (
  id TEXT PRIMARY KEY,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  min_cents INTEGER NOT NULL CHECK (min_cents >= 0),
  status TEXT NOT NULL CHECK (status IN ('building', 'open', 'paying', 'paid')),
  created_by TEXT,
  created_at_us INTEGER NOT NULL,
  ready_at_us INTEGER,
  paid_by TEXT,
  paid_at_us INTEGER
) STRICT;
CREATE INDEX payout_batches_status ON payout_batches(status, created_at_us);

CREATE TABLE payouts (
  id TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES payout_batches(id),
  expert_id TEXT NOT NULL REFERENCES users(id),
  currency TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid')),
  txn_id TEXT NOT NULL REFERENCES ledger_transactions(id),
  paid_txn_id TEXT REFERENCES ledger_transactions(id),
  created_at_us INTEGER NOT NULL,
  UNIQUE (batch_id, expert_id)
) STRICT;
CREATE INDEX payouts_expert ON payouts(expert_id, status);

-- dialect: sqlite
-- A header exists before its entries; lines come 1, 2, … n; an entry's account has the
-- transaction's currency; the last line brings the sum to zero. Entries and headers never change.
-- One statement that finds the header once (this runs for every entry on the single writer).
CREATE TRIGGER ledger_entries_check BEFORE INSERT ON ledger_entries
BEGIN
  SELECT CASE
    WHEN t.seq IS NULL THEN RAISE(ABORT, 'ledger entry without its transaction')
    WHEN NEW.line > t.lines OR (NEW.line > 1 AND NOT EXISTS (
        SELECT 1 FROM ledger_entries WHERE txn_seq = NEW.txn_seq AND line = NEW.line - 1))
      THEN RAISE(ABORT, 'ledger entry line out of order')
    WHEN (SELECT currency FROM ledger_accounts WHERE id = NEW.account_id) IS NOT t.currency
      THEN RAISE(ABORT, 'ledger entry in another currency than its transaction')
    WHEN NEW.line = t.lines
         AND NEW.amount_cents + coalesce((SELECT sum(amount_cents) FROM ledger_entries WHERE txn_seq = NEW.txn_seq), 0) <> 0
      THEN RAISE(ABORT, 'ledger transaction does not sum to zero')
  END
  FROM (SELECT 1) AS one LEFT JOIN ledger_transactions t ON t.seq = NEW.txn_seq;
END;
CREATE TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
BEGIN
  UPDATE ledger_accounts SET balance_cents = balance_cents + NEW.amount_cents WHERE id = NEW.account_id;
END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal'); END;
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only: post a reversal'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only: post a reversal'); END;
-- dialect: postgres
CREATE FUNCTION assay_ledger_entry_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t_lines BIGINT;
  t_currency TEXT;
  total BIGINT;
BEGIN
  SELECT lines, currency INTO t_lines, t_currency FROM ledger_transactions WHERE seq = NEW.txn_seq;
  IF NOT FOUND THEN RAISE EXCEPTION 'ledger entry without its transaction' USING ERRCODE = '23514'; END IF;
  IF NEW.line > t_lines OR (NEW.line > 1 AND NOT EXISTS (
      SELECT 1 FROM ledger_entries WHERE txn_seq = NEW.txn_seq AND line = NEW.line - 1)) THEN
    RAISE EXCEPTION 'ledger entry line out of order' USING ERRCODE = '23514';
  END IF;
  IF (SELECT currency FROM ledger_accounts WHERE id = NEW.account_id) IS DISTINCT FROM t_currency THEN
    RAISE EXCEPTION 'ledger entry in another currency than its transaction' USING ERRCODE = '23514';
  END IF;
  IF NEW.line = t_lines THEN
    SELECT coalesce(sum(amount_cents), 0) INTO total FROM ledger_entries WHERE txn_seq = NEW.txn_seq;
    IF total + NEW.amount_cents <> 0 THEN
      RAISE EXCEPTION 'ledger transaction does not sum to zero' USING ERRCODE = '23514';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_check BEFORE INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION assay_ledger_entry_check();
CREATE FUNCTION assay_ledger_entry_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_accounts SET balance_cents = balance_cents + NEW.amount_cents WHERE id = NEW.account_id;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION assay_ledger_entry_balance();
-- At COMMIT, whatever wrote the rows: every transaction holds exactly its lines, summing to zero.
CREATE FUNCTION assay_ledger_txn_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n BIGINT;
  total BIGINT;
BEGIN
  SELECT count(*), coalesce(sum(amount_cents), 0) INTO n, total FROM ledger_entries WHERE txn_seq = NEW.seq;
  IF n <> NEW.lines OR total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % is incomplete or does not sum to zero', NEW.id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION assay_ledger_txn_balanced();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION assay_refuse_change();
