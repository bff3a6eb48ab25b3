-- crmsync schema 11.
--
-- References waiting for a link: a record whose field names a record
-- another sync has not linked yet (a contact whose company the companies
-- sync has not linked), so that field was left as it is. Once ref_sync
-- links ref_id, the next plan of sync_id plans the record again from the
-- index, and the field is written then, even if the record never changes
-- again. A record planned again replaces its rows.
CREATE TABLE ref_waits (
  sync_id   INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
  side      TEXT NOT NULL CHECK (side IN ('a', 'b')), -- the side the record holding the reference is on
  record_id TEXT NOT NULL,
  ref_sync  TEXT NOT NULL, -- the sync the reference goes through (link:NAME)
  ref_id    TEXT NOT NULL, -- the referenced id, as the record holds it
  PRIMARY KEY (sync_id, side, record_id, ref_sync, ref_id)
) STRICT, WITHOUT ROWID;
