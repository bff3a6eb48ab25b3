-- crmsync schema 12.
--
-- Every plan looks for records merged away among those indexed since the
-- last applied plan (store.MergedAway, for links a merge carries over).
-- Those are deleted records, few among many: an echo run of a sync of
-- 100,000 contacts indexes 150,000 records back. A partial index holds the
-- deleted ones only, so the plan reads them and not every record indexed.
CREATE INDEX records_deleted ON records (sync_id, side, seq) WHERE deleted = 1;
