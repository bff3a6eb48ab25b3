package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestAccountMergeMovesContactsCompany merges two linked Salesforce
// Accounts. Salesforce reparents the merged-away Account's Contacts to the
// master (merge() "makes the main record the new parent of the related
// records"), so the contacts sync must move their HubSpot contacts to the
// company linked to the master, and create nothing.
func TestAccountMergeMovesContactsCompany(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 37, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"))
	for _, name := range []string{"companies", "contacts"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	companyOf := map[string]string{} // Account id -> HubSpot company id
	for _, l := range syncLinks(t, a, "companies") {
		companyOf[l.BID] = l.AID
	}
	keep, gone := twoParents(t, syncLinks(t, a, "contacts"), func(l store.LinkRow) string {
		c, _ := sf.Get("Contact", l.BID)
		return c.Fields["AccountId"]
	}, func(acct string) bool { return companyOf[acct] != "" })
	var moved []string // HubSpot contacts whose Contact was on gone
	for _, l := range syncLinks(t, a, "contacts") {
		if c, _ := sf.Get("Contact", l.BID); c.Fields["AccountId"] == gone {
			moved = append(moved, l.AID)
		}
	}
	time.Sleep(5 * time.Millisecond) // past the read cursors' millisecond
	if err := sf.Merge("Account", keep, gone); err != nil {
		t.Fatal(err)
	}
	hsCompanies, hsContacts, sfAccounts := hs.Count("companies"), hs.Count("contacts"), sf.Count("Account")
	for _, name := range []string{"companies", "contacts"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Summary.Created != 0 {
			t.Fatalf("%s run after the merge: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	if hs.Count("companies") != hsCompanies || hs.Count("contacts") != hsContacts || sf.Count("Account") != sfAccounts {
		t.Fatalf("the runs after the merge created records: HubSpot companies %d→%d, contacts %d→%d, Accounts %d→%d",
			hsCompanies, hs.Count("companies"), hsContacts, hs.Count("contacts"), sfAccounts, sf.Count("Account"))
	}
	// Salesforce moved the Contacts to the master, and the runs neither
	// wrote the merged-away Account back nor moved a HubSpot contact to a
	// company the master is not linked to.
	var movedContacts []string
	for _, l := range syncLinks(t, a, "contacts") {
		if slices.Contains(moved, l.AID) {
			movedContacts = append(movedContacts, l.BID)
			if sc, _ := sf.Get("Contact", l.BID); sc.Fields["AccountId"] != keep {
				t.Errorf("Contact %s of the merged-away Account %s has Account %q, want the master %s", l.BID, gone, sc.Fields["AccountId"], keep)
			}
		}
	}
	if len(movedContacts) == 0 {
		t.Fatal("no linked Contact was on the merged-away Account")
	}
	// The HubSpot company of the merged-away Account waits (its delete
	// is held, naming the master's company); once a person merges the two
	// companies in HubSpot as the review says, every moved contact and its
	// Contact name the one company and the master Account.
	merged, err := hs.Merge("companies", companyOf[keep], companyOf[gone])
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"companies", "contacts"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Summary.Created != 0 {
			t.Fatalf("%s run after the HubSpot merge: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	if sf.Count("Account") != sfAccounts {
		t.Fatalf("Accounts %d→%d", sfAccounts, sf.Count("Account"))
	}
	contactOf := map[string]string{}
	for _, l := range syncLinks(t, a, "contacts") {
		contactOf[l.AID] = l.BID
	}
	for _, id := range moved {
		c, _ := hs.Get("contacts", id)
		sc, _ := sf.Get("Contact", contactOf[id])
		if got := c.Properties["associatedcompanyid"]; got != merged || sc.Fields["AccountId"] != keep {
			t.Errorf("HubSpot contact %s has company %q, want %s; its Contact %s has Account %q, want the master %s",
				id, got, merged, contactOf[id], sc.Fields["AccountId"], keep)
		}
	}
}
