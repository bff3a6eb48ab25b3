package ui

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestPreviewAppliesReviewOnlyPlan: with unmatched: review (the
// default), a contact new in HubSpot is previewed as "1 to review". The
// preview must let the person apply that: pressing Apply puts the record
// in Review. Before, a plan that wrote nothing to a CRM said "Nothing to
// apply", though applying it is what sends records to Review (and held
// deletes, which the preview says to approve in Review).
func TestPreviewAppliesReviewOnlyPlan(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	def := contactsSyncedOnce(t, l)
	def.Unmatched = engine.UnmatchedReview
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	// A full pass first, so the preview below is only the new contact.
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": "only.here@example.com", "firstname": "Only", "lastname": "Here"}); err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.openPreview("contacts") })
	l.see("Preview of contacts")
	var toReview string
	l.ui(func() { toReview = statOnScreen(l.u.Window(), "to review") })
	if toReview != "1" {
		t.Fatalf("the preview shows %q to review, want 1; texts %q", toReview, textsOnScreen(l.u.Window()))
	}
	l.tap("Apply")
	l.wait()
	items, err := l.a.Reviews(ctx, "contacts", "unmatched", "open")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Side != "a" {
		t.Fatalf("after applying the preview, review holds %+v; want the new contact", items)
	}
}

// TestUndoPreviewOfARunThatOnlyCreated: undoing a run that created
// one Salesforce Contact sends that Contact to Review as a delete
// (README, Undo). The undo's preview must offer "Undo this run"; before,
// it said "Nothing to apply", so such a run could not be undone from the
// window at all.
func TestUndoPreviewOfARunThatOnlyCreated(t *testing.T) {
	ctx := context.Background()
	l := newLive(t)
	contactsSyncedOnce(t, l)
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": "undo.me@example.com", "firstname": "Undo", "lastname": "Me"}); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 1 || res.Summary.Updated != 0 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	l.ui(func() { l.u.openUndoPreview(res.Summary.RunID, "contacts") })
	l.see(fmt.Sprintf("Undo run %d", res.Summary.RunID))
	l.tap("Undo this run")
	l.wait()
	dels, err := l.a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil || len(dels) != 1 {
		t.Fatalf("after undoing the run from its preview, delete reviews %v %+v; want the Contact it created", err, dels)
	}
}
