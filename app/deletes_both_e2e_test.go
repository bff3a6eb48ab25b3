package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestDeletedOnBothSidesIsCleanedUp deletes both records of a linked
// pair, one in each CRM, in a sync that propagates deletes: in the same
// interval, and with the Salesforce delete made by hand after the HubSpot
// one was already held for review. Nothing is left to delete, so no new
// delete waits for a person, and an approval given before the second
// delete is seen must not fail the run (Salesforce answers
// ENTITY_IS_DELETED) on this and every later run.
func TestDeletedOnBothSidesIsCleanedUp(t *testing.T) {
	for _, heldFirst := range []bool{false, true} {
		ctx := context.Background()
		a, srv, links := syncedContacts(t, 31, true)
		l := links[0]
		if !srv.HubSpot().Archive("contacts", l.AID) {
			t.Fatal("could not archive the HubSpot contact")
		}
		if heldFirst {
			if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
				t.Fatal(err)
			}
		}
		if !srv.Salesforce().Delete("Contact", l.BID) {
			t.Fatal("could not delete the Salesforce contact")
		}
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := a.Reviews(ctx, "contacts", "delete", "open")
		if err != nil {
			t.Fatal(err)
		}
		if !heldFirst && (len(rs) != 0 || res.Plan.Counts.HeldDelete != 0) {
			t.Fatalf("a pair deleted on both sides holds %d deletes, %d open for approval; want none\n%s",
				res.Plan.Counts.HeldDelete, len(rs), res.Plan.Summary())
		}
		for _, r := range rs {
			if err := a.Decide(ctx, r.ID, engine.Decision{Action: "delete"}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 2 {
			res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary.Failed != 0 || res.Summary.Status != "success" {
				t.Fatalf("held first %v: run %d after approving the delete of a pair deleted on both sides: %+v\n%s",
					heldFirst, i+1, res.Summary, res.Plan.Summary())
			}
		}
		if left, _ := a.Reviews(ctx, "contacts", "delete", "decided"); len(left) != 0 {
			t.Fatalf("held first %v: %d approved deletes still waiting", heldFirst, len(left))
		}
	}
}

// TestDeleteWithPartnerEditReachesReview deletes a linked Salesforce
// Contact while its HubSpot partner is edited in the same interval, in a
// sync that propagates deletes. The delete must be held for review like any
// other; before, the pair was planned from the HubSpot side only, which
// skipped it ("its linked record is deleted"), so the delete never reached
// review, on this run or any later one.
func TestDeleteWithPartnerEditReachesReview(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 43, true)
	l := links[0]
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Head of Audits"}); err != nil {
		t.Fatal(err)
	}
	if !srv.Salesforce().Delete("Contact", l.BID) {
		t.Fatal("could not delete the Salesforce contact")
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Counts.HeldDelete != 1 || len(rs) != 1 || rs[0].Side != "b" || rs[0].RecordID != l.BID || rs[0].OtherID != l.AID {
		t.Fatalf("run after the delete held %d deletes, open delete reviews %+v; want one for side b record %s\n%s",
			res.Plan.Counts.HeldDelete, rs, l.BID, res.Plan.Summary())
	}
	if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Deleted != 1 || res.Summary.Failed != 0 {
		t.Fatalf("run after approval: %v %+v", err, res.Summary)
	}
	if r, ok := srv.HubSpot().Get("contacts", l.AID); !ok || !r.Archived {
		t.Fatalf("HubSpot contact %s after the approved delete: archived %v", l.AID, r.Archived)
	}
}
