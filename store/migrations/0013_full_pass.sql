-- crmsync schema 13.
--
-- A saved sync whose mapping, match rules, filters or unmatched policy
-- change must merge its existing pairs again: a run reads only what changed
-- since its cursors, so a row added to the mapping would otherwise reach a
-- pair only when one of its records next changes. full_pass holds why the
-- next applied run reads every record and merges every pair ('' = none due);
-- that run clears it.
ALTER TABLE syncs ADD COLUMN full_pass TEXT NOT NULL DEFAULT '';
