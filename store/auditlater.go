package store

import (
	"context"
	"fmt"
	"slices"
)

// LaterWrite is the newest write of one field of a record by a run after
// the one an undo reverses.
type LaterWrite struct {
	RunID    int64
	SyncID   int64  // the sync whose run wrote it: the undone one's or another sharing the object
	SyncName string // its name, for the undo to say
	UndoOf   int64  // the run the writing run undid; 0 for a run of the sync
	New      string
}

// WriteTarget is the vendor object a side of a sync writes: records of one
// object type of one connection. Another sync with a side on the same
// connection and object writes the same records (HubSpot contacts synced
// with Salesforce and with Pipedrive).
type WriteTarget struct {
	SyncID     int64
	Side       string // "a" or "b": the undone sync's side
	Connection string
	Object     string
}

// laterWritesQuery finds the audit rows of runs after ?1 that wrote records
// of the target's object: by the undone sync on its side, or by any sync on
// a side whose definition names the same connection and object (only its
// runs after sides_from_run, which wrote to what the definition names). The
// index by record keeps it to these records' rows (migration 20).
const laterWritesQuery = `SELECT a.id, a.run_id, r.sync_id, s.name, coalesce(r.undo_of, 0), a.record_id, a.changes
	FROM audit_records AS a JOIN runs AS r ON r.id = a.run_id JOIN syncs AS s ON s.id = r.sync_id
	WHERE a.run_id > ?1 AND (
		(r.sync_id = ?2 AND a.side = ?3) OR
		(r.id > s.sides_from_run AND json_extract(s.definition, '$.' || a.side || '.connection') = ?4
			AND json_extract(s.definition, '$.' || a.side || '.object') = ?5))
		AND a.record_id IN %s
	ORDER BY a.id`

// LaterWrites returns, for records ids of target, the newest write of each
// field by a run after run afterRun, of the target's sync or of another
// sync writing the same object, leaving out the runs skip (those the undo
// itself reverses): by record (keyed by the target's side), then field. An
// undo asks it a page of records at a time.
func (s *DB) LaterWrites(ctx context.Context, afterRun int64, skip []int64, target WriteTarget, ids []string) (map[AuditKey]map[string]LaterWrite, error) {
	out := map[AuditKey]map[string]LaterWrite{}
	if len(ids) == 0 {
		return out, nil
	}
	// The IN list's plain placeholders come after ?5 in the text, so they
	// are numbered from 6, as its args follow the five.
	in, args := inList(ids)
	q := fmt.Sprintf(laterWritesQuery, in)
	rows, err := s.sql.QueryContext(ctx, q, append([]any{afterRun, target.SyncID, target.Side, target.Connection, target.Object}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: writes after run %d of %d records of side %s: %w", afterRun, len(ids), target.Side, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r AuditRow
		var lw LaterWrite
		var changes string
		if err := rows.Scan(&r.ID, &r.RunID, &lw.SyncID, &lw.SyncName, &lw.UndoOf, &r.RecordID, &changes); err != nil {
			return nil, fmt.Errorf("store: writes after run %d: %w", afterRun, err)
		}
		if slices.Contains(skip, r.RunID) {
			continue
		}
		fields, err := appendAuditFields(nil, r, changes)
		if err != nil {
			return nil, fmt.Errorf("store: audit of run %d, row %d: %w", r.RunID, r.ID, err)
		}
		k := AuditKey{Side: target.Side, RecordID: r.RecordID}
		if out[k] == nil {
			out[k] = map[string]LaterWrite{}
		}
		for _, f := range fields { // rows ascend: the last one kept is the newest
			lw.RunID, lw.New = r.RunID, f.New
			out[k][f.Field] = lw
		}
	}
	return out, rows.Err()
}
