package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// wonBothSidesAtOtherPhases links the deals, then wins one pair on both
// sides since that run: closedwon in HubSpot, and in Dynamics its phase
// moved (to Develop, or Propose where it was at Develop) before a person
// closed it as Won there, the later edit. It returns the pair and the
// phase Dynamics holds.
func wonBothSidesAtOtherPhases(t *testing.T, a *app.App, srv *sandbox.Server) ([2]string, string) {
	t.Helper()
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	pair := openDealPairs(t, a, srv)[0]
	hs, dv := srv.HubSpot(), srv.Dynamics()
	o, _ := dv.Get("opportunities", pair[1])
	phase := 1
	if sandboxNum(o.Fields["salesstage"]) == "1" {
		phase = 2
	}
	if _, err := hs.Update("deals", pair[0], map[string]string{"dealstage": "closedwon"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution: Dynamics' edit is the later one
	if _, err := dv.Update("opportunities", pair[1], map[string]any{"salesstage": phase}); err != nil {
		t.Fatal(err)
	}
	if err := dv.CloseOpportunity(pair[1], true, -1); err != nil {
		t.Fatal(err)
	}
	return pair, sandboxNum(phase)
}

// wantWonBothSides fails unless the deal is closedwon in HubSpot and the
// opportunity Won in Dynamics at phase, closed once.
func wantWonBothSides(t *testing.T, srv *sandbox.Server, pair [2]string, phase, after string) {
	t.Helper()
	if d, _ := srv.HubSpot().Get("deals", pair[0]); d.Properties["dealstage"] != "closedwon" {
		t.Errorf("deal %s stage %q %s, want closedwon: its opportunity is Won", pair[0], d.Properties["dealstage"], after)
	}
	o, _ := srv.Dynamics().Get("opportunities", pair[1])
	if st, ph := sandboxNum(o.Fields["statecode"]), sandboxNum(o.Fields["salesstage"]); st != "1" || ph != phase {
		t.Errorf("opportunity %s statecode %s salesstage %s %s, want 1 (Won) and %s", pair[1], st, ph, after, phase)
	}
	if n := len(srv.Dynamics().OpportunityCloses(pair[1])); n != 1 {
		t.Errorf("opportunity %s closed %d times %s, want once (by the person)", pair[1], n, after)
	}
}

// TestPhaseDecisionOnWonPairIsExplained: under the review policy a
// deal won on both sides since the last run, at another phase in each,
// waits in Review on its phase. The person takes Dynamics' phase. HubSpot
// has one stage for a won deal, so the decision cannot move HubSpot's
// stage without reopening a deal both CRMs hold Won: HubSpot's deal stays
// closedwon, the opportunity stays Won at the phase chosen, and the run
// says so, naming the item and the deal, rather than closing the item in
// silence.
func TestPhaseDecisionOnWonPairIsExplained(t *testing.T) {
	ctx := context.Background()
	a, srv := dynamicsDealsSandbox(t, 71)
	def := app.DemoDynamicsDealsSync("deals", "hs", "dv", "accounts")
	def.Conflict = engine.ConflictReview
	saveSyncs(t, a, def)
	pair, phase := wonBothSidesAtOtherPhases(t, a, srv)
	runOK(t, a, "deals")
	item := openConflictOn(t, a, "deals", pair[0], "salesstage")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-b"}); err != nil {
		t.Fatal(err)
	}
	res := runOK(t, a, "deals")
	wantWonBothSides(t, srv, pair, phase, "after the person took Dynamics' phase")
	said := false
	for _, w := range res.Plan.Warnings {
		said = said || strings.Contains(w, pair[0]+" in hs deals") && strings.Contains(w, "review item") && strings.Contains(w, "statecode")
	}
	t.Logf("warnings: %q", res.Plan.Warnings)
	if !said {
		t.Errorf("the decision on item %d was not applied to HubSpot and no warning names deal %s and why: %q", item.ID, pair[0], res.Plan.Warnings)
	}
	if open, _ := a.Reviews(ctx, "deals", "conflict", "open"); len(open) > 0 {
		for _, it := range open {
			if it.RecordID == pair[0] {
				t.Errorf("item %d about deal %s still open after the decision's run: %s", it.ID, pair[0], it.Detail)
			}
		}
	}
	if echo := runOK(t, a, "deals"); echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Errorf("the run after wrote %+v\n%s", echo.Summary, echo.Plan.Summary())
	}
	wantWonBothSides(t, srv, pair, phase, "a run after the decision's")
}

// TestWonBothSidesAtOtherPhasesStaysWon: under the ready-made
// policy (newer) the same pair must not have its HubSpot deal reopened
// by Dynamics' later phase: the state both CRMs moved to, Won, wins over
// the phase, and the run after does not reopen the opportunity either.
func TestWonBothSidesAtOtherPhasesStaysWon(t *testing.T) {
	a, srv := dynamicsDealsSandbox(t, 72)
	pair, phase := wonBothSidesAtOtherPhases(t, a, srv)
	runOK(t, a, "deals")
	wantWonBothSides(t, srv, pair, phase, "after both CRMs won it")
	runOK(t, a, "deals")
	wantWonBothSides(t, srv, pair, phase, "a run after")
}

// TestFirstSyncStateDecisionTakesDynamics: at a first sync a deal
// open in HubSpot and Won in Dynamics waits in Review on its state
// (TestFirstSyncKeepsWonOpportunityWon). The person takes Dynamics: the
// HubSpot deal becomes closedwon, the opportunity stays Won without being
// closed again, the item is done, and the run after writes nothing.
func TestFirstSyncStateDecisionTakesDynamics(t *testing.T) {
	ctx := context.Background()
	a, srv := dynamicsDealsSandbox(t, 73)
	hs, dv := srv.HubSpot(), srv.Dynamics()
	const name = "Audit state decision"
	opp, deal := wonHereOpenThere(t, a, srv, name)
	item := openConflictOn(t, a, "deals", deal.ID, "statecode")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-b"}); err != nil {
		t.Fatal(err)
	}
	res := runOK(t, a, "deals")
	if d, _ := hs.Get("deals", deal.ID); d.Properties["dealstage"] != "closedwon" {
		t.Errorf("deal %s stage %q after the person took Dynamics' Won, want closedwon\n%s", deal.ID, d.Properties["dealstage"], res.Plan.Summary())
	}
	if o, _ := dv.Get("opportunities", opp.ID); sandboxNum(o.Fields["statecode"]) != "1" {
		t.Errorf("opportunity %s statecode %v after the decision, want 1 (Won)", opp.ID, o.Fields["statecode"])
	}
	if open, _ := a.Reviews(ctx, "deals", "conflict", "open"); len(open) > 0 {
		for _, it := range open {
			if it.RecordID == deal.ID {
				t.Errorf("item %d about deal %s open after the decision's run: %s", it.ID, deal.ID, it.Detail)
			}
		}
	}
	settledClosedOnce(t, a, dv, opp.ID)
}

// openConflictOn is sync's open conflict item about record id on the row
// whose field names part (a together row's "dealstage>salesstage").
func openConflictOn(t *testing.T, a *app.App, sync, id, part string) app.ReviewView {
	t.Helper()
	items, err := a.Reviews(context.Background(), sync, "conflict", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == id && strings.Contains(it.Field, part) {
			return it
		}
	}
	t.Fatalf("no open conflict on %s for %s in %s: %+v", part, id, sync, items)
	return app.ReviewView{}
}
