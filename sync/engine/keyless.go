package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// A create whose outcome is unknown (a stop, a kill or a lost answer cut
// its call short) on a side crmsync cannot look it up on (the sync writes
// no match key there, or the connector has no lookup) may be in that CRM
// already. Created again, it was there twice, and the copy it left, read
// back with no key, was created once more in the source CRM. As HubSpot
// Data Sync and rclone bisync do with what they cannot place, such a create
// is held for a person instead: a "duplicate" review item for the source
// record (link it with the record the create made, create it again, or
// skip it), naming as candidates the unlinked records read on that side
// since the stop that hold what the create sent. While it is open neither
// the source nor a candidate is copied (holdReasons). A create whose
// lookup by key found several records it cannot tell apart is held the
// same way, those records its candidates (foundManyItem): created again,
// it was one more copy.

// keylessBatch is a pending create batch's entries that could not be
// looked up, noted before the read and held after it.
type keylessBatch struct {
	j  store.JournalRow
	es []journalEntry
	// found: the records a lookup by key found for a create of es it
	// cannot tell apart (createdAmong), by source id; held the same way,
	// those records its candidates.
	found map[string][]string
}

// with is kb holding e of journal j, whose lookup found hits.
func (kb keylessBatch) with(j store.JournalRow, e journalEntry, hits []connector.Record) keylessBatch {
	kb.j, kb.es = j, append(kb.es, e)
	if kb.found == nil {
		kb.found = map[string][]string{}
	}
	for _, h := range hits {
		kb.found[e.Source] = append(kb.found[e.Source], h.ID)
	}
	return kb
}

// noteKeyless keeps es of journal j for holdKeylessCreates; the journal
// stays pending until their review items are stored with it.
func (p *planner) noteKeyless(j store.JournalRow, es []journalEntry) {
	p.keyless = append(p.keyless, keylessBatch{j: j, es: es})
}

// holdKeylessCreates opens a review item for each create noted by
// noteKeyless whose source is not linked, and settles their journals. It
// runs after the read, so what the creates made is in the index.
func (p *planner) holdKeylessCreates(ctx context.Context) error {
	for _, kb := range p.keyless {
		made, err := p.readSince(ctx, kb.j.Side)
		if err != nil {
			return err
		}
		c := store.Commit{SyncID: p.syncID, RunID: kb.j.RunID, JournalDone: []int64{kb.j.ID}}
		src := otherSide(kb.j.Side)
		for _, e := range kb.es {
			sp, _, err := p.e.st.Pair(ctx, p.syncID, src, e.Source)
			if err != nil {
				return err
			}
			if sp.Linked {
				continue
			}
			it := keylessItem(kb.j, e, made)
			why := "cannot be looked up there"
			if ids, ok := kb.found[e.Source]; ok {
				it = foundManyItem(kb.j, e, ids)
				why = fmt.Sprintf("its lookup by %s found %d records there (%s)", kb.j.KeyField, len(ids), strings.Join(ids, ", "))
			}
			// Uncounted: the first run recorded after this plan counts it
			// (store.CountHeldReviews), whether this plan is applied, held
			// for confirmation or only previewed.
			c.Reviews = append(c.Reviews, store.ReviewRow{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, Detail: reviewDetail(it), Uncounted: true})
			p.listOpened(it)
			p.warn("run %d's create of %s (%s) %s was cut short and %s: held in Review, not created again",
				kb.j.RunID, e.Source, p.def.SideName(src), p.def.inSide(kb.j.Side), why)
		}
		if err := p.e.st.Commit(ctx, c); err != nil {
			return err
		}
	}
	p.keyless = nil
	return nil
}

// listOpened lists in the plan an item stored while it is made, so that
// the preview shows it as the store holds it. Every one is listed, past
// maxListed too: each is in Review already, so none can be left to
// Apply's store as undo items are, and p.keyless holds them all anyway.
func (p *planner) listOpened(it ReviewItem) {
	it.Opened = true
	p.plan.Review = append(p.plan.Review, it)
}

// readSince lists the unlinked records of side this plan read (indexed
// after the read began): where an interrupted create's record shows up.
// Without that mark (an undo's plan) it lists none.
func (p *planner) readSince(ctx context.Context, side string) ([]store.IndexRow, error) {
	after, ok := p.indexedBefore[side]
	if !ok {
		return nil, nil
	}
	var out []store.IndexRow
	var fromSeq int64
	fromID := ""
	for {
		rows, err := p.e.st.PairsAfter(ctx, p.syncID, side, after, fromSeq, fromID, -1, chunkSize)
		if err != nil {
			return nil, fmt.Errorf("engine: records read %s: %w", p.def.inSide(side), err)
		}
		for _, pr := range rows {
			if !pr.Linked && !pr.Rec.Deleted {
				out = append(out, pr.Rec)
			}
		}
		if len(rows) < chunkSize {
			return out, nil
		}
		last := rows[len(rows)-1].Rec
		fromSeq, fromID = last.Seq, last.ID
	}
}

// keylessItem is the review item holding interrupted create e of journal
// j, with the records of made holding what it sent as candidates.
func keylessItem(j store.JournalRow, e journalEntry, made []store.IndexRow) ReviewItem {
	src, side := otherSide(j.Side), strings.ToUpper(j.Side)
	it := ReviewItem{Kind: kindDuplicate, Side: src, RecordID: e.Source}
	for _, r := range made {
		if sentHeld(store.DecodeFields(r.Fields), e.Fields) {
			it.Candidates = append(it.Candidates, Candidate{Side: j.Side, ID: r.ID, Key: fmt.Sprintf("holds what run %d sent", j.RunID)})
		}
	}
	what := fmt.Sprintf("run %d created this record on side %s in a call that was cut short (stopped, killed or its answer lost), and side %s cannot be looked up by a key", j.RunID, side, side)
	switch len(it.Candidates) {
	case 0:
		it.Reason = what + ", so it may be there already: check side " + side + "; create it if it is not there, or skip it"
	default:
		ids := make([]string, len(it.Candidates))
		for i, c := range it.Candidates {
			ids[i] = c.ID
		}
		it.Reason = fmt.Sprintf("%s; %s read there since holds what it sent: link it with that record if it is the one made, create it if not, or skip it", what, strings.Join(ids, ", "))
	}
	return it
}

// foundManyItem is the review item holding interrupted create e of
// journal j, whose lookup by key found the records ids and cannot tell
// which one it made.
func foundManyItem(j store.JournalRow, e journalEntry, ids []string) ReviewItem {
	src, side := otherSide(j.Side), strings.ToUpper(j.Side)
	it := ReviewItem{Kind: kindDuplicate, Side: src, RecordID: e.Source, FoundMany: true}
	for _, id := range ids {
		it.Candidates = append(it.Candidates, Candidate{Side: j.Side, ID: id, Key: fmt.Sprintf("found by %s %q", j.KeyField, e.Key)})
	}
	it.Reason = fmt.Sprintf("run %d created this record on side %s in a call that was cut short (stopped, killed or its answer lost), "+
		"and looking it up there by %s %q found %d records (%s), so which one the call made cannot be told and it is not created again: "+
		"link it with the one the call made, create it if none is, or skip it",
		j.RunID, side, j.KeyField, e.Key, len(ids), strings.Join(ids, ", "))
	return it
}

// sentHeld reports whether a record's indexed fields hold every value a
// create sent that the index keeps, at least one of them not blank.
func sentHeld(have, sent map[string]string) bool {
	compared := false
	for f, v := range sent {
		h, ok := have[f]
		if !ok {
			continue
		}
		if !strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(v)) {
			return false
		}
		compared = compared || strings.TrimSpace(v) != ""
	}
	return compared
}
