package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestNewerIgnoresSalesforceSystemTouch: under the newer policy a
// Salesforce record touched by an automated process (a roll-up, a
// workflow) after a HubSpot user's edit is not the later edit: its user
// edit came first, so HubSpot's value wins in both CRMs, and the next run
// is quiet.
func TestNewerIgnoresSalesforceSystemTouch(t *testing.T) {
	ctx := context.Background()
	a, srv, l := linkedUnder(t, 47, engine.ConflictNewer)
	time.Sleep(1100 * time.Millisecond) // Salesforce keeps whole seconds
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Ada"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := srv.Salesforce().SystemTouch("Contact", l.BID); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := srv.Salesforce().Get("Contact", l.BID)
		h, _ := srv.HubSpot().Get("contacts", l.AID)
		if c.Fields["FirstName"] != "Augusta" || h.Properties["firstname"] != "Augusta" {
			t.Fatalf("run %d: HubSpot %q, Salesforce %q; want HubSpot's later user edit %q in both; conflicts %+v",
				i+1, h.Properties["firstname"], c.Fields["FirstName"], "Augusta", r.Plan.Conflicts)
		}
		if i == 1 && (r.Summary.Updated != 0 || conflictsOn(r.Plan, "firstname>FirstName") != 0) {
			t.Fatalf("run 2 not quiet: %+v %+v", r.Summary, r.Plan.Conflicts)
		}
	}
}
