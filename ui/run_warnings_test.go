package ui

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestRunWarningsShownAfterRun: a run through the window whose plan
// warns (a held delete closed because the Contact was restored) says so in
// the "Run finished" dialog, and the run in History lists the warning.
func TestRunWarningsShownAfterRun(t *testing.T) {
	l := newLiveContacts(t, 8)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Safety.PropagateDeletes = true
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	row, err := l.a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	links, err := l.a.DB().Links(ctx, row.ID)
	if err != nil || len(links) == 0 {
		t.Fatalf("links: %v %v", links, err)
	}
	sfID := links[0].BID
	time.Sleep(1100 * time.Millisecond)
	if !l.srv.Salesforce().Delete("Contact", sfID) {
		t.Fatalf("could not delete Contact %s", sfID)
	}
	if res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := l.srv.Salesforce().Undelete("Contact", sfID); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.tap("Sync now")
	l.see("Run finished")
	l.see("1 warning:")
	l.see(sfID + " on side B is no longer deleted")
	runs, err := l.a.Runs(ctx, "contacts", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	l.closeDialogs()
	l.navigate(ScreenHistory)
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	l.see("Warnings (1)")
	l.see(sfID + " on side B is no longer deleted")
}
