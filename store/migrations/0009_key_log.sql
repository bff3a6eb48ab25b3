-- crmsync schema 9.
--
-- Changes to record_keys are logged here in write order and applied to
-- record_keys in one sorted pass just before keys are looked up
-- (store.flushKeys, called by KeyHits). Match keys are emails and phone
-- numbers, so inserting them as records were indexed put each one on a
-- random leaf: every index and commit transaction rewrote most of
-- record_keys to the WAL (BENCHMARKS.md, fix 31). Appending to this log
-- touches its last page only. present is 1 when the record has the key now
-- and 0 when it no longer does; for each key of a record the newest row
-- decides.
CREATE TABLE key_log (
  seq     INTEGER PRIMARY KEY,
  sync_id INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  rule    INTEGER NOT NULL,
  key     TEXT NOT NULL,
  side    TEXT NOT NULL CHECK (side IN ('a', 'b')),
  id      TEXT NOT NULL,
  present INTEGER NOT NULL CHECK (present IN (0, 1))
) STRICT;
