-- crmsync schema 4: the key index, its match keys and the links become
-- WITHOUT ROWID tables. Each record used to land on random leaves of three
-- B-trees per table (the rowid table, its primary-key index and a second
-- index); now the primary key is the table. record_keys loses its by-id
-- index: a record's current keys are kept on its records row (`keys`, a JSON
-- array indexed by match rule, "" where a rule gives none), so replacing them
-- deletes exact primary keys. See BENCHMARKS.md, fix 13.

CREATE TABLE records_v4 (
  sync_id  INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  side     TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id       TEXT NOT NULL,
  modified INTEGER NOT NULL,
  deleted  INTEGER NOT NULL DEFAULT 0,
  fields   TEXT NOT NULL DEFAULT '{}',
  seq      INTEGER NOT NULL DEFAULT 0,
  keys     TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (sync_id, side, id)
) STRICT, WITHOUT ROWID;

-- Old rows get their keys from record_keys; rule numbers are small, so the
-- array is rebuilt with one element per rule up to the highest one used.
INSERT INTO records_v4 (sync_id, side, id, modified, deleted, fields, seq, keys)
SELECT r.sync_id, r.side, r.id, r.modified, r.deleted, r.fields, r.seq,
  coalesce((
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
      WHERE i < (SELECT max(rule) FROM record_keys k WHERE k.sync_id = r.sync_id AND k.side = r.side AND k.id = r.id))
    SELECT json_group_array(coalesce((SELECT key FROM record_keys k
      WHERE k.sync_id = r.sync_id AND k.side = r.side AND k.id = r.id AND k.rule = n.i), ''))
    FROM n
    WHERE EXISTS (SELECT 1 FROM record_keys k WHERE k.sync_id = r.sync_id AND k.side = r.side AND k.id = r.id)
  ), '[]')
FROM records r;

CREATE TABLE record_keys_v4 (
  sync_id INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  rule    INTEGER NOT NULL,
  key     TEXT NOT NULL,
  side    TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id      TEXT NOT NULL,
  PRIMARY KEY (sync_id, rule, key, side, id)
) STRICT, WITHOUT ROWID;
INSERT INTO record_keys_v4 SELECT sync_id, rule, key, side, id FROM record_keys;

CREATE TABLE links_v4 (
  sync_id    INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  a_id       TEXT NOT NULL,
  b_id       TEXT NOT NULL,
  base       TEXT NOT NULL DEFAULT '{}',
  created_by TEXT NOT NULL DEFAULT '' CHECK (created_by IN ('', 'a', 'b')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (sync_id, a_id),
  UNIQUE (sync_id, b_id)
) STRICT, WITHOUT ROWID;
INSERT INTO links_v4 SELECT sync_id, a_id, b_id, base, created_by, updated_at FROM links;

DROP TABLE records;
DROP TABLE record_keys;
DROP TABLE links;
ALTER TABLE records_v4 RENAME TO records;
ALTER TABLE record_keys_v4 RENAME TO record_keys;
ALTER TABLE links_v4 RENAME TO links;
CREATE INDEX records_by_seq ON records (sync_id, side, seq, id);

-- Plan items are paged in the order the planner added them, not by record
-- id: appends to the end of the index instead of inserts at random places.
-- A plan stored before the upgrade is dropped; holding it gives ErrStalePlan.
DELETE FROM plans;
DROP INDEX plan_items_order;
CREATE INDEX plan_items_order ON plan_items (plan_id, kind, side, id);
