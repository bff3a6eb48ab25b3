package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestSyncAllRunsEverySyncInOrder: Sync all on the Syncs screen runs the
// 32 ready-made syncs once, each after the syncs it links through
// (companies before the contacts and deals that name them, contacts
// before their activities), and says how each ended. A first contacts
// sync over its safety limit is not applied: the outcome names it and
// offers its preview.
func TestSyncAllRunsEverySyncInOrder(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	l.navigate(ScreenSyncs)
	l.tap("Sync all")
	l.see("Synced all")
	l.see(demoCompanies + ": success, created")
	runID := map[string]int64{}
	var unconfirmed []string
	defs := app.DemoSyncs(demoConnections)
	for _, def := range defs {
		runs, err := l.a.Runs(ctx, def.Name, 5)
		if err != nil || len(runs) != 1 {
			t.Fatalf("%s: runs %+v %v; want one", def.Name, runs, err)
		}
		switch st := runs[0].Run.Status; st {
		case "success":
		case "needs_confirmation":
			unconfirmed = append(unconfirmed, def.Name)
			l.see(def.Name + ": not applied, it needs your confirmation")
		default:
			t.Errorf("%s: run %s", def.Name, st)
		}
		runID[def.Name] = runs[0].Run.ID
	}
	for _, def := range defs {
		for _, dep := range mapping.LinkedSyncs(def.Fields) {
			if runID[dep] > runID[def.Name] {
				t.Errorf("%s ran (run %d) before %s (run %d), whose links it translates through", def.Name, runID[def.Name], dep, runID[dep])
			}
		}
	}
	l.see(fmt.Sprintf("%d of %d syncs ran without a problem", len(defs)-len(unconfirmed), len(defs)))
	if len(unconfirmed) == 0 {
		t.Fatal("no sync stopped at its safety limit; the test no longer covers the offered preview")
	}
	l.see(fmt.Sprintf("%d need your confirmation in their preview", len(unconfirmed)))
	first := slices.MinFunc(unconfirmed, func(a, b string) int { return cmp.Compare(runID[a], runID[b]) })
	l.tap("Preview " + first)
	l.see("Preview of " + first)
}
