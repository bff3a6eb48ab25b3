package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/store"
)

// Links carried over merges. A merge deletes records: HubSpot merges two
// records into a new one with a new id (developer changelog, "Updated merge
// functionality for contacts and companies"), Salesforce deletes the
// records merged into the master. The connector reports each deleted record
// with the record it went into (connector.Record.MergedInto). When such a
// record was linked and the record it went into is not, the link moves:
// the other side's record keeps its partner under its new id, its base
// carries over, and the pair is merged as usual, so a change made during
// the merge is synced and nothing is held as a delete. This is what users
// of HubSpot's Salesforce integration expect: a merged contact stays synced
// with its Salesforce record. When several linked records went into one,
// only the one whose partner shares the new record's match key moves; the
// others are held as before, their reason naming the record they went into
// and its partner (mergeNote).

// relinkMerges carries over the links of records merged away since the
// sides' done marks (after: side -> seq).
func (p *planner) relinkMerges(ctx context.Context, after map[string]int64) error {
	for _, side := range []string{"a", "b"} {
		gone, err := p.e.st.MergedAway(ctx, p.syncID, side, after[side])
		if err != nil {
			return err
		}
		into := map[string][]store.PairRow{} // the record merged into -> the linked records merged into it
		for _, pr := range gone {
			m := store.DecodeFields(pr.Rec.Fields)[mergedField]
			into[m] = append(into[m], pr)
		}
		for _, master := range slices.Sorted(maps.Keys(into)) {
			if err := p.relinkOne(ctx, side, master, into[master]); err != nil {
				return err
			}
		}
	}
	return nil
}

// relinkOne moves one of the links of olds, records of side merged into
// master, to master, if master is live and unlinked.
func (p *planner) relinkOne(ctx context.Context, side, master string, olds []store.PairRow) error {
	mp, ok, err := p.e.st.Pair(ctx, p.syncID, side, master)
	if err != nil || !ok || mp.Linked || mp.Rec.Deleted || p.claimed[sideOf(side, master)] {
		return err
	}
	fields := store.DecodeFields(mp.Rec.Fields)
	if fields[badField] != "" {
		return nil
	}
	old, ok := p.heir(side, fields, olds)
	if !ok || !old.OtherSeen || old.Other.Deleted {
		return nil
	}
	other := store.DecodeFields(old.Other.Fields)
	if other[badField] != "" || !p.passes(side, master, fields) || !p.passes(otherSide(side), old.OtherID, other) {
		return nil // as a pair, visit would skip it: the merge is held as before
	}
	self := recView{id: master, fields: fields, modified: mp.Rec.Modified}
	partner := recView{id: old.OtherID, fields: other, modified: old.Other.Modified}
	av, bv, oldA := self, partner, old.Rec.ID
	if side == "b" {
		av, bv, oldA = partner, self, old.OtherID
	}
	p.claimed[sideOf(side, master)] = true
	p.handled[oldA] = true // neither record of the old pair is planned again
	p.relinkedTo[sideOf(side, master)] = old.OtherID
	p.plan.Counts.Relinked++
	base := store.DecodeFields(old.Base)
	link := &LinkOp{A: av.id, B: bv.id, New: true, Rule: "merge", Replaces: oldA,
		Evidence: fmt.Sprintf("%s on side %s was merged into %s", old.Rec.ID, strings.ToUpper(side), master)}
	for _, row := range slices.Sorted(maps.Keys(base)) { // the base carries over; what the merge agrees on follows it
		link.Base = append(link.Base, BaseValue{Row: row, Value: base[row]})
	}
	p.addPair(av, bv, p.m.mergePair(av, bv, base, nil, 0), link)
	return nil
}

// heir picks which of olds passes its link on to the record with fields
// they were merged into: the only one, or the one whose partner shares one
// of that record's match keys; none when that is not exactly one.
func (p *planner) heir(side string, fields map[string]string, olds []store.PairRow) (store.PairRow, bool) {
	if len(olds) == 1 {
		return olds[0], true
	}
	keys := p.ix[side].keyList(fields)
	var found []store.PairRow
	for _, o := range olds {
		if !o.OtherSeen {
			continue
		}
		theirs := p.ix[otherSide(side)].keyList(store.DecodeFields(o.Other.Fields))
		for i, k := range keys {
			if k != "" && i < len(theirs) && theirs[i] == k {
				found = append(found, o)
				break
			}
		}
	}
	if len(found) != 1 {
		return store.PairRow{}, false
	}
	return found[0], true
}
