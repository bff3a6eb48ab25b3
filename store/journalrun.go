package store

import (
	"context"
	"fmt"
	"time"
)

// RunPendingJournals lists the journal rows run runID left pending, oldest
// first, whatever the run's status: asked as the run finishes, they are
// the batches a stop cut short, whose outcome only the next plan learns.
func (s *DB) RunPendingJournals(ctx context.Context, runID int64) ([]JournalRow, error) {
	rows, err := s.sql.QueryContext(ctx, "SELECT id, sync_id, run_id, side, object, key_field, batch, state, created_at FROM journal WHERE run_id = ? AND state = 'pending' ORDER BY id", runID)
	if err != nil {
		return nil, fmt.Errorf("store: pending journal of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []JournalRow
	for rows.Next() {
		var j JournalRow
		var at int64
		if err := rows.Scan(&j.ID, &j.SyncID, &j.RunID, &j.Side, &j.Object, &j.KeyField, &j.Batch, &j.State, &at); err != nil {
			return nil, fmt.Errorf("store: pending journal of run %d: %w", runID, err)
		}
		j.CreatedAt = time.UnixMilli(at)
		out = append(out, j)
	}
	return out, rows.Err()
}
