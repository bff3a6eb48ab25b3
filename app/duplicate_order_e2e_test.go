package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// whitCount counts the live contacts of Dana Whit (danaTwice) in HubSpot
// and in Salesforce.
func whitCount(srv *sandbox.Server) (hs, sf int) {
	for _, r := range srv.HubSpot().Records("contacts") {
		if !r.Archived && r.Properties["lastname"] == "Whit" {
			hs++
		}
	}
	for _, r := range srv.Salesforce().Records("Contact") {
		if !r.Deleted && r.Fields["LastName"] == "Whit" {
			sf++
		}
	}
	return hs, sf
}

// twoWayDanaHeld runs a two-way contacts sync's first run with Dana
// twice (danaTwice) under the standard contact rule, and returns the one
// duplicate item it opens, for HubSpot's Dana.
func twoWayDanaHeld(t *testing.T) (a *app.App, srv *sandbox.Server, clock *stepClock, def engine.Definition, hsID, sfID string, item app.ReviewView) {
	t.Helper()
	a, srv, clock = clockedApp(t, "salesforce", "sf")
	hsID, sfID = danaTwice(t, srv, salesforce.StandardContactDuplicateRule())
	clock.step(time.Minute)
	def = app.DemoSync("contacts", "hs", "sf")
	saveSyncs(t, a, def)
	if _, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("first run: %+v", errs)
	}
	items, err := a.Reviews(context.Background(), def.Name, "duplicate", "open")
	if err != nil || len(items) != 1 || items[0].RecordID != hsID {
		t.Fatalf("open duplicate items: %v %+v", err, items)
	}
	return a, srv, clock, def, hsID, sfID, items[0]
}

// TestDuplicateTwoWayFirstRun: a two-way sync's first
// run, creating on both sides, with Salesforce's standard contact rule
// active. Salesforce refuses HubSpot's Dana as a duplicate of its own
// Dana, whom the same run would copy to HubSpot: Salesforce's creates go
// first, so HubSpot's creates leave her out. HubSpot then holds one
// Dana, the item is open with Salesforce's Dana as a candidate linked to
// nothing, and linking the two leaves one Dana in each CRM.
func TestDuplicateTwoWayFirstRun(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	hsID, sfID := danaTwice(t, srv, salesforce.StandardContactDuplicateRule())
	clock.step(time.Minute)
	def := app.DemoSync("contacts", "hs", "sf")
	saveSyncs(t, a, def)
	hsBefore := srv.HubSpot().Count("contacts")
	res, errs := runAndErrors(t, a, def.Name)
	if c := res.Plan.Counts; c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("the first run must create on both sides: %+v", c)
	}
	if len(errs) != 0 || res.Summary.Failed != 0 {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	if got, want := srv.HubSpot().Count("contacts"), hsBefore+res.Plan.Counts.CreateA-1; got != want {
		t.Fatalf("%d HubSpot contacts after the first run, want %d: all the planned creates but Salesforce's Dana", got, want)
	}
	if hs, sf := whitCount(srv); hs != 1 || sf != 1 {
		t.Fatalf("after the first run %d HubSpot and %d Salesforce Danas, want 1 and 1", hs, sf)
	}
	for _, l := range syncLinks(t, a, def.Name) {
		if l.BID == sfID {
			t.Fatalf("Salesforce's Dana was copied to HubSpot as %s", l.AID)
		}
	}
	items, err := a.Reviews(ctx, def.Name, "duplicate", "open")
	if err != nil || len(items) != 1 || items[0].RecordID != hsID {
		t.Fatalf("open duplicate items: %v %+v", err, items)
	}
	var det struct{ Candidates []engine.Candidate }
	if err := json.Unmarshal([]byte(items[0].Detail), &det); err != nil {
		t.Fatal(err)
	}
	if len(det.Candidates) != 1 || det.Candidates[0].ID != sfID || det.Candidates[0].LinkedTo != "" || strings.Contains(items[0].Detail, "already linked") {
		t.Fatalf("the item's candidate: %s", items[0].Detail)
	}

	clock.step(time.Minute)
	if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Created+r.Summary.Updated != 0 {
		t.Fatalf("second run: %+v %+v", r.Summary, errs)
	}
	if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "link", OtherID: sfID}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		clock.step(time.Minute)
		if r, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || r.Summary.Created != 0 || r.Summary.Failed != 0 {
			t.Fatalf("run %d after the link: %+v %+v", i+1, r.Summary, errs)
		}
	}
	if !isLinked(t, a, def.Name, hsID, sfID) {
		t.Fatalf("Dana not linked: HubSpot %s, Salesforce %s", hsID, sfID)
	}
	if hs, sf := whitCount(srv); hs != 1 || sf != 1 {
		t.Fatalf("after the link %d HubSpot and %d Salesforce Danas, want 1 and 1", hs, sf)
	}
	if open, _ := a.Reviews(ctx, def.Name, "duplicate", "open"); len(open) != 0 {
		t.Fatalf("items still open: %+v", open)
	}
}
