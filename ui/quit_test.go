package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestQuitMidBackgroundRunStopsCleanly: quitting the window while a
// scheduled run is in flight must stop that run as the CLI's scheduler
// does on Ctrl+C ("a run in flight stops between batches, keeping what it
// committed"), before the data file is closed. Launch closes the window
// (u.Close) and then the app (a.Close); a run still going then finds its
// data file closed under it and is left as a crash: on the next start its
// history says "failed: interrupted (crash or kill)".
func TestQuitMidBackgroundRunStopsCleanly(t *testing.T) {
	l := newLive(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // Launch's own context ends last, after a.Close
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 6h"
	def.Safety.MaxChangePercent = 100
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	seeded := contactsByEmail(l) // the seed has duplicates of its own
	// A slow Salesforce keeps the run going long enough to quit during it.
	l.srv.Salesforce().Faults().Set(simkit.Faults{Latency: 150 * time.Millisecond})
	b := NewBackground(l.a, nil)
	l.u.deps.Background = b
	started := make(chan struct{}, 1)
	b.setOnEvent(func(e schedule.Event) {
		if e.Kind == schedule.EventStarted {
			select {
			case started <- struct{}{}:
			default:
			}
		}
	})
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if !b.SyncNow("bg") {
		t.Fatal("the scheduler does not know the sync")
	}
	<-started
	waitRunning(t, l.a, "bg")
	time.Sleep(300 * time.Millisecond) // into its calls to Salesforce

	// Quit, in Launch's order.
	l.u.Close()
	l.wait() // the run's outcome reaches the window before the next test uses Fyne
	l.a.Close()

	l.srv.Salesforce().Faults().Set(simkit.Faults{})
	r := lastRunAfterReopen(t, l, "bg")
	if (r.Status != "cancelled" && r.Status != "success") || strings.Contains(r.Message, "interrupted") {
		t.Errorf("after quitting mid-run the run reads %s %q; want it stopped cleanly (cancelled, keeping what it committed), as the CLI's scheduler does", r.Status, r.Message)
	}
	// The next launch's run finishes the work without a duplicate.
	a, err := app.Open(ctx, app.Options{Home: l.a.Home(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"salesforce", demoSalesforce}} {
		if _, err := a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil { // the test's secrets were in memory
			t.Fatal(err)
		}
	}
	if _, err := a.Run(ctx, "bg", app.RunOptions{Trigger: "manual", Confirm: true}); err != nil {
		t.Fatal(err)
	}
	for e, n := range contactsByEmail(l) {
		if n > max(seeded[e], 1) {
			t.Errorf("Salesforce has %d Contacts with %s, seeded with %d: a create was repeated", n, e, seeded[e])
		}
	}
}

func contactsByEmail(l *live) map[string]int {
	out := map[string]int{}
	for _, c := range l.srv.Salesforce().Records("Contact") {
		if e := strings.ToLower(strings.TrimSpace(c.Fields["Email"])); e != "" {
			out[e]++
		}
	}
	return out
}

// TestQuitMidWindowRunStopsCleanly: the same for a run started with
// the card's "Sync now": closing the window cancels it, and quitting must
// let it stop between batches before the data file is closed.
func TestQuitMidWindowRunStopsCleanly(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("fg", demoHubSpot, demoSalesforce)
	def.Safety.MaxChangePercent = 100
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.srv.Salesforce().Faults().Set(simkit.Faults{Latency: 150 * time.Millisecond})
	l.u.uiMu.Lock() // tap without waiting for the run, as a person does
	b := buttonOnScreen(l.u.Window(), "Sync now")
	if b == nil {
		l.u.uiMu.Unlock()
		t.Fatal("no Sync now button")
	}
	test.Tap(b)
	l.u.uiMu.Unlock()
	waitRunning(t, l.a, "fg")
	time.Sleep(300 * time.Millisecond)

	l.u.uiMu.Lock() // the window's close box: quit (no tray)
	l.u.closeWindow()
	l.u.uiMu.Unlock()
	l.u.Close()
	l.wait() // the run's outcome reaches the window before the next test uses Fyne
	l.a.Close()

	l.srv.Salesforce().Faults().Set(simkit.Faults{})
	r := lastRunAfterReopen(t, l, "fg")
	if (r.Status != "cancelled" && r.Status != "success") || strings.Contains(r.Message, "interrupted") {
		t.Errorf("after quitting mid-run the run reads %s %q; want it stopped cleanly (cancelled, keeping what it committed)", r.Status, r.Message)
	}
}

func waitRunning(t *testing.T, a *app.App, sync string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		runs, err := a.Runs(context.Background(), sync, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 && runs[0].Run.Status == "running" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run never showed as running: %+v", runs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lastRunAfterReopen opens l's data folder again, as the next launch does,
// and returns sync's newest run.
func lastRunAfterReopen(t *testing.T, l *live, sync string) store.RunRow {
	t.Helper()
	a, err := app.Open(context.Background(), app.Options{Home: l.a.Home(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), RedirectPort: auth.AnyPort})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	runs, err := a.Runs(context.Background(), sync, 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	t.Logf("run after quit: %s %q", runs[0].Run.Status, runs[0].Run.Message)
	return runs[0].Run
}
