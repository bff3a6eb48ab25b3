package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Decision is a person's answer to a review item, applied on the next plan.
type Decision struct {
	// Action: link | create | retry | skip | take-a | take-b | set | delete.
	// retry: a duplicate whose rule blocked, sent again as any create once
	// the rule was changed in the CRM.
	Action  string `json:"action"`
	OtherID string `json:"other_id,omitempty"` // link: the record to link with
	Value   string `json:"value,omitempty"`    // set: the canonical value (B's form)
	// Seen is, for a delete, the modified time the sync had read of the
	// record to delete when the person decided: one changed since is not
	// deleted on that approval (0: not known, as before).
	Seen int64 `json:"seen,omitempty"`
}

var allowedActions = map[string][]string{
	"unmatched": {"link", "create", "skip"},
	"ambiguous": {"link", "create", "skip"},
	"conflict":  {"take-a", "take-b", "set", "skip"},
	"rejected":  {"set", "skip"},
	"delete":    {"delete", "skip"},
	"duplicate": {"link", "create", "retry", "skip"},
}

// AllowedActions are the decisions a review item of kind can take.
func AllowedActions(kind string) []string { return slices.Clone(allowedActions[kind]) }

// Reviews lists a sync's review items; kind and status filter when not ""
// (status: open | decided | done).
func (e *Engine) Reviews(ctx context.Context, syncID int64, kind, status string) ([]store.ReviewRow, error) {
	return e.st.Reviews(ctx, syncID, kind, status)
}

// Decide records a decision on an open (or already decided) review item.
func (e *Engine) Decide(ctx context.Context, reviewID int64, d Decision) error {
	it, err := e.st.Review(ctx, reviewID)
	if err != nil {
		return err
	}
	if !oneOf(d.Action, allowedActions[it.Kind]...) {
		return fmt.Errorf("engine: review item %d (%s): action %q must be one of %v", reviewID, it.Kind, d.Action, allowedActions[it.Kind])
	}
	if d.Action == "link" {
		if err := e.checkLinkTarget(ctx, it, d.OtherID); err != nil {
			return err
		}
	}
	if d.Action == "create" && it.Kind == kindDuplicate && blockedDuplicate(it) {
		return fmt.Errorf("engine: review item %d: the CRM blocks this record as a duplicate (a duplicate rule that blocks, or a value it keeps on one record only), so it cannot be created anyway; link it with the record the CRM named, skip it, or change the rule or that record in the CRM and then retry the create", reviewID)
	}
	if d.Action == "retry" && !blockedDuplicate(it) {
		return fmt.Errorf("engine: review item %d: retry is for a create the CRM blocked; this one it only warned of: create it anyway, link it, or skip it", reviewID)
	}
	if d.Action == "delete" && it.Field != createdField {
		pr, ok, err := e.st.Pair(ctx, it.SyncID, it.Side, it.RecordID)
		if err != nil {
			return fmt.Errorf("engine: review item %d: %w", reviewID, err)
		}
		if ok && pr.Linked && pr.OtherSeen {
			d.Seen = pr.Other.Modified
		}
	}
	b, _ := json.Marshal(d)
	return e.st.DecideReview(ctx, reviewID, string(b))
}

// checkLinkTarget refuses a link with a record the sync does not know on
// the other side, or cannot link: a mistyped id would otherwise be accepted
// here and dropped with a warning on the next run, closing the item.
func (e *Engine) checkLinkTarget(ctx context.Context, it store.ReviewRow, otherID string) error {
	other := e.sideNameOf(ctx, it.SyncID, otherSide(it.Side))
	if otherID == "" {
		return fmt.Errorf("engine: review item %d: link needs the id of the record to link with", it.ID)
	}
	// A record merged away since the person saw it lives on in the record
	// it went into, which the plan links instead (followMerges).
	into, err := e.survivor(ctx, it.SyncID, otherSide(it.Side), otherID)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("record %s in %s", otherID, other)
	if into != otherID {
		what = fmt.Sprintf("record %s in %s (%s was merged into it)", into, other, otherID)
	}
	pr, ok, err := e.st.Pair(ctx, it.SyncID, otherSide(it.Side), into)
	switch {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("engine: review item %d: %s has no record %q that this sync has read; check the id, or run the sync once if the record is new", it.ID, other, into)
	case pr.Rec.Deleted:
		return fmt.Errorf("engine: review item %d: %s is deleted", it.ID, what)
	case pr.Linked:
		return fmt.Errorf("engine: review item %d: %s is already linked with %s", it.ID, what, pr.OtherID)
	}
	return nil
}

// sideNameOf names a sync's side for a person (Definition.SideName), "side
// A" or "side B" where the sync or its definition cannot be read: the
// name is for the message only.
func (e *Engine) sideNameOf(ctx context.Context, syncID int64, side string) string {
	var def Definition
	if row, err := e.st.SyncByID(ctx, syncID); err == nil {
		_ = json.Unmarshal([]byte(row.Definition), &def) // a zero def names the letter
	}
	return def.SideName(side)
}

// applyDecisions turns decided review items into plan operations.
func (p *planner) applyDecisions(ctx context.Context) error {
	items, err := p.e.st.Reviews(ctx, p.syncID, "", "decided")
	if err != nil {
		return err
	}
	for _, it := range items {
		var d Decision
		_ = json.Unmarshal([]byte(it.Decision), &d)
		if err := p.applyDecision(ctx, it, d); err != nil {
			return err
		}
	}
	return nil
}

func (p *planner) applyDecision(ctx context.Context, it store.ReviewRow, d Decision) error {
	done := func() { p.plan.reviewDone = append(p.plan.reviewDone, it.ID) }
	if d.Action == "skip" {
		done()
		return nil
	}
	pr, ok, err := p.e.st.Pair(ctx, p.syncID, it.Side, it.RecordID)
	if err != nil {
		return err
	}
	if !ok {
		p.warn("review item %d: record %s %s is gone; decision dropped", it.ID, it.RecordID, p.def.inSide(it.Side))
		done()
		return nil
	}
	fields := store.DecodeFields(pr.Rec.Fields)
	switch {
	case d.Action == "link":
		if pr.Linked {
			p.warn("review item %d: %s is already linked", it.ID, it.RecordID)
			done()
			return nil
		}
		otherID, evidence, err := p.followMerges(ctx, otherSide(it.Side), d.OtherID)
		if err != nil {
			return err
		}
		before := p.tally.links
		if err := p.link(ctx, it.Side, it.RecordID, otherID, RuleReview, evidence, it.ID); err != nil {
			return err
		}
		if p.tally.links == before {
			done()
		}
	case d.Action == "create" || d.Action == "retry":
		if pr.Linked {
			done()
			return nil
		}
		if it.Kind == "unmatched" || it.Kind == kindDuplicate {
			// A duplicate created anyway is sent acknowledging the CRM's
			// alert: a key that matches now must link it instead.
			matched, err := p.matchAppeared(ctx, it.Side, it.RecordID, fields, pr.Rec.Modified)
			if err != nil {
				return err
			}
			if matched {
				done()
				return nil
			}
		}
		if held, err := p.createHeld(ctx, it, fields); err != nil || held {
			return err
		}
		before := p.tally.creates[otherSide(it.Side)]
		p.create(it.Side, it.RecordID, fields, firstKey(p.ix[it.Side].keyList(fields)), nil, it.ID)
		if p.tally.creates[otherSide(it.Side)] == before {
			done()
		}
	case d.Action == "delete":
		if !pr.Linked {
			done()
			return nil
		}
		if it.Field == createdField {
			// An undo's delete of the record its run created: the record
			// copied lives on, and only that copy is deleted.
			if pr.OtherID != it.OtherID {
				p.warn("review item %d: %s %s is no longer linked to %s; %s %s was not deleted",
					it.ID, it.RecordID, p.def.inSide(it.Side), it.OtherID, it.OtherID, p.def.inSide(otherSide(it.Side)))
				done()
				return nil
			}
		} else if !pr.Rec.Deleted || p.listedLive(it.Side, it.RecordID) {
			// Restored (a recycle bin) since it was held: the delete the
			// person approved no longer happened.
			p.warn("review item %d: %s %s is no longer deleted (restored?); %s %s was not deleted",
				it.ID, it.RecordID, p.def.inSide(it.Side), pr.OtherID, p.def.inSide(otherSide(it.Side)))
			done()
			return nil
		}
		if pr.OtherSeen && pr.Other.Deleted {
			// Deleted in that CRM too since it was held: nothing is left
			// to delete, and a delete of it would fail (ENTITY_IS_DELETED).
			p.warn("review item %d: %s %s is already deleted; nothing to delete",
				it.ID, pr.OtherID, p.def.inSide(otherSide(it.Side)))
			done()
			return nil
		}
		if d.Seen != 0 && pr.OtherSeen && pr.Other.Modified > d.Seen {
			// Edited in that CRM after the person approved its delete:
			// the approval was of the record as it was then.
			p.warn("review item %d: %s %s changed after its delete was approved; not deleted, back in review",
				it.ID, pr.OtherID, p.def.inSide(otherSide(it.Side)))
			p.plan.reviewOpen = append(p.plan.reviewOpen, it.ID)
			return nil
		}
		aID := it.RecordID
		if it.Side == "b" {
			aID = pr.OtherID
		}
		p.plan.Deletes = append(p.plan.Deletes, DeleteOp{Side: otherSide(it.Side), ID: pr.OtherID, LinkedA: aID, ReviewID: it.ID})
		p.handled[aID] = true
	case undoConflict(it):
		return p.undoDecision(it, d, pr, fields, done)
	default: // take-a | take-b | set on a conflict or rejected value
		return p.overrideRow(it, d, pr, fields, done)
	}
	return nil
}

// followMerges follows a record merged away in its CRM since a person
// chose it to the record it went into, as the CRM's merge moves
// associations: linking the chosen record would fail, and the item would
// go back to review or be created twice.
func (p *planner) followMerges(ctx context.Context, side, id string) (string, string, error) {
	into, err := p.e.survivor(ctx, p.syncID, side, id)
	if err != nil || into == id {
		return id, "a person linked them", err
	}
	return into, fmt.Sprintf("a person linked them; %s on side %s was merged into %s", id, strings.ToUpper(side), into), nil
}

// overrideRow re-merges a pair with a person's value for one row.
func (p *planner) overrideRow(it store.ReviewRow, d Decision, pr store.PairRow, fields map[string]string, done func()) error {
	if !pr.Linked {
		if it.Kind == "rejected" && d.Action == "set" {
			p.create(it.Side, it.RecordID, fields, firstKey(p.ix[it.Side].keyList(fields)), map[string]string{it.Field: d.Value}, it.ID)
		} else {
			done()
		}
		return nil
	}
	// A side deleted since: the pass holds its delete, which a re-merge
	// here would hide (a deleted record's fields are not read).
	if !pr.OtherSeen || pr.Other.Deleted {
		p.warn("review item %d: %s %s is deleted or was never read; decision on %s dropped", it.ID, pr.OtherID, p.def.inSide(otherSide(it.Side)), it.Field)
		done()
		return nil
	}
	if pr.Rec.Deleted {
		p.warn("review item %d: %s %s is deleted; decision on %s dropped", it.ID, it.RecordID, p.def.inSide(it.Side), it.Field)
		done()
		return nil
	}
	a, b := pairViews(pr, it.Side, fields)
	base := store.DecodeFields(pr.Base)
	var value string
	found := false
	for _, r := range p.rows {
		if r.Key != it.Field {
			continue
		}
		if p.changedSince(it, d, r, a, b, base, done) {
			return nil
		}
		found = true
		var err error
		switch d.Action {
		case "take-a":
			value, err = r.CanonA(a.fields)
		case "take-b":
			value, err = r.CanonB(b.fields)
		default:
			value = d.Value
		}
		if err != nil {
			p.warn("review item %d: %v", it.ID, err)
			done()
			return nil
		}
	}
	if !found {
		p.warn("review item %d: mapping %q no longer exists; decision dropped", it.ID, it.Field)
		done()
		return nil
	}
	out := p.m.mergePair(a, b, base, map[string]string{it.Field: value}, it.ID)
	p.handled[a.id] = true
	if out.toA == nil && out.toB == nil {
		done()
	}
	p.addPair(a, b, out, nil)
	return nil
}

// matchAppeared matches again a record a person decided to create while no
// record on the other side matched it: one may have been given its key
// since (entered by hand, or by another tool), and creating the record then
// would duplicate it. When a record of the other side holds one of its
// keys, the record is matched as the plan matches any other (a link, or
// review when that is ambiguous) instead of created. It reports whether it
// was.
func (p *planner) matchAppeared(ctx context.Context, side, id string, fields map[string]string, modified int64) (bool, error) {
	keys := p.ix[side].keyList(fields)
	other := otherSide(side)
	for i, k := range keys {
		if k == "" {
			continue
		}
		hs, err := p.e.st.KeyHits(ctx, p.syncID, i, []string{k})
		if err != nil {
			return false, err
		}
		if !slices.ContainsFunc(hs, func(h store.KeyHit) bool { return h.Side == other }) {
			continue
		}
		if err := p.match(ctx, side, []unlinkedRec{{id: id, fields: fields, keys: keys, modified: modified}}); err != nil {
			return false, err
		}
		p.claimed[sideOf(side, id)] = true // matched here, not again in its side's pass
		return true, nil
	}
	return false, nil
}

// changedSince handles a decided conflict whose values are no longer the
// ones the person saw (a CRM changed the field since): the decision is not
// applied over a value nobody decided on. The pair is merged as usual; the
// item goes back to review with the values as they are now, or, when the
// merge settles the row by itself, is done. It reports whether it did so.
func (p *planner) changedSince(it store.ReviewRow, d Decision, r mapping.Row, a, b recView, base map[string]string, done func()) bool {
	if it.Kind != "conflict" {
		return false
	}
	var det struct {
		Values *Values `json:"values"`
	}
	if json.Unmarshal([]byte(it.Detail), &det) != nil || det.Values == nil {
		return false
	}
	ca, errA := r.CanonA(a.fields)
	cb, errB := r.CanonB(b.fields)
	if errA != nil || errB != nil {
		return false
	}
	ca, cb = seenValues(r, a, b, base, ca, cb)
	was := det.Values
	if ca == cb || (ca == was.A && cb == was.B) {
		return false
	}
	out := p.m.mergePair(a, b, base, nil, 0)
	p.handled[a.id] = true
	what := fmt.Sprintf("review item %d (%s of A %s / B %s): decided %s when A held %q and B %q, but now A holds %q and B %q",
		it.ID, it.Field, a.id, b.id, d.Action, was.A, was.B, ca, cb)
	if slices.ContainsFunc(out.reviews, func(rv ReviewItem) bool { return rv.Kind == "conflict" && rv.Field == it.Field }) {
		p.plan.reviewOpen = append(p.plan.reviewOpen, it.ID)
		p.warn("%s; the decision is not applied and the conflict is back in review with the values as they are now", what)
	} else {
		done()
		p.warn("%s; the decision is not applied, and the row is merged as usual", what)
	}
	p.addPair(a, b, out, nil)
	return true
}

// loadOpenConflicts reads the sync's open conflict items, for
// settleConflicts; there are few, and a plan without any skips the check.
func (p *planner) loadOpenConflicts(ctx context.Context) error {
	items, err := p.e.st.Reviews(ctx, p.syncID, "conflict", "open")
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Side == "a" { // a merge's conflict; an undo's names a field of either side
			if p.openConfl == nil {
				p.openConfl = map[string][]store.ReviewRow{}
			}
			p.openConfl[it.RecordID] = append(p.openConfl[it.RecordID], it)
		}
	}
	return nil
}

// settleConflicts closes the open conflict items about pair a/b whose row
// the merge out compared and found no conflict in: both CRMs agree now (a
// person settled it in one of them), so nobody has anything to decide.
func (p *planner) settleConflicts(a, b recView, out pairOut) {
	items := p.openConfl[a.id]
	if len(items) == 0 {
		return
	}
	var left []store.ReviewRow
	for _, it := range items {
		if !p.conflictGone(it, a, b, out) {
			left = append(left, it)
			continue
		}
		p.plan.reviewDone = append(p.plan.reviewDone, it.ID)
	}
	p.openConfl[a.id] = left
}

// conflictGone says whether the merge out of a/b compared item's row and
// raised no conflict on it.
func (p *planner) conflictGone(it store.ReviewRow, a, b recView, out pairOut) bool {
	if it.OtherID != b.id {
		return false
	}
	for _, r := range p.rows {
		if r.Key != it.Field {
			continue
		}
		if _, err := r.CanonA(a.fields); errors.Is(err, mapping.ErrNotRead) {
			return false // not compared: the row waits
		}
		if _, err := r.CanonB(b.fields); errors.Is(err, mapping.ErrNotRead) {
			return false
		}
		return !slices.ContainsFunc(out.reviews, func(rv ReviewItem) bool { return rv.Kind == "conflict" && rv.Field == it.Field })
	}
	return false
}

// loadOpenDeletes reads the sync's open held deletes, for settleDeletes;
// an undo's delete of a record it created is about the copy, not a
// record deleted in a CRM, and stays.
func (p *planner) loadOpenDeletes(ctx context.Context) error {
	items, err := p.e.st.Reviews(ctx, p.syncID, "delete", "open")
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Field == createdField {
			continue
		}
		if p.openDel == nil {
			p.openDel = map[string][]int64{}
		}
		k := sideOf(it.Side, it.RecordID)
		p.openDel[k] = append(p.openDel[k], it.ID)
	}
	return nil
}

// settleDeletes closes the open held deletes of side's record id, read
// live again (restored from a recycle bin): there is no delete left to
// approve, and approving it would only be dropped with a warning.
func (p *planner) settleDeletes(side, id string) {
	if len(p.openDel) == 0 {
		return // the usual case: no key built per record visited
	}
	k := sideOf(side, id)
	items := p.openDel[k]
	if len(items) == 0 {
		return
	}
	delete(p.openDel, k)
	p.plan.reviewDone = append(p.plan.reviewDone, items...)
	p.warn("%s %s is no longer deleted (restored?); its held delete was closed", id, p.def.inSide(side))
}

// loadOpenRejected reads the sync's open rejected items, for
// settleRejected.
func (p *planner) loadOpenRejected(ctx context.Context) error {
	items, err := p.e.st.Reviews(ctx, p.syncID, "rejected", "open")
	if err != nil {
		return err
	}
	for _, it := range items {
		if p.openRej == nil {
			p.openRej, p.seenRej = map[string][]int64{}, map[string]bool{}
		}
		k := sideOf(it.Side, it.RecordID)
		p.openRej[k] = append(p.openRej[k], it.ID)
	}
	return nil
}

// seenRejected notes that side's record id, holding open rejected items,
// is planned again.
func (p *planner) seenRejected(side, id string) {
	if len(p.openRej) == 0 {
		return // the usual case: no key built per record visited
	}
	if k := sideOf(side, id); p.openRej[k] != nil {
		p.seenRej[k] = true
	}
}

// settleRejected closes the open rejected items of records planned again
// that this plan did not reject: the value was fixed in the CRM (a deal's
// currency, a picklist value), so nothing is left to decide.
func (p *planner) settleRejected() {
	if len(p.seenRej) == 0 {
		return
	}
	for _, it := range p.plan.Review {
		if it.Kind == "rejected" {
			delete(p.seenRej, sideOf(it.Side, it.RecordID))
		}
	}
	for k := range p.seenRej {
		p.plan.reviewDone = append(p.plan.reviewDone, p.openRej[k]...)
	}
}

// pairViews are the views of linked pair pr, side's record holding fields
// (what it holds, or will hold once a decision is written), as A and B.
func pairViews(pr store.PairRow, side string, fields map[string]string) (a, b recView) {
	self := recView{id: pr.Rec.ID, fields: fields, modified: pr.Rec.Modified}
	other := recView{id: pr.OtherID, fields: store.DecodeFields(pr.Other.Fields), modified: pr.Other.Modified}
	if side == "b" {
		return other, self
	}
	return self, other
}
