package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/crmsync/crmsync/store"
)

// A pair held for review (an "also" field that differs, two names on one
// phone, a higher rule's key that differs) is found from each side: A's
// record names B's as its one candidate, and B's names A's. It is one
// decision for a person, so it is one item, kept on side A; deciding it
// settles both records: a link links both, a skip holds both, and a
// create copies the item's record (the other is not created too: where
// the target keeps the shared key unique, as HubSpot's email, that
// create would land on the record just held apart).

// pairCandidate returns the one unlinked candidate on the other side that
// makes it a pair hold, and whether it is one.
func pairCandidate(it ReviewItem) (Candidate, bool) {
	if it.Kind != "ambiguous" || len(it.Candidates) != 1 {
		return Candidate{}, false
	}
	c := it.Candidates[0]
	if c.Side != otherSide(it.Side) || c.LinkedTo != "" {
		return Candidate{}, false
	}
	return c, true
}

// mergePairHolds drops side B's item of a pair whose side A item is in
// items too.
func mergePairHolds(items []ReviewItem) []ReviewItem {
	held := map[[2]string]bool{}
	for _, it := range items {
		if c, ok := pairCandidate(it); ok && it.Side == "a" {
			held[[2]string{it.RecordID, c.ID}] = true
		}
	}
	out := items[:0]
	for _, it := range items {
		if c, ok := pairCandidate(it); ok && it.Side == "b" && held[[2]string{c.ID, it.RecordID}] {
			continue
		}
		out = append(out, it)
	}
	return out
}

// pairKey names a pair hold as side A's record and side B's.
func pairKey(it ReviewItem, c Candidate) [2]string {
	if it.Side == "a" {
		return [2]string{it.RecordID, c.ID}
	}
	return [2]string{c.ID, it.RecordID}
}

// storedPairKey is pairKey of a stored item, when it is a pair hold.
func storedPairKey(r store.ReviewRow) ([2]string, bool) {
	var d struct {
		Candidates []Candidate `json:"candidates"`
	}
	_ = json.Unmarshal([]byte(r.Detail), &d)
	it := ReviewItem{Kind: r.Kind, Side: r.Side, RecordID: r.RecordID, Candidates: d.Candidates}
	c, ok := pairCandidate(it)
	if !ok {
		return [2]string{}, false
	}
	return pairKey(it, c), true
}

// dropSettledPairHolds leaves out of the plan a pair hold a stored item
// already asks about or a person answered: the other record's item, open
// or decided, or either record's item skipped (a skip sticks for both).
// Only this record's own open item is asked again, refreshed.
func (p *planner) dropSettledPairHolds(ctx context.Context) error {
	if !slices.ContainsFunc(p.plan.Review, func(it ReviewItem) bool { _, ok := pairCandidate(it); return ok }) {
		return nil
	}
	stored, err := p.e.st.Reviews(ctx, p.syncID, "ambiguous", "")
	if err != nil {
		return fmt.Errorf("engine: pair holds of sync %d: %w", p.syncID, err)
	}
	settled := map[[2]string]string{} // pair -> the side whose open item asks already
	for _, r := range stored {
		k, ok := storedPairKey(r)
		switch {
		case !ok:
		case r.Status == "open" || slices.Contains(p.plan.reviewOpen, r.ID):
			// A decided item this plan puts back in review (createHeld)
			// asks again, refreshed. Side A's item asks where an older
			// store holds both (closeDuplicatePairItems closes B's).
			if asking, seen := settled[k]; !seen || asking == "b" && r.Side == "a" {
				settled[k] = r.Side
			}
		case r.Status == "decided" || storedSkip(r):
			settled[k] = "" // answered: no side asks again
		}
	}
	p.plan.Review = slices.DeleteFunc(p.plan.Review, func(it ReviewItem) bool {
		c, ok := pairCandidate(it)
		if !ok {
			return false
		}
		asking, found := settled[pairKey(it, c)]
		return found && asking != it.Side
	})
	return nil
}

// storedSkip reports whether a person closed r with "skip".
func storedSkip(r store.ReviewRow) bool {
	var d Decision
	_ = json.Unmarshal([]byte(r.Decision), &d)
	return r.Status == "done" && d.Action == "skip"
}

// closeDuplicatePairItems closes side B's open item of a pair whose side A
// item is open too: builds before a held pair was one item stored one
// from each side, and the Review screen would count the decision twice.
// Stored items are read again only when the pair is, so this looks at
// the stored items themselves; open ambiguous items are few.
func (p *planner) closeDuplicatePairItems(ctx context.Context) error {
	open, err := p.e.st.Reviews(ctx, p.syncID, "ambiguous", "open")
	if err != nil {
		return fmt.Errorf("engine: duplicate pair items of sync %d: %w", p.syncID, err)
	}
	asksOnA := map[[2]string]bool{}
	for _, r := range open {
		if k, ok := storedPairKey(r); ok && r.Side == "a" {
			asksOnA[k] = true
		}
	}
	for _, r := range open {
		if k, ok := storedPairKey(r); ok && r.Side == "b" && asksOnA[k] {
			p.plan.reviewDone = append(p.plan.reviewDone, r.ID)
		}
	}
	return nil
}
