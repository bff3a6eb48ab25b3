package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestTraySyncAllPressedTwice: "Sync all now" pressed in the tray
// while the tray's own Sync all is still writing (a slow CRM) must not
// start a second Sync all beside it, whose syncs would all come back
// "already running" in a second notification: the item is off meanwhile,
// and the tray says a Sync all is under way.
func TestTraySyncAllPressedTwice(t *testing.T) {
	l, g := liveWithSalesforceWritesHeld(t, "contacts", nil)
	ctx := context.Background()
	withTray(t, l)
	notes := countNotifications(l)
	item := func() *fyne.MenuItem { // UI goroutine (uiMu held)
		for _, it := range l.u.trayMenu.Items {
			if it.Label == "Sync all now" {
				return it
			}
		}
		t.Fatal("no \"Sync all now\" in the tray menu")
		return nil
	}
	// The desktop fires a tray item only while it is enabled.
	press := func() {
		if it := item(); !it.Disabled {
			it.Action()
		}
	}

	g.close()
	l.u.uiMu.Lock()
	press()
	l.u.uiMu.Unlock()
	<-g.held // the first Sync all is writing to Salesforce, held there
	l.u.uiMu.Lock()
	status, offMeanwhile := l.u.trayStatus.Label, item().Disabled
	press() // again, from a tray that seemed to do nothing
	l.u.uiMu.Unlock()
	g.open()
	l.wait()

	var all []string
	for _, n := range notes.take() {
		if strings.Contains(n.Title, "synced all") {
			all = append(all, n.Content)
		}
	}
	if len(all) != 1 {
		t.Fatalf("Sync all pressed twice in the tray sent %d notifications: %q; want 1", len(all), all)
	}
	if strings.Contains(all[0], "already running") {
		t.Errorf("the one Sync all counts a sync as already running: %q", all[0])
	}
	if !offMeanwhile {
		t.Error("\"Sync all now\" stays on in the tray while a Sync all runs")
	}
	if !strings.Contains(status, "Sync all") && !strings.Contains(status, "syncing") {
		t.Errorf("the tray did not say a Sync all was under way: %q", status)
	}
	var disabled bool
	l.ui(func() { disabled = item().Disabled })
	if disabled {
		t.Error("\"Sync all now\" stays off after the Sync all ended")
	}
	runs, err := l.a.Runs(ctx, "contacts", 10)
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for _, r := range runs {
		if r.Run.Status != "dry_run" {
			applied++
		}
	}
	if applied != 1 {
		t.Errorf("%d runs of contacts stored after one Sync all; want 1", applied)
	}
}

// liveWithSalesforceWritesHeld connects both sandboxes and saves the demo
// contacts sync under name (prep may change it first), behind a gate that,
// once closed, holds Salesforce's writes while reads go through.
func liveWithSalesforceWritesHeld(t *testing.T, name string, prep func(*engine.Definition)) (*live, *gate) {
	t.Helper()
	g := &gate{held: make(chan struct{}, 1), only: func(r *http.Request) bool {
		return r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/services/data/")
	}}
	l := newLiveGated(t, g)
	t.Cleanup(g.open)
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync(name, demoHubSpot, demoSalesforce)
	def.Safety.MaxChangePercent = 100
	if prep != nil {
		prep(&def)
	}
	if err := l.a.SaveSync(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	return l, g
}

// TestTrayOffDuringScreenSyncAll: the Syncs screen's Sync all and the
// tray's are one: while the screen's runs (a slow CRM), the tray's "Sync
// all now" is off, so a press there runs nothing again beside it.
func TestTrayOffDuringScreenSyncAll(t *testing.T) {
	l, g := liveWithSalesforceWritesHeld(t, "contacts", nil)
	ctx := context.Background()
	withTray(t, l)
	var item *fyne.MenuItem
	l.ui(func() {
		for _, it := range l.u.trayMenu.Items {
			if it.Label == "Sync all now" {
				item = it
			}
		}
	})
	if item == nil {
		t.Fatal("no \"Sync all now\" in the tray menu")
	}

	g.close()
	l.u.uiMu.Lock()
	l.u.syncAll()
	l.u.uiMu.Unlock()
	<-g.held        // the screen's Sync all is writing to Salesforce, held there
	l.u.uiMu.Lock() // not l.ui, which waits for the held Sync all
	offMeanwhile := item.Disabled
	if !item.Disabled {
		item.Action() // what the desktop would do on a press
	}
	l.u.uiMu.Unlock()
	g.open()
	l.wait()
	l.closeDialogs()

	if !offMeanwhile {
		t.Error("the tray's \"Sync all now\" stays on while the Syncs screen's Sync all runs")
	}
	var off bool
	l.ui(func() { off = item.Disabled })
	if off {
		t.Error("\"Sync all now\" stays off after the Sync all ended")
	}
	runs, err := l.a.Runs(ctx, "contacts", 10)
	if err != nil {
		t.Fatal(err)
	}
	tries := 0
	for _, r := range runs {
		if r.Run.Status != "dry_run" {
			tries++
		}
	}
	if tries != 1 {
		t.Errorf("%d runs of contacts stored after one Sync all; want 1", tries)
	}
}
