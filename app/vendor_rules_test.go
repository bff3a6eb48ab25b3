package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// "WA" is both Washington and Western Australia in a Salesforce org with
// State and Country/Territory Picklists. A record whose country (as the
// sync writes it) is known and valid settles which one: Australia's WA is
// Western Australia, the United States' is Washington, and the next run
// reads both back without a change. A record with no country, or one the
// org does not accept, still waits in review naming the state.
func TestStateCodeSettledByCountry(t *testing.T) {
	ctx := context.Background()
	a, srv := stateCountryOrg(t, true)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	au := mustCreateHS(t, hs, "contacts", map[string]string{"email": "perth@example.com", "lastname": "Atlas", "country": "AU", "state": "WA"})
	us := mustCreateHS(t, hs, "contacts", map[string]string{"email": "seattle@example.com", "lastname": "Atlas", "country": "united states", "state": "wa"})
	none := mustCreateHS(t, hs, "contacts", map[string]string{"email": "nowhere@example.com", "lastname": "Atlas", "state": "WA"})
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Summary; s.Failed != 0 || s.Created != 2 || s.Review != 1 {
		t.Fatalf("first run: %+v; want 2 creates, 1 review, no failure\n%s", s, first.Plan.Summary())
	}
	for _, c := range []struct{ email, country, state string }{
		{"perth@example.com", "Australia", "Western Australia"},
		{"seattle@example.com", "United States", "Washington"},
	} {
		got := sfByEmail(t, sf, c.email)
		if got.Fields["MailingCountry"] != c.country || got.Fields["MailingState"] != c.state {
			t.Errorf("%s: Salesforce country/state = %q/%q; want %q/%q", c.email, got.Fields["MailingCountry"], got.Fields["MailingState"], c.country, c.state)
		}
	}
	if items := rejectedFor(t, a, none.ID); len(items) != 1 || !strings.Contains(items[0].Field, "MailingState") || !strings.Contains(items[0].Detail, "WA") {
		t.Errorf("review items for WA with no country: %+v; want one naming MailingState and WA", items)
	}
	if len(rejectedFor(t, a, au.ID))+len(rejectedFor(t, a, us.ID)) != 0 {
		t.Errorf("a WA its country settles still has a review item")
	}
	// No loop: HubSpot's "WA" and Salesforce's name read as one value.
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("second run: %v %+v; want nothing written\n%s", err, again.Summary, again.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", au.ID); h.Properties["state"] != "WA" {
		t.Errorf("HubSpot state = %q; want WA as typed", h.Properties["state"])
	}
	// The Seattle contact moves to Australia, keeping "wa": its state
	// follows to Western Australia in the same write.
	if _, err := hs.Update("contacts", us.ID, map[string]string{"country": "Australia"}); err != nil {
		t.Fatal(err)
	}
	moved, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || moved.Summary.Failed != 0 || moved.Summary.Updated != 1 || moved.Summary.Review != 0 {
		t.Fatalf("run after the move: %v %+v; want one update, no review, no failure\n%s", err, moved.Summary, moved.Plan.Summary())
	}
	if got := sfByEmail(t, sf, "seattle@example.com"); got.Fields["MailingCountry"] != "Australia" || got.Fields["MailingState"] != "Western Australia" {
		t.Errorf("after the move Salesforce country/state = %q/%q; want Australia/Western Australia", got.Fields["MailingCountry"], got.Fields["MailingState"])
	}
}

// companyStagesDef is the demo companies sync with HubSpot's lifecycle
// stage carried to the Salesforce Account's Type.
func companyStagesDef() engine.Definition {
	def := app.DemoCompaniesSync("company-stages", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "lifecyclestage", B: "Type", Transform: "map",
		ValueMap: map[string]string{"lead": "Prospect", "customer": "Customer - Direct", "partner": "Partner"}})
	return def
}

// The portal's admin customized the lifecycle stages under contacts (a
// Partner stage added, customer moved before lead); companies share them.
// A Salesforce user turns a Prospect Account into a Customer: for the
// HubSpot company that is a backward move (lead -> customer), which lands
// (cleared, then set: 2 batch updates) and comes back as no change; the
// custom stage reaches the company from the Account's Partner.
func TestCompanyStageFollowsSharedStages(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 92, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if err := hs.AddStage("Partner", "partner"); err != nil {
		t.Fatal(err)
	}
	if err := hs.SetStageOrder("contacts", "subscriber", "customer", "lead"); err != nil {
		t.Fatal(err)
	}
	co := mustCreateHS(t, hs, "companies", map[string]string{"name": "Stage Co", "domain": "stage.example.com", "lifecyclestage": "lead"})
	acct := mustCreateSF(t, sf, "Account", map[string]string{"Name": "Stage Co", "Website": "https://stage.example.com", "Type": "Prospect"})
	saveSyncs(t, a, companyStagesDef())
	if res, err := a.Run(ctx, "company-stages", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || !isLinked(t, a, "company-stages", co.ID, acct.ID) {
		t.Fatalf("first run: %v %+v; want the two linked", err, res.Summary)
	}
	updates := func() int64 { return srv.Stats()["hubspot"]["POST /crm/objects/2026-03/companies/batch/update"] }
	for _, step := range []struct {
		sfType, stage string
		calls         int64 // a backward move is cleared first: one batch more
	}{{"Customer - Direct", "customer", 2}, {"Partner", "partner", 1}} {
		if _, err := sf.Update("Account", acct.ID, map[string]string{"Type": step.sfType}); err != nil {
			t.Fatal(err)
		}
		before := updates()
		res, err := a.Run(ctx, "company-stages", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 1 {
			t.Fatalf("run after Type %s: %v %+v\n%s", step.sfType, err, res.Summary, res.Plan.Summary())
		}
		if got, _ := hs.Get("companies", co.ID); got.Properties["lifecyclestage"] != step.stage {
			t.Errorf("after Type %s the HubSpot company's stage is %q; want %s", step.sfType, got.Properties["lifecyclestage"], step.stage)
		}
		if n := updates() - before; n != step.calls {
			t.Errorf("Type %s: %d HubSpot company batch updates; want %d", step.sfType, n, step.calls)
		}
		again, err := a.Run(ctx, "company-stages", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
			t.Fatalf("run after Type %s came back: %v %+v\n%s", step.sfType, err, again.Summary, again.Plan.Summary())
		}
	}
	if got, _ := sf.Get("Account", acct.ID); got.Fields["Type"] != "Partner" {
		t.Errorf("Salesforce Type %q; want the user's Partner kept", got.Fields["Type"])
	}
}

// HubSpot keeps a contact's email lower-cased, whatever case was sent (as
// the sandbox does). A sync whose email row has no "lower" transform
// writes a Salesforce "Ada.Stage@Example.com" to HubSpot, reads back
// "ada.stage@example.com", and must not take that for a HubSpot edit and
// write the lower-cased address over the Salesforce user's.
func TestEmailCaseHubSpotKeepsIsNoEdit(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 93, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := app.DemoSync("plain-email", "hs", "sf")
	def.Fields[0] = mapping.Field{A: "email", B: "Email"} // no transform
	saveSyncs(t, a, def)
	sfc := mustCreateSF(t, sf, "Contact", map[string]string{"Email": "Ada.Stage@Example.com", "LastName": "Stage"})
	first, err := a.Run(ctx, "plain-email", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Created != 1 || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	again, err := a.Run(ctx, "plain-email", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Errorf("second run: %v %+v; want nothing written\n%s", err, again.Summary, again.Plan.Summary())
	}
	if got, _ := sf.Get("Contact", sfc.ID); got.Fields["Email"] != "Ada.Stage@Example.com" {
		t.Errorf("Salesforce Email %q; want the user's Ada.Stage@Example.com kept", got.Fields["Email"])
	}
	if hs.Count("contacts") != 1 {
		t.Errorf("HubSpot holds %d contacts; want 1", hs.Count("contacts"))
	}
}
