package app

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/sync/engine"
)

// decideCreate records a "create" decision with the sync's connections
// open, so the engine can tell whether the target CRM upserts creates by a
// key a record there already holds (the create would write over it).
func (a *App) decideCreate(ctx context.Context, reviewID int64, d engine.Decision) error {
	it, err := a.db.Review(ctx, reviewID)
	if err != nil {
		return a.engine().Decide(ctx, reviewID, d) // the engine names the missing item
	}
	row, err := a.db.SyncByID(ctx, it.SyncID)
	if err != nil {
		return fmt.Errorf("review item %d: its sync: %w", reviewID, err)
	}
	v, err := a.Sync(ctx, row.Name)
	if err != nil {
		return fmt.Errorf("review item %d: %w", reviewID, err)
	}
	sa, sb, A, B, err := a.sides(ctx, v.Definition)
	if err != nil {
		// Offline or signed out: the next plan holds a create that would
		// write over a record, so the decision is still recorded.
		a.log.Warn("review create: connections not open; checked at the next run", "review", reviewID, "err", err)
		return a.engine().Decide(ctx, reviewID, d)
	}
	defer a.closeSession(ctx, sa)
	defer a.closeSession(ctx, sb)
	return a.engine().DecideWithSides(ctx, reviewID, d, v.Definition, A, B)
}
