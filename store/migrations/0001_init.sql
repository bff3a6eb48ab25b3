-- crmsync schema 1. Times are unix milliseconds. No secrets are ever stored here.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE connections (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  vendor        TEXT NOT NULL,
  auth_kind     TEXT NOT NULL DEFAULT 'oauth' CHECK (auth_kind IN ('oauth', 'token')),
  account_id    TEXT NOT NULL DEFAULT '',
  account_name  TEXT NOT NULL DEFAULT '',
  api_base      TEXT NOT NULL DEFAULT '',
  -- Non-secret OAuth facts (auth/token URLs, client id, port); the client
  -- secret and tokens live in the OS keyring.
  oauth         TEXT NOT NULL DEFAULT '{}',
  status        TEXT NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'reconnect', 'error')),
  status_detail TEXT NOT NULL DEFAULT '',
  daily_budget  INTEGER NOT NULL DEFAULT 0, -- 0 = the app default
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

-- API calls per connection per UTC day, for the budget and the UI.
CREATE TABLE api_usage (
  connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  day           TEXT NOT NULL, -- YYYY-MM-DD (UTC)
  calls         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (connection_id, day)
) STRICT;

CREATE TABLE syncs (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  definition TEXT NOT NULL, -- JSON of the validated definition
  paused     INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- One-to-one links between the two sides, with the base snapshot: the last
-- agreed canonical value of each mapping row (JSON object, row key -> value).
-- created_by names the side a record was created on by crmsync ('' = matched).
CREATE TABLE links (
  sync_id    INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  a_id       TEXT NOT NULL,
  b_id       TEXT NOT NULL,
  base       TEXT NOT NULL DEFAULT '{}',
  created_by TEXT NOT NULL DEFAULT '' CHECK (created_by IN ('', 'a', 'b')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (sync_id, a_id),
  UNIQUE (sync_id, b_id)
) STRICT;

-- The key index of each side: every record seen, its last seen values of the
-- fields the sync uses (JSON) and modified time, so matching is a local
-- lookup. seq orders what was read: records with seq above the side's
-- cursors.done_seq have not been planned and applied yet.
CREATE TABLE records (
  sync_id  INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  side     TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id       TEXT NOT NULL,
  modified INTEGER NOT NULL,
  deleted  INTEGER NOT NULL DEFAULT 0,
  fields   TEXT NOT NULL DEFAULT '{}',
  seq      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sync_id, side, id)
) STRICT;
CREATE INDEX records_by_seq ON records (sync_id, side, seq, id);

-- Normalized match keys (rule index + value) per record.
CREATE TABLE record_keys (
  sync_id INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  rule    INTEGER NOT NULL,
  key     TEXT NOT NULL,
  side    TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id      TEXT NOT NULL,
  PRIMARY KEY (sync_id, rule, key, side, id)
) STRICT;
CREATE INDEX record_keys_by_id ON record_keys (sync_id, side, id);

-- Per side: the read cursor (stored only once its page is indexed) and the
-- highest record seq whose plan was applied.
CREATE TABLE cursors (
  sync_id    INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  side       TEXT NOT NULL CHECK (side IN ('a', 'b')),
  cursor     TEXT NOT NULL DEFAULT '',
  done_seq   INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (sync_id, side)
) STRICT;

CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  sync_id      INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  trigger      TEXT NOT NULL, -- manual | schedule | cli | undo | retry
  status       TEXT NOT NULL CHECK (status IN ('running', 'success', 'partial', 'failed', 'cancelled', 'needs_confirmation', 'dry_run')),
  undo_of      INTEGER REFERENCES runs(id),
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER NOT NULL DEFAULT 0,
  created      INTEGER NOT NULL DEFAULT 0,
  updated      INTEGER NOT NULL DEFAULT 0,
  unchanged    INTEGER NOT NULL DEFAULT 0,
  conflicts    INTEGER NOT NULL DEFAULT 0,
  review       INTEGER NOT NULL DEFAULT 0,
  failed       INTEGER NOT NULL DEFAULT 0,
  deleted      INTEGER NOT NULL DEFAULT 0,
  api_calls_a  INTEGER NOT NULL DEFAULT 0,
  api_calls_b  INTEGER NOT NULL DEFAULT 0,
  message      TEXT NOT NULL DEFAULT ''
) STRICT;
-- Never two runs of one sync at once; cleared at start-up after a crash.
CREATE UNIQUE INDEX runs_one_open ON runs (sync_id) WHERE status = 'running';
CREATE INDEX runs_by_sync ON runs (sync_id, id);

-- Field-level audit: old -> new for every field written.
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  side      TEXT NOT NULL CHECK (side IN ('a', 'b')), -- the side written
  record_id TEXT NOT NULL,
  field     TEXT NOT NULL,
  old       TEXT NOT NULL,
  new       TEXT NOT NULL,
  rule      TEXT NOT NULL DEFAULT '', -- why: a-changed, prefer-a, newer, create, undo...
  at        INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_by_run ON audit (run_id);

-- Record-level errors of a run, with the vendor's verbatim message.
CREATE TABLE run_errors (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  side      TEXT NOT NULL CHECK (side IN ('a', 'b')),
  record_id TEXT NOT NULL,
  category  TEXT NOT NULL,
  field     TEXT NOT NULL DEFAULT '',
  code      TEXT NOT NULL DEFAULT '',
  message   TEXT NOT NULL,
  at        INTEGER NOT NULL
) STRICT;
CREATE INDEX run_errors_by_run ON run_errors (run_id);

CREATE TABLE review (
  id          INTEGER PRIMARY KEY,
  sync_id     INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('unmatched', 'ambiguous', 'conflict', 'delete', 'rejected')),
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'done')),
  side        TEXT NOT NULL DEFAULT '', -- the side the subject record lives on
  record_id   TEXT NOT NULL DEFAULT '',
  other_id    TEXT NOT NULL DEFAULT '',
  field       TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '{}', -- JSON: values, candidates with evidence, messages
  decision    TEXT NOT NULL DEFAULT '{}', -- JSON: link/create/skip/take-a/take-b/set
  created_at  INTEGER NOT NULL,
  decided_at  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX review_one_open ON review (sync_id, kind, side, record_id, field) WHERE status = 'open';
CREATE INDEX review_by_subject ON review (sync_id, side, record_id);

CREATE TABLE retry_queue (
  sync_id   INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  side      TEXT NOT NULL CHECK (side IN ('a', 'b')), -- the side the write targeted
  record_id TEXT NOT NULL, -- source record id
  category  TEXT NOT NULL,
  field     TEXT NOT NULL DEFAULT '',
  code      TEXT NOT NULL DEFAULT '',
  message   TEXT NOT NULL,
  attempts  INTEGER NOT NULL DEFAULT 1,
  next_at   INTEGER NOT NULL,
  PRIMARY KEY (sync_id, side, record_id)
) STRICT;

-- Written before each batch of creates; a row still 'pending' at the next run
-- means a crash between "the CRM created it" and "we stored the link".
CREATE TABLE journal (
  id         INTEGER PRIMARY KEY,
  sync_id    INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  run_id     INTEGER NOT NULL,
  side       TEXT NOT NULL CHECK (side IN ('a', 'b')),
  object     TEXT NOT NULL,
  key_field  TEXT NOT NULL,
  batch      TEXT NOT NULL, -- JSON: [{source_id, key, base, fields}]
  state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX journal_pending ON journal (sync_id, state);
