package store

import (
	"context"
	"fmt"
	"slices"
)

// LaterWrite is the newest write of one field of a record by a run after
// the one an undo reverses.
type LaterWrite struct {
	RunID  int64
	UndoOf int64 // the run the writing run undid; 0 for a run of the sync
	New    string
}

// LaterWrites returns, for records ids of side in sync syncID, the newest
// write of each field by a run after run afterRun, leaving out the runs
// skip (those the undo itself reverses): by record, then field. An undo
// asks it a page of records at a time; the audit index by run keeps it to
// the later runs' rows, none at all for the sync's newest run.
func (s *DB) LaterWrites(ctx context.Context, syncID, afterRun int64, skip []int64, side string, ids []string) (map[AuditKey]map[string]LaterWrite, error) {
	out := map[AuditKey]map[string]LaterWrite{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	q := `SELECT a.id, a.run_id, coalesce(r.undo_of, 0), a.record_id, a.changes FROM audit_records AS a JOIN runs AS r ON r.id = a.run_id
		WHERE a.run_id > ? AND r.sync_id = ? AND a.side = ? AND a.record_id IN ` + in + ` ORDER BY a.id`
	rows, err := s.sql.QueryContext(ctx, q, append([]any{afterRun, syncID, side}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: writes after run %d of %d records of side %s: %w", afterRun, len(ids), side, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r AuditRow
		var undoOf int64
		var changes string
		if err := rows.Scan(&r.ID, &r.RunID, &undoOf, &r.RecordID, &changes); err != nil {
			return nil, fmt.Errorf("store: writes after run %d: %w", afterRun, err)
		}
		if slices.Contains(skip, r.RunID) {
			continue
		}
		fields, err := appendAuditFields(nil, r, changes)
		if err != nil {
			return nil, fmt.Errorf("store: audit of run %d, row %d: %w", r.RunID, r.ID, err)
		}
		k := AuditKey{Side: side, RecordID: r.RecordID}
		if out[k] == nil {
			out[k] = map[string]LaterWrite{}
		}
		for _, f := range fields { // rows ascend: the last one kept is the newest
			out[k][f.Field] = LaterWrite{RunID: r.RunID, UndoOf: undoOf, New: f.New}
		}
	}
	return out, rows.Err()
}
