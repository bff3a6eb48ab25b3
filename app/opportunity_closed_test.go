package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestWinRefusedForOpportunityLostMeanwhile: a deal is won in
// HubSpot (its amount changed with it) while a person closes its
// opportunity as Lost in Dynamics after crmsync read it Open. Dataverse
// refuses the WinOpportunity (0x80040515, "The opportunity is already
// closed."): the run fails that record naming the opportunity, statecode
// and Microsoft's message, writes none of it, and loses nothing: the
// person's Lost, the later edit, stays and reaches HubSpot on the next
// run, and the amount only HubSpot changed reaches Dynamics then.
func TestWinRefusedForOpportunityLostMeanwhile(t *testing.T) {
	a, srv := dynamicsDealsSandbox(t, 62)
	runOK(t, a, "accounts")
	runOK(t, a, "deals")
	pair := openDealPairs(t, a, srv)[0]
	hs, dv := srv.HubSpot(), srv.Dynamics()
	before, _ := dv.Get("opportunities", pair[1])
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := hs.Update("deals", pair[0], map[string]string{"dealstage": "closedwon", "amount": "7777"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the person's close below is the later edit
	var once sync.Once
	var closeErr error
	res, err := a.Run(context.Background(), "deals", app.RunOptions{Confirm: true, Progress: func(p engine.Progress) {
		if p.Phase == "store" { // planned, nothing written to a CRM yet
			once.Do(func() { closeErr = dv.CloseOpportunity(pair[1], false, -1) })
		}
	}})
	if err != nil || closeErr != nil {
		t.Fatalf("run: %v; the person's close: %v", err, closeErr)
	}
	if res.Summary.Failed != 1 {
		t.Fatalf("run %+v, want the one record failed\n%s", res.Summary, res.Plan.Summary())
	}
	named := false
	for _, g := range res.Failures {
		line := g.Line()
		named = named || strings.Contains(line, pair[1]) && strings.Contains(line, "statecode") && strings.Contains(line, "The opportunity is already closed.")
	}
	if !named {
		t.Fatalf("no failure names opportunity %s, statecode and Dataverse's message: %+v", pair[1], res.Failures)
	}
	o, _ := dv.Get("opportunities", pair[1])
	if sandboxNum(o.Fields["statecode"]) != "2" || sandboxNum(o.Fields["estimatedvalue"]) != sandboxNum(before.Fields["estimatedvalue"]) {
		t.Fatalf("opportunity %s statecode %v estimatedvalue %v after the refused win, want 2 (Lost, the person's) and %v (nothing of the change set written)",
			pair[1], o.Fields["statecode"], o.Fields["estimatedvalue"], before.Fields["estimatedvalue"])
	}

	// The person's close is the later edit: the next run takes it (the
	// sync's newer policy), and the amount only HubSpot changed reaches
	// Dynamics.
	next := runOK(t, a, "deals")
	o, _ = dv.Get("opportunities", pair[1])
	d, _ := hs.Get("deals", pair[0])
	if sandboxNum(o.Fields["statecode"]) != "2" || sandboxNum(o.Fields["estimatedvalue"]) != "7777" || d.Properties["dealstage"] != "closedlost" {
		t.Fatalf("after the next run: opportunity %s statecode %v estimatedvalue %v, deal %s stage %q; want 2, 7777 and closedlost\n%s",
			pair[1], o.Fields["statecode"], o.Fields["estimatedvalue"], pair[0], d.Properties["dealstage"], next.Plan.Summary())
	}
	if n := len(dv.OpportunityCloses(pair[1])); n != 1 {
		t.Fatalf("opportunity %s closed %d times, want once (by the person)", pair[1], n)
	}
}
