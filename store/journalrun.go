package store

import (
	"context"
	"fmt"
)

// RunPendingJournals lists the journal rows run runID left pending, oldest
// first, whatever the run's status: asked as the run finishes, they are
// the batches a stop cut short, whose outcome only the next plan learns.
func (s *DB) RunPendingJournals(ctx context.Context, runID int64) ([]JournalRow, error) {
	js, err := s.journalRows(ctx, "run_id = ? AND state = 'pending'", runID)
	if err != nil {
		return nil, fmt.Errorf("store: pending journal of run %d: %w", runID, err)
	}
	return js, nil
}
