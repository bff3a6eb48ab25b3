package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// AuditRow is one field written: old -> new and the rule that decided it.
type AuditRow struct {
	ID       int64 // the stored row: the fields of one record written together share it
	RunID    int64
	Side     string // the side written
	RecordID string
	Field    string
	Old, New string
	Rule     string
	At       time.Time
}

// RunErrorRow is one record-level failure of a run, with the vendor's
// verbatim message.
type RunErrorRow struct {
	ID       int64 // the stored row's, where the next page starts (RunErrorsPage)
	Side     string
	RecordID string
	Category string
	Field    string
	Code     string
	Message  string
	At       time.Time
}

// AuditRecord is the audit of one record written: the fields written
// together, as NewAuditRecord encodes them. It is one audit_records row (a
// first sync writes hundreds of thousands of fields, and a row per field
// was most of the audit's cost).
type AuditRecord struct {
	Side     string
	RecordID string
	Changes  string // [[field, old, new, rule], ...]
}

// NewAuditRecord encodes rows, the fields of one record written together;
// the record is rows[0]'s.
func NewAuditRecord(rows []AuditRow) AuditRecord {
	if len(rows) == 0 {
		return AuditRecord{Changes: "[]"}
	}
	var a AuditBuilder
	for _, r := range rows {
		a.Add(r.Field, r.Old, r.New, r.Rule)
	}
	rec, _ := a.Record(rows[0].Side, rows[0].RecordID)
	return rec
}

// AuditBuilder encodes one record's changes at a time into a buffer it
// keeps: the engine audits every record it writes, and building a row per
// field first cost 200 MB of allocation in a 100k first sync.
type AuditBuilder struct{ b []byte }

// Add appends one field's change.
func (a *AuditBuilder) Add(field, old, new, rule string) {
	if len(a.b) == 0 {
		a.b = append(a.b, '[')
	} else {
		a.b = append(a.b, ',')
	}
	a.b = appendChange(a.b, field, old, new, rule)
}

// Record returns the changes added since the last Record as the audit of
// side's record id, and starts over. ok is false when nothing was added.
func (a *AuditBuilder) Record(side, id string) (rec AuditRecord, ok bool) {
	if len(a.b) == 0 {
		return AuditRecord{}, false
	}
	a.b = append(a.b, ']')
	rec = AuditRecord{Side: side, RecordID: id, Changes: string(a.b)}
	a.b = a.b[:0]
	return rec, true
}

func (s *DB) insertAudit(ctx context.Context, tx *sql.Tx, runID int64, recs []AuditRecord, now int64) error {
	_, err := s.multiRow(ctx, tx, "INSERT OR FAIL INTO audit_records(run_id, side, record_id, changes, at) VALUES ", "", 5, len(recs),
		func(i int, dst []any) []any {
			r := recs[i]
			return append(dst, runID, r.Side, r.RecordID, r.Changes, now)
		})
	return err
}

// appendChange renders one change as [field, old, new, rule].
func appendChange(b []byte, field, old, new, rule string) []byte {
	b = append(b, '[')
	for j, v := range [4]string{field, old, new, rule} {
		if j > 0 {
			b = append(b, ',')
		}
		b = jsonscan.AppendJSONString(b, v)
	}
	return append(b, ']')
}

func insertRunErrors(ctx context.Context, tx *sql.Tx, runID int64, rows []RunErrorRow, now int64) error {
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, "INSERT INTO run_errors(run_id, side, record_id, category, field, code, message, at) VALUES(?,?,?,?,?,?,?,?)",
			runID, r.Side, r.RecordID, r.Category, r.Field, r.Code, r.Message, now); err != nil {
			return err
		}
	}
	return nil
}

// Audit returns the audit rows of a run in write order.
func (s *DB) Audit(ctx context.Context, runID int64) ([]AuditRow, error) {
	return s.AuditPage(ctx, runID, 0, -1)
}

// AuditPage returns the audit rows of up to limit records written in run
// runID after the stored row afterID (an AuditRow.ID; 0 for the first),
// in write order; a limit below 0 is no limit. The rows of one record are
// never split across pages, so the next page starts after the last row's
// ID.
func (s *DB) AuditPage(ctx context.Context, runID, afterID int64, limit int) ([]AuditRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT id, side, record_id, changes, at FROM audit_records WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?", runID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit of run %d: %w", runID, err)
	}
	return scanAuditRows(rows, runID)
}

// scanAuditRows reads audit_records rows (id, side, record_id, changes,
// at) of run runID, one AuditRow per field changed, and closes rows.
func scanAuditRows(rows *sql.Rows, runID int64) ([]AuditRow, error) {
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		var r AuditRow
		var changes string
		var at int64
		if err := rows.Scan(&r.ID, &r.Side, &r.RecordID, &changes, &at); err != nil {
			return nil, fmt.Errorf("store: audit of run %d: %w", runID, err)
		}
		r.RunID, r.At = runID, time.UnixMilli(at)
		var err error
		if out, err = appendAuditFields(out, r, changes); err != nil {
			return nil, fmt.Errorf("store: audit of run %d, row %d: %w", runID, r.ID, err)
		}
	}
	return out, rows.Err()
}

// AuditCount returns how many fields run runID wrote (its audit rows).
func (s *DB) AuditCount(ctx context.Context, runID int64) (int, error) {
	var n int
	err := s.sql.QueryRowContext(ctx, "SELECT coalesce(sum(json_array_length(changes)), 0) FROM audit_records WHERE run_id = ?", runID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: audit of run %d: %w", runID, err)
	}
	return n, nil
}

// RunErrors returns the record-level errors of a run.
func (s *DB) RunErrors(ctx context.Context, runID int64) ([]RunErrorRow, error) {
	return s.RunErrorsPage(ctx, runID, 0, -1)
}

// RunErrorsPage returns up to limit record-level errors of run runID after
// the stored row afterID (a RunErrorRow.ID; 0 for the first), in the
// order they happened; a limit below 0 is no limit. A run can fail for
// every one of 100k records: History reads them a page at a time.
func (s *DB) RunErrorsPage(ctx context.Context, runID, afterID int64, limit int) ([]RunErrorRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT id, side, record_id, category, field, code, message, at FROM run_errors WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?", runID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: errors of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []RunErrorRow
	for rows.Next() {
		var r RunErrorRow
		var at int64
		if err := rows.Scan(&r.ID, &r.Side, &r.RecordID, &r.Category, &r.Field, &r.Code, &r.Message, &at); err != nil {
			return nil, fmt.Errorf("store: errors of run %d: %w", runID, err)
		}
		r.At = time.UnixMilli(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunErrorCount returns how many records failed in run runID.
func (s *DB) RunErrorCount(ctx context.Context, runID int64) (int, error) {
	var n int
	if err := s.sql.QueryRowContext(ctx, "SELECT count(*) FROM run_errors WHERE run_id = ?", runID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: errors of run %d: %w", runID, err)
	}
	return n, nil
}

// AuditedRun returns the latest run of sync syncID whose audit holds
// exactly changes (an AuditRecord's) for side's record id, or 0: the run
// that deleted a record, for the held delete of one the vendor deleted with
// it. It reads the sync's audit, so it is for the rare held delete, not
// for every record of a run.
func (s *DB) AuditedRun(ctx context.Context, syncID int64, side, id, changes string) (int64, error) {
	var run int64
	err := s.sql.QueryRowContext(ctx, `SELECT a.run_id FROM runs AS r JOIN audit_records AS a ON a.run_id = r.id
		WHERE r.sync_id = ? AND a.side = ? AND a.record_id = ? AND a.changes = ? ORDER BY a.id DESC LIMIT 1`,
		syncID, side, id, changes).Scan(&run)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: audit of sync %d, record %s on side %s: %w", syncID, id, side, err)
	}
	return run, nil
}
