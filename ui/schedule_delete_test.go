package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestRecreatedSyncHasNoOldFailure: a scheduled sync's background
// run failed (Salesforce answering 500s), and its card says so. The admin
// deletes the sync on its card and adds it again under the same name
// (say, to start over from the ready-made one). The new sync has never
// run: its card must not show the deleted sync's failure.
func TestRecreatedSyncHasNoOldFailure(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 6h"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	b, ended := startNotifyingBackground(t, l)
	l.srv.Salesforce().Faults().Set(simkit.Faults{P5xx: 1})
	if !b.SyncNow("bg") {
		t.Fatal("the scheduler does not know the sync")
	}
	if e := runEnds(t, ended, "bg"); e.Err == nil {
		t.Fatal("the background run against a failing Salesforce did not fail")
	}
	l.srv.Salesforce().Faults().Set(simkit.Faults{})
	l.wait()
	l.navigate(ScreenSyncs)
	l.see("Last background run failed")

	l.tap("Delete")
	l.tap("Yes")
	l.wait()
	// Added again as a person does in the editor: saved, then the
	// schedules reloaded.
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	l.ui(func() {
		if err := l.u.reloadSchedules(ctx); err != nil {
			t.Error(err)
		}
	})
	l.navigate(ScreenSyncs)
	var shown bool
	var texts []string
	l.ui(func() {
		shown = screenContains(l.u.Window(), "Last background run failed")
		texts = textsOnScreen(l.u.Window())
	})
	if shown {
		t.Errorf("the new sync bg, which never ran, shows the deleted sync's failure: %q", texts)
	}
}
