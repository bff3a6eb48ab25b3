package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

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
		p.warn("cannot link %s %s with %s %s: one of them is missing, deleted or already linked", p.def.SideName("a"), aID, p.def.SideName("b"), bID)
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
