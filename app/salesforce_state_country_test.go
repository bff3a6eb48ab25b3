package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// stateCountrySync is the demo contacts sync with HubSpot's free-text
// country (and state, when withState) mapped to the Salesforce Contact's
// mailing address.
func stateCountrySync(withState bool) engine.Definition {
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "country", B: "MailingCountry", Rule: mapping.UnlessBlank})
	if withState {
		def.Fields = append(def.Fields, mapping.Field{A: "state", B: "MailingState", Rule: mapping.UnlessBlank})
	}
	return def
}

// stateCountryOrg connects an empty sandbox whose Salesforce org has State
// and Country/Territory Picklists on, and saves the sync.
func stateCountryOrg(t *testing.T, withState bool) (*app.App, *sandbox.Server) {
	t.Helper()
	a, srv := connectedSandbox(t, 3, 0)
	if err := srv.Salesforce().EnableStateCountryPicklists(); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveSync(context.Background(), stateCountrySync(withState)); err != nil {
		t.Fatal(err)
	}
	return a, srv
}

// sfByEmail is the Salesforce Contact with email.
func sfByEmail(t *testing.T, sf *salesforce.Sim, email string) salesforce.Record {
	t.Helper()
	for _, r := range sf.Records("Contact") {
		if r.Fields["Email"] == email {
			return r
		}
	}
	t.Fatalf("no Salesforce Contact with email %s", email)
	return salesforce.Record{}
}

// rejectedFor is the open rejected review items' details for HubSpot record id.
func rejectedFor(t *testing.T, a *app.App, id string) []app.ReviewView {
	t.Helper()
	items, err := a.Reviews(context.Background(), "contacts", "rejected", "open")
	if err != nil {
		t.Fatal(err)
	}
	var out []app.ReviewView
	for _, it := range items {
		if it.RecordID == id {
			out = append(out, it)
		}
	}
	return out
}

// HubSpot's free-text countries reach an org with country picklists: a
// code or a name in any case is written as the org's name for it and
// compared back without a change; "USA", which the org does not accept,
// is held back before any call, with a review item naming record, field,
// value and the accepted values. A new contact with it waits in review
// whole (the engine never creates half a record); a linked one still
// syncs its other fields.
func TestFreeTextCountryToPicklistOrg(t *testing.T) {
	ctx := context.Background()
	a, srv := stateCountryOrg(t, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	cases := []struct{ email, country, want string }{
		{"code@example.com", "us", "United States"},
		{"name@example.com", "united states", "United States"},
		{"exact@example.com", "Germany", "Germany"},
		{"usa@example.com", "USA", ""},
	}
	ids := map[string]string{}
	for _, c := range cases {
		r := mustCreateHS(t, hs, "contacts", map[string]string{"email": c.email, "lastname": "Atlas", "country": c.country})
		ids[c.email] = r.ID
	}
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Summary; s.Failed != 0 || s.Created != 3 || s.Review != 1 || s.Status != "success" {
		t.Fatalf("first run: %+v; want 3 creates, 1 review and no failures\n%s", first.Summary, first.Plan.Summary())
	}
	if n := sf.Count("Contact"); n != 3 {
		t.Fatalf("Salesforce holds %d contacts; want 3 (USA waits in review)", n)
	}
	for _, c := range cases[:3] {
		got := sfByEmail(t, sf, c.email)
		if got.Fields["MailingCountry"] != c.want {
			t.Errorf("%s: MailingCountry = %q; want %q", c.country, got.Fields["MailingCountry"], c.want)
		}
	}
	items := rejectedFor(t, a, ids["usa@example.com"])
	if len(items) != 1 || !strings.Contains(items[0].Field, "MailingCountry") ||
		!strings.Contains(items[0].Detail, "USA") || !strings.Contains(items[0].Detail, "MailingCountry") || !strings.Contains(items[0].Detail, "United States") {
		t.Fatalf("review items for the USA contact: %+v; want one naming MailingCountry, USA and United States", items)
	}
	// No loop: the next run changes nothing on either side, and HubSpot
	// keeps what its user typed.
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := again.Summary; s.Created+s.Updated+s.Failed != 0 {
		t.Fatalf("second run: %+v; want nothing written\n%s", s, again.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", ids["code@example.com"]); h.Properties["country"] != "us" {
		t.Errorf("HubSpot country = %q; want us as typed", h.Properties["country"])
	}
	// A linked contact edited to "U.S." and a new job title: the title
	// reaches Salesforce, the country waits in review, nothing fails.
	if _, err := hs.Update("contacts", ids["code@example.com"], map[string]string{"country": "U.S.", "jobtitle": "CEO"}); err != nil {
		t.Fatal(err)
	}
	edited, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || edited.Summary.Failed != 0 || edited.Summary.Updated != 1 {
		t.Fatalf("run after the edit: %v %+v; want one update, no failure\n%s", err, edited.Summary, edited.Plan.Summary())
	}
	got := sfByEmail(t, sf, "code@example.com")
	if got.Fields["Title"] != "CEO" || got.Fields["MailingCountry"] != "United States" {
		t.Errorf("Salesforce Title/MailingCountry = %q/%q; want CEO/United States", got.Fields["Title"], got.Fields["MailingCountry"])
	}
	if items := rejectedFor(t, a, ids["code@example.com"]); len(items) != 1 || !strings.Contains(items[0].Detail, "U.S.") {
		t.Errorf("review items for the U.S. contact: %+v; want one naming U.S.", items)
	}
}

// A state the org lists but not for the record's country: a new contact
// waits in review naming state and country; a linked one moved to a
// country that does not hold its state keeps its address in Salesforce,
// its other edits still sync, and the review names both. Nothing is sent
// that Salesforce would refuse, so no run fails.
func TestStateNotInCountryHeldBack(t *testing.T) {
	ctx := context.Background()
	a, srv := stateCountryOrg(t, true)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	wrong := mustCreateHS(t, hs, "contacts", map[string]string{"email": "wrong@example.com", "lastname": "Atlas", "country": "Canada", "state": "Texas"})
	right := mustCreateHS(t, hs, "contacts", map[string]string{"email": "right@example.com", "lastname": "Atlas", "country": "US", "state": "ca"})
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Summary; s.Failed != 0 || s.Created != 1 || s.Review != 1 {
		t.Fatalf("first run: %+v; want 1 create, 1 review, no failure\n%s", s, first.Plan.Summary())
	}
	got := sfByEmail(t, sf, "right@example.com")
	if got.Fields["MailingCountry"] != "United States" || got.Fields["MailingState"] != "California" || got.Fields["MailingStateCode"] != "CA" {
		t.Errorf("US/ca wrote %q/%q (%q); want United States/California (CA)", got.Fields["MailingCountry"], got.Fields["MailingState"], got.Fields["MailingStateCode"])
	}
	items := rejectedFor(t, a, wrong.ID)
	if len(items) != 1 || !strings.Contains(items[0].Detail, "Texas") || !strings.Contains(items[0].Detail, "Canada") || !strings.Contains(items[0].Detail, "MailingState") {
		t.Fatalf("review items for Canada/Texas: %+v; want one naming MailingState, Texas and Canada", items)
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("second run: %v %+v; want nothing written", err, again.Summary)
	}
	// The linked contact moves to Canada in HubSpot, keeping California.
	if _, err := hs.Update("contacts", right.ID, map[string]string{"country": "Canada", "jobtitle": "CFO"}); err != nil {
		t.Fatal(err)
	}
	moved, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || moved.Summary.Failed != 0 || moved.Summary.Updated != 1 {
		t.Fatalf("run after the move: %v %+v; want one update and no failure\n%s", err, moved.Summary, moved.Plan.Summary())
	}
	got = sfByEmail(t, sf, "right@example.com")
	if got.Fields["Title"] != "CFO" || got.Fields["MailingCountry"] != "United States" {
		t.Errorf("Salesforce Title/MailingCountry = %q/%q; want CFO/United States", got.Fields["Title"], got.Fields["MailingCountry"])
	}
	items = rejectedFor(t, a, right.ID)
	if len(items) != 1 || !strings.Contains(items[0].Detail, "California") || !strings.Contains(items[0].Detail, "Canada") {
		t.Errorf("review items for the move: %+v; want one naming California and Canada", items)
	}
}
