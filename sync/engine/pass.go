package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
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
			p.warn("record %s was merged into %s on side %s; its link could not be read: %v", other, master, strings.ToUpper(side), err)
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

// match links each unlinked record through the key index with the ordered
// rules: one candidate links, several go to review, none follows the policy.
func (p *planner) match(ctx context.Context, side string, recs []unlinkedRec) error {
	if len(recs) == 0 {
		return nil
	}
	hits := make([]map[string][]store.KeyHit, len(p.def.Match))
	for i := range p.def.Match {
		var keys []string
		for _, r := range recs {
			if r.keys[i] != "" {
				keys = append(keys, r.keys[i])
			}
		}
		hs, err := p.e.st.KeyHits(ctx, p.syncID, i, keys)
		if err != nil {
			return err
		}
		hits[i] = map[string][]store.KeyHit{}
		for _, h := range hs {
			hits[i][h.Key] = append(hits[i][h.Key], h)
		}
	}
	// Load every record a match could name in one query a side: the
	// records being matched pass the filters already.
	rows, err := p.hitRecords(ctx, side, recs, hits)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if p.claimed[sideOf(side, r.id)] {
			continue
		}
		if err := p.matchOne(ctx, side, r, hits, rows); err != nil {
			return err
		}
	}
	return nil
}

func (p *planner) matchOne(ctx context.Context, side string, r unlinkedRec, hits []map[string][]store.KeyHit, rows map[string]map[string]store.IndexRow) error {
	other := otherSide(side)
	byID := rows[other]
	for i, k := range r.keys {
		if k == "" {
			continue
		}
		var same, others, outside []store.KeyHit
		for _, h := range hits[i][k] {
			switch {
			case h.Side == side && h.ID == r.id:
			case p.outsideFilters(h, rows):
				// A record the sync leaves out (a converted Lead) is
				// no candidate: linking would write to it, and it
				// makes no match ambiguous.
				outside = append(outside, h)
			case h.Side == side:
				same = append(same, h)
			default:
				others = append(others, h)
			}
		}
		if len(same) == 0 && len(others) == 0 {
			if o := outsideMatch(outside, other); o != "" {
				// Creating would duplicate the record left out.
				p.plan.addSkip(side, r.id, fmt.Sprintf("its match %s on side %s (%s = %q) is outside this sync's filters", o, strings.ToUpper(other), p.ruleLabel(i), k))
				return nil
			}
			continue
		}
		if len(same) == 0 && len(others) == 1 && others[0].LinkedTo == "" && !p.claimed[sideOf(other, others[0].ID)] {
			if o, ok := byID[others[0].ID]; ok && i > 0 {
				if p.differsByHigherRule(side, r, i, k, o) {
					return nil
				}
				held, err := p.heldByHigherRule(ctx, side, r.id, i, k, o)
				if err != nil || held {
					return err
				}
			}
			if o, ok := byID[others[0].ID]; ok && p.heldByAlso(side, r, i, k, o) {
				return nil
			}
			rule, evidence := fmt.Sprintf("match:%d", i+1), fmt.Sprintf("%s = %q", p.ruleLabel(i), k)
			if o, ok := byID[others[0].ID]; ok && !o.Deleted {
				fields := store.DecodeFields(o.Fields)
				self := recView{id: r.id, fields: r.fields, modified: r.modified}
				p.linkViews(side, self, recView{id: o.ID, fields: fields, modified: o.Modified}, rule, evidence, 0)
				return nil
			}
			return p.link(ctx, side, r.id, others[0].ID, rule, evidence, 0)
		}
		if p.skipFoundMany(side, r.id) {
			return nil
		}
		it := ReviewItem{Kind: "ambiguous", Side: side, RecordID: r.id}
		switch {
		case len(same) > 0:
			it.Reason = fmt.Sprintf("%s on side %s share %s %q", nRecords(len(same), "other record"), strings.ToUpper(side), p.ruleLabel(i), k)
		case len(others) > 1:
			it.Reason = fmt.Sprintf("%d records on side %s share %s %q", len(others), strings.ToUpper(other), p.ruleLabel(i), k)
		default:
			it.Reason = fmt.Sprintf("the record on side %s with %s %q is already linked", strings.ToUpper(other), p.ruleLabel(i), k)
		}
		for _, h := range append(others, same...) {
			lt := h.LinkedTo
			if lt == "" && p.claimed[sideOf(h.Side, h.ID)] {
				lt = "(linked in this plan)"
			}
			it.Candidates = append(it.Candidates, Candidate{Side: h.Side, ID: h.ID, Rule: i + 1, Key: k, LinkedTo: lt})
		}
		p.plan.Review = append(p.plan.Review, it)
		return nil
	}
	if why, held := p.heldDup[sideOf(side, r.id)]; held {
		p.plan.addSkip(side, r.id, why)
		return nil
	}
	if ask, ok := p.askDup[sideOf(side, r.id)]; ok && p.def.CreatesIn(other) && p.def.Direction != towards(side) {
		p.plan.Review = append(p.plan.Review, ask)
		return nil
	}
	if p.def.CreatesIn(other) {
		if held, err := p.heldBySecondary(ctx, side, r); err != nil || held {
			return err
		}
	}
	switch {
	case p.def.CreatesIn(other):
		p.create(side, r.id, r.fields, firstKey(r.keys), nil, 0)
	case p.def.Unmatched == UnmatchedCreateInA || p.def.Unmatched == UnmatchedCreateInB:
		p.plan.addSkip(side, r.id, "unmatched; this sync creates records in side "+strings.ToUpper(side)+" only")
	case p.def.Unmatched == UnmatchedReview:
		p.plan.Review = append(p.plan.Review, ReviewItem{Kind: "unmatched", Side: side, RecordID: r.id,
			Reason: fmt.Sprintf("no record on side %s matches any rule", strings.ToUpper(other))})
	default:
		p.plan.addSkip(side, r.id, "unmatched")
	}
	return nil
}

// differsByHigherRule keeps a lower rule from linking two records a higher
// rule tells apart: when both hold a key for rule j < i and the keys
// differ (two emails: two people; two domains: two branches), rule i's
// match is no evidence of one record, and r is held for review with o as
// its candidate, neither linked nor created as o's copy. A lower rule
// links only where a higher key is blank on at least one side. It reports
// whether r was held.
func (p *planner) differsByHigherRule(side string, r unlinkedRec, i int, key string, o store.IndexRow) bool {
	other := otherSide(side)
	oKeys := p.ix[other].keyList(store.DecodeFields(o.Fields))
	for j := 0; j < i; j++ {
		if r.keys[j] == "" || oKeys[j] == "" || r.keys[j] == oKeys[j] {
			continue
		}
		p.plan.Review = append(p.plan.Review, ReviewItem{Kind: "ambiguous", Side: side, RecordID: r.id,
			Reason: fmt.Sprintf("the record on side %s shares %s %q but its %s is %q, not %q: a higher rule tells them apart; link them by hand if they are one",
				strings.ToUpper(other), p.ruleLabel(i), key, p.ruleLabel(j), oKeys[j], r.keys[j]),
			Candidates: []Candidate{{Side: other, ID: o.ID, Rule: i + 1, Key: key}}})
		return true
	}
	return false
}

// heldByHigherRule keeps the ordered rules symmetric. Side's record id
// found one candidate, o, by rule i; but if o's own key for a higher rule
// is shared with any other record, o's match is decided by that rule (a
// link, or review when ambiguous), and linking it to id by rule i would go
// behind that decision. id is then held for review with o as its
// candidate, rather than linked or created as o's duplicate. It reports
// whether id was held.
func (p *planner) heldByHigherRule(ctx context.Context, side, id string, i int, key string, o store.IndexRow) (bool, error) {
	other := otherSide(side)
	oKeys := p.ix[other].keyList(store.DecodeFields(o.Fields))
	for j := 0; j < i; j++ {
		if oKeys[j] == "" {
			continue
		}
		hs, err := p.e.st.KeyHits(ctx, p.syncID, j, []string{oKeys[j]})
		if err != nil {
			return false, err
		}
		var rivals []store.KeyHit
		for _, h := range hs {
			if !(h.Side == other && h.ID == o.ID) {
				rivals = append(rivals, h)
			}
		}
		if len(rivals) == 0 {
			continue
		}
		it := ReviewItem{Kind: "ambiguous", Side: side, RecordID: id,
			Reason: fmt.Sprintf("the record on side %s with %s %q also shares %s %q with %s; that higher rule decides its match first",
				strings.ToUpper(other), p.ruleLabel(i), key, p.ruleLabel(j), oKeys[j], nRecords(len(rivals), "other record"))}
		it.Candidates = append(it.Candidates, Candidate{Side: other, ID: o.ID, Rule: i + 1, Key: key})
		for _, h := range rivals {
			lt := h.LinkedTo
			if lt == "" && p.claimed[sideOf(h.Side, h.ID)] {
				lt = "(linked in this plan)"
			}
			it.Candidates = append(it.Candidates, Candidate{Side: h.Side, ID: h.ID, Rule: j + 1, Key: oKeys[j], LinkedTo: lt})
		}
		p.plan.Review = append(p.plan.Review, it)
		return true, nil
	}
	return false, nil
}

func firstKey(keys []string) string {
	for _, k := range keys {
		if k != "" {
			return k
		}
	}
	return ""
}

func (p *planner) ruleLabel(i int) string {
	m := p.def.Match[i]
	return fmt.Sprintf("%s/%s (%s)", m.A, m.B, m.Normalize)
}

// link plans a new link between two unlinked records and merges them with
// no base: equal values become the base, the rest is decided per field.
func (p *planner) link(ctx context.Context, side, id, otherID, rule, evidence string, reviewID int64) error {
	aID, bID := id, otherID
	if side == "b" {
		aID, bID = otherID, id
	}
	pa, okA, err := p.e.st.Pair(ctx, p.syncID, "a", aID)
	if err != nil {
		return err
	}
	pb, okB, err := p.e.st.Pair(ctx, p.syncID, "b", bID)
	if err != nil {
		return err
	}
	if !okA || !okB || pa.Linked || pb.Linked || pa.Rec.Deleted || pb.Rec.Deleted {
		p.warn("cannot link A %s with B %s: one of them is missing, deleted or already linked", aID, bID)
		return nil
	}
	av := recView{id: aID, fields: store.DecodeFields(pa.Rec.Fields), modified: pa.Rec.Modified}
	bv := recView{id: bID, fields: store.DecodeFields(pb.Rec.Fields), modified: pb.Rec.Modified}
	p.linkViews("a", av, bv, rule, evidence, reviewID)
	return nil
}

// linkViews plans the link of two unlinked records given as side's record
// and the other side's.
func (p *planner) linkViews(side string, self, other recView, rule, evidence string, reviewID int64) {
	av, bv := self, other
	if side == "b" {
		av, bv = other, self
	}
	p.claimed[sideOf("a", av.id)], p.claimed[sideOf("b", bv.id)] = true, true
	out := p.m.mergePair(av, bv, nil, nil, 0)
	p.addPair(av, bv, out, &LinkOp{A: av.id, B: bv.id, New: true, Rule: rule, Evidence: evidence, ReviewID: reviewID})
}

// create plans a record on the other side from source record id. Any row
// that cannot carry its value sends the whole record to review: never half
// a record.
func (p *planner) create(side, id string, fields map[string]string, key string, override map[string]string, reviewID int64) {
	target := otherSide(side)
	if (target == "b" && p.def.Direction == mapping.BtoA) || (target == "a" && p.def.Direction == mapping.AtoB) {
		p.plan.addSkip(side, id, "unmatched; the sync does not create records on side "+strings.ToUpper(target))
		return
	}
	w := Write{Side: target, Source: id, Key: key, ReviewID: reviewID, Changes: make([]Change, 0, len(p.rows))}
	var waits []store.RefWait
	optOuts := 0
	for _, r := range p.rows {
		if (target == "b" && r.Dir == mapping.BtoA) || (target == "a" && r.Dir == mapping.AtoB) {
			continue
		}
		var canon string
		var err error
		if side == "b" {
			canon, err = r.CanonB(fields)
		} else {
			canon, err = r.CanonA(fields)
		}
		if v, ok := override[r.Key]; ok {
			canon, err = settleTyped(r, v, side, fields), nil
		}
		if errors.Is(err, mapping.ErrNotRead) {
			waits = appendWait(waits, side, id, err)
			if r.OnCreate {
				// No later merge would write it: the record waits,
				// uncreated, for its reference to be linked.
				why := err.Error()
				if nl := (*mapping.NotLinkedError)(nil); errors.As(err, &nl) {
					why = fmt.Sprintf("sync %q has not linked %s", nl.Sync, nl.ID)
				}
				p.plan.addSkip(side, id, "not created yet: "+r.Key+" is set on create only, and "+why)
				p.addWaits(waits)
				return
			}
			continue
		}
		if err != nil {
			p.plan.Review = append(p.plan.Review, rejected(side, id, "", r.Key, err))
			return
		}
		if !r.OnCreate {
			w.Base = append(w.Base, BaseValue{r.Key, canon})
		}
		if canon == "" {
			continue
		}
		if r.OptOut {
			optOuts++
		}
		var buf [3]mapping.FieldValue
		vals, err := writeRow(buf[:0], r, target, canon, nil)
		if errors.Is(err, mapping.ErrNoCounterpart) {
			continue // created with the target's own default (its owner: the integration user)
		}
		if err != nil {
			p.plan.Review = append(p.plan.Review, rejected(side, id, "", r.Key, err))
			return
		}
		for _, v := range vals {
			switch {
			case v.Value == "":
			case r.OnCreate && writesField(w.Changes, v.Field):
				// Another row's value wins over a first value (a status
				// made up for a new member loses to an opt-out).
			default:
				w.Changes = upsertChange(w.Changes, Change{Field: v.Field, New: v.Value, Rule: RuleCreate})
			}
		}
	}
	if len(w.Changes) == 0 {
		p.plan.addSkip(side, id, "unmatched and nothing mapped to create from")
		return
	}
	if it, bad := p.m.createProblem(&w, side, id); bad {
		p.plan.Review = append(p.plan.Review, it)
		return
	}
	p.claimed[sideOf(side, id)] = true
	if p.creating == nil {
		p.creating = map[string]bool{}
	}
	p.creating[sideOf(side, id)] = true
	p.addWrite("create", w)
	p.addWaits(waits)
	p.plan.Counts.OptOut += optOuts
}
