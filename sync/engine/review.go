package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// Decision is a person's answer to a review item, applied on the next plan.
type Decision struct {
	// Action: link | create | skip | take-a | take-b | set | delete.
	Action  string `json:"action"`
	OtherID string `json:"other_id,omitempty"` // link: the record to link with
	Value   string `json:"value,omitempty"`    // set: the canonical value (B's form)
}

var allowedActions = map[string][]string{
	"unmatched": {"link", "create", "skip"},
	"ambiguous": {"link", "create", "skip"},
	"conflict":  {"take-a", "take-b", "set", "skip"},
	"rejected":  {"set", "skip"},
	"delete":    {"delete", "skip"},
}

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
	if d.Action == "link" && d.OtherID == "" {
		return fmt.Errorf("engine: review item %d: link needs the id of the record to link with", reviewID)
	}
	b, _ := json.Marshal(d)
	return e.st.DecideReview(ctx, reviewID, string(b))
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
		p.warn("review item %d: record %s on side %s is gone; decision dropped", it.ID, it.RecordID, it.Side)
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
		before := p.tally.links
		if err := p.link(ctx, it.Side, it.RecordID, d.OtherID, RuleReview, "a person linked them", it.ID); err != nil {
			return err
		}
		if p.tally.links == before {
			done()
		}
	case d.Action == "create":
		if pr.Linked {
			done()
			return nil
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
		aID := it.RecordID
		if it.Side == "b" {
			aID = pr.OtherID
		}
		p.plan.Deletes = append(p.plan.Deletes, DeleteOp{Side: otherSide(it.Side), ID: pr.OtherID, LinkedA: aID, ReviewID: it.ID})
		p.handled[aID] = true
	default: // take-a | take-b | set on a conflict or rejected value
		return p.overrideRow(it, d, pr, fields, done)
	}
	return nil
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
	if !pr.OtherSeen || pr.Other.Deleted {
		done()
		return nil
	}
	self := recView{id: it.RecordID, fields: fields, modified: pr.Rec.Modified}
	other := recView{id: pr.OtherID, fields: store.DecodeFields(pr.Other.Fields), modified: pr.Other.Modified}
	a, b := self, other
	if it.Side == "b" {
		a, b = other, self
	}
	var value string
	found := false
	for _, r := range p.rows {
		if r.Key != it.Field {
			continue
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
	out := p.m.mergePair(a, b, store.DecodeFields(pr.Base), map[string]string{it.Field: value}, it.ID)
	p.handled[a.id] = true
	if out.toA == nil && out.toB == nil {
		done()
	}
	p.addPair(a, b, out, nil)
	return nil
}
