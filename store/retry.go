package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// RetryRow is a failed write waiting for a later run.
type RetryRow struct {
	Side     string // the side the write targeted
	RecordID string // the source record
	Category string
	Field    string
	Code     string
	Message  string
	Attempts int
	NextAt   time.Time
}

// RetryKey names one retry-queue entry.
type RetryKey struct{ Side, RecordID string }

// RetryBackoff is the first wait after a failure; each further failure
// doubles it, up to 1024 times (about 17 hours).
const RetryBackoff = time.Minute

func upsertRetries(ctx context.Context, tx *sql.Tx, syncID int64, rows []RetryRow, now int64) error {
	for _, r := range rows {
		_, err := tx.ExecContext(ctx, `INSERT INTO retry_queue(sync_id, side, record_id, category, field, code, message, attempts, next_at)
			VALUES(?,?,?,?,?,?,?,1,?)
			ON CONFLICT(sync_id, side, record_id) DO UPDATE SET category = excluded.category, field = excluded.field, code = excluded.code,
			  message = excluded.message, attempts = retry_queue.attempts + 1,
			  next_at = ? + (? << min(retry_queue.attempts, 10))`,
			syncID, r.Side, r.RecordID, r.Category, r.Field, r.Code, r.Message, now+RetryBackoff.Milliseconds(), now, RetryBackoff.Milliseconds())
		if err != nil {
			return err
		}
	}
	return nil
}

// Retries lists a sync's retry queue; with due set, only entries due at now.
func (s *DB) Retries(ctx context.Context, syncID int64, due bool, now time.Time) ([]RetryRow, error) {
	q := "SELECT side, record_id, category, field, code, message, attempts, next_at FROM retry_queue WHERE sync_id = ?"
	args := []any{syncID}
	if due {
		q += " AND next_at <= ?"
		args = append(args, now.UnixMilli())
	}
	rows, err := s.sql.QueryContext(ctx, q+" ORDER BY side, record_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: retry queue of sync %d: %w", syncID, err)
	}
	defer rows.Close()
	var out []RetryRow
	for rows.Next() {
		var r RetryRow
		var next int64
		if err := rows.Scan(&r.Side, &r.RecordID, &r.Category, &r.Field, &r.Code, &r.Message, &r.Attempts, &next); err != nil {
			return nil, fmt.Errorf("store: retry queue of sync %d: %w", syncID, err)
		}
		r.NextAt = time.UnixMilli(next)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RetrySummary is how many failed writes of a sync wait for a later run
// and when the first of them is due (zero when none waits), read without
// the rows themselves.
func (s *DB) RetrySummary(ctx context.Context, syncID int64) (n int, next time.Time, err error) {
	var first sql.NullInt64
	err = s.sql.QueryRowContext(ctx, "SELECT count(*), min(next_at) FROM retry_queue WHERE sync_id = ?", syncID).Scan(&n, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: retry queue summary of sync %d: %w", syncID, err)
	}
	if first.Valid {
		next = time.UnixMilli(first.Int64)
	}
	return n, next, nil
}
