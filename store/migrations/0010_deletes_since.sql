-- crmsync schema 10.
--
-- Where a side's last listing of deleted records reached (unix ms, by the
-- vendor's clock), for vendors whose incremental read cannot see deletes
-- (HubSpot's search omits archived records; connector.DeletionLister).
-- 0: never listed, so the first listing takes every delete the vendor
-- still holds.
ALTER TABLE cursors ADD COLUMN deletes_since INTEGER NOT NULL DEFAULT 0;
