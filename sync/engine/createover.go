package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
)

// A person's "create" copies a record to the other CRM as a new record. A
// CRM that keeps one record per key (HubSpot contacts by email, Brevo,
// Mailchimp, Klaviyo) and that the connector writes creates to as upserts
// by that key would land such a create on the record already holding the
// key and write over its values: it is refused while the index knows a
// live record there with the key.

// createUpsertField is the field side's creates are upserted by in sync
// def, or "" when they go as plain creates (the same choice Apply makes).
func createUpsertField(ctx context.Context, def Definition, side string, s Side) (string, error) {
	r := &run{plan: &Plan{def: def}, side: map[string]Side{side: s}}
	kp, err := r.keyPlan(ctx, side)
	if err != nil || !kp.upsert {
		return "", err
	}
	return kp.field, nil
}

// createOverwrites says why creating review item it's record (holding
// fields) on the other side would write over a record there, or "": the
// other side upserts creates by field, and its index holds a live record
// with the same key.
func (e *Engine) createOverwrites(ctx context.Context, def Definition, it store.ReviewRow, fields map[string]string, ix map[string]indexer, field string) (string, error) {
	target := otherSide(it.Side)
	rule := ix[target].ruleOf(field)
	if field == "" || rule < 0 {
		return "", nil
	}
	key := ix[it.Side].keyList(fields)[rule]
	if key == "" {
		return "", nil
	}
	hits, err := e.st.KeyHits(ctx, it.SyncID, rule, []string{key})
	if err != nil {
		return "", fmt.Errorf("engine: review item %d: look up %s %q in %s: %w", it.ID, field, key, def.SideName(target), err)
	}
	for _, h := range hits {
		if h.Side != target {
			continue
		}
		pr, ok, err := e.st.Pair(ctx, it.SyncID, target, h.ID)
		if err != nil {
			return "", err
		}
		if !ok || pr.Rec.Deleted {
			continue
		}
		return overwriteReason(def, it, target, field, key, h), nil
	}
	return "", nil
}

// overwriteReason names the record a create would write over, and what
// the person can do instead.
func overwriteReason(def Definition, it store.ReviewRow, target, field, key string, h store.KeyHit) string {
	T, S := def.SideName(target), def.SideName(it.Side)
	held := fmt.Sprintf("%s already has record %s with %s %q", T, h.ID, field, key)
	if h.LinkedTo != "" {
		held += fmt.Sprintf(" (linked to %s in %s)", h.LinkedTo, S)
	}
	return fmt.Sprintf("review item %d: %s, and %s keeps one record per %s: creating %s there would write over it; "+
		"link them if they are the same person, or change one of the %ss in its CRM", it.ID, held, T, field, it.RecordID, field)
}

// DecideWithSides is Decide for a sync whose sides are open: a "create"
// that would write over a record on the other side is refused, naming it,
// and the item stays as it was.
func (e *Engine) DecideWithSides(ctx context.Context, reviewID int64, d Decision, def Definition, a, b Side) error {
	if d.Action == "create" {
		if err := e.checkCreateTarget(ctx, reviewID, def, a, b); err != nil {
			return err
		}
	}
	return e.Decide(ctx, reviewID, d)
}

func (e *Engine) checkCreateTarget(ctx context.Context, reviewID int64, def Definition, a, b Side) error {
	it, err := e.st.Review(ctx, reviewID)
	if err != nil {
		return err
	}
	pr, ok, err := e.st.Pair(ctx, it.SyncID, it.Side, it.RecordID)
	if err != nil || !ok || pr.Linked {
		return err // gone or linked: the plan drops the decision
	}
	sides := map[string]Side{"a": a, "b": b}
	field, err := createUpsertField(ctx, def, otherSide(it.Side), sides[otherSide(it.Side)])
	if err != nil {
		// The CRM could not say (offline): the decision is recorded, and
		// the next plan holds a create that would write over a record.
		e.log.Warn("review create: upsert key unknown; checked at the next run", "review", reviewID, "err", err)
		return nil
	}
	ix := map[string]indexer{"a": newIndexer("a", def, nil, ""), "b": newIndexer("b", def, nil, "")}
	why, err := e.createOverwrites(ctx, def, it, store.DecodeFields(pr.Rec.Fields), ix, field)
	if err != nil || why == "" {
		return err
	}
	return fmt.Errorf("engine: %s", why)
}

// createHeld keeps a decided "create" that would write over a record on
// the other side (the key was given to a record there after the person
// decided) from being sent: the item goes back to review, saying why.
func (p *planner) createHeld(ctx context.Context, it store.ReviewRow, fields map[string]string) (bool, error) {
	target := otherSide(it.Side)
	field, err := createUpsertField(ctx, p.def, target, p.side[target])
	if err != nil {
		return false, err
	}
	why, err := p.e.createOverwrites(ctx, p.def, it, fields, p.ix, field)
	if err != nil || why == "" {
		return false, err
	}
	p.plan.reviewOpen = append(p.plan.reviewOpen, it.ID)
	p.plan.Review = append(p.plan.Review, heldCreateItem(it, why))
	p.claimed[sideOf(it.Side, it.RecordID)] = true
	p.warn("%s; the create was not sent and the item is back in review", why)
	return true, nil
}

// heldCreateItem is review item it, back in review because its decided
// create would write over a record, refreshed to say so: its first
// reason (two records sharing the key) would lead the person to decide
// "create" again. Its candidates and values stay as they were.
func heldCreateItem(it store.ReviewRow, why string) ReviewItem {
	var d struct {
		Candidates []Candidate `json:"candidates"`
		Values     *Values     `json:"values"`
		Blocked    bool        `json:"blocked"`
	}
	_ = json.Unmarshal([]byte(it.Detail), &d) // a detail unread keeps none of them
	reason := "the create decided was not sent: " + strings.TrimPrefix(why, fmt.Sprintf("review item %d: ", it.ID))
	return ReviewItem{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, OtherID: it.OtherID, Field: it.Field,
		Reason: reason, Candidates: d.Candidates, Values: d.Values, Blocked: d.Blocked}
}

// liveRecord reports whether h, a record of side's index holding a key,
// is live: linked, or unlinked and not deleted.
func (r *run) liveRecord(ctx context.Context, side string, h store.KeyHit) (bool, error) {
	if h.LinkedTo != "" {
		return true, nil
	}
	var pr store.PairRow
	var ok bool
	err := r.locked(func() (err error) {
		pr, ok, err = r.e.st.Pair(ctx, r.plan.SyncID, side, h.ID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("engine: record %s %s: %w", h.ID, r.plan.def.inSide(side), err)
	}
	return ok && !pr.Rec.Deleted, nil
}
