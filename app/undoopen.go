package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmsync/crmsync/store"
)

// undoneRunFinished refuses the undo (its preview too) of run r while r is
// under way here or in another process: its audit holds only what it has
// committed so far, so an undo planned now would leave the rest. A row
// left "running" by a crash (its lock free) is no refusal: the undo's plan
// marks it interrupted and settles what it sent.
func (a *App) undoneRunFinished(ctx context.Context, r store.RunRow, sync string) error {
	if r.Status != "running" {
		return nil
	}
	err := a.db.CheckNoOpenRun(ctx, r.SyncID)
	var open *store.RunOpenError
	if !errors.As(err, &open) {
		return err
	}
	return fmt.Errorf("run %d of sync %s is still under way (started by %s, %s): undo it once it has finished",
		r.ID, sync, open.StartedBy(), r.StartedAt.In(a.opts.Zone()).Format(time.DateTime))
}
