-- crmsync schema 2: the writes and links of a plan live here between Plan
-- and Apply, so a first sync of 100k records per side is not held in memory.
-- A plan is dropped when applied, and purged by a later plan of its sync once
-- a run has happened since it was made (it is stale then anyway).

CREATE TABLE plans (
  -- AUTOINCREMENT: an id is never reused, so a purged plan held in memory
  -- can never pass for a newer one.
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  sync_id    INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  last_run   INTEGER NOT NULL DEFAULT 0, -- newest run of the sync when planned
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX plans_by_sync ON plans (sync_id, last_run);

CREATE TABLE plan_items (
  id       INTEGER PRIMARY KEY, -- insertion order breaks ties of sort_key
  plan_id  INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  kind     TEXT NOT NULL CHECK (kind IN ('create', 'update', 'link')),
  side     TEXT NOT NULL,  -- the side written; '' for links
  sort_key TEXT NOT NULL,  -- creates: source id; updates: record id; links: A id
  item     TEXT NOT NULL   -- JSON owned by the engine
) STRICT;
CREATE INDEX plan_items_order ON plan_items (plan_id, kind, side, sort_key, id);
