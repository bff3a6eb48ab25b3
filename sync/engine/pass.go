package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// unlinkedRec is an unlinked source record waiting to be matched.
type unlinkedRec struct {
	id       string
	fields   map[string]string
	keys     []string
	modified int64
}

// pass walks one side's records read since the last applied plan, a chunk
// at a time: linked records are merged, unlinked ones matched.
func (p *planner) pass(ctx context.Context, side string, afterSeq, skipOtherAbove int64) error {
	var fromSeq int64
	fromID := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := p.e.st.PairsAfter(ctx, p.syncID, side, afterSeq, fromSeq, fromID, skipOtherAbove, chunkSize)
		if err != nil {
			return err
		}
		p.countReadEarlier(side, rows)
		var unlinked []unlinkedRec
		for _, pr := range rows {
			if p.def.TestLimit > 0 && p.planned[side] >= p.def.TestLimit {
				break
			}
			if u, ok := p.visit(ctx, side, pr); ok {
				unlinked = append(unlinked, u)
			}
		}
		if err := p.match(ctx, side, unlinked); err != nil {
			return err
		}
		if err := p.flush(ctx); err != nil {
			return err
		}
		if len(rows) < chunkSize {
			return nil
		}
		last := rows[len(rows)-1].Rec
		fromSeq, fromID = last.Seq, last.ID
	}
}

func (p *planner) filters(side string) []Filter {
	if side == "a" {
		return p.def.Filters.A
	}
	return p.def.Filters.B
}

// passes says whether side's record id with fields passes side's filters;
// a "linked:SYNC" filter reads whether that sync links the record to a
// live record, or holds it in review to be matched, as of this plan.
func (p *planner) passes(side, id string, fields map[string]string) bool {
	fs := p.filters(side)
	if !slices.ContainsFunc(fs, func(f Filter) bool { _, ok := f.LinkedBy(); return ok }) {
		return passes(fs, fields)
	}
	with := maps.Clone(fields)
	for _, f := range fs {
		if sync, ok := f.LinkedBy(); ok {
			with[f.Field] = strconv.FormatBool(p.linkedBy(side, sync, id))
		}
	}
	return passes(fs, with)
}

// linkedBy says whether sync links side's record id to a live record,
// or holds it in review to be matched (refLinks.linkedOrHeld).
func (p *planner) linkedBy(side, sync, id string) bool {
	l, ok := p.links.(refLinks)
	return ok && l.linkedOrHeld(sync, side, id)
}

// visit handles one record; it returns the record when it needs matching.
func (p *planner) visit(ctx context.Context, side string, pr store.PairRow) (unlinkedRec, bool) {
	fields := store.DecodeFields(pr.Rec.Fields)
	id := pr.Rec.ID
	p.replanned(side, id)
	p.seenRejected(side, id)
	if pr.Linked {
		p.replanned(otherSide(side), pr.OtherID) // the merge covers both records
		p.seenRejected(otherSide(side), pr.OtherID)
	}
	if why := fields[badField]; why != "" {
		p.plan.Review = append(p.plan.Review, ReviewItem{Kind: "rejected", Side: side, RecordID: id, OtherID: pr.OtherID, Reason: why})
		return unlinkedRec{}, false
	}
	if !pr.Linked {
		if pr.Rec.Deleted || p.claimed[sideOf(side, id)] {
			return unlinkedRec{}, false
		}
		p.planned[side]++
		if !p.passes(side, id, fields) {
			p.plan.addSkip(side, id, "filtered out")
			return unlinkedRec{}, false
		}
		return unlinkedRec{id: id, fields: fields, keys: p.ix[side].keyList(fields), modified: pr.Rec.Modified}, true
	}
	p.planned[side]++
	aID := id
	if side == "b" {
		aID = pr.OtherID
	}
	if p.handled[aID] {
		return unlinkedRec{}, false
	}
	if pr.Rec.Deleted && pr.OtherSeen && pr.Other.Deleted {
		p.plan.addSkip(side, id, "deleted on both sides; nothing to delete")
		return unlinkedRec{}, false
	}
	if pr.Rec.Deleted {
		p.heldDelete(ctx, side, id, pr.OtherID, p.mergeNote(ctx, side, fields[mergedField], pr.OtherID), fields)
		return unlinkedRec{}, false
	}
	p.settleDeletes(side, id)
	if pr.OtherSeen && pr.Other.Deleted && side == "a" && pr.Other.Seq > p.readAfter["b"] {
		// Deleted since the last plan while this record was read too: B's
		// pass leaves the pair to this one (PairsAfter's skipOtherAbove),
		// so its delete is held here, or it never reaches review. (One
		// deleted before was held then; it is not asked about again.)
		other := store.DecodeFields(pr.Other.Fields)
		p.heldDelete(ctx, otherSide(side), pr.OtherID, id, p.mergeNote(ctx, otherSide(side), other[mergedField], id), other)
		return unlinkedRec{}, false
	}
	if !pr.OtherSeen || pr.Other.Deleted {
		p.plan.addSkip(side, id, "its linked record "+pr.OtherID+" is deleted or was never read")
		return unlinkedRec{}, false
	}
	other := store.DecodeFields(pr.Other.Fields)
	if why := other[badField]; why != "" {
		return unlinkedRec{}, false // reported when that record was read
	}
	if !p.passes(side, id, fields) || !p.passes(otherSide(side), pr.OtherID, other) {
		p.plan.addSkip(side, id, "filtered out")
		return unlinkedRec{}, false
	}
	av := recView{id: id, fields: fields, modified: pr.Rec.Modified}
	bv := recView{id: pr.OtherID, fields: other, modified: pr.Other.Modified}
	if side == "b" {
		av, bv = bv, av
	}
	p.addPair(av, bv, p.m.mergePair(av, bv, store.DecodeFields(pr.Base), nil, 0), nil)
	return unlinkedRec{}, false
}

// addPair records a merged pair in the plan; link is the new link, if any.
func (p *planner) addPair(a, b recView, out pairOut, link *LinkOp) {
	if out.toA != nil {
		p.addWrite("update", *out.toA)
		p.sideWrites(*out.toA, a.fields)
	}
	if out.toB != nil {
		p.addWrite("update", *out.toB)
		p.sideWrites(*out.toB, b.fields)
	}
	p.plan.Conflicts = append(p.plan.Conflicts, out.conflicts...)
	p.plan.Review = append(p.plan.Review, out.reviews...)
	p.settleConflicts(a, b, out)
	p.plan.Counts.KeptBlank += out.kept
	p.plan.Counts.OptOut += out.optOuts
	for _, n := range out.notes {
		p.warn("%s", n)
	}
	p.addWaits(out.waits)
	switch {
	case link != nil:
		link.Base = append(link.Base, out.agreed...)
		p.addLink(*link)
	case len(out.agreed) > 0:
		p.addLink(LinkOp{A: a.id, B: b.id, Rule: "agreed", Base: out.agreed})
	}
	if out.toA == nil && out.toB == nil && len(out.conflicts) == 0 && len(out.reviews) == 0 && link == nil {
		p.plan.Counts.Unchanged++
	}
}

// heldDelete never deletes: with propagation enabled a person reviews it.
// merge, when set, says the record was merged into another (mergeNote);
// fields are the deleted record's as last read (cascadeNote).
func (p *planner) heldDelete(ctx context.Context, side, id, other, merge string, fields map[string]string) {
	p.plan.Counts.HeldDelete++
	if !p.def.Safety.PropagateDeletes {
		why := "deleted; deletes are not propagated"
		if merge != "" {
			why = merge + "; deletes are not propagated, so " + other + " on side " + strings.ToUpper(otherSide(side)) + " stays"
		}
		p.plan.addSkip(side, id, why)
		return
	}
	reason := fmt.Sprintf("deleted on side %s; approve to delete %s on side %s", strings.ToUpper(side), other, strings.ToUpper(otherSide(side)))
	if merge != "" {
		reason = fmt.Sprintf("%s; approve only if %s on side %s should go too", merge, other, strings.ToUpper(otherSide(side)))
	} else if with := p.cascadeNote(ctx, side, fields); with != "" {
		reason = fmt.Sprintf("deleted on side %s with %s; nobody deleted it by itself: approve only if %s on side %s should go too",
			strings.ToUpper(side), with, other, strings.ToUpper(otherSide(side)))
	}
	if dc, ok := p.side[otherSide(side)].Conn.(connector.DeleteCascader); ok {
		if also := dc.DeleteCascades(p.side[otherSide(side)].Object); also != "" {
			reason += "; " + also
		}
	}
	p.plan.Review = append(p.plan.Review, ReviewItem{Kind: "delete", Side: side, RecordID: id, OtherID: other, Reason: reason})
}

// mergeNote describes a delete that was a merge: record master on side
// survives, and when it is linked, the person behind other on the other
// side most likely is its linked record too, to be merged there rather than
// deleted, or the data only other holds is lost. "" for a plain delete.
func (p *planner) mergeNote(ctx context.Context, side, master, other string) string {
	if master == "" {
		return ""
	}
	note := fmt.Sprintf("merged into %s on side %s", master, strings.ToUpper(side))
	partner, ok := p.relinkedTo[sideOf(side, master)] // linked in this plan
	if !ok {
		pr, found, err := p.e.st.Pair(ctx, p.syncID, side, master)
		if err != nil {
			p.warn("record %s was merged into %s %s; its link could not be read: %v", other, master, p.def.inSide(side), err)
		}
		if err == nil && found && pr.Linked {
			partner = pr.OtherID
		}
	}
	if partner != "" && partner != other {
		note += fmt.Sprintf(", which is linked to %s on side %s: if %s is the same person, merge it into %s in that CRM instead of deleting it",
			partner, strings.ToUpper(otherSide(side)), other, partner)
	}
	return note
}
