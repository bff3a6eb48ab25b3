package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// syncsScroll is the Syncs screen's scrolling list of cards (not the
// navigation list's own scroller).
func syncsScroll(w fyne.Window) *container.Scroll {
	var tallest *container.Scroll
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if s, ok := o.(*container.Scroll); ok && (tallest == nil || s.Content.MinSize().Height > tallest.Content.MinSize().Height) {
			tallest = s
		}
	}
	return tallest
}

// TestSyncsScreenKeepsPlaceOnBackgroundRun: every scheduled run's
// start and end rebuild the Syncs screen. A person who scrolled down to
// the tenth sync's card (to press its Preview, say) is thrown back to the
// top each time any sync starts or finishes in the background.
func TestSyncsScreenKeepsPlaceOnBackgroundRun(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"salesforce", demoSalesforce}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		if err := l.a.SaveSync(ctx, app.DemoSync(fmt.Sprintf("contacts-%02d", i), demoHubSpot, demoSalesforce)); err != nil {
			t.Fatal(err)
		}
	}
	l.navigate(ScreenSyncs)
	l.see("contacts-00")
	var before float32
	l.ui(func() {
		s := syncsScroll(l.u.Window())
		s.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -900}})
		before = s.Offset.Y
	})
	if before < 500 {
		t.Fatalf("could not scroll the Syncs screen down (offset %v); the test needs more cards", before)
	}
	// A scheduled run of another sync starts in the background.
	l.u.onScheduleEvent(schedule.Event{Kind: schedule.EventStarted, Sync: "contacts-00"})
	l.wait()
	var after float32
	l.ui(func() { after = syncsScroll(l.u.Window()).Offset.Y })
	if after != before {
		t.Fatalf("a background run moved the Syncs screen from offset %v to %v", before, after)
	}
}

// TestSyncsFilterKeepsTypingOnBackgroundRun: the person is typing a
// filter when a background run starts; the rebuilt screen's filter must
// still receive the rest of what they type.
func TestSyncsFilterKeepsTypingOnBackgroundRun(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"salesforce", demoSalesforce}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"contacts-a", "contacts-b"} {
		if err := l.a.SaveSync(ctx, app.DemoSync(n, demoHubSpot, demoSalesforce)); err != nil {
			t.Fatal(err)
		}
	}
	l.navigate(ScreenSyncs)
	l.see("contacts-b")
	l.ui(func() {
		l.u.Window().Canvas().Focus(entryWithPlaceholder(l.u.Window(), "Filter by name, object or connection"))
		typeFocused(l.u.Window(), "contacts")
	})
	l.u.onScheduleEvent(schedule.Event{Kind: schedule.EventStarted, Sync: "contacts-a"})
	l.wait()
	l.ui(func() { typeFocused(l.u.Window(), "-b") })
	var shown string
	var aShown bool
	l.ui(func() {
		shown = entryWithPlaceholder(l.u.Window(), "Filter by name, object or connection").Text
		aShown = screenContains(l.u.Window(), "contacts-a")
	})
	if shown != "contacts-b" || aShown {
		t.Fatalf("after a background run started mid-typing, the filter on screen reads %q (want \"contacts-b\"), contacts-a shown: %v", shown, aShown)
	}
}

// entryWithPlaceholder is the entry on screen showing that placeholder.
func entryWithPlaceholder(w fyne.Window, placeholder string) *widget.Entry {
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == placeholder {
			return e
		}
	}
	return nil
}

// typeFocused types as a keyboard does: into the focused widget, or to
// the window's shortcuts when none has the focus.
func typeFocused(w fyne.Window, chars string) {
	if f := w.Canvas().Focused(); f != nil {
		test.Type(f, chars)
		return
	}
	test.TypeOnCanvas(w.Canvas(), chars)
}
