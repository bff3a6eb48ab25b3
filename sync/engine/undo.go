package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Undo plans a run that writes back each old value of run runID wherever
// the current value is still what that run wrote. A value changed since
// goes to review as a conflict; records the run created go to review as a
// delete (nothing is deleted without a person). Apply the plan with Apply.
func (e *Engine) Undo(ctx context.Context, syncID, runID int64, def Definition, a, b Side, opts PlanOptions) (*Plan, error) {
	p, err := e.newPlanner(ctx, syncID, def, a, b)
	if err != nil {
		return nil, err
	}
	p.plan.Trigger, p.plan.UndoOf = "undo", runID
	callsA, callsB := a.calls(), b.calls()
	if err := p.reconcileJournals(ctx); err != nil {
		return nil, err
	}
	// Read first, so "current" is what the CRMs hold now.
	cursors := map[string]string{}
	for _, s := range []string{"a", "b"} {
		st, err := e.st.SideState(ctx, syncID, s)
		if err != nil {
			return nil, err
		}
		cursors[s] = st.Cursor
	}
	if _, err := p.readBoth(ctx, cursors); err != nil {
		return nil, err
	}
	// Update batches a kill left unsettled get their audit rows now: the
	// run being undone may be the one killed, and its writes that reached
	// the CRM are undone only if its audit names them.
	if err := p.reconcileUpdates(ctx); err != nil {
		return nil, err
	}
	if err := p.holdKeylessCreates(ctx); err != nil {
		return nil, err
	}
	p.noteSettledRuns(ctx)
	// An undo that finished what a killed or partial undo began holds
	// only the rest: undoing it reverses the writes of both.
	ids, err := e.st.UnfinishedUndosBefore(ctx, runID)
	if err != nil {
		return nil, err
	}
	if err := p.undoAudit(ctx, runID, append(ids, runID)); err != nil {
		return nil, err
	}
	if err := p.finishPlan(ctx); err != nil {
		return nil, err
	}
	// The undo's reads are its run's calls too, as in Plan.
	p.plan.readCalls = [2]int64{a.calls() - callsA, b.calls() - callsB}
	p.estimate()
	return p.plan, nil
}

// createdField is the field of an undo's delete item: the item names the
// record the undone run copied, which lives on, and approving it deletes
// the copy the run created (OtherID), not a partner of a deleted record.
const createdField = "(created)"

// undoRecord plans the undo of the writes audit names to record id of
// side, pr with its link and linked record as the store holds them (ok
// false: the store holds no such record).
func (p *planner) undoRecord(ctx context.Context, runID int64, side, id string, audit []store.AuditRow, pr store.PairRow, ok bool) error {
	if ok && pr.Rec.Deleted && audit[0].Field == deletedField {
		p.warn("undo of run %d: it deleted %s %s, and an undo cannot bring a record back; restore it in the CRM "+
			"(Salesforce's recycle bin, or HubSpot's deleted records within 90 days) and the next run matches it again", runID, id, p.def.inSide(side))
		return nil
	}
	mergedFrom := "" // the record the run wrote, when id is now the one it was merged into
	if ok && pr.Rec.Deleted {
		if strings.HasPrefix(audit[0].Rule, RuleCreate) {
			if merged, err := p.createMergedAway(ctx, runID, side, id); err != nil || merged {
				return err
			}
		}
		// Merged away since: the values the run wrote live on in the
		// record it went into.
		mp, into, moved, err := p.mergedUndoTarget(ctx, runID, side, id)
		if err != nil {
			return err
		}
		if into != "" && !moved {
			return nil
		}
		if moved {
			pr, id, mergedFrom = mp, into, id
		}
	}
	if !ok || pr.Rec.Deleted {
		p.warn("undo of run %d: record %s %s is gone", runID, id, p.def.inSide(side))
		return nil
	}
	cur := store.DecodeFields(pr.Rec.Fields)
	if strings.HasPrefix(audit[0].Rule, RuleCreate) {
		if pr.Linked {
			reason := fmt.Sprintf("run %d created %s on side %s; approve to delete it", runID, id, strings.ToUpper(side))
			if since := p.editedSince(side, cur, audit); len(since) > 0 {
				// Approving deletes that work too: the person must know.
				reason += "; it was changed since: " + strings.Join(since, ", ")
			}
			p.addUndoReview(ReviewItem{Kind: "delete", Side: otherSide(side), RecordID: pr.OtherID, OtherID: id, Field: createdField, Reason: reason})
		}
		return nil
	}
	w := Write{Side: side, ID: id, Source: pr.OtherID}
	after := map[string]string{}
	for k, v := range cur {
		after[k] = v
	}
	reviewed := map[string]bool{}        // fields gone to review
	sides := map[string]store.AuditRow{} // side writes by field
	var unknown []string                 // fields an upsert found written, their old values unknown
	for _, a := range audit {
		if a.Rule == RuleUpsertFoundUnknown {
			unknown = append(unknown, a.Field)
			continue
		}
		if strings.HasPrefix(a.Field, "(") && a.Rule != RuleOptOut {
			sides[strings.Trim(a.Field, "()")] = a
			continue // a side write: its CRM reverses it with the fields (undoSideWrites)
		}
		if a.Rule == RuleOptOut {
			// Writing the old value back would opt the person in again,
			// which only they may do.
			p.warn("undo of run %d: it opted %s %s out of email (%s %q → %q); an undo never opts anyone back in: only the person can, through the CRM's subscription preferences",
				runID, id, p.def.inSide(side), a.Field, a.Old, a.New)
			continue
		}
		now, read := cur[a.Field]
		if f, _ := p.schema[side].Field(a.Field); f.KeepOnBlank && strings.TrimSpace(a.Old) == "" && strings.TrimSpace(now) != "" {
			// Written, the blank would leave the value there and the
			// audit would say it was undone.
			p.warn("undo of run %d: it set %s of %s %s to %q, which crmsync cannot clear there (a blank written leaves it); remove it in the CRM if it should go",
				runID, a.Field, id, p.def.inSide(side), now)
			continue
		}
		// Compared as the planner compares: a case-only difference in an
		// address HubSpot keeps lower-cased, a selection in another order,
		// is the value the run wrote, not somebody's change since.
		same := func(x, y string) bool { return p.sameValue(side, a.Field, x, y) }
		var later store.LaterWrite // a newer run that wrote the same value again
		if read && same(now, a.New) {
			later = p.rewrittenBy(side, id, a, now)
		}
		switch {
		case later.RunID != 0:
			reviewed[a.Field] = true
			p.addUndoReview(ReviewItem{Kind: "conflict", Side: side, RecordID: id, OtherID: pr.OtherID, Field: a.Field,
				Reason: rewrittenReason(runID, p.syncID, later, a, now), Values: &Values{A: a.Old, B: now}})
		case read && same(now, a.New):
			w.Changes = upsertChange(w.Changes, Change{Field: a.Field, Old: now, New: a.Old, Rule: RuleUndo})
			after[a.Field] = a.Old
		case same(now, a.Old):
			// already back to the old value
		case mergedFrom != "":
			// The merge kept another record's value: the run never wrote
			// it, so no one is asked to write the old value over it. Its
			// group (Together) waits in review, as for a conflict.
			reviewed[a.Field] = true
			p.warn("undo of run %d: %s of %s %s (%s was merged into it) holds %q, not %q, which the run wrote to %s; it is left as it is",
				runID, a.Field, id, p.def.inSide(side), mergedFrom, now, a.New, mergedFrom)
		default:
			reviewed[a.Field] = true
			p.addUndoReview(ReviewItem{Kind: "conflict", Side: side, RecordID: id, OtherID: pr.OtherID, Field: a.Field,
				Reason: undoConflictReason(runID, a, now),
				Values: &Values{A: a.Old, B: now}})
		}
	}
	if len(unknown) > 0 {
		p.warn("undo of run %d: it wrote %s of %s %s, a record that existed already (made elsewhere just before the run's upsert), "+
			"and its old values are unknown; it is not deleted and those fields are left as they are: correct them in the CRM if they should change",
			runID, strings.Join(unknown, ", "), id, p.def.inSide(side))
	}
	w.Changes = p.holdUndoTogether(side, id, pr.OtherID, runID, w.Changes, reviewed, audit, cur)
	if len(w.Changes) == 0 {
		return nil
	}
	w.Changes = p.undoSideWrites(side, w.Changes, sides, cur, after)
	w.Base = p.undoBases(pr, side, after, w.Changes)
	p.addWrite("update", w)
	p.sideWrites(w, cur)
	return nil
}

// undoConflictReason says why the undo of run runID asks a person about
// audit row a, whose field now holds now. A write a stop left unknown was
// never confirmed: saying the run wrote it would be untrue.
func undoConflictReason(runID int64, a store.AuditRow, now string) string {
	if a.Rule == RuleUpdateUnknown {
		return fmt.Sprintf("run %d sent %q in a call its stop cut short, so it may never have been written (outcome unknown; the next run did not find it there), and %s now holds %q; undo would overwrite that",
			runID, a.New, a.Field, now)
	}
	return fmt.Sprintf("run %d wrote %q but %s now holds %q; undo would overwrite that", runID, a.New, a.Field, now)
}

// undoSideWrites adds to an undo's changes the old value of each side
// write (audit rows by field) the undo would make again, where the run
// read it and the record still holds what the run wrote: the CRM would
// write the undone field's value there (a meeting's hs_timestamp, moved
// with its start), not the value it had.
func (p *planner) undoSideWrites(side string, changes []Change, sides map[string]store.AuditRow, cur, after map[string]string) []Change {
	sw, ok := p.side[side].Conn.(connector.SideWriter)
	if !ok || len(sides) == 0 {
		return changes
	}
	for _, s := range sw.SideWrites(p.side[side].Object, cur, changesOf(&Write{Changes: changes})) {
		a, ok := sides[s.Field]
		now, read := cur[s.Field]
		// A blank old is left alone: written, it would clear the date.
		if !ok || s.OptOut || a.Old == connector.NotRead || strings.TrimSpace(a.Old) == "" || !read || now != a.New {
			continue
		}
		changes = upsertChange(changes, Change{Field: s.Field, Old: now, New: a.Old, Rule: RuleUndo})
		after[s.Field] = a.Old
	}
	return changes
}

// holdUndoTogether takes out of an undo's changes to record id the fields
// of a group (mapping.Row.Together) one of whose fields went to review,
// and sends them to review too: an amount written back while its currency
// waits would land in the currency set since.
func (p *planner) holdUndoTogether(side, id, otherID string, runID int64, changes []Change, reviewed map[string]bool, audit []store.AuditRow, cur map[string]string) []Change {
	if len(reviewed) == 0 {
		return changes
	}
	held := map[string]string{} // field -> the reviewed field it waits with
	for _, r := range p.rows {
		if r.Together == "" {
			continue
		}
		for _, g := range p.rows {
			if g.Together != r.Together {
				continue
			}
			for _, f := range rowFields(g, side) {
				if reviewed[f] {
					for _, h := range rowFields(r, side) {
						if !reviewed[h] {
							held[h] = f
						}
					}
				}
			}
		}
	}
	old := map[string]string{}
	for _, a := range audit {
		old[a.Field] = a.Old
	}
	return slices.DeleteFunc(changes, func(c Change) bool {
		with, ok := held[c.Field]
		if !ok {
			return false
		}
		p.addUndoReview(ReviewItem{Kind: "conflict", Side: side, RecordID: id, OtherID: otherID, Field: c.Field,
			Reason: fmt.Sprintf("run %d wrote %s %q, and undo would write %q back, but it waits with %s, changed since", runID, c.Field, cur[c.Field], old[c.Field], with),
			Values: &Values{A: old[c.Field], B: cur[c.Field]}})
		return true
	})
}

func rowFields(r mapping.Row, side string) []string {
	if side == "b" {
		return r.BFields
	}
	return r.AFields
}

// undoBases is the base of each row an undo's changes touch on side, once
// the record holds after (undoBase).
func (p *planner) undoBases(pr store.PairRow, side string, after map[string]string, changes []Change) []BaseValue {
	if !pr.Linked {
		return nil
	}
	var out []BaseValue
	other := store.DecodeFields(pr.Other.Fields)
	for _, r := range p.rows {
		fs := r.AFields
		if side == "b" {
			fs = r.BFields
		}
		if base, ok := undoBase(r, side, after, other, pr.OtherSeen); ok && touches(fs, changes) {
			out = append(out, BaseValue{r.Key, base})
		}
	}
	return out
}

// undoConflict says whether conflict item it is an undo's: it names a
// field of its record (a merge's names a mapping row, "a>b").
func undoConflict(it store.ReviewRow) bool {
	return it.Kind == "conflict" && !strings.Contains(it.Field, ">")
}

// undoDecision applies a person's decision on an undo's conflict, a field
// changed since the undone run wrote it: A is the value the undo would
// write back, B the value there when it looked. take-a writes A back, set
// writes the value given, as the undo would have, with the undo's base for
// its row (the pair's other rows merge as usual); take-b keeps the field
// as it is. A field changed again since (as sameValue compares) is left
// alone, with a warning.
func (p *planner) undoDecision(it store.ReviewRow, d Decision, pr store.PairRow, fields map[string]string, done func()) error {
	var det struct {
		Values *Values `json:"values"`
	}
	if json.Unmarshal([]byte(it.Detail), &det) != nil || det.Values == nil || d.Action == "take-b" {
		done()
		return nil
	}
	value := det.Values.A
	if d.Action == "set" {
		value = d.Value
	}
	// Compared as the undo's plan compared (sameValue): a case-only
	// retyping of an email since is not a change the person never saw.
	now := fields[it.Field]
	if p.sameValue(it.Side, it.Field, now, value) {
		done()
		return nil
	}
	if !p.sameValue(it.Side, it.Field, now, det.Values.B) {
		p.warn("review item %d: %s of %s %s was %q when decided and is now %q; the decision is not applied (undo the run again to review the value there now)",
			it.ID, it.Field, it.RecordID, p.def.inSide(it.Side), det.Values.B, now)
		done()
		return nil
	}
	after := maps.Clone(fields)
	after[it.Field] = value
	ch := Change{Field: it.Field, Old: now, New: value, Rule: RuleUndo}
	bases := p.undoBases(pr, it.Side, after, []Change{ch})
	if !pr.Linked || !pr.OtherSeen || pr.Other.Deleted {
		p.addWrite("update", Write{Side: it.Side, ID: it.RecordID, Source: pr.OtherID, ReviewID: it.ID, Changes: []Change{ch}, Base: bases})
		return nil
	}
	// The pair's other rows merge as usual, with the field as the undo
	// leaves it and its row's base the undo's, so it is not merged back.
	a, b := pairViews(pr, it.Side, after)
	base := store.DecodeFields(pr.Base)
	for _, bv := range bases {
		base[bv.Row] = bv.Value
	}
	out := p.m.mergePair(a, b, base, nil, it.ID)
	w := &out.toA
	if it.Side == "b" {
		w = &out.toB
	}
	if *w == nil {
		*w = &Write{Side: it.Side, ID: it.RecordID, Source: pr.OtherID, ReviewID: it.ID}
	}
	(*w).Changes = upsertChange((*w).Changes, ch)
	(*w).Base = append((*w).Base, bases...)
	p.handled[a.id] = true
	p.addPair(a, b, out, nil)
	return nil
}

// undoBase is row r's base once the undo wrote after on side: the value
// restored, or, where the other side still holds something else (what the
// undone run copied from it, most often), both sides' values as they stand
// (undoneBase), so that neither is taken for a change on the next read.
func undoBase(r mapping.Row, side string, after, other map[string]string, otherSeen bool) (string, bool) {
	canonSelf, canonOther := r.CanonA, r.CanonB
	if side == "b" {
		canonSelf, canonOther = r.CanonB, r.CanonA
	}
	self, err := canonSelf(after)
	if err != nil {
		return "", false
	}
	if !otherSeen {
		return self, true
	}
	them, err := canonOther(other)
	if err != nil || them == self {
		return self, true
	}
	if side == "a" {
		return undoneBase(self, them), true
	}
	return undoneBase(them, self), true
}

// editedSince lists the fields of a record the run created (audit) that
// hold another value now than the run wrote, as "field "wrote" → "now"".
func (p *planner) editedSince(side string, cur map[string]string, audit []store.AuditRow) []string {
	var out []string
	for _, a := range audit {
		now, read := cur[a.Field]
		if strings.HasPrefix(a.Field, "(") || !read || p.sameValue(side, a.Field, now, a.New) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %q → %q", a.Field, a.New, now))
	}
	return out
}

// sameValue says whether x and y, values of field on side, mean the same
// to the rows that map it alone (a vendor's read-back form of what was
// written).
func (p *planner) sameValue(side, field, x, y string) bool {
	if x == y || p.isSetField(side, field) && mapping.SameSet(x, y) {
		return true
	}
	for _, r := range p.rows {
		fs, canon := r.AFields, r.CanonA
		if side == "b" {
			fs, canon = r.BFields, r.CanonB
		}
		if len(fs) != 1 || fs[0] != field {
			continue
		}
		cx, errX := canon(map[string]string{field: x})
		cy, errY := canon(map[string]string{field: y})
		if errX == nil && errY == nil && cx == cy {
			return true
		}
	}
	return false
}

// isSetField says whether field, on side, holds a multi-select selection
// (a Set row's field), which a vendor may hand back in another order.
func (p *planner) isSetField(side, field string) bool {
	for _, r := range p.rows {
		fs := r.AFields
		if side == "b" {
			fs = r.BFields
		}
		if r.Set && len(fs) == 1 && fs[0] == field {
			return true
		}
	}
	return false
}

func touches(fields []string, cs []Change) bool {
	for _, f := range fields {
		for _, c := range cs {
			if c.Field == f {
				return true
			}
		}
	}
	return false
}
