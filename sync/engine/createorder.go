package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// In a run that creates on both sides, a CRM that refuses a create as a
// duplicate (a Salesforce duplicate rule: HubSpot's A is taken for
// Salesforce's B) names records the other side's creates may be copying
// in the same run (B, unlinked, created in HubSpot): the copy would be
// the very duplicate the CRM warned of, and the item's link could no
// longer be made. So when one side says it may refuse creates that way
// (connector.DuplicateChecker), its creates go first; the other side
// sends its updates meanwhile, then its creates, leaving out the records
// named by the items just opened, as later plans do (loadHeldDuplicates).
// A run that does not create on both sides, or whose CRMs refuse no
// duplicates, writes both sides at once as before.

// createOrder is how one run orders the sides' creates.
type createOrder struct {
	// first is the side whose creates go first; "" when neither waits.
	first string
	// done is closed when first's creates are done, or its writer ended;
	// opened is then what first's writer opened (run.dupOpened).
	done   chan struct{}
	once   sync.Once
	opened []string
}

// finish marks first's creates done, with the duplicate items they opened.
func (o *createOrder) finish(opened []string) {
	o.once.Do(func() {
		o.opened = opened
		close(o.done)
	})
}

// createOrder says whether a side's creates must go first: the plan
// creates on both sides and that side may refuse creates as duplicates
// (side A asked first; if both may, B's refusals cannot hold A's creates,
// as before). A side that cannot tell is taken to refuse: waiting costs
// time only.
func (r *run) createOrder(ctx context.Context) *createOrder {
	o := &createOrder{done: make(chan struct{})}
	if c := r.plan.Counts; c.CreateA == 0 || c.CreateB == 0 || r.plan.UndoOf != 0 {
		return o
	}
	for _, side := range []string{"a", "b"} {
		s := r.side[side]
		dc, ok := s.Conn.(connector.DuplicateChecker)
		if !ok {
			continue
		}
		may, err := dc.MayRefuseDuplicates(ctx, s.Object)
		if err != nil {
			r.e.log.Log(ctx, slog.LevelWarn, "cannot tell whether the CRM refuses duplicates; its creates go first",
				"sync", r.plan.Sync, "side", strings.ToUpper(side), "error", err)
		}
		if may || err != nil {
			o.first = side
			return o
		}
	}
	return o
}

// awaitFirst waits for the first side's creates, then holds side's
// creates of the records that the duplicate items they opened name as
// candidates (r.heldCreates).
func (r *run) awaitFirst(ctx context.Context, side string, o *createOrder) error {
	select {
	case <-o.done:
	case <-ctx.Done():
		return stopError{ctx.Err()}
	}
	if len(o.opened) == 0 {
		return nil
	}
	opened := map[string]bool{}
	for _, k := range o.opened {
		opened[k] = true
	}
	return r.locked(func() error {
		items, err := r.e.heldDuplicates(ctx, r.plan.SyncID)
		if err != nil {
			return fmt.Errorf("engine: the duplicate items the creates %s opened: %w", r.plan.def.inSide(o.first), err)
		}
		if r.heldCreates == nil {
			r.heldCreates = map[string]string{}
		}
		for _, it := range items {
			if !opened[sideOf(it.Side, it.RecordID)] {
				continue
			}
			if err := holdReasons(it, r.heldCreates, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// heldCreate reports whether a create of source record w waits on a
// duplicate item this run opened, logging why.
func (r *run) heldCreate(ctx context.Context, side string, w *Write) bool {
	why, held := r.heldCreates[sideOf(otherSide(side), w.Source)]
	if held {
		r.e.log.Log(ctx, slog.LevelInfo, "create held", "sync", r.plan.Sync, "side", strings.ToUpper(side),
			"record", w.Source, "reason", why)
	}
	return held
}
