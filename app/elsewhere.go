package app

import (
	"context"
	"fmt"
	"time"
)

// succeededSince says whether a run of sync name finished successfully
// after since, whichever process made it: the scheduler's
// SucceededSince, so a `crmsync sync run` that got through ends the
// window's back-off or vendor's wait. Previews and undos are not runs of
// the sync's schedule and do not count.
func (a *App) succeededSince(ctx context.Context, name string, since time.Time) (bool, error) {
	row, err := a.db.Sync(ctx, name)
	if err != nil {
		return false, fmt.Errorf("sync %s: %w", name, err)
	}
	runs, err := a.db.Runs(ctx, row.ID, 20)
	if err != nil {
		return false, fmt.Errorf("runs of sync %s: %w", name, err)
	}
	for _, r := range runs {
		if r.Status == "success" && r.UndoOf == 0 && r.FinishedAt.After(since) {
			return true, nil
		}
	}
	return false, nil
}
