-- crmsync schema 20.
--
-- An undo asks, a page of 500 records at a time, what later runs (of its
-- sync, or of another writing the same object) wrote to those records
-- (store.LaterWrites). Through audit_records_by_run alone that read every
-- audit row of every run since, on each page: the undo of an old run cost
-- more with each run after it. By record, it reads the page's records' rows.
CREATE INDEX audit_records_by_record ON audit_records (record_id, run_id);
