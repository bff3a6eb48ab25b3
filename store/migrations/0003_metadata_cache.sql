-- crmsync schema 3: vendor metadata (object schemas, the discovered API
-- version) cached per connection, so a run with a warm cache spends no API
-- calls on it. Never tokens, never record data.

CREATE TABLE metadata_cache (
  connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  key           TEXT NOT NULL,    -- connector-defined, e.g. salesforce/describe/v67.0/Contact
  value         BLOB NOT NULL,
  fetched_at    INTEGER NOT NULL, -- unix ms
  PRIMARY KEY (connection_id, key)
) STRICT;
