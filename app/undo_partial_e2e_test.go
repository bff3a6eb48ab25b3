package app_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestUndoDealsTransforms: a run carries a HubSpot deal's amount,
// stage and close date to its Opportunity and a Salesforce Opportunity's
// to its deal; undoing it puts every value back on both sides, with
// nothing sent to review: nobody changed anything since.
func TestUndoDealsTransforms(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 17, 30)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies"))
	for _, name := range []string{"companies", "deals"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	links := syncLinks(t, a, "deals")
	if len(links) < 2 {
		t.Fatalf("deal links: %v", links)
	}
	fromHS, fromSF := links[0], links[1]
	sfBefore, _ := sf.Get("Opportunity", fromHS.BID)
	hsBefore, _ := hs.Get("deals", fromSF.AID)
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("deals", fromHS.AID, map[string]string{"amount": "98765.5", "dealstage": "contractsent", "closedate": "2027-03-04T00:00:00.000Z"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Opportunity", fromSF.BID, map[string]string{"Amount": "4321", "StageName": "Closed Won", "CloseDate": "2027-05-06"}); err != nil {
		t.Fatal(err)
	}
	u := undoLogged(ctx, t, a, runUpdating(ctx, t, a, "deals", 2).Summary.RunID)
	if len(u.Plan.Review) != 0 {
		t.Errorf("undo sent %d item(s) to review though nobody changed the deals: %+v", len(u.Plan.Review), u.Plan.Review)
	}
	sfAfter, _ := sf.Get("Opportunity", fromHS.BID)
	for _, f := range []string{"Amount", "StageName", "CloseDate"} {
		if sfAfter.Fields[f] != sfBefore.Fields[f] {
			t.Errorf("after the undo Opportunity %s %s = %q, want %q", fromHS.BID, f, sfAfter.Fields[f], sfBefore.Fields[f])
		}
	}
	hsAfter, _ := hs.Get("deals", fromSF.AID)
	for _, f := range []string{"amount", "dealstage", "closedate"} {
		if hsAfter.Properties[f] != hsBefore.Properties[f] {
			t.Errorf("after the undo deal %s %s = %q, want %q", fromSF.AID, f, hsAfter.Properties[f], hsBefore.Properties[f])
		}
	}
	for i := range 2 {
		r, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
		if err != nil || r.Summary.Created+r.Summary.Updated != 0 {
			t.Errorf("run %d after the undo: %v %+v\n%s", i+1, err, r.Summary, r.Plan.Summary())
		}
	}
}

// clockedSandbox is connectedSandbox with an app clock the test can move
// forward, so a failed record's retry comes due.
func clockedSandbox(t *testing.T, seed int64, contacts int) (*app.App, *sandbox.Server, *atomic.Int64) {
	t.Helper()
	offset := &atomic.Int64{}
	a, srv := connectedSandboxAt(t, seed, contacts, func() time.Time { return time.Now().Add(time.Duration(offset.Load())) })
	return a, srv, offset
}

// TestPartialUndoSaysUndoAgain: an undo whose write to Salesforce fails
// (a 503) ends partial. It used to say its failed records "will be
// retried", but a sync run retries what the sync would write, never an
// undo's old value, so the undo was left half done without a word. It now
// says to undo the run again, and doing so finishes it.
func TestPartialUndoSaysUndoAgain(t *testing.T) {
	ctx := context.Background()
	a, srv, offset := clockedSandbox(t, 91, 12)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, a, "contacts")
	toSF, toHS := links[0], links[1]
	sfBefore, _ := sf.Get("Contact", toSF.BID)
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("contacts", toSF.AID, map[string]string{"firstname": "Bartholomew"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", toHS.BID, map[string]string{"FirstName": "Zebedee"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 2 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	// Salesforce fails every call once the undo starts writing.
	var once sync.Once
	down := func(engine.Progress) { once.Do(func() { sf.Faults().Set(simkit.Faults{P5xx: 1}) }) }
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true, Progress: down})
	sf.Faults().Set(simkit.Faults{})
	if err != nil || u.Summary == nil || u.Summary.Failed != 1 {
		t.Fatalf("undo: %v %+v; want one failed record", err, u.Summary)
	}
	t.Logf("undo: %s: %s", u.Summary.Status, u.Summary.Message)
	offset.Store(int64(3 * time.Hour))
	for i := range 2 {
		r, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Trigger: "retry"})
		t.Logf("run %d after the undo: %v %+v", i+1, err, r.Summary)
	}
	got, _ := sf.Get("Contact", toSF.BID)
	if got.Fields["FirstName"] != sfBefore.Fields["FirstName"] && strings.Contains(u.Summary.Message, "retried") {
		t.Errorf("the undo said its failed record %q; after the retries Salesforce Contact %s FirstName is still %q, not the undone %q",
			u.Summary.Message, toSF.BID, got.Fields["FirstName"], sfBefore.Fields["FirstName"])
	}
	// What the message says to do finishes the undo.
	if !strings.Contains(u.Summary.Message, "undo run") {
		t.Errorf("the partial undo's message %q does not say how to write the rest back", u.Summary.Message)
	}
	again, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Updated != 1 || len(again.Plan.Review) != 0 {
		t.Fatalf("undo again: %v %+v review %+v", err, again.Summary, again.Plan.Review)
	}
	if got, _ := sf.Get("Contact", toSF.BID); got.Fields["FirstName"] != sfBefore.Fields["FirstName"] {
		t.Errorf("after undoing again FirstName %q, want %q", got.Fields["FirstName"], sfBefore.Fields["FirstName"])
	}
}
