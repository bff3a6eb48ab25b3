package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

type auditClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *auditClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }

func (c *auditClock) step(d time.Duration) { c.mu.Lock(); c.at = c.at.Add(d); c.mu.Unlock() }

// auditSlowTrayCheck stands for the desktop's tray check (up to 2 s on a
// real session bus): while it runs, a scheduler already started may end a
// run. It waits for sync's failure when the scheduler is running, so a
// launch that starts the scheduler first meets the failure in that gap.
func auditSlowTrayCheck(b *Background, sync string) func(context.Context) bool {
	return func(context.Context) bool {
		b.mu.Lock()
		started := b.stop != nil
		b.mu.Unlock()
		if !started {
			return false
		}
		for i := 0; i < 1200 && b.LastFailure(sync) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
		return false
	}
}

// auditStartFailing starts l's UI's background with a slow tray check,
// waits (bounded) for sync's catch-up run to fail, and stops it: its
// events have then all reached the UI.
func auditStartFailing(t *testing.T, l *live, sync string) error {
	t.Helper()
	b := NewBackground(l.a, nil)
	l.u.deps.Background = b
	var err error
	l.ui(func() { err = l.u.startBackground(context.Background(), auditSlowTrayCheck(b, sync)) })
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1200 && b.LastFailure(sync) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	b.Stop()
	l.wait()
	if b.LastFailure(sync) == nil {
		t.Fatalf("no catch-up run of %s failed at start", sync)
	}
	return b.LastFailure(sync)
}

// TestCatchUpFailureAtStartNotifiesOnce: an hourly sync missed slots
// while the app was closed, and its catch-up run at start fails (its
// connection removed). The failure is notified at that start, and the
// next start, failing the same way, does not notify it again.
func TestCatchUpFailureAtStartNotifiesOnce(t *testing.T) {
	clock := &auditClock{at: time.Now()}
	l := newLiveWith(t, 5, fyne.NewSize(1200, 800), func(o *app.Options, _ *sandbox.Server) { o.Now = clock.now })
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 1h"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "bg", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	clock.step(3 * time.Hour) // closed overnight: the catch-up runs at start

	want := &fyne.Notification{Title: "crmsync: bg failed"}
	test.AssertNotificationSent(t, want, func() {
		want.Content = errorSentence(auditStartFailing(t, l, "bg"))
	})

	// The next start fails the same way: the failure notified before is
	// not news, even when the run fails before the saved list is read.
	clock.step(3 * time.Hour)
	u2 := New(l.u.app, Deps{App: l.a, Sandbox: l.srv})
	t.Cleanup(u2.Close)
	test.AssertNotificationSent(t, nil, func() {
		auditStartFailing(t, &live{t: t, srv: l.srv, a: l.a, u: u2}, "bg")
	})
}
