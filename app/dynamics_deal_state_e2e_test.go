package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// dynamicsDealsSandbox connects Dynamics beside HubSpot and saves the
// ready-made companies and deals syncs between them (not run yet).
func dynamicsDealsSandbox(t *testing.T, seed int64) (*app.App, *sandbox.Server) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 30)
	if _, err := a.ConnectSandbox(context.Background(), srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("accounts", "hs", "dv"), app.DemoDynamicsDealsSync("deals", "hs", "dv", "accounts"))
	return a, srv
}

// sandboxNum is a sandbox value as text ("1" for 1, 1.0 or "1").
func sandboxNum(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimSuffix(fmt.Sprint(v), ".0")
}

// openDealPairs lists the deals sync's linked pairs whose deal is at an
// open stage and whose opportunity is Open.
func openDealPairs(t *testing.T, a *app.App, srv *sandbox.Server) [][2]string {
	t.Helper()
	var out [][2]string
	for _, l := range syncLinks(t, a, "deals") {
		d, _ := srv.HubSpot().Get("deals", l.AID)
		o, _ := srv.Dynamics().Get("opportunities", l.BID)
		if st := d.Properties["dealstage"]; st != "closedwon" && st != "closedlost" && sandboxNum(o.Fields["statecode"]) == "0" {
			out = append(out, [2]string{l.AID, l.BID})
		}
	}
	if len(out) == 0 {
		t.Fatal("no linked deal is open on both sides")
	}
	return out
}

// settledClosedOnce: the deals sync's next run writes nothing, and the
// opportunity was closed once in all.
func settledClosedOnce(t *testing.T, a *app.App, dv *dynamics.Sim, opp string) {
	t.Helper()
	if echo := runOK(t, a, "deals"); echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Fatalf("the run after wrote %+v\n%s", echo.Summary, echo.Plan.Summary())
	}
	if n := len(dv.OpportunityCloses(opp)); n != 1 {
		t.Fatalf("opportunity %s closed %d times, want once", opp, n)
	}
}

// dealWonInHubSpot runs the companies and deals syncs, moves the first
// deal open on both sides to closedwon in HubSpot and runs the deals sync
// again. It returns the app, the sandbox and the pair (deal, opportunity).
func dealWonInHubSpot(t *testing.T, seed int64) (*app.App, *sandbox.Server, [2]string) {
	t.Helper()
	a, srv := dynamicsDealsSandbox(t, seed)
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	pair := openDealPairs(t, a, srv)[0]
	if _, err := srv.HubSpot().Update("deals", pair[0], map[string]string{"dealstage": "closedwon"}); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "deals")
	return a, srv, pair
}

// TestDealWonInHubSpotWinsOpportunity: a HubSpot deal moved to
// Closed Won makes its Dynamics opportunity Won through WinOpportunity
// (statecode 1, status reason Won, one opportunityclose recorded), and
// the run after writes nothing.
func TestDealWonInHubSpotWinsOpportunity(t *testing.T) {
	a, srv, pair := dealWonInHubSpot(t, 51)
	dv := srv.Dynamics()
	o, _ := dv.Get("opportunities", pair[1])
	if st, sc := sandboxNum(o.Fields["statecode"]), sandboxNum(o.Fields["statuscode"]); st != "1" || sc != "3" {
		t.Fatalf("opportunity %s after its deal %s was won in HubSpot: statecode %s statuscode %s, want 1 (Won) and 3 (Won)", pair[1], pair[0], st, sc)
	}
	closes := dv.OpportunityCloses(pair[1])
	if len(closes) != 1 || closes[0].State != 1 {
		t.Fatalf("opportunityclose records of %s: %+v, want one Won", pair[1], closes)
	}
	settledClosedOnce(t, a, dv, pair[1])
}

// TestOpportunityLostInDynamicsClosesDeal: an opportunity closed as
// Lost in Dynamics (LoseOpportunity) moves its HubSpot deal to Closed
// Lost, the opportunity stays Lost, and the run after writes nothing.
func TestOpportunityLostInDynamicsClosesDeal(t *testing.T) {
	a, srv := dynamicsDealsSandbox(t, 52)
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	pair := openDealPairs(t, a, srv)[0]
	hs, dv := srv.HubSpot(), srv.Dynamics()
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if err := dv.CloseOpportunity(pair[1], false, -1); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "deals")
	if d, _ := hs.Get("deals", pair[0]); d.Properties["dealstage"] != "closedlost" {
		t.Fatalf("deal %s stage %q after its opportunity %s was lost in Dynamics, want closedlost", pair[0], d.Properties["dealstage"], pair[1])
	}
	if o, _ := dv.Get("opportunities", pair[1]); sandboxNum(o.Fields["statecode"]) != "2" {
		t.Fatalf("opportunity %s statecode %v after the sync, want 2 (Lost)", pair[1], o.Fields["statecode"])
	}
	settledClosedOnce(t, a, dv, pair[1])
}

// TestFirstSyncKeepsWonOpportunityWon: at the first sync a deal open
// in HubSpot (and edited there last) and Won in Dynamics is not reopened
// in Dynamics nor closed in HubSpot: the state waits in Review, and the
// run after writes nothing.
func TestFirstSyncKeepsWonOpportunityWon(t *testing.T) {
	a, srv := dynamicsDealsSandbox(t, 53)
	hs, dv := srv.HubSpot(), srv.Dynamics()
	const name = "Audit first-link renewal"
	opp, deal := wonHereOpenThere(t, a, srv, name)
	linked := false
	for _, l := range syncLinks(t, a, "deals") {
		linked = linked || l.AID == deal.ID && l.BID == opp.ID
	}
	if !linked {
		t.Fatalf("deal %s and opportunity %s (one name) were not linked", deal.ID, opp.ID)
	}
	if o, _ := dv.Get("opportunities", opp.ID); sandboxNum(o.Fields["statecode"]) != "1" {
		t.Fatalf("won opportunity %s statecode %v after the first sync, want 1 (Won): reopened because HubSpot's stage is open", opp.ID, o.Fields["statecode"])
	}
	if n := len(dv.OpportunityCloses(opp.ID)); n != 1 {
		t.Fatalf("opportunity %s closed %d times, want once (by the person)", opp.ID, n)
	}
	if d, _ := hs.Get("deals", deal.ID); d.Properties["dealstage"] != "contractsent" {
		t.Fatalf("deal %s stage %q after the first sync, want contractsent as it was", deal.ID, d.Properties["dealstage"])
	}
	items, err := a.Reviews(context.Background(), "deals", "conflict", "open")
	if err != nil {
		t.Fatal(err)
	}
	waiting := false
	for _, it := range items {
		waiting = waiting || it.RecordID == deal.ID && strings.Contains(it.Field, "statecode")
	}
	if !waiting {
		t.Fatalf("no open conflict on statecode for deal %s: %+v", deal.ID, items)
	}
	if echo := runOK(t, a, "deals"); echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Fatalf("the run after wrote %+v\n%s", echo.Summary, echo.Plan.Summary())
	}
}

// wonThenEditedInDynamics wins a deal in HubSpot through the sync
// (dealWonInHubSpot), then a person edits its opportunity in Dynamics
// (change, what the failure says happened), and the next run must leave
// the HubSpot deal closedwon.
func wonThenEditedInDynamics(t *testing.T, seed int64, change map[string]any, edit string) (*app.App, *sandbox.Server, [2]string, app.RunResult) {
	t.Helper()
	a, srv, pair := dealWonInHubSpot(t, seed)
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := srv.Dynamics().Update("opportunities", pair[1], change); err != nil {
		t.Fatal(err)
	}
	res := runOK(t, a, "deals")
	if d, _ := srv.HubSpot().Get("deals", pair[0]); d.Properties["dealstage"] != "closedwon" {
		t.Fatalf("deal %s stage %q after %s, want closedwon kept\n%s", pair[0], d.Properties["dealstage"], edit, res.Plan.Summary())
	}
	return a, srv, pair, res
}

// TestReopenedOpportunityLeavesWonDeal: an opportunity won through
// the sync and then reopened in Dynamics (statecode 0) leaves its HubSpot
// deal at closedwon, since Open names no one HubSpot stage, and the run
// says so; the opportunity is not closed again.
func TestReopenedOpportunityLeavesWonDeal(t *testing.T) {
	_, srv, pair, res := wonThenEditedInDynamics(t, 54, map[string]any{"statecode": 0}, "its opportunity was reopened in Dynamics")
	dv := srv.Dynamics()
	if o, _ := dv.Get("opportunities", pair[1]); sandboxNum(o.Fields["statecode"]) != "0" {
		t.Fatalf("reopened opportunity %s statecode %v after the run, want 0 (Open) as the person left it", pair[1], o.Fields["statecode"])
	}
	said := false
	for _, w := range res.Plan.Warnings {
		said = said || strings.Contains(w, pair[0]) && strings.Contains(w, "statecode")
	}
	if !said {
		t.Fatalf("no warning names deal %s kept: %q", pair[0], res.Plan.Warnings)
	}
	if n := len(dv.OpportunityCloses(pair[1])); n != 1 {
		t.Fatalf("opportunity %s closed %d times, want once", pair[1], n)
	}
}

// wonHereOpenThere makes an opportunity name Won in Dynamics at its
// Develop phase and then, the later edit, a HubSpot deal of the same name
// at contractsent (open), and runs accounts and deals: their first link.
func wonHereOpenThere(t *testing.T, a *app.App, srv *sandbox.Server, name string) (opp dynamics.Record, deal hssim.Record) {
	t.Helper()
	opp, err := srv.Dynamics().Create("opportunities", map[string]any{"name": name, "salesstage": 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Dynamics().CloseOpportunity(opp.ID, true, -1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // HubSpot's edit is the later one
	deal, err = srv.HubSpot().Create("deals", map[string]string{"dealname": name, "dealstage": "contractsent", "pipeline": "default"})
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	return opp, deal
}
