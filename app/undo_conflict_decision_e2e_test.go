package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestUndoConflictTakeA: a run copied a HubSpot first name to
// Salesforce, and someone changed the Salesforce name since; the undo puts
// that field in review (A: the value the undo would write back, B: the
// one there now). Taking A must write the undo's value, as the undo would
// have, while the Contact's other edit still reaches HubSpot, and the runs
// after write nothing. The decision used to be dropped: "mapping
// "FirstName" no longer exists".
func TestUndoConflictTakeA(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 3, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l := links[0]
	before, _ := sf.Get("Contact", l.BID)
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": "Bartholomew"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Contact", l.BID, map[string]string{"FirstName": "Zebedee", "Title": "Chief Zed"}); err != nil {
		t.Fatal(err)
	}
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("undo: %+v review %+v", u.Summary, u.Plan.Review)
	items, err := a.Reviews(ctx, "contacts", "conflict", "open")
	if err != nil || len(items) != 1 {
		t.Fatalf("conflicts after the undo: %v %+v", err, items)
	}
	t.Logf("item: %+v", items[0])
	if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := sf.Get("Contact", l.BID)
		h, _ := hs.Get("contacts", l.AID)
		t.Logf("run %d: %+v warnings %q; SF FirstName %q, HubSpot firstname %q", i+1, r.Summary, r.Plan.Warnings, c.Fields["FirstName"], h.Properties["firstname"])
		if i == 0 {
			if c.Fields["FirstName"] != before.Fields["FirstName"] {
				t.Errorf("after taking A (%q) on the undo's conflict, Salesforce FirstName is %q (warnings %q)", before.Fields["FirstName"], c.Fields["FirstName"], r.Plan.Warnings)
			}
			if h.Properties["jobtitle"] != "Chief Zed" {
				t.Errorf("the Contact's Title edit did not reach HubSpot: jobtitle %q", h.Properties["jobtitle"])
			}
			d, _ := a.RunDetail(ctx, r.Summary.RunID)
			found := false
			for _, au := range d.Audit {
				found = found || au.Field == "FirstName" && au.Old == "Zebedee" && au.New == before.Fields["FirstName"]
			}
			if !found {
				t.Errorf("the run writing the decided value audited %+v; want FirstName Zebedee → %q", d.Audit, before.Fields["FirstName"])
			}
		} else if r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the decision wrote: %+v\n%s", i+1, r.Summary, r.Plan.Summary())
		}
	}
	if open, _ := a.Reviews(ctx, "contacts", "conflict", "open"); len(open) != 0 {
		t.Errorf("open conflicts left: %+v", open)
	}
}
