-- crmsync schema 8.
--
-- A plan's items are stored in chunks of up to 256 items of one kind and
-- side, instead of a row each: a 100k-contact first sync stored, read back
-- and deleted about 250k item rows, 2.9 s of its CPU (BENCHMARKS.md,
-- fix 29). Stored plans are dropped, as in schema 4: a plan lives from a
-- preview to its apply, and holding a dropped one gives ErrStalePlan.

DELETE FROM plans;
DROP TABLE plan_items;

CREATE TABLE plan_chunks (
  id      INTEGER PRIMARY KEY, -- insertion order
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  kind    TEXT NOT NULL CHECK (kind IN ('create', 'update', 'link')),
  side    TEXT NOT NULL, -- the side written; '' for links
  n       INTEGER NOT NULL,
  items   BLOB NOT NULL  -- n items, each its length (uvarint) then its bytes (encoded by the engine)
) STRICT;
CREATE INDEX plan_chunks_order ON plan_chunks (plan_id, kind, side, id);
