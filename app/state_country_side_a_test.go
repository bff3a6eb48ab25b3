package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// sfSideAStateSync is a two-way contacts sync with Salesforce as
// side A and HubSpot as side B, carrying country and state.
func sfSideAStateSync() engine.Definition {
	return engine.Definition{Name: "sf-first", Direction: mapping.TwoWay,
		A:     engine.SideDef{Connection: "sf", Object: "Contact"},
		B:     engine.SideDef{Connection: "hs", Object: "contacts"},
		Match: []engine.MatchRule{{A: "Email", B: "email", Normalize: "email"}},
		Fields: []mapping.Field{
			{A: "Email", B: "email", Transform: "lower"},
			{A: "LastName", B: "lastname", Rule: mapping.UnlessBlank},
			{A: "MailingCountry", B: "country", Rule: mapping.UnlessBlank},
			{A: "MailingState", B: "state", Rule: mapping.UnlessBlank},
		},
		Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictNewer, Schedule: "manual",
		Safety: engine.Safety{MaxChangePercent: 100}}
}

// With Salesforce as side A, HubSpot's "WA" with country "AU" is settled
// by the country as it is with Salesforce as side B: the contact is
// created in Salesforce with Western Australia, nothing waits in review,
// the next run writes nothing on either side, and a move to the United
// States keeping "WA" makes it Washington in the same write.
func TestStateSettledBySalesforceOnSideA(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 3, 0)
	if err := srv.Salesforce().EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, sfSideAStateSync())
	hs, sf := srv.HubSpot(), srv.Salesforce()
	au := mustCreateHS(t, hs, "contacts", map[string]string{"email": "perth@example.com", "lastname": "Atlas", "country": "AU", "state": "WA"})
	first, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Summary; s.Failed != 0 || s.Created != 1 || s.Review != 0 {
		t.Fatalf("first run: %+v; want 1 create, no review, no failure\n%s", s, first.Plan.Summary())
	}
	got := sfByEmail(t, sf, "perth@example.com")
	if got.Fields["MailingCountry"] != "Australia" || got.Fields["MailingState"] != "Western Australia" {
		t.Errorf("Salesforce country/state = %q/%q; want Australia/Western Australia", got.Fields["MailingCountry"], got.Fields["MailingState"])
	}
	again, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed+again.Summary.Review != 0 {
		t.Fatalf("second run: %v %+v; want nothing written\n%s", err, again.Summary, again.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", au.ID); h.Properties["state"] != "WA" || h.Properties["country"] != "AU" {
		t.Errorf("HubSpot country/state = %q/%q; want AU/WA as typed", h.Properties["country"], h.Properties["state"])
	}
	if _, err := hs.Update("contacts", au.ID, map[string]string{"country": "US"}); err != nil {
		t.Fatal(err)
	}
	moved, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true})
	if err != nil || moved.Summary.Failed+moved.Summary.Review != 0 || moved.Summary.Updated != 1 {
		t.Fatalf("run after the move: %v %+v; want one update, no review, no failure\n%s\n%+v\n%+v", err, moved.Summary, moved.Plan.Summary(), moved.Plan.Conflicts, moved.Plan.Review)
	}
	if got := sfByEmail(t, sf, "perth@example.com"); got.Fields["MailingCountry"] != "United States" || got.Fields["MailingState"] != "Washington" {
		t.Errorf("after the move Salesforce country/state = %q/%q; want United States/Washington", got.Fields["MailingCountry"], got.Fields["MailingState"])
	}
}

// With Salesforce as side A, HubSpot's country "AU" is written to the
// org's picklist as Australia. That name read back is no Salesforce edit:
// an edit of the HubSpot contact's name reaches Salesforce alone, and
// HubSpot keeps "AU" as typed (the name was written over it).
func TestCountryNameOnSideAIsNoEdit(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4, 0)
	if err := srv.Salesforce().EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, sfSideAStateSync())
	hs, sf := srv.HubSpot(), srv.Salesforce()
	c := mustCreateHS(t, hs, "contacts", map[string]string{"email": "code@example.com", "lastname": "Atlas", "country": "AU"})
	if first, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true}); err != nil || first.Summary.Created != 1 {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	if _, err := hs.Update("contacts", c.ID, map[string]string{"lastname": "Atlas-Moved"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "sf-first", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Failed+res.Summary.Review+res.Summary.Conflicts != 0 {
		t.Fatalf("run after the edit: %v %+v; want one update\n%s", err, res.Summary, res.Plan.Summary())
	}
	if got := sfByEmail(t, sf, "code@example.com"); got.Fields["LastName"] != "Atlas-Moved" || got.Fields["MailingCountry"] != "Australia" {
		t.Errorf("Salesforce LastName/MailingCountry = %q/%q; want Atlas-Moved/Australia", got.Fields["LastName"], got.Fields["MailingCountry"])
	}
	if h, _ := hs.Get("contacts", c.ID); h.Properties["country"] != "AU" {
		t.Errorf("HubSpot country = %q; want AU as typed", h.Properties["country"])
	}
}
