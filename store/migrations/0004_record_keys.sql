-- crmsync schema 4.
--
-- record_keys becomes a WITHOUT ROWID table and loses its by-id index: a
-- record's current keys are kept on its records row (`keys`, a JSON array
-- indexed by match rule, "" where a rule gives none), so replacing them
-- deletes exact primary keys, and a key is one entry in one B-tree instead
-- of a row plus two index entries. records and links stay rowid tables on
-- purpose: new rows append at the end, and only their small id indexes take
-- random inserts, which is what fits SQLite's page cache at 100k records
-- per side (BENCHMARKS.md, fix 13).

ALTER TABLE records ADD COLUMN keys TEXT NOT NULL DEFAULT '[]';

-- Old rows get their keys from record_keys; rule numbers are small, so the
-- array is rebuilt with one element per rule up to the highest one used.
UPDATE records AS r SET keys = (
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
      WHERE i < (SELECT max(rule) FROM record_keys k WHERE k.sync_id = r.sync_id AND k.side = r.side AND k.id = r.id))
    SELECT json_group_array(coalesce((SELECT key FROM record_keys k
      WHERE k.sync_id = r.sync_id AND k.side = r.side AND k.id = r.id AND k.rule = n.i), ''))
    FROM n)
WHERE EXISTS (SELECT 1 FROM record_keys k WHERE k.sync_id = r.sync_id AND k.side = r.side AND k.id = r.id);

CREATE TABLE record_keys_v4 (
  sync_id INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  rule    INTEGER NOT NULL,
  key     TEXT NOT NULL,
  side    TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id      TEXT NOT NULL,
  PRIMARY KEY (sync_id, rule, key, side, id)
) STRICT, WITHOUT ROWID;
INSERT INTO record_keys_v4 SELECT sync_id, rule, key, side, id FROM record_keys;
DROP TABLE record_keys;
ALTER TABLE record_keys_v4 RENAME TO record_keys;

-- Plan items are paged in the order the planner added them, not by record
-- id: appends to the end of the index instead of inserts at random places.
-- A plan stored before the upgrade is dropped; holding it gives ErrStalePlan.
DELETE FROM plans;
DROP INDEX plan_items_order;
CREATE INDEX plan_items_order ON plan_items (plan_id, kind, side, id);
