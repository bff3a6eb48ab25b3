-- crmsync schema 6.
--
-- records, record_keys and links reference syncs with a DEFERRABLE INITIALLY
-- DEFERRED foreign key (checked at COMMIT; ON DELETE CASCADE still acts at
-- once). With an immediate foreign key, SQLite opens a statement journal for
-- every multi-row INSERT in case the statement has to be undone alone, and
-- copies each page the statement touches into it. These three tables take
-- their inserts at random places in their indexes, so that journal spilled
-- to a temporary file: 2.35 s of a 100k-contact first sync (BENCHMARKS.md,
-- fix 27). New rows now go in with INSERT OR FAIL, which with a deferred
-- key cannot need it; every store transaction is undone whole on any error.
-- The tables are rebuilt because SQLite cannot alter a constraint.

CREATE TABLE records_v6 (
  sync_id  INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  side     TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id       TEXT NOT NULL,
  modified INTEGER NOT NULL,
  deleted  INTEGER NOT NULL DEFAULT 0,
  fields   TEXT NOT NULL DEFAULT '{}',
  seq      INTEGER NOT NULL DEFAULT 0,
  keys     TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (sync_id, side, id)
) STRICT;
INSERT INTO records_v6(sync_id, side, id, modified, deleted, fields, seq, keys)
  SELECT sync_id, side, id, modified, deleted, fields, seq, keys FROM records;
DROP TABLE records;
ALTER TABLE records_v6 RENAME TO records;
CREATE INDEX records_by_seq ON records (sync_id, side, seq, id);

CREATE TABLE record_keys_v6 (
  sync_id INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  rule    INTEGER NOT NULL,
  key     TEXT NOT NULL,
  side    TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id      TEXT NOT NULL,
  PRIMARY KEY (sync_id, rule, key, side, id)
) STRICT, WITHOUT ROWID;
INSERT INTO record_keys_v6 SELECT sync_id, rule, key, side, id FROM record_keys;
DROP TABLE record_keys;
ALTER TABLE record_keys_v6 RENAME TO record_keys;

CREATE TABLE links_v6 (
  sync_id    INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  a_id       TEXT NOT NULL,
  b_id       TEXT NOT NULL,
  base       TEXT NOT NULL DEFAULT '{}',
  created_by TEXT NOT NULL DEFAULT '' CHECK (created_by IN ('', 'a', 'b')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (sync_id, a_id),
  UNIQUE (sync_id, b_id)
) STRICT;
INSERT INTO links_v6 SELECT sync_id, a_id, b_id, base, created_by, updated_at FROM links;
DROP TABLE links;
ALTER TABLE links_v6 RENAME TO links;
