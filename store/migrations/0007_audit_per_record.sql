-- crmsync schema 7.
--
-- The audit keeps one row per record written instead of one per field: a
-- 100k-contact first sync creates about 140k records and wrote about 850k
-- audit rows, 2.9 s of its CPU and a fifth of the file (BENCHMARKS.md,
-- fix 28). changes holds the record's fields in write order as a JSON array
-- of [field, old, new, rule]. Nothing is lost: the view `audit` still gives
-- one row per field, and store.Audit returns the same rows as before.

CREATE TABLE audit_records (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  side      TEXT NOT NULL CHECK (side IN ('a', 'b')), -- the side written
  record_id TEXT NOT NULL,
  changes   TEXT NOT NULL, -- [[field, old, new, rule], ...]; rule says why: a-changed, prefer-a, newer, create, undo...
  at        INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_records_by_run ON audit_records (run_id);

INSERT INTO audit_records(run_id, side, record_id, changes, at)
  SELECT run_id, side, record_id, json_array(json_array(field, old, new, rule)), at FROM audit ORDER BY id;
DROP TABLE audit;

-- One row per field written, in write order (id, then seq).
CREATE VIEW audit AS
  SELECT a.id AS id, c.key AS seq, a.run_id AS run_id, a.side AS side, a.record_id AS record_id,
         c.value ->> 0 AS field, c.value ->> 1 AS old, c.value ->> 2 AS new, c.value ->> 3 AS rule, a.at AS at
  FROM audit_records AS a, json_each(a.changes) AS c;
