package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestHistorySaysWhereOlderRunsAre: History lists each sync's latest 200
// runs; a sync with more is named, with the command that lists and undoes
// its older ones, instead of those runs silently missing.
func TestHistorySaysWhereOlderRunsAre(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	if err := l.a.SaveSync(ctx, app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	row, err := l.a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	addRuns := func(n int) {
		for range n {
			id, err := l.a.DB().OpenRun(ctx, row.ID, "schedule", 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.a.DB().FinishRun(ctx, store.RunRow{ID: id, SyncID: row.ID, Status: "success"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	addRuns(historyRunsPerSync - 1)
	l.navigate(ScreenHistory)
	l.see("Select a run to see its errors")
	var listed bool
	l.ui(func() { listed = screenContains(l.u.Window(), "Only the latest") })
	if listed {
		t.Fatal("History says runs are left out when every run is listed")
	}
	addRuns(2)
	l.navigate(ScreenHistory)
	l.see("Only the latest 200 runs of contacts are listed; older ones: crmsync runs --sync NAME --limit N, and crmsync runs undo ID.")
}
