package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// actualsDealsSandbox connects Dynamics beside HubSpot and saves the
// ready-made companies sync and a deals sync that keeps closed deals'
// figures: the ready-made one with the close date going to the
// opportunity's Actual Close Date and the amount to its Actual Revenue.
func actualsDealsSandbox(t *testing.T, seed int64) (*app.App, *sandbox.Server) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 30)
	if _, err := a.ConnectSandbox(context.Background(), srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	deals := app.DemoDynamicsDealsSync("deals", "hs", "dv", "accounts")
	moved := 0
	for i, f := range deals.Fields {
		switch f.B {
		case "estimatedclosedate":
			deals.Fields[i].B, moved = "actualclosedate", moved+1
		case "estimatedvalue":
			deals.Fields[i].B, moved = "actualvalue", moved+1
		}
	}
	if moved != 2 {
		t.Fatalf("the ready-made deals sync has no close date or amount row to move: %+v", deals.Fields)
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("accounts", "hs", "dv"), deals)
	return a, srv
}

// wantWonWithActuals checks that opportunity id is Won with Actual Close
// Date date and Actual Revenue value.
func wantWonWithActuals(t *testing.T, srv *sandbox.Server, id, what, date, value string, res app.RunResult) {
	t.Helper()
	o, ok := srv.Dynamics().Get("opportunities", id)
	if !ok {
		t.Fatalf("%s: opportunity %s is gone", what, id)
	}
	st, d, v := sandboxNum(o.Fields["statecode"]), sandboxNum(o.Fields["actualclosedate"]), sandboxNum(o.Fields["actualvalue"])
	if st != "1" || d != date || v != value {
		t.Fatalf("%s: opportunity %s statecode %s actualclosedate %q actualvalue %q, want 1 (Won), %s and %s\n%s",
			what, id, st, d, v, date, value, res.Plan.Summary())
	}
}

// wantQuietRun runs the deals sync again: it writes nothing on either
// side, and the deal keeps its close date and amount.
func wantQuietRun(t *testing.T, a *app.App, srv *sandbox.Server, deal, date, amount string) {
	t.Helper()
	echo := runOK(t, a, "deals")
	if echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Fatalf("the run after wrote %+v\n%s", echo.Summary, echo.Plan.Summary())
	}
	d, _ := srv.HubSpot().Get("deals", deal)
	if got := d.Properties["closedate"]; len(got) < 10 || got[:10] != date || sandboxNum(d.Properties["amount"]) != amount {
		t.Fatalf("deal %s closedate %q amount %q after the run after, want %s and %s", deal, got, d.Properties["amount"], date, amount)
	}
}

// TestWonDealKeepsCloseDateAndAmountInDynamics: a HubSpot deal
// won on 2025-03-14 for 12,000 reaches Dynamics, through a sync mapping
// the close date to the opportunity's Actual Close Date and the amount to
// its Actual Revenue, as an opportunity won on 2025-03-14 for 12,000, not
// as won today without revenue (what WinOpportunity sets when its
// OpportunityClose carries neither); and the next run writes nothing on
// either side, where HubSpot's deal would have taken today's date.
func TestWonDealKeepsCloseDateAndAmountInDynamics(t *testing.T) {
	a, srv := actualsDealsSandbox(t, 71)
	deal, err := srv.HubSpot().Create("deals", map[string]string{"dealname": "Audit won in March", "dealstage": "closedwon",
		"pipeline": "default", "closedate": "2025-03-14T00:00:00Z", "amount": "12000"})
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "accounts")
	res := runOK(t, a, "deals")
	opp := ""
	for _, l := range syncLinks(t, a, "deals") {
		if l.AID == deal.ID {
			opp = l.BID
		}
	}
	if opp == "" {
		t.Fatalf("deal %s has no opportunity after the first run\n%s", deal.ID, res.Plan.Summary())
	}
	wantWonWithActuals(t, srv, opp, "created from a deal won on 2025-03-14 for 12000", "2025-03-14", "12000", res)
	wantQuietRun(t, a, srv, deal.ID, "2025-03-14", "12000")
}

// TestDealWonLaterKeepsItsCloseDateInDynamics: an open deal whose
// close date (2025-03-14) and amount (12,000) already reached its
// opportunity's Actual Close Date and Actual Revenue is then won in
// HubSpot, its stage alone changed: the WinOpportunity keeps the
// opportunity's date and revenue, the sync's own values, and the next run
// writes nothing on either side.
func TestDealWonLaterKeepsItsCloseDateInDynamics(t *testing.T) {
	a, srv := actualsDealsSandbox(t, 72)
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	pair := openDealPairs(t, a, srv)[0]
	hs := srv.HubSpot()
	if _, err := hs.Update("deals", pair[0], map[string]string{"closedate": "2025-03-14T00:00:00Z", "amount": "12000"}); err != nil {
		t.Fatal(err)
	}
	res := runOK(t, a, "deals")
	if o, _ := srv.Dynamics().Get("opportunities", pair[1]); sandboxNum(o.Fields["actualclosedate"]) != "2025-03-14" || sandboxNum(o.Fields["actualvalue"]) != "12000" {
		t.Fatalf("open opportunity %s actualclosedate %v actualvalue %v, want 2025-03-14 and 12000\n%s",
			pair[1], o.Fields["actualclosedate"], o.Fields["actualvalue"], res.Plan.Summary())
	}
	if _, err := hs.Update("deals", pair[0], map[string]string{"dealstage": "closedwon"}); err != nil {
		t.Fatal(err)
	}
	res = runOK(t, a, "deals")
	wantWonWithActuals(t, srv, pair[1], "won later in HubSpot, its stage alone changed", "2025-03-14", "12000", res)
	wantQuietRun(t, a, srv, pair[0], "2025-03-14", "12000")
}
