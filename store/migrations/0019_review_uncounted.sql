-- crmsync schema 19.
--
-- uncounted marks a review item a plan stored while it was made (a create
-- cut short that cannot be looked up, held for a person): no run has
-- counted it yet. A preview stores such items but is no run, and a run
-- applied after it plans again and finds them stored already, so History
-- said "review 0" for the run that left them in Review. The first run
-- recorded after the item was stored (applied, or held for confirmation)
-- counts it and clears the mark: each item is counted by one run.
ALTER TABLE review ADD COLUMN uncounted INTEGER NOT NULL DEFAULT 0;
