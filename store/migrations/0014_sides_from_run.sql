-- crmsync schema 14.
--
-- A sync whose connection or object changed forgets the old pair's links
-- and index (ResetSync), but keeps its runs and audit for history. A run
-- from before the change wrote to records of the old object: undoing it
-- would write old values to whatever records of the new object share those
-- ids (Pipedrive's persons and organizations count from 1 alike).
-- sides_from_run is the last run before the change; runs up to it cannot
-- be undone.
ALTER TABLE syncs ADD COLUMN sides_from_run INTEGER NOT NULL DEFAULT 0;
