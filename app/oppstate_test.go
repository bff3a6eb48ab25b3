package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestWonPhaseEditKeepsDealWon: a person moves a Won opportunity's
// sales phase back (Close 3 → Propose 2) in Dynamics while it stays Won.
// The state wins over the phase of a closed opportunity: the HubSpot deal
// stays closedwon, the opportunity stays Won with the phase the person
// chose, it is not closed again, and the runs after write nothing.
func TestWonPhaseEditKeepsDealWon(t *testing.T) {
	a, srv, pair, _ := wonThenEditedInDynamics(t, 61, map[string]any{"salesstage": 2}, "its Won opportunity's phase moved to Propose in Dynamics")
	hs, dv := srv.HubSpot(), srv.Dynamics()
	o, _ := dv.Get("opportunities", pair[1])
	if st, ph := sandboxNum(o.Fields["statecode"]), sandboxNum(o.Fields["salesstage"]); st != "1" || ph != "2" {
		t.Fatalf("opportunity %s statecode %s salesstage %s after the run, want 1 (Won) and 2 (Propose) as the person left it", pair[1], st, ph)
	}
	settledClosedOnce(t, a, dv, pair[1])
	if d, _ := hs.Get("deals", pair[0]); d.Properties["dealstage"] != "closedwon" {
		t.Fatalf("deal %s stage %q after a second run, want closedwon", pair[0], d.Properties["dealstage"])
	}
}

// TestFirstSyncWonAtProposeKeepsDealWon: at the first sync a deal
// closedwon in HubSpot and an opportunity Won in Dynamics at its Propose
// phase (won before anyone moved it to Close, and edited there last)
// agree on the state; the phase of a closed opportunity must not reopen
// the HubSpot deal, and the runs after write nothing.
func TestFirstSyncWonAtProposeKeepsDealWon(t *testing.T) {
	a, srv := dynamicsDealsSandbox(t, 62)
	hs, dv := srv.HubSpot(), srv.Dynamics()
	const name = "Audit won at propose"
	deal, err := hs.Create("deals", map[string]string{"dealname": name, "dealstage": "closedwon", "pipeline": "default"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Dynamics' edit is the later one
	opp, err := dv.Create("opportunities", map[string]any{"name": name, "salesstage": 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := dv.CloseOpportunity(opp.ID, true, -1); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "accounts")
	res := runOK(t, a, "deals")
	if d, _ := hs.Get("deals", deal.ID); d.Properties["dealstage"] != "closedwon" {
		t.Fatalf("deal %s stage %q after the first sync with its opportunity Won at Propose, want closedwon kept\n%s",
			deal.ID, d.Properties["dealstage"], res.Plan.Summary())
	}
	if o, _ := dv.Get("opportunities", opp.ID); sandboxNum(o.Fields["statecode"]) != "1" {
		t.Fatalf("opportunity %s statecode %v after the first sync, want 1 (Won)", opp.ID, o.Fields["statecode"])
	}
	settledClosedOnce(t, a, dv, opp.ID)
	if d, _ := hs.Get("deals", deal.ID); d.Properties["dealstage"] != "closedwon" {
		t.Fatalf("deal %s stage %q after a second run, want closedwon", deal.ID, d.Properties["dealstage"])
	}
}

// TestSeededDealsAgreeOnState: the sandbox seeds some HubSpot deals
// in Dynamics too (one deal entered twice by hand). Where HubSpot's is
// closed won or lost, the opportunity is closed the same way, so the
// first sync links them without a Review item on the state: the demo's
// Review shows the conflicts it means to show, not a seeding accident.
func TestSeededDealsAgreeOnState(t *testing.T) {
	a, srv := connectedSandbox(t, 64, 200)
	if _, err := a.ConnectSandbox(context.Background(), srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("accounts", "hs", "dv"), app.DemoDynamicsDealsSync("deals", "hs", "dv", "accounts"))
	hs, dv := srv.HubSpot(), srv.Dynamics()
	opps := map[string]bool{}
	for _, o := range dv.Records("opportunities") {
		opps[fmt.Sprint(o.Fields["name"])] = true
	}
	closed := 0
	for _, d := range hs.Records("deals") {
		if st := d.Properties["dealstage"]; opps[d.Properties["dealname"]] && (st == "closedwon" || st == "closedlost") {
			closed++
		}
	}
	if closed == 0 {
		t.Fatal("no seeded deal is in both CRMs and closed in HubSpot: the test shows nothing with this seed")
	}
	runOK(t, a, "accounts")
	res := runOK(t, a, "deals")
	for _, it := range res.Plan.Review {
		if strings.Contains(it.Field, "statecode") {
			t.Errorf("seeded deal %s waits in Review on its state: %s", it.RecordID, it.Reason)
		}
	}
	want := map[string]string{"closedwon": "1", "closedlost": "2"}
	for _, l := range syncLinks(t, a, "deals") {
		d, _ := hs.Get("deals", l.AID)
		o, _ := dv.Get("opportunities", l.BID)
		st, ok := want[d.Properties["dealstage"]]
		if !ok {
			st = "0"
		}
		if got := sandboxNum(o.Fields["statecode"]); got != st {
			t.Errorf("deal %s at %s and its opportunity %s at statecode %s after the first sync", l.AID, d.Properties["dealstage"], l.BID, got)
		}
	}
}

// TestLostStatusReasons: the ready-made deals sync maps no status
// reason. A deal lost in HubSpot closes its opportunity through
// LoseOpportunity with Status -1, so Dataverse gives it the Lost state's
// DefaultStatus (4 Canceled in an uncustomized organization); an
// opportunity a person closed as Out-Sold (5) reaches HubSpot as
// closedlost like any lost one, and keeps Out-Sold when the deal's amount
// is edited in HubSpot afterwards.
func TestLostStatusReasons(t *testing.T) {
	a, srv := dynamicsDealsSandbox(t, 65)
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	hs, dv := srv.HubSpot(), srv.Dynamics()
	pairs := openDealPairs(t, a, srv)
	if len(pairs) < 2 {
		t.Fatalf("%d pairs open on both sides, want 2", len(pairs))
	}
	lostHS, outSold := pairs[0], pairs[1]
	if _, err := hs.Update("deals", lostHS[0], map[string]string{"dealstage": "closedlost"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if err := dv.CloseOpportunity(outSold[1], false, 5); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "deals")
	if o, _ := dv.Get("opportunities", lostHS[1]); sandboxNum(o.Fields["statecode"]) != "2" || sandboxNum(o.Fields["statuscode"]) != "4" {
		t.Errorf("opportunity %s after its deal was lost in HubSpot: statecode %v statuscode %v, want 2 (Lost) and 4 (Canceled, Lost's default)",
			lostHS[1], o.Fields["statecode"], o.Fields["statuscode"])
	}
	if d, _ := hs.Get("deals", outSold[0]); d.Properties["dealstage"] != "closedlost" {
		t.Errorf("deal %s stage %q after its opportunity was lost as Out-Sold, want closedlost", outSold[0], d.Properties["dealstage"])
	}
	if _, err := hs.Update("deals", outSold[0], map[string]string{"amount": "4321"}); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "deals")
	o, _ := dv.Get("opportunities", outSold[1])
	if st, sc, v := sandboxNum(o.Fields["statecode"]), sandboxNum(o.Fields["statuscode"]), sandboxNum(o.Fields["estimatedvalue"]); st != "2" || sc != "5" || v != "4321" {
		t.Errorf("Out-Sold opportunity %s after its deal's amount was edited in HubSpot: statecode %s statuscode %s estimatedvalue %s, want 2, 5 and 4321", outSold[1], st, sc, v)
	}
	for _, p := range [][2]string{lostHS, outSold} {
		if n := len(dv.OpportunityCloses(p[1])); n != 1 {
			t.Errorf("opportunity %s closed %d times, want once", p[1], n)
		}
	}
}
