package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A lookup after a create whose outcome is unknown goes through the
// vendor's search on HubSpot and Pipedrive, whose index lags writes: asked
// at once, it misses what the failed call made, and the records are made
// twice. So the lookup waits until the search can show them
// (connector.LookupLagger): after a lost answer, the lag from now (the
// vendor wrote before it answered); for a crash's journal, the lag from
// when the batch was journaled, which is past already unless the next
// plan follows the crash within seconds.

// lookupLag is how long side's lookups by field lag its writes.
func lookupLag(s Side, field string) time.Duration {
	if l, ok := s.Conn.(connector.LookupLagger); ok {
		return max(l.LookupLag(s.Object, field), 0)
	}
	return 0
}

// lookupAfterLag looks keys up on side after a create call failed with
// callErr: once a write the call made can show in the lookup when its
// outcome is unknown, at once when the vendor refused the call (it made
// nothing, and a batch refused for one record is split and looked up at
// every step).
func (r *run) lookupAfterLag(ctx context.Context, side string, srch connector.Searcher, field string, keys []string, callErr error) ([]connector.Record, error) {
	s := r.side[side]
	if d := lookupLag(s, field); d > 0 && connector.OutcomeUnknown(callErr) {
		r.e.log.InfoContext(ctx, "waiting for the search index before looking up the records of a failed create",
			"sync", r.plan.Sync, "side", side, "object", s.Object, "by", field, "records", len(keys), "wait", d)
		if err := sleepCtx(ctx, d); err != nil {
			return nil, fmt.Errorf("engine: wait for %s's search before a lookup: %w", s.Object, err)
		}
	}
	return srch.Lookup(ctx, s.Object, field, keys)
}

// lookupJournalAfterLag looks keys up on side once the writes of a batch
// journaled at journaled can show in the lookup.
func (p *planner) lookupJournalAfterLag(ctx context.Context, side string, srch connector.Searcher, field string, keys []string, journaled time.Time) ([]connector.Record, error) {
	s := p.side[side]
	lag := lookupLag(s, field)
	// At most the lag: the store and the engine may not share a clock.
	if d := min(journaled.Add(lag).Sub(p.e.now()), lag); d > 0 {
		p.e.log.InfoContext(ctx, "waiting for the search index before looking up an interrupted create batch",
			"sync", p.plan.Sync, "side", side, "object", s.Object, "by", field, "records", len(keys), "wait", d.Round(time.Millisecond))
		if err := sleepCtx(ctx, d); err != nil {
			return nil, fmt.Errorf("engine: wait for %s's search before a lookup: %w", s.Object, err)
		}
	}
	return srch.Lookup(ctx, s.Object, field, keys)
}

// sleepCtx waits d, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
