package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// savedContactsSync connects both vendors and saves the demo "contacts"
// sync, without running it; it returns the sync's row in the store.
func savedContactsSync(t *testing.T, l *live) store.SyncRow {
	t.Helper()
	ctx := context.Background()
	connectDemoContacts(t, l)
	row, err := l.a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	return row
}

// addFinishedRun puts in the store a scheduled run of sync r.SyncID that
// ended as r says (status, warnings), as if the scheduler had run it.
func addFinishedRun(t *testing.T, l *live, r store.RunRow) {
	t.Helper()
	ctx := context.Background()
	id, err := l.a.DB().OpenRun(ctx, r.SyncID, "schedule", 0)
	if err != nil {
		t.Fatal(err)
	}
	r.ID = id
	if err := l.a.DB().FinishRun(ctx, r); err != nil {
		t.Fatal(err)
	}
}

// TestHistorySaysWhereOlderRunsAre: History lists each sync's latest 200
// runs; a sync with more is named, with the command that lists and undoes
// its older ones, instead of those runs silently missing.
func TestHistorySaysWhereOlderRunsAre(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	addRuns := func(n int) {
		for range n {
			addFinishedRun(t, l, store.RunRow{SyncID: row.ID, Status: "success"})
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
