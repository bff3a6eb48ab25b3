package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// A background run that fails sends a notification and turns the sync's
// card red with the next step; the sync itself is kept.
func TestBackgroundFailureNotifiesAndMarksSync(t *testing.T) {
	l := newLive(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"salesforce", demoSalesforce}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	b := NewBackground(l.a, nil)
	l.u.deps.Background = b
	failed := make(chan schedule.Event, 1)
	l.ui(func() { l.u.installTray() })
	b.setOnEvent(func(e schedule.Event) {
		l.u.onScheduleEvent(e)
		if e.Kind == schedule.EventFailed {
			failed <- e
		}
	})
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// The connection disappears under the sync (as if removed elsewhere).
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	want := &fyne.Notification{Title: "crmsync: bg failed"}
	test.AssertNotificationSent(t, want, func() {
		if !b.SyncNow("bg") {
			t.Fatal("the scheduler does not know the sync")
		}
		e := <-failed
		want.Content = errorSentence(e.Err)
	})
	if b.LastFailure("bg") == nil {
		t.Fatal("no failure recorded")
	}
	l.navigate(ScreenSyncs)
	l.see("was removed")
	if _, err := l.a.Sync(ctx, "bg"); err != nil {
		t.Fatalf("the sync was lost: %v", err)
	}
}
