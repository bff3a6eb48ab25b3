package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestNewerUsesTheFieldsOwnTime: with conflict "newer", a contact's
// title is changed in HubSpot, then a minute later (here a second, past
// Salesforce's second precision) to something else in Salesforce: the
// Salesforce edit is the newer one. Later still someone edits the same
// HubSpot contact's first name, an unrelated field. That edit makes the
// HubSpot record newer, but not its title: the run must keep Salesforce's
// title (the newest edit of that field) on both sides, not write HubSpot's
// older title over it.
func TestNewerUsesTheFieldsOwnTime(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 31, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Conflict = engine.ConflictNewer
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	l := syncLinks(t, a, "contacts")[0]
	time.Sleep(5 * time.Millisecond) // past the read cursor's millisecond
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Old HubSpot Title"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"Title": "Newest Salesforce Title"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	hs, _ := srv.HubSpot().Get("contacts", l.AID)
	sf, _ := srv.Salesforce().Get("Contact", l.BID)
	if got := sf.Fields["Title"]; got != "Newest Salesforce Title" {
		t.Errorf("Salesforce Title %q: HubSpot's older title overwrote the newer Salesforce edit", got)
	}
	if got := hs.Properties["jobtitle"]; got != "Newest Salesforce Title" {
		t.Errorf("HubSpot jobtitle %q, want Salesforce's newer title", got)
	}
	if got := sf.Fields["FirstName"]; got != "Augusta" {
		t.Errorf("Salesforce FirstName %q, want HubSpot's edit Augusta", got)
	}
}

// TestNewerFieldTimesCostABatchNotARecord: sixty linked contacts each in a
// title conflict under "newer", each HubSpot record touched again since:
// their property history is read in HubSpot's batches of 50 (two calls),
// not one call per record, and every newer Salesforce title wins.
func TestNewerFieldTimesCostABatchNotARecord(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 32, 80)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Conflict = engine.ConflictNewer
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	links := syncLinks(t, a, "contacts")
	if len(links) < 60 {
		t.Fatalf("%d links, want 60", len(links))
	}
	links = links[:60]
	time.Sleep(5 * time.Millisecond)
	for _, l := range links {
		if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Old HubSpot Title"}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1100 * time.Millisecond)
	for _, l := range links {
		if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"Title": "Newest Salesforce Title"}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1100 * time.Millisecond)
	for _, l := range links {
		if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augusta"}); err != nil {
			t.Fatal(err)
		}
	}
	reads := func() int64 { return srv.Stats()["hubspot"]["POST /crm/objects/2026-03/contacts/batch/read"] }
	before := reads()
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	if n := reads() - before; n != 2 {
		t.Errorf("the run read property history in %d calls for 60 records in conflict, want 2 (batches of 50)", n)
	}
	for _, l := range links {
		if sf, _ := srv.Salesforce().Get("Contact", l.BID); sf.Fields["Title"] != "Newest Salesforce Title" {
			t.Fatalf("Salesforce contact %s Title %q: HubSpot's older title won", l.BID, sf.Fields["Title"])
		}
	}
}
