-- crmsync schema 18.
--
-- A plan's review items may be stored with its writes (kind 'review'):
-- the undo of a first sync of 100k records sends each record it created to
-- review, and held them all in memory until the plan was applied. SQLite
-- cannot widen a CHECK in place, so plan_chunks is made again. Stored plans
-- are dropped, as in schema 8: a plan lives from a preview to its apply,
-- and holding a dropped one gives ErrStalePlan.

DELETE FROM plans;
DROP TABLE plan_chunks;
CREATE TABLE plan_chunks (
  id      INTEGER PRIMARY KEY, -- insertion order
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  kind    TEXT NOT NULL CHECK (kind IN ('create', 'update', 'link', 'review')),
  side    TEXT NOT NULL, -- the side written; '' for links and review items
  n       INTEGER NOT NULL,
  items   BLOB NOT NULL  -- n items, each its length (uvarint) then its bytes (encoded by the engine)
) STRICT;
CREATE INDEX plan_chunks_order ON plan_chunks (plan_id, kind, side, id);
