package store

import (
	"context"
	"fmt"
)

// Relay is the newest crmsync write of one field of a record: the value
// written, the sync that wrote it, and when the record it was copied from
// was last modified as that sync read it (its index row; 0 = unknown).
type Relay struct {
	SyncID int64
	New    string
	Origin int64
}

// relayQuery finds every audit row of record ?1 written by any sync on a
// side whose definition names connection ?2 and object ?3 (only its runs
// after sides_from_run, as laterWritesQuery), with the modified time of
// the written record's partner in that sync's index: the record the value
// was copied from.
const relayQuery = `SELECT r.sync_id, a.record_id, a.side, a.changes,
	coalesce((SELECT o.modified FROM links AS l JOIN records AS o
		ON o.sync_id = l.sync_id AND o.side = (CASE a.side WHEN 'a' THEN 'b' ELSE 'a' END)
		AND o.id = (CASE a.side WHEN 'a' THEN l.b_id ELSE l.a_id END)
		WHERE l.sync_id = r.sync_id AND (CASE a.side WHEN 'a' THEN l.a_id ELSE l.b_id END) = a.record_id), 0)
	FROM audit_records AS a JOIN runs AS r ON r.id = a.run_id JOIN syncs AS s ON s.id = r.sync_id
	WHERE a.record_id = ?1 AND r.id > s.sides_from_run
		AND json_extract(s.definition, '$.' || a.side || '.connection') = ?2
		AND json_extract(s.definition, '$.' || a.side || '.object') = ?3
	ORDER BY a.id`

// Relays returns, per field of record id of a connection's object, the
// newest write any sync made to it (see Relay). A sync whose records
// another sync writes too (three CRMs synced in a cycle) asks it to tell
// a value relayed from a third CRM, which carries the relay's fresh
// modified time, from a person's edit.
func (s *DB) Relays(ctx context.Context, connection, object, id string) (map[string]Relay, error) {
	rows, err := s.sql.QueryContext(ctx, relayQuery, id, connection, object)
	if err != nil {
		return nil, fmt.Errorf("store: writes to %s %s %s: %w", connection, object, id, err)
	}
	defer rows.Close()
	out := map[string]Relay{}
	for rows.Next() {
		var r AuditRow
		var rel Relay
		var changes string
		if err := rows.Scan(&rel.SyncID, &r.RecordID, &r.Side, &changes, &rel.Origin); err != nil {
			return nil, fmt.Errorf("store: writes to %s %s %s: %w", connection, object, id, err)
		}
		fields, err := appendAuditFields(nil, r, changes)
		if err != nil {
			return nil, fmt.Errorf("store: audit of %s %s %s: %w", connection, object, id, err)
		}
		for _, f := range fields { // rows ascend: the last one kept is the newest
			rel.New = f.New
			out[f.Field] = rel
		}
	}
	return out, rows.Err()
}
