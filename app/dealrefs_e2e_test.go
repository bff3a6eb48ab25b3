package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestDeletedCompanyKeepsOpportunityAccount: a HubSpot company is
// deleted and the companies sync holds the delete (deletes are not
// propagated unless told). HubSpot drops the deal's association with it,
// so the deal reads with no company. When the deal is next edited, the
// deals sync must not blank the Opportunity's Account in Salesforce: the
// Account is still there, and no one asked to delete anything there.
func TestDeletedCompanyKeepsOpportunityAccount(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 17, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies"))
	for _, name := range []string{"companies", "deals"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	accountOf := map[string]string{} // HubSpot company -> Account
	for _, l := range syncLinks(t, a, "companies") {
		accountOf[l.AID] = l.BID
	}
	var deal, opp, company string
	for _, l := range syncLinks(t, a, "deals") {
		_, primary := hs.Associated("deals", l.AID, "companies")
		if o, _ := sf.Get("Opportunity", l.BID); primary != "" && accountOf[primary] == o.Fields["AccountId"] {
			deal, opp, company = l.AID, l.BID, primary
			break
		}
	}
	if deal == "" {
		t.Fatal("no synced deal with a linked company")
	}
	account := accountOf[company]

	time.Sleep(5 * time.Millisecond)
	if !hs.Archive("companies", company) {
		t.Fatalf("archive company %s", company)
	}
	if _, err := hs.Update("deals", deal, map[string]string{"amount": "12345"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"companies", "deals"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run after the delete: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
		t.Logf("%s: %+v\n%s", name, res.Summary, res.Plan.Summary())
	}
	if _, ok := sf.Get("Account", account); !ok {
		t.Fatalf("Account %s was deleted though the companies sync holds deletes", account)
	}
	o, _ := sf.Get("Opportunity", opp)
	if o.Fields["Amount"] != "12345" && o.Fields["Amount"] != "12345.0" {
		t.Errorf("Opportunity %s amount %q, want the edit carried", opp, o.Fields["Amount"])
	}
	if o.Fields["AccountId"] != account {
		t.Fatalf("Opportunity %s Account %q after its HubSpot company was deleted (delete held): want %s kept", opp, o.Fields["AccountId"], account)
	}
}
