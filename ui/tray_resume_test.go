package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// trayApp is the test app with a system tray, as a desktop's is: it keeps
// the menu the UI installs so a test can press its items.
type trayApp struct {
	fyne.App
	menu *fyne.Menu
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)    { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(fyne.Resource)   {}
func (a *trayApp) SetSystemTrayWindow(w fyne.Window) {}

// withTray gives l's window a tray and a scheduler over l's app, as
// crmsync's launch does, until the test ends.
func withTray(t *testing.T, l *live) *Background {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b := NewBackground(l.a, nil)
	t.Cleanup(func() { cancel(); b.Stop() })
	l.u.deps.Background = b
	l.ui(func() {
		l.u.app = &trayApp{App: l.u.app}
		l.u.installTray()
	})
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return b
}

// trayItem is the tray menu's item with that label, nil when there is none.
func (l *live) trayItem(label string) *fyne.MenuItem {
	var found *fyne.MenuItem
	l.ui(func() {
		for _, it := range l.u.trayMenu.Items {
			if it.Label == label {
				found = it
			}
		}
	})
	return found
}

// pressTray presses a tray menu item, as the desktop does: off the
// window, then the background work it started reaches the screen.
func (l *live) pressTray(label string) {
	l.t.Helper()
	it := l.trayItem(label)
	if it == nil {
		l.t.Fatalf("no %q in the tray menu; it has %q", label, l.trayLabels())
	}
	if it.Disabled {
		l.t.Fatalf("%q is disabled in the tray menu", label)
	}
	l.ui(it.Action)
	l.wait()
}

func (l *live) trayLabels() []string {
	var out []string
	l.ui(func() {
		for _, it := range l.u.trayMenu.Items {
			out = append(out, it.Label)
		}
	})
	return out
}

// eventually waits up to 10 s for ok, the scheduler's plans being async.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal(what)
		}
	}
}

// scheduledPair saves two syncs on an hourly schedule, "solo" paused on
// its own card.
func scheduledPair(t *testing.T, l *live) {
	t.Helper()
	ctx := context.Background()
	for _, name := range []string{"hourly", "solo"} {
		def := app.DemoSync(name, demoHubSpot, demoSalesforce)
		def.Schedule = "every 1h"
		if err := l.a.SaveSync(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.a.SetPaused(ctx, "solo", true); err != nil {
		t.Fatal(err)
	}
}

func isPaused(t *testing.T, a *app.App, name string) bool {
	t.Helper()
	v, err := a.Sync(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return v.Paused
}

// TestTrayResumeAllAcrossRestart: "Pause all" in the tray before a
// trip; crmsync restarts meanwhile; "Resume all" in the tray puts back on
// schedule exactly the syncs Pause all paused. A sync paused on its own
// before stays paused, and the tray keeps counting it.
func TestTrayResumeAllAcrossRestart(t *testing.T) {
	home, secrets := t.TempDir(), secret.NewMemory()
	srv, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Options{Seed: 3, Contacts: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	l := startLiveProcess(t, home, secrets)
	l.srv = srv
	connectHubSpotAndSalesforce(t, l)
	scheduledPair(t, l)
	b := withTray(t, l)
	eventually(t, "the hourly sync never got a slot", func() bool { return !b.Next("hourly").IsZero() })

	l.pressTray("Pause all")
	eventually(t, "Pause all left the hourly sync's slot", func() bool { return b.Next("hourly").IsZero() })
	if it := l.trayItem("Resume all"); it == nil || it.Disabled {
		t.Fatalf("after Pause all the tray offers no enabled Resume all: %q", l.trayLabels())
	}
	if got := l.trayLabels()[0]; got != "crmsync: 2 syncs paused" {
		t.Errorf("tray status after Pause all = %q, want %q", got, "crmsync: 2 syncs paused")
	}

	// crmsync quits and starts again on the same data folder.
	b.Stop()
	l.u.Close()
	l.a.Close()
	l2 := startLiveProcess(t, home, secrets)
	t.Cleanup(func() { l2.u.Close(); l2.a.Close() })
	l2.srv = srv
	b2 := withTray(t, l2)
	l2.wait()
	if got := l2.trayLabels()[0]; got != "crmsync: 2 syncs paused" {
		t.Errorf("tray status after a restart = %q, want %q", got, "crmsync: 2 syncs paused")
	}
	l2.pressTray("Resume all")
	eventually(t, "Resume all did not put the hourly sync back on its schedule", func() bool { return !b2.Next("hourly").IsZero() })
	if !isPaused(t, l2.a, "solo") {
		t.Error("Resume all resumed a sync the user had paused on its own before Pause all")
	}
	if isPaused(t, l2.a, "hourly") {
		t.Error("Resume all left the hourly sync paused")
	}
	if !b2.Next("solo").IsZero() {
		t.Error("the sync paused on its own has a slot again")
	}
	if got := l2.trayLabels()[0]; got != "crmsync: 1 sync paused" {
		t.Errorf("tray status after Resume all = %q, want %q", got, "crmsync: 1 sync paused")
	}
	if it := l2.trayItem("Resume all"); it == nil || !it.Disabled {
		t.Errorf("Resume all is still enabled with nothing of Pause all's left to resume")
	}
}

// TestSyncsScreenResumeAll: the Syncs screen offers Resume all beside
// Sync all while syncs Pause all paused wait, and it resumes them.
func TestSyncsScreenResumeAll(t *testing.T) {
	l := newLiveContacts(t, 5)
	connectHubSpotAndSalesforce(t, l)
	scheduledPair(t, l)
	b := withTray(t, l)
	l.navigate(ScreenSyncs)
	l.ui(func() {
		if btn := buttonOnScreen(l.u.Window(), "Resume all"); btn != nil && !btn.Disabled() {
			t.Error("Resume all is offered before anything was paused by Pause all")
		}
	})
	l.pressTray("Pause all")
	l.tap("Resume all")
	l.wait()
	eventually(t, "Resume all on the Syncs screen did not put the hourly sync back on its schedule", func() bool { return !b.Next("hourly").IsZero() })
	if !isPaused(t, l.a, "solo") || isPaused(t, l.a, "hourly") {
		t.Errorf("after Resume all: solo paused %v (want true), hourly paused %v (want false)", isPaused(t, l.a, "solo"), isPaused(t, l.a, "hourly"))
	}
}

// TestPauseAllKeepsTheTrayNews: a failure the tray's status line shows
// is still there after Pause all, with the count beside it, not replaced
// by "idle".
func TestPauseAllKeepsTheTrayNews(t *testing.T) {
	l := newLiveContacts(t, 5)
	connectHubSpotAndSalesforce(t, l)
	scheduledPair(t, l)
	withTray(t, l)
	l.ui(func() { l.u.setTrayStatus("crmsync: hourly failed") })
	l.pressTray("Pause all")
	if got := l.trayLabels()[0]; got != "crmsync: hourly failed · 2 syncs paused" {
		t.Errorf("tray status after Pause all = %q, want the failure and the count", got)
	}
}
