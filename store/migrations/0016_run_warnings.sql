-- crmsync schema 16.
--
-- A run's plan warnings (a value dropped, a decision dropped, a held
-- delete closed) are kept with the run: a background run's preview is
-- never seen, so History is where a person finds them. warnings is a JSON
-- array of the first ones; warnings_omitted counts the rest.
ALTER TABLE runs ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN warnings_omitted INTEGER NOT NULL DEFAULT 0;
