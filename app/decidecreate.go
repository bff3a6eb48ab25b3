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
	c := a.newCreateDecider()
	defer c.close(ctx)
	return c.decide(ctx, reviewID, d)
}

// createDecider decides "create" on review items, opening each sync's
// connections once for all of its items: a bulk create of thousands of
// items read the keyring several times per item.
type createDecider struct {
	a      *App
	bySync map[int64]*createSides
}

// createSides is one sync's definition and open connections; err is why
// the sync could not be read (its items cannot be decided), offline why
// its connections could not be opened (decisions are still recorded).
type createSides struct {
	def     engine.Definition
	sa, sb  *Session
	A, B    engine.Side
	err     error
	offline bool
}

func (a *App) newCreateDecider() *createDecider {
	return &createDecider{a: a, bySync: map[int64]*createSides{}}
}

// decide records d ("create") on review item reviewID.
func (c *createDecider) decide(ctx context.Context, reviewID int64, d engine.Decision) error {
	a := c.a
	it, err := a.db.Review(ctx, reviewID)
	if err != nil {
		return a.engine().Decide(ctx, reviewID, d) // the engine names the missing item
	}
	s, ok := c.bySync[it.SyncID]
	if !ok {
		s = c.open(ctx, it.SyncID)
		c.bySync[it.SyncID] = s
	}
	switch {
	case s.err != nil:
		return fmt.Errorf("review item %d: %w", reviewID, s.err)
	case s.offline:
		return a.engine().Decide(ctx, reviewID, d)
	}
	return a.engine().DecideWithSides(ctx, reviewID, d, s.def, s.A, s.B)
}

// open reads sync syncID and opens its connections.
func (c *createDecider) open(ctx context.Context, syncID int64) *createSides {
	a := c.a
	row, err := a.db.SyncByID(ctx, syncID)
	if err != nil {
		return &createSides{err: fmt.Errorf("its sync: %w", err)}
	}
	v, err := a.Sync(ctx, row.Name)
	if err != nil {
		return &createSides{err: err}
	}
	s := &createSides{def: v.Definition}
	if s.sa, s.sb, s.A, s.B, err = a.sides(ctx, v.Definition); err != nil {
		// Offline or signed out: the next plan holds a create that would
		// write over a record, so the decisions are still recorded.
		a.log.Warn("review create: connections not open; checked at the next run", "sync", row.Name, "err", err)
		s.offline = true
	}
	return s
}

// close closes every connection the decider opened.
func (c *createDecider) close(ctx context.Context) {
	for _, s := range c.bySync {
		c.a.closeSession(ctx, s.sa)
		c.a.closeSession(ctx, s.sb)
	}
}

// DecideEach records decision d on each of the review items ids in turn,
// handing each item's outcome to each; an item refused does not stop the
// others, only ctx ending does. Decisions are applied on each sync's next
// run, as Decide's are.
func (a *App) DecideEach(ctx context.Context, ids []int64, d engine.Decision, each func(id int64, err error)) error {
	c := a.newCreateDecider()
	defer c.close(ctx)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if d.Action == "create" {
			err = c.decide(ctx, id, d)
		} else {
			err = a.engine().Decide(ctx, id, d)
		}
		if err != nil {
			a.logReturned("review decision refused", "review", id, "err", err)
		}
		each(id, err)
	}
	return nil
}
