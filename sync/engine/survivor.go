package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
)

// maxMergeHops bounds following merges (A into B, then B into C) against
// a loop in what a CRM reported.
const maxMergeHops = 10

// survivor follows record id of side, merged away in its CRM (HubSpot's
// merge makes a new record of both; Salesforce keeps the master), to the
// record it went into, as the index last read it. A record not merged
// away is its own survivor.
func (e *Engine) survivor(ctx context.Context, syncID int64, side, id string) (string, error) {
	for range maxMergeHops {
		pr, ok, err := e.st.Pair(ctx, syncID, side, id)
		if err != nil {
			return "", fmt.Errorf("engine: follow merge of %s on side %s: %w", id, strings.ToUpper(side), err)
		}
		into := store.DecodeFields(pr.Rec.Fields)[mergedField]
		if !ok || !pr.Rec.Deleted || into == "" {
			return id, nil
		}
		id = into
	}
	return id, nil
}

// mergedUndoTarget is, for record id of side that an undone run wrote and
// that was merged away since, the record it went into when that record is
// live and linked (a run since moved the link there): the undo writes the
// old values back to it. Otherwise it warns, naming the record merged
// into, and reports false.
func (p *planner) mergedUndoTarget(ctx context.Context, runID int64, side, id string) (store.PairRow, string, bool, error) {
	into, err := p.e.survivor(ctx, p.syncID, side, id)
	if err != nil || into == id {
		return store.PairRow{}, "", false, err
	}
	pr, ok, err := p.e.st.Pair(ctx, p.syncID, side, into)
	if err != nil {
		return store.PairRow{}, "", false, err
	}
	if ok && pr.Linked && !pr.Rec.Deleted {
		p.warn("undo of run %d: %s %s was merged into %s since; its values are undone there where %s still holds what the run wrote", runID, id, p.def.inSide(side), into, into)
		return pr, into, true, nil
	}
	p.warn("undo of run %d: %s %s was merged into %s since, which the sync has not linked yet; run the sync once so the link follows the merge, then undo again",
		runID, id, p.def.inSide(side), into)
	return store.PairRow{}, into, false, nil
}

// createMergedAway says whether record id of side, which run runID
// created, was merged away since, and then warns that the undo leaves the
// record it went into: that record holds the other record's data too, and
// its link is that record's, so deleting it would take away what was
// there before the run (and the item would name records the run never
// created or copied).
func (p *planner) createMergedAway(ctx context.Context, runID int64, side, id string) (bool, error) {
	into, err := p.e.survivor(ctx, p.syncID, side, id)
	if err != nil || into == id {
		return false, err
	}
	p.warn("undo of run %d: it created %s %s, merged since into %s with another record; the undo does not delete %s, which holds that record too: delete it in the CRM if it should go",
		runID, id, p.def.inSide(side), into, into)
	return true, nil
}
