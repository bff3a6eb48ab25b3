package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestRefusedAccountShownNotHeldAsDeleted: a contact moved in
// HubSpot to a company whose Salesforce Account was purged since, which
// Salesforce refuses with INVALID_CROSS_REFERENCE_KEY naming no field.
// The run's Errors tab shows the Contact, AccountId and Salesforce's
// words; no warning calls the Contact deleted.
func TestRefusedAccountShownNotHeldAsDeleted(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	for _, def := range []struct{ name, companies string }{{"companies", ""}, {"contacts", "companies"}} {
		d := app.DemoCompaniesSync(def.name, demoHubSpot, demoSalesforce)
		if def.companies != "" {
			d = app.DemoSyncWithCompanies(def.name, demoHubSpot, demoSalesforce, def.companies)
		}
		if err := l.a.SaveSync(ctx, d); err != nil {
			t.Fatal(err)
		}
		if res, err := l.a.Run(ctx, def.name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", def.name, err, res.Summary)
		}
	}
	hs, sf := l.srv.HubSpot(), l.srv.Salesforce()
	links := func(name string) []store.LinkRow {
		row, err := l.a.DB().Sync(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		out, err := l.a.DB().Links(ctx, row.ID)
		if err != nil || len(out) == 0 {
			t.Fatalf("%s links: %v %v", name, out, err)
		}
		return out
	}
	c := links("contacts")[0]
	hc, _ := hs.Get("contacts", c.AID)
	var purged store.LinkRow
	for _, co := range links("companies") {
		if co.AID != hc.Properties["associatedcompanyid"] {
			purged = co
			break
		}
	}
	if purged.BID == "" || !sf.Purge("Account", purged.BID) {
		t.Fatalf("no other linked company's Account to purge (%+v)", purged)
	}
	sf.RefusedReferenceNamesNoField(true)
	time.Sleep(5 * time.Millisecond) // past the read cursors' millisecond
	if err := hs.SetPrimaryCompany("contacts", c.AID, purged.AID); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Plan.Warnings {
		if strings.Contains(w, c.BID+" was deleted") {
			t.Errorf("warning %q: the live Contact taken for deleted", w)
		}
	}
	l.ui(func() { l.u.openRunDetail(res.Summary.RunID) })
	for _, want := range []string{c.BID, "AccountId", "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id"} {
		l.see(want)
	}
}
