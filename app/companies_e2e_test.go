package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestCompaniesSyncEndToEnd runs the companies demo sync on the sandbox:
// HubSpot companies and Salesforce Accounts, seeded as the same firms, link
// by domain without a single create; a second run writes nothing; an edit
// on either side reaches the other; a new Account is created in HubSpot
// once, and not again on the next run.
func TestCompaniesSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 60)
	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatalf("save: %v", err)
	}
	hsN, sfN := srv.HubSpot().Count("companies"), srv.Salesforce().Count("Account")
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	c := res.Plan.Counts
	if res.Summary.Status != "success" || c.Link != hsN || c.CreateA+c.CreateB != 0 {
		t.Fatalf("first run: want %d links and no creates\n%+v\n%s", hsN, res.Summary, res.Plan.Summary())
	}
	if srv.HubSpot().Count("companies") != hsN || srv.Salesforce().Count("Account") != sfN {
		t.Fatal("linking created companies")
	}
	again, err := a.Run(ctx, "companies", app.RunOptions{})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	links := syncLinks(t, a, "companies")
	if len(links) != hsN {
		t.Fatalf("links: %d, want %d", len(links), hsN)
	}
	l := links[0]
	if _, err := srv.HubSpot().Update("companies", l.AID, map[string]string{"city": "Tromsø"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Account", links[1].BID, map[string]string{"Name": "Renamed Firm Ltd"}); err != nil {
		t.Fatal(err)
	}
	neu, err := srv.Salesforce().Create("Account", map[string]string{"Name": "Brand New Co", "Website": "https://www.brandnew.example", "BillingCity": "Oslo"})
	if err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after edits: %v %+v", err, res.Summary)
	}
	if r, _ := srv.Salesforce().Get("Account", l.BID); r.Fields["BillingCity"] != "Tromsø" {
		t.Fatalf("Account %s BillingCity %q, want Tromsø from HubSpot", l.BID, r.Fields["BillingCity"])
	}
	if r, _ := srv.HubSpot().Get("companies", links[1].AID); r.Properties["name"] != "Renamed Firm Ltd" {
		t.Fatalf("company %s name %q, want the Account's new name", links[1].AID, r.Properties["name"])
	}
	created := 0
	for _, r := range srv.HubSpot().Records("companies") {
		if r.Properties["name"] == "Brand New Co" {
			created++
			if r.Properties["city"] != "Oslo" {
				t.Fatalf("created company %+v lacks the Account's city", r.Properties)
			}
		}
	}
	if created != 1 || srv.HubSpot().Count("companies") != hsN+1 {
		t.Fatalf("Account %s gave %d HubSpot companies (total %d, was %d); want exactly one", neu.ID, created, srv.HubSpot().Count("companies"), hsN)
	}
	last, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil || last.Summary.Created != 0 || srv.HubSpot().Count("companies") != hsN+1 || srv.Salesforce().Count("Account") != sfN+1 {
		t.Fatalf("run after the create: %v %+v; HubSpot %d, Salesforce %d", err, last.Summary, srv.HubSpot().Count("companies"), srv.Salesforce().Count("Account"))
	}
}

// TestCompanyMergeKeepsContactsAccounts merges two linked HubSpot
// companies. HubSpot makes a new company of them and moves their contacts
// to it (their associatedcompanyid changes). The companies sync moves the
// link whose Account shares the new company's domain and holds the other;
// the contacts sync then points every moved contact's Contact at that
// Account, and creates nothing.
func TestCompanyMergeKeepsContactsAccounts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 37, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"))
	for _, name := range []string{"companies", "contacts"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	// Two linked companies that have contacts linked in the contacts sync.
	accountOf := map[string]string{}
	for _, l := range syncLinks(t, a, "companies") {
		accountOf[l.AID] = l.BID
	}
	keep, gone := twoParents(t, syncLinks(t, a, "contacts"), func(l store.LinkRow) string {
		c, _ := hs.Get("contacts", l.AID)
		return c.Properties["associatedcompanyid"]
	}, func(co string) bool { return accountOf[co] != "" })
	time.Sleep(5 * time.Millisecond) // past the read cursors' millisecond
	merged, err := hs.Merge("companies", keep, gone)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil || res.Plan.Counts.Relinked != 1 || res.Plan.Counts.HeldDelete != 1 || res.Summary.Created != 0 {
		t.Fatalf("companies run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	hsContacts := hs.Count("contacts")
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Created != 0 {
		t.Fatalf("contacts run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	moved := 0
	for _, l := range syncLinks(t, a, "contacts") {
		c, _ := hs.Get("contacts", l.AID)
		if c.Properties["associatedcompanyid"] != merged {
			continue
		}
		moved++
		if sc, _ := sf.Get("Contact", l.BID); sc.Fields["AccountId"] != accountOf[keep] {
			t.Errorf("Contact %s of a contact moved to company %s has Account %q, want %s", l.BID, merged, sc.Fields["AccountId"], accountOf[keep])
		}
	}
	if moved < 2 || hs.Count("contacts") != hsContacts {
		t.Fatalf("%d linked contacts moved to the merged company; HubSpot contacts %d, were %d", moved, hs.Count("contacts"), hsContacts)
	}
}

// twoParents picks two companies, each linked (linked) and named by a
// contact of the linked pairs contacts (parentOf).
func twoParents(t *testing.T, contacts []store.LinkRow, parentOf func(store.LinkRow) string, linked func(string) bool) (keep, gone string) {
	t.Helper()
	for _, l := range contacts {
		co := parentOf(l)
		switch {
		case !linked(co) || co == keep || co == gone:
		case keep == "":
			keep = co
		case gone == "":
			gone = co
		}
	}
	if gone == "" {
		t.Fatal("no two linked companies with linked contacts")
	}
	return keep, gone
}
