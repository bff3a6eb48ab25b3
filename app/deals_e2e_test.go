package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDealsSyncEndToEnd runs the demo deals sync against both sandboxes
// over real HTTP after the companies sync: deals in both CRMs under one
// name are linked, the others created once on the other side with their
// stage mapped, their close date and their company (a HubSpot deal's
// primary company, an Opportunity's Account, as the companies sync links
// them); the next run writes nothing; a stage moved in Salesforce and an
// Opportunity moved to another Account reach the HubSpot deal; and the
// run after writes nothing again.
func TestDealsSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 17, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if err := a.SaveSync(ctx, app.DemoCompaniesSync("companies", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveSync(ctx, app.DemoDealsSync("deals", "hs", "sf", "companies")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("companies run: %v %+v", err, res)
	}
	companyOf := map[string]string{} // Account -> HubSpot company
	for _, l := range syncLinks(t, a, "companies") {
		companyOf[l.BID] = l.AID
	}
	dealsBefore, oppsBefore := hs.Count("deals"), sf.Count("Opportunity")

	first, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("deals run: %v %+v\n%s", err, first, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 || c.WaitingLink != 0 {
		t.Fatalf("first deals run: %+v, want links and creates on both sides and no company waiting\n%s", c, first.Plan.Summary())
	}
	if hs.Count("deals") != dealsBefore+c.CreateA || sf.Count("Opportunity") != oppsBefore+c.CreateB {
		t.Fatalf("deals %d → %d, Opportunities %d → %d; the plan created %d and %d",
			dealsBefore, hs.Count("deals"), oppsBefore, sf.Count("Opportunity"), c.CreateA, c.CreateB)
	}
	stageOf := map[string]string{"Prospecting": "appointmentscheduled", "Qualification": "qualifiedtobuy", "Proposal/Price Quote": "presentationscheduled",
		"Negotiation/Review": "contractsent", "Closed Won": "closedwon", "Closed Lost": "closedlost"}
	var matched [2]string
	for _, l := range syncLinks(t, a, "deals") {
		d, _ := hs.Get("deals", l.AID)
		o, _ := sf.Get("Opportunity", l.BID)
		_, primary := hs.Associated("deals", l.AID, "companies")
		switch {
		case d.Properties["dealname"] != o.Fields["Name"]:
			t.Errorf("deal %s %q linked to Opportunity %s %q", l.AID, d.Properties["dealname"], l.BID, o.Fields["Name"])
		case stageOf[o.Fields["StageName"]] != d.Properties["dealstage"]:
			t.Errorf("deal %s stage %q, Opportunity %s stage %q", l.AID, d.Properties["dealstage"], l.BID, o.Fields["StageName"])
		case len(d.Properties["closedate"]) < 10 || d.Properties["closedate"][:10] != o.Fields["CloseDate"]:
			t.Errorf("deal %s closes %q, Opportunity %s %q", l.AID, d.Properties["closedate"], l.BID, o.Fields["CloseDate"])
		case primary != companyOf[o.Fields["AccountId"]] || primary == "":
			t.Errorf("deal %s primary company %q; Opportunity %s Account %q is linked to %q", l.AID, primary, l.BID, o.Fields["AccountId"], companyOf[o.Fields["AccountId"]])
		}
		if l.CreatedBy == "" && matched[0] == "" {
			matched = [2]string{l.AID, l.BID}
		}
	}
	if matched[0] == "" {
		t.Fatal("no deal was matched by name")
	}
	if again, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second deals run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// Salesforce moves the Opportunity on and to another Account.
	o, _ := sf.Get("Opportunity", matched[1])
	var other string
	for acc := range companyOf {
		if acc != o.Fields["AccountId"] {
			other = acc
			break
		}
	}
	if _, err := sf.Update("Opportunity", matched[1], map[string]string{"StageName": "Closed Won", "AccountId": other}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 1 {
		t.Fatalf("run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	d, _ := hs.Get("deals", matched[0])
	if _, primary := hs.Associated("deals", matched[0], "companies"); d.Properties["dealstage"] != "closedwon" || primary != companyOf[other] {
		t.Fatalf("HubSpot deal %s after the move: stage %q, primary company %q; want closedwon and %q", matched[0], d.Properties["dealstage"], primary, companyOf[other])
	}
	for i := range 2 {
		again, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("run %d after the move: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
}
