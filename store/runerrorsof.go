package store

import (
	"context"
	"fmt"
	"slices"
)

// failedChunk is how many record ids one FailedRecords query names, well
// under SQLite's limit on a statement's parameters.
const failedChunk = 500

// FailedRecords returns which of records ids of side run runID recorded
// as failed. A run stopping asks it of the records its pending batches
// sent, so it reads the errors of those records alone, not every error
// of the run (a run can fail 100k records).
func (s *DB) FailedRecords(ctx context.Context, runID int64, side string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(ids, failedChunk) {
		if err := s.failedAmong(ctx, runID, side, chunk, out); err != nil {
			return nil, fmt.Errorf("store: errors of run %d, %d records of side %s: %w", runID, len(ids), side, err)
		}
	}
	return out, nil
}

// failedAmong adds to out the records among ids that run runID recorded
// as failed on side.
func (s *DB) failedAmong(ctx context.Context, runID int64, side string, ids []string, out map[string]bool) error {
	in, args := inList(ids)
	rows, err := s.sql.QueryContext(ctx, "SELECT DISTINCT record_id FROM run_errors WHERE run_id = ? AND side = ? AND record_id IN "+in,
		append([]any{runID, side}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out[id] = true
	}
	return rows.Err()
}
