package store

import (
	"context"
	"fmt"
	"time"
)

// JournalRow records a batch of creates before it is sent, so a crash
// between "the CRM created it" and "we stored the link" is reconciled.
type JournalRow struct {
	ID        int64
	SyncID    int64
	RunID     int64
	Side      string // the side written
	Object    string
	KeyField  string // the field the records can be looked up by
	Batch     string // JSON owned by the engine
	State     string // pending | done
	CreatedAt time.Time
}

// AddJournal writes a pending journal row and returns its id.
func (s *DB) AddJournal(ctx context.Context, j JournalRow) (int64, error) {
	ctx, qerr := quiet(ctx)
	if qerr != nil {
		return 0, qerr
	}
	var id int64
	err := s.sql.QueryRowContext(ctx, "INSERT INTO journal(sync_id, run_id, side, object, key_field, batch, created_at) VALUES(?,?,?,?,?,?,?) RETURNING id",
		j.SyncID, j.RunID, j.Side, j.Object, j.KeyField, j.Batch, s.nowMS()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: journal of sync %d: %w", j.SyncID, err)
	}
	return id, nil
}

// PendingJournals lists journal rows of a sync still pending, oldest first,
// leaving out those of a run still in progress.
func (s *DB) PendingJournals(ctx context.Context, syncID int64) ([]JournalRow, error) {
	js, err := s.journalRows(ctx, "sync_id = ? AND state = 'pending' AND run_id NOT IN (SELECT id FROM runs WHERE status = 'running')", syncID)
	if err != nil {
		return nil, fmt.Errorf("store: journal of sync %d: %w", syncID, err)
	}
	return js, nil
}

// journalRows lists the journal rows where holds, oldest first.
func (s *DB) journalRows(ctx context.Context, where string, args ...any) ([]JournalRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT id, sync_id, run_id, side, object, key_field, batch, state, created_at FROM journal WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JournalRow
	for rows.Next() {
		var j JournalRow
		var at int64
		if err := rows.Scan(&j.ID, &j.SyncID, &j.RunID, &j.Side, &j.Object, &j.KeyField, &j.Batch, &j.State, &at); err != nil {
			return nil, err
		}
		j.CreatedAt = time.UnixMilli(at)
		out = append(out, j)
	}
	return out, rows.Err()
}
