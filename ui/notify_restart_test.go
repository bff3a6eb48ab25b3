package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestStandingFailureNotifiesOnceAcrossRestart: a background run
// fails (its connection gone) and notifies; crmsync quits and starts again
// on the same data folder, and the sync's next run fails the same way. That
// is no news: the card still says it, and a person who restarts daily must
// not be told the same failure every morning. A success in between makes
// the next failure news again.
func TestStandingFailureNotifiesOnceAcrossRestart(t *testing.T) {
	ctx := context.Background()
	home, secrets := t.TempDir(), secret.NewMemory()
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 3, Contacts: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	l := startLiveProcess(t, home, secrets)
	l.srv = srv
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 1h"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	notes := countNotifications(l)
	b, ended := startNotifyingBackground(t, l)
	run := func(l *live, b *Background, ended chan schedule.Event) schedule.Event {
		t.Helper()
		if !b.SyncNow("bg") {
			t.Fatal("the scheduler does not know the sync")
		}
		e := runEnds(t, ended, "bg")
		l.wait()
		return e
	}
	if e := run(l, b, ended); e.Err != nil {
		t.Fatalf("first run: %v", e.Err)
	}
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	if e := run(l, b, ended); e.Err == nil {
		t.Fatal("the run without its connection did not fail")
	}
	if n := notes.take(); len(n) != 1 {
		t.Fatalf("the first failure sent %d notifications, want 1: %+v", len(n), n)
	}

	// crmsync quits and starts again on the same data folder.
	b.Stop()
	l.u.Close()
	l.a.Close()
	l2 := startLiveProcess(t, home, secrets)
	t.Cleanup(func() { l2.u.Close(); l2.a.Close() })
	l2.srv = srv
	notes2 := countNotifications(l2)
	b2, ended2 := startNotifyingBackground(t, l2)
	if e := run(l2, b2, ended2); e.Err == nil {
		t.Fatal("the run without its connection did not fail after the restart")
	}
	if n := notes2.take(); len(n) != 0 {
		t.Errorf("the same standing failure notified again after a restart: %+v", n)
	}

	// Reconnected, it succeeds; failing again is news.
	if _, err := l2.a.ConnectSandbox(ctx, srv, "hubspot", demoHubSpot); err != nil {
		t.Fatal(err)
	}
	if e := run(l2, b2, ended2); e.Err != nil {
		t.Fatalf("run after reconnecting: %v", e.Err)
	}
	if err := l2.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	if e := run(l2, b2, ended2); e.Err == nil {
		t.Fatal("the run without its connection did not fail")
	}
	if n := notes2.take(); len(n) != 1 {
		t.Errorf("a failure after a success sent %d notifications, want 1: %+v", len(n), n)
	}
}
