package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestUndoDeletesTheRecordItCreated: a run copies a new HubSpot
// contact to Salesforce; its undo holds the Salesforce Contact as a delete
// for review. Approving that delete must delete the Contact the run
// created (and leave HubSpot's contact alone): the approval used to be
// dropped with "no longer deleted (restored?)", since the item names the
// live HubSpot contact, and the created record stayed for good.
func TestUndoDeletesTheRecordItCreated(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := syncedContacts(t, 83, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	time.Sleep(5 * time.Millisecond)
	c, err := hs.Create("contacts", map[string]string{"email": "undo.created@example.com", "firstname": "Una", "lastname": "Created"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 1 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	var created string
	for _, l := range syncLinks(t, a, "contacts") {
		if l.AID == c.ID {
			created = l.BID
		}
	}
	if _, ok := sf.Get("Contact", created); created == "" || !ok {
		t.Fatalf("the run created no Salesforce Contact for HubSpot contact %s", c.ID)
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	dels, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil || len(dels) != 1 {
		t.Fatalf("undo %+v: delete reviews %v %+v; want one", u.Summary, err, dels)
	}
	if err := a.Decide(ctx, dels[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	after, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run applying the approved delete: %+v warnings %q", after.Summary, after.Plan.Warnings)
	if r, ok := sf.Get("Contact", created); ok && !r.Deleted {
		t.Errorf("the person approved deleting Salesforce Contact %s, which the undone run created; it is still there (warnings %q)", created, after.Plan.Warnings)
	}
	if r, ok := hs.Get("contacts", c.ID); !ok || r.Archived {
		t.Errorf("HubSpot contact %s, the one the run copied, was deleted", c.ID)
	}
	if n, err := a.Reviews(ctx, "contacts", "delete", "decided"); err != nil || len(n) != 0 {
		t.Errorf("decided delete reviews left: %v %+v", err, n)
	}
	live := sf.Count("Contact")
	for i := range 2 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		t.Logf("run %d after the delete: %v %+v", i+1, err, r.Summary)
		if err != nil || r.Summary.Created+r.Summary.Updated+r.Summary.Deleted != 0 {
			t.Errorf("run %d after the approved delete wrote: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
	if n := sf.Count("Contact"); n != live {
		t.Errorf("Salesforce Contacts %d → %d after the runs that follow the approved delete", live, n)
	}
}
