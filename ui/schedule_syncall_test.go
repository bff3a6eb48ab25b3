package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestTraySyncAllBesideScheduledRun: the tray's "Sync all now" is
// pressed while a scheduled run of the same sync is writing. That sync is
// not run twice, and nothing failed: the notification must not count it
// as failed ("see History", where no failure is), and must say it was
// already running.
func TestTraySyncAllBesideScheduledRun(t *testing.T) {
	l, g := liveWithSalesforceWritesHeld(t, "bg", func(d *engine.Definition) { d.Schedule = "every 6h" })
	ctx := context.Background()
	notes := countNotifications(l)
	b, ended := startNotifyingBackground(t, l)
	g.close() // from here Salesforce's writes wait
	if !b.SyncNow("bg") {
		t.Fatal("the scheduler does not know the sync")
	}
	<-g.held // the background run is writing to Salesforce, held there
	l.ui(func() { l.u.syncAllInBackground() })
	g.open()
	if e := runEnds(t, ended, "bg"); e.Err != nil {
		t.Fatalf("the background run: %v", e.Err)
	}
	l.wait()

	runs, err := l.a.Runs(ctx, "bg", 10)
	if err != nil {
		t.Fatal(err)
	}
	failedRuns := 0
	for _, r := range runs {
		if r.Run.Status == "failed" || r.Run.Status == "partial" {
			failedRuns++
		}
	}
	var all []string
	for _, n := range notes.take() {
		if strings.Contains(n.Title, "synced all") {
			all = append(all, n.Content)
		}
	}
	if len(all) != 1 {
		t.Fatalf("Sync all from the tray sent %d notifications: %q", len(all), all)
	}
	if failedRuns == 0 && strings.Contains(all[0], "failed") {
		t.Errorf("History has no failed run of bg, yet Sync all's notification reads %q", all[0])
	}
	if !strings.Contains(all[0], "already running") {
		t.Errorf("Sync all's notification does not say bg was already running: %q", all[0])
	}
}
