package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestHubSpotEmailTakenHeldForReview: a sync Salesforce → HubSpot that
// matches people by phone links Zed Other's Contact to HubSpot's Zed by
// their phone. A second Contact with Zed's email and another phone (a
// duplicate in Salesforce) matches nothing, and HubSpot's Zed, linked to
// the first, already has its email. An upsert by email would overwrite that contact with Zed's
// values; crmsync creates instead, HubSpot refuses (409 "Contact
// already exists. Existing ID: …"), and the Contact waits in review as
// a duplicate item naming the HubSpot contact, not as a failure sent
// again every run. Linking it writes Salesforce's phone there, and
// nothing is created.
func TestHubSpotEmailTakenHeldForReview(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := phoneMatchedToHubSpot("by-phone")
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	zedHS, err := hs.Create("contacts", map[string]string{"email": "zed@taken.example", "firstname": "Zed", "lastname": "Taken", "phone": "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Create("Contact", map[string]string{"Email": "zed@taken.example", "FirstName": "Zed", "LastName": "Other", "Phone": "+14155550100"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	clock.step(time.Minute)
	zedSF, err := sf.Create("Contact", map[string]string{"Email": "zed@taken.example", "FirstName": "Zed", "LastName": "Taken", "Phone": "+14155550199"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	before := hs.Count("contacts")
	for round := range 2 {
		if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || res.Summary.Failed != 0 {
			t.Fatalf("round %d: the taken email failed instead of waiting for review: %+v %+v", round, res.Summary, errs)
		}
		clock.step(time.Minute)
	}
	if got, _ := hs.Get("contacts", zedHS.ID); got.Properties["lastname"] != "Other" || got.Properties["phone"] != "+14155550100" {
		t.Fatalf("HubSpot's Zed, linked to another Contact, was overwritten: %+v", got.Properties)
	}
	var item app.ReviewView
	items, err := a.Reviews(ctx, def.Name, "duplicate", "open")
	for _, it := range items {
		if it.RecordID == zedSF.ID {
			item = it
		}
	}
	if err != nil || item.ID == 0 || item.Side != "b" {
		t.Fatalf("no open duplicate item for Contact %s: %+v %v", zedSF.ID, items, err)
	}
	for _, want := range []string{zedHS.ID, "Contact already exists", "already holds its email", "allows that value on one record only", "already linked with"} {
		if !strings.Contains(item.Detail, want) {
			t.Fatalf("the item does not say %q: %s", want, item.Detail)
		}
	}
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "create"}); err == nil {
		t.Fatal("create anyway was taken for a value HubSpot keeps unique")
	}
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "skip"}); err != nil {
		t.Fatal(err)
	}
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || res.Summary.Created != 0 || hs.Count("contacts") != before {
		t.Fatalf("the run after the skip: %+v %+v; %d HubSpot contacts, had %d", res.Summary, errs, hs.Count("contacts"), before)
	}
}

// phoneMatchedToHubSpot is the demo contacts sync named name made one-way,
// Salesforce to HubSpot, matching people by phone (E.164) alone.
func phoneMatchedToHubSpot(name string) engine.Definition {
	def := app.DemoSync(name, "hs", "sf")
	def.Direction = mapping.BtoA
	def.Match = []engine.MatchRule{{A: "phone", B: "Phone", Normalize: "e164"}}
	return def
}
