package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestUndoTwiceAndUndoOfUndo: a run copies a new contact and a
// first-name edit to Salesforce. Undoing it twice must do the work once
// (one delete to review, the name back once); undoing the undo puts the
// run's name back, and the runs after write nothing.
func TestUndoTwiceAndUndoOfUndo(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 83, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l := links[0]
	before, _ := sf.Get("Contact", l.BID)
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Bartholomew"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Create("contacts", map[string]string{"email": "undo.twice@example.com", "firstname": "Una", "lastname": "Twice"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 1 || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	name := func() string { c, _ := sf.Get("Contact", l.BID); return c.Fields["FirstName"] }
	u1, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	t.Logf("undo 1: %v %+v", err, u1.Summary)
	if name() != before.Fields["FirstName"] {
		t.Fatalf("after the undo FirstName %q, want %q", name(), before.Fields["FirstName"])
	}
	u2, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	t.Logf("undo 2: %v %+v", err, u2.Summary)
	if err == nil && u2.Summary != nil && u2.Summary.Updated+u2.Summary.Created != 0 {
		t.Errorf("the second undo of the same run wrote: %+v", u2.Summary)
	}
	dels, err := a.Reviews(ctx, "contacts", "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	if len(dels) != 1 {
		t.Errorf("%d open delete reviews after undoing the run twice; want 1: %+v", len(dels), dels)
	}
	for _, d := range dels {
		if err := a.Decide(ctx, d.ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	after, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run applying the deletes: %v %+v", err, after.Summary)
	if err != nil || after.Summary.Status != "success" {
		t.Errorf("the run applying the undo's delete: %v %+v", err, after.Summary)
	}
	if u1.Summary == nil {
		t.Fatal("no undo run")
	}
	uu, err := a.Undo(ctx, u1.Summary.RunID, app.RunOptions{Confirm: true})
	t.Logf("undo of the undo: %v %+v", err, uu.Summary)
	got := name()
	for i := range 2 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		t.Logf("run %d after: %v %+v", i+1, err, r.Summary)
		if i == 1 && (err != nil || r.Summary.Created+r.Summary.Updated != 0) {
			t.Errorf("runs after the undo of the undo do not settle: %v %+v\n%s", err, r.Summary, r.Plan.Summary())
		}
	}
	h, _ := hs.Get("contacts", l.AID)
	t.Logf("after undo of undo: SF FirstName %q (then %q), HubSpot firstname %q", got, name(), h.Properties["firstname"])
}
