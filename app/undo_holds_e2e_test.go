package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestUndoHoldsUntilTheFieldChanges: a run copied a HubSpot first-name
// edit to Salesforce and was undone. The pair now differs on purpose: the
// next run, and a run after an unrelated edit of the same HubSpot contact,
// leave both names as they are; a later edit of the first name goes
// through as any edit does. (Found by an adversarial review: the undo left
// the restored value as the only base, so HubSpot's name looked like a new
// change and came back whenever the contact was read again.)
func TestUndoHoldsUntilTheFieldChanges(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 3, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l := links[0]
	before, _ := sf.Get("Contact", l.BID)
	name := func() string {
		t.Helper()
		c, ok := sf.Get("Contact", l.BID)
		if !ok {
			t.Fatalf("Salesforce Contact %s is gone", l.BID)
		}
		return c.Fields["FirstName"]
	}
	run := func(what string) app.RunResult {
		t.Helper()
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return res
	}
	time.Sleep(5 * time.Millisecond)
	hs.Update("contacts", l.AID, map[string]string{"firstname": "Bartholomew"})
	res := run("the run copying the edit")
	if res.Summary.Updated != 1 || name() != "Bartholomew" {
		t.Fatalf("the run wrote %+v; Salesforce's FirstName %q", res.Summary, name())
	}
	if _, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != before.Fields["FirstName"] {
		t.Fatalf("after the undo FirstName %q, want %q", got, before.Fields["FirstName"])
	}
	if again := run("the run after the undo"); name() != before.Fields["FirstName"] {
		t.Fatalf("the run after the undo wrote FirstName %q back\n%s", name(), again.Plan.Summary())
	}
	time.Sleep(5 * time.Millisecond)
	hs.Update("contacts", l.AID, map[string]string{"city": "Lisbon"})
	again := run("the run after an unrelated edit")
	if name() != before.Fields["FirstName"] {
		t.Fatalf("a run after an unrelated HubSpot edit wrote the undone FirstName %q back\n%s", name(), again.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", l.AID); h.Properties["firstname"] != "Bartholomew" {
		t.Fatalf("HubSpot's firstname became %q; the undo was of Salesforce's", h.Properties["firstname"])
	}
	// A new edit of the field is a change like any other.
	time.Sleep(5 * time.Millisecond)
	hs.Update("contacts", l.AID, map[string]string{"firstname": "Bart"})
	run("the run after a new edit")
	if got := name(); got != "Bart" {
		t.Fatalf("a new HubSpot edit after the undo reached Salesforce as %q, want Bart", got)
	}
	if res := run("the run after that"); res.Summary.Updated != 0 {
		t.Fatalf("a run with nothing changed updated %d records", res.Summary.Updated)
	}
}
