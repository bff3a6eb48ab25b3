package engine

import (
	"context"
	"errors"
	"slices"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// References waiting for a link. A row with transform link:SYNC leaves a
// record's field alone while SYNC has not linked the record it names (a
// contact whose company the companies sync has not linked yet): nothing to
// compare or write. The record is remembered (store.RefWait), and once
// SYNC links that record, the next plan of this sync plans the record again
// from the index, so its field is written even if it never changes again.
// Which sync runs first then no longer matters.

// appendWait adds the reference err names, if err is a reference that is
// not linked, as a wait of record id on side.
func appendWait(waits []store.RefWait, side, id string, err error) []store.RefWait {
	var nl *mapping.NotLinkedError
	if err == nil || !errors.As(err, &nl) {
		return waits
	}
	syncs := nl.Syncs
	if len(syncs) == 0 {
		syncs = []string{nl.Sync}
	}
	// One wait per sync the reference may go through: whichever links the
	// record first has it planned again.
	for _, sync := range syncs {
		waits = append(waits, store.RefWait{Side: side, RecordID: id, RefSync: sync, RefID: nl.ID})
	}
	return waits
}

// touchLinkedWaits loads the sync's waiting references and touches the
// records whose reference is linked now, so the pass plans them again.
// The others stay waiting; every wait of a record the pass plans is
// replaced by what that plan finds.
func (p *planner) touchLinkedWaits(ctx context.Context) error {
	if p.links == nil {
		return nil
	}
	waits, err := p.e.st.RefWaits(ctx, p.syncID)
	if err != nil {
		return err
	}
	touch := map[string][]string{}
	for _, w := range waits {
		key := sideOf(w.Side, w.RecordID)
		if p.waiting[key] {
			continue
		}
		p.waiting[key] = true
		if p.refLinked(w) {
			touch[w.Side] = append(touch[w.Side], w.RecordID)
		}
	}
	for side, ids := range touch {
		if err := p.e.st.TouchRecords(ctx, p.syncID, side, ids); err != nil {
			return err
		}
	}
	return nil
}

// refLinked reports whether the reference of w is linked now.
func (p *planner) refLinked(w store.RefWait) bool {
	if w.Side == "a" {
		_, ok := p.links.B(w.RefSync, w.RefID)
		return ok
	}
	_, ok := p.links.A(w.RefSync, w.RefID)
	return ok
}

// replanned notes that the pass planned record id of side again, so its
// earlier waits are replaced by this plan's.
func (p *planner) replanned(side, id string) {
	if len(p.waiting) == 0 {
		return
	}
	if key := sideOf(side, id); p.waiting[key] {
		delete(p.waiting, key)
		p.waitClear = append(p.waitClear, store.RecordRef{Side: side, ID: id})
	}
}

// addWaits records references this plan found not linked. A record's old
// waits are cleared first, in the same flush, so a later visit of the
// record in this plan cannot clear the new ones.
func (p *planner) addWaits(waits []store.RefWait) {
	for _, w := range waits {
		p.replanned(w.Side, w.RecordID)
		p.waitAdd = append(p.waitAdd, w)
		p.plan.Counts.WaitingLink++
		if !slices.Contains(p.plan.WaitingOn, w.RefSync) {
			p.plan.WaitingOn = append(p.plan.WaitingOn, w.RefSync)
		}
	}
}

// flushWaits stores the waits found since the last flush.
func (p *planner) flushWaits(ctx context.Context) error {
	if len(p.waitClear) == 0 && len(p.waitAdd) == 0 {
		return nil
	}
	if err := p.e.st.ReplaceRefWaits(ctx, p.syncID, p.waitClear, p.waitAdd); err != nil {
		return err
	}
	p.waitClear, p.waitAdd = p.waitClear[:0], p.waitAdd[:0]
	return nil
}
