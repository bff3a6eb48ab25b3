package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// LaterWrite is the newest write of one field of a record by a run after
// the one an undo reverses.
type LaterWrite struct {
	RunID    int64
	AuditID  int64  // its audit row: rows are numbered in the order they are written
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

// laterWritesQuery finds the audit rows written after the undone runs'
// rows of the same record (%[1]s, the runs' ids): by the undone sync on
// its side, or by any sync on a side whose definition names the same
// connection and object (only its runs after sides_from_run, which wrote
// to what the definition names). "After" is by row id, the order rows are
// committed in, not by run id: another sync's run opened before the undone
// one may write the record after it. The index by record keeps it to these
// records' rows (migration 20).
const laterWritesQuery = `SELECT a.id, a.run_id, r.sync_id, s.name, coalesce(r.undo_of, 0), a.record_id, a.changes
	FROM audit_records AS a JOIN runs AS r ON r.id = a.run_id JOIN syncs AS s ON s.id = r.sync_id
	WHERE a.id > (SELECT coalesce(max(u.id), 0) FROM audit_records AS u
			WHERE u.record_id = a.record_id AND u.side = ?2 AND u.run_id IN %[1]s) AND (
		(r.sync_id = ?1 AND a.side = ?2) OR
		(r.id > s.sides_from_run AND json_extract(s.definition, '$.' || a.side || '.connection') = ?3
			AND json_extract(s.definition, '$.' || a.side || '.object') = ?4))
		AND a.record_id IN %[2]s
	ORDER BY a.id`

// LaterWrites returns, for records ids of target, the newest write of each
// field made after the runs undone wrote the record (those the undo
// reverses, themselves left out), by a run of the target's sync or of
// another sync writing the same object: by record (keyed by the target's
// side), then field. An undo asks it a page of records at a time.
func (s *DB) LaterWrites(ctx context.Context, undone []int64, target WriteTarget, ids []string) (map[AuditKey]map[string]LaterWrite, error) {
	out := map[AuditKey]map[string]LaterWrite{}
	if len(ids) == 0 || len(undone) == 0 {
		return out, nil
	}
	// The run ids are numbers, written into the text; the IN list's plain
	// placeholders come after ?4, so they are numbered from 5, as its args
	// follow the four.
	runs := make([]string, len(undone))
	for i, r := range undone {
		runs[i] = strconv.FormatInt(r, 10)
	}
	in, args := inList(ids)
	q := fmt.Sprintf(laterWritesQuery, "("+strings.Join(runs, ",")+")", in)
	rows, err := s.sql.QueryContext(ctx, q, append([]any{target.SyncID, target.Side, target.Connection, target.Object}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: writes after runs %v to %d records of side %s: %w", undone, len(ids), target.Side, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r AuditRow
		var lw LaterWrite
		var changes string
		if err := rows.Scan(&r.ID, &r.RunID, &lw.SyncID, &lw.SyncName, &lw.UndoOf, &r.RecordID, &changes); err != nil {
			return nil, fmt.Errorf("store: writes after runs %v: %w", undone, err)
		}
		if slices.Contains(undone, r.RunID) {
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
			lw.RunID, lw.AuditID, lw.New = r.RunID, r.ID, f.New
			out[k][f.Field] = lw
		}
	}
	return out, rows.Err()
}
