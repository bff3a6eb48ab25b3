-- crmsync schema 15.
--
-- A create the target CRM refuses as a likely duplicate of records it
-- holds (Salesforce's duplicate rules) is held for review as a
-- 'duplicate' item naming them. SQLite cannot change a CHECK constraint,
-- so the review table is built again with the new kind; no table refers
-- to it.
CREATE TABLE review_new (
  id          INTEGER PRIMARY KEY,
  sync_id     INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('unmatched', 'ambiguous', 'conflict', 'delete', 'rejected', 'duplicate')),
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
INSERT INTO review_new SELECT id, sync_id, kind, status, side, record_id, other_id, field, detail, decision, created_at, decided_at FROM review;
DROP TABLE review;
ALTER TABLE review_new RENAME TO review;
CREATE UNIQUE INDEX review_one_open ON review (sync_id, kind, side, record_id, field) WHERE status = 'open';
CREATE INDEX review_by_subject ON review (sync_id, side, record_id);
