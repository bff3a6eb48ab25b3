package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AuditKey names a record an audit wrote: its side and id.
type AuditKey struct{ Side, RecordID string }

// AuditSplitRecords returns, for each record whose audit in runs runIDs is
// held in more than one stored row (a record written again later in the
// same run, or by two of the runs), the IDs of those rows in ascending
// order. An undo reads the audit a page at a time and needs every field of
// such a record together; most records have one row, so this is small.
func (s *DB) AuditSplitRecords(ctx context.Context, runIDs []int64) (map[AuditKey][]int64, error) {
	if len(runIDs) == 0 {
		return map[AuditKey][]int64{}, nil
	}
	in, args := inList(runIDs)
	q := "SELECT side, record_id, group_concat(id) FROM audit_records WHERE run_id IN " + in + " GROUP BY side, record_id HAVING count(*) > 1"
	rows, err := s.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit of runs %v: records written twice: %w", runIDs, err)
	}
	defer rows.Close()
	out := map[AuditKey][]int64{}
	for rows.Next() {
		var k AuditKey
		var list string
		if err := rows.Scan(&k.Side, &k.RecordID, &list); err != nil {
			return nil, fmt.Errorf("store: audit of runs %v: records written twice: %w", runIDs, err)
		}
		ids, err := parseIDList(list)
		if err != nil {
			return nil, fmt.Errorf("store: audit of runs %v, record %s on side %s: %w", runIDs, k.RecordID, k.Side, err)
		}
		out[k] = ids
	}
	return out, rows.Err()
}

// parseIDList reads group_concat's comma-separated ids, sorted (SQLite
// does not promise their order).
func parseIDList(list string) ([]int64, error) {
	var ids []int64
	for f := range strings.SplitSeq(list, ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// AuditRowsByID returns the audit rows of the stored rows ids (AuditRow.ID),
// one per field, in ascending ID order, each with its run.
func (s *DB) AuditRowsByID(ctx context.Context, ids []int64) ([]AuditRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	rows, err := s.sql.QueryContext(ctx, "SELECT id, run_id, side, record_id, changes, at FROM audit_records WHERE id IN "+in+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit rows %v: %w", ids, err)
	}
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		var r AuditRow
		var changes string
		var at int64
		if err := rows.Scan(&r.ID, &r.RunID, &r.Side, &r.RecordID, &changes, &at); err != nil {
			return nil, fmt.Errorf("store: audit rows %v: %w", ids, err)
		}
		r.At = time.UnixMilli(at)
		if out, err = appendAuditFields(out, r, changes); err != nil {
			return nil, fmt.Errorf("store: audit of run %d, row %d: %w", r.RunID, r.ID, err)
		}
	}
	return out, rows.Err()
}

// appendAuditFields appends r once per field of changes (an AuditRecord's).
func appendAuditFields(out []AuditRow, r AuditRow, changes string) ([]AuditRow, error) {
	var cs [][4]string
	if err := json.Unmarshal([]byte(changes), &cs); err != nil {
		return out, err
	}
	for _, c := range cs {
		r.Field, r.Old, r.New, r.Rule = c[0], c[1], c[2], c[3]
		out = append(out, r)
	}
	return out, nil
}

// AuditOfRecords returns the audit run runID holds for records ids of
// side, one row per field: what a pending journal's batch may have had
// audited already by a part of it sent again. It reads those records'
// rows alone, so settling a batch holds a batch's audit, not its run's.
func (s *DB) AuditOfRecords(ctx context.Context, runID int64, side string, ids []string) ([]AuditRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	rows, err := s.sql.QueryContext(ctx, "SELECT id, side, record_id, changes, at FROM audit_records WHERE run_id = ? AND side = ? AND record_id IN "+in+" ORDER BY id",
		append([]any{runID, side}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: audit of run %d, %d records of side %s: %w", runID, len(ids), side, err)
	}
	return scanAuditRows(rows, runID)
}

// inList is an SQL list of len(vs) placeholders, "(?,?,?)", and vs as its
// arguments.
func inList[T any](vs []T) (string, []any) {
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	return "(?" + strings.Repeat(",?", len(vs)-1) + ")", args
}
