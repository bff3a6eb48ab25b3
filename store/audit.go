package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AuditRow is one field written: old -> new and the rule that decided it.
type AuditRow struct {
	ID       int64
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
	Side     string
	RecordID string
	Category string
	Field    string
	Code     string
	Message  string
	At       time.Time
}

// insertAudit writes rows in multi-row statements prepared once: a large
// first sync writes hundreds of thousands of them.
func (s *DB) insertAudit(ctx context.Context, tx *sql.Tx, runID int64, rows []AuditRow, now int64) error {
	_, err := s.multiRow(ctx, tx, "INSERT INTO audit(run_id, side, record_id, field, old, new, rule, at) VALUES ", "", 8, len(rows),
		func(i int, dst []any) []any {
			r := rows[i]
			return append(dst, runID, r.Side, r.RecordID, r.Field, r.Old, r.New, r.Rule, now)
		})
	return err
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
	rows, err := s.sql.QueryContext(ctx, "SELECT id, run_id, side, record_id, field, old, new, rule, at FROM audit WHERE run_id = ? ORDER BY id", runID)
	if err != nil {
		return nil, fmt.Errorf("store: audit of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		var r AuditRow
		var at int64
		if err := rows.Scan(&r.ID, &r.RunID, &r.Side, &r.RecordID, &r.Field, &r.Old, &r.New, &r.Rule, &at); err != nil {
			return nil, fmt.Errorf("store: audit of run %d: %w", runID, err)
		}
		r.At = time.UnixMilli(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunErrors returns the record-level errors of a run.
func (s *DB) RunErrors(ctx context.Context, runID int64) ([]RunErrorRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT side, record_id, category, field, code, message, at FROM run_errors WHERE run_id = ? ORDER BY id", runID)
	if err != nil {
		return nil, fmt.Errorf("store: errors of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []RunErrorRow
	for rows.Next() {
		var r RunErrorRow
		var at int64
		if err := rows.Scan(&r.Side, &r.RecordID, &r.Category, &r.Field, &r.Code, &r.Message, &at); err != nil {
			return nil, fmt.Errorf("store: errors of run %d: %w", runID, err)
		}
		r.At = time.UnixMilli(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
