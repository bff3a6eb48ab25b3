package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// startNotifyingBackground runs a Background whose events reach the UI as
// they do in the app (installTray), and returns it with a channel of the
// runs that end.
func startNotifyingBackground(t *testing.T, l *live) (*Background, chan schedule.Event) {
	t.Helper()
	return startTrayBackground(t, l, func(e schedule.Event) bool {
		return e.Kind == schedule.EventFinished || e.Kind == schedule.EventFailed
	})
}

// startTrayBackground runs a Background whose events reach the UI as they
// do in the app (installTray), and returns it with a channel of the events
// that keep selects.
func startTrayBackground(t *testing.T, l *live, keep func(schedule.Event) bool) (*Background, chan schedule.Event) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b := NewBackground(l.a, nil)
	l.u.deps.Background = b
	// As startBackground does at launch.
	l.ui(func() { l.u.loadNotified(ctx); l.u.installTray() })
	kept := make(chan schedule.Event, 8)
	b.setOnEvent(func(e schedule.Event) {
		l.u.onScheduleEvent(e)
		if keep(e) {
			kept <- e
		}
	})
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// The scheduler and the screens its events refresh are done before the
	// window closes: a refresh left running would race the next test.
	t.Cleanup(func() { b.Stop(); l.wait() })
	return b, kept
}

// TestRepeatedFailureNotifiesOnce: a background run that fails the
// same way on every slot (its connection gone, so it waits for each
// hourly slot, or the network down on the back-off) notifies once, not
// on every run; the failure stays on the card. A run that succeeds, then
// fails again, notifies again.
func TestRepeatedFailureNotifiesOnce(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 1h"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	b, ended := startNotifyingBackground(t, l)
	run := func() schedule.Event {
		if !b.SyncNow("bg") {
			t.Fatal("the scheduler does not know the sync")
		}
		return runEnds(t, ended, "bg")
	}
	if e := run(); e.Err != nil {
		t.Fatalf("first run: %v", e.Err)
	}
	// The connection disappears under the sync (as if removed elsewhere).
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	want := &fyne.Notification{Title: "crmsync: bg failed"}
	test.AssertNotificationSent(t, want, func() {
		e := run()
		if e.Err == nil {
			t.Fatal("the run without its connection did not fail")
		}
		want.Content = errorSentence(e.Err)
	})
	for i := range 3 {
		test.AssertNotificationSent(t, nil, func() {
			if e := run(); e.Err == nil {
				t.Fatalf("run %d without its connection did not fail", i+2)
			}
		})
	}
	if b.LastFailure("bg") == nil {
		t.Error("the failure is no longer kept for the sync's card")
	}
	l.navigate(ScreenSyncs)
	l.see("was removed")

	// Reconnected, the sync runs again; when it fails again, that is news.
	if _, err := l.a.ConnectSandbox(ctx, l.srv, "hubspot", demoHubSpot); err != nil {
		t.Fatal(err)
	}
	if e := run(); e.Err != nil {
		t.Fatalf("run after reconnecting: %v", e.Err)
	}
	if err := l.a.DB().DeleteConnection(ctx, demoHubSpot); err != nil {
		t.Fatal(err)
	}
	test.AssertNotificationSent(t, want, func() { run() })

	// A record that fails on every run says so with the run's number,
	// which is not news either.
	partial := func(id int) error {
		return fmt.Errorf("sync meetings: run %d partial: 1 record failed; it will be retried; most: 1 × sf Event · EndDateTime · REQUIRED_FIELD_MISSING: Required fields are missing: [EndDateTime]", id)
	}
	test.AssertNotificationSent(t, &fyne.Notification{Title: "crmsync: meetings failed", Content: errorSentence(partial(7))}, func() {
		l.u.onScheduleEvent(schedule.Event{Sync: "meetings", Kind: schedule.EventFailed, Err: partial(7)})
	})
	test.AssertNotificationSent(t, nil, func() {
		l.u.onScheduleEvent(schedule.Event{Sync: "meetings", Kind: schedule.EventFailed, Err: partial(8)})
	})
	l.wait()
}
