package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// checkOnScreen is the visible check box with that text, nil if none.
func checkOnScreen(w fyne.Window, text string) *widget.Check {
	var found *widget.Check
	visibleObjects(w.Canvas().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Text == text && found == nil {
			found = c
		}
	})
	return found
}

// TestNoTrayDesktopClosingQuits: on a desktop that shows no tray (stock
// GNOME), "Keep syncing in the tray" and "Start minimized" would hide the
// window where nobody could get it back. There the settings are off with
// the reason, no tray icon is set, and the close box quits.
func TestNoTrayDesktopClosingQuits(t *testing.T) {
	l := newLive(t)
	tray := &trayApp{App: l.u.app}
	l.ui(func() {
		prefs := l.u.app.Preferences()
		prefs.SetBool(prefTray, true)
		prefs.SetBool(prefStartHidden, true)
		l.u.app = tray
		l.u.deps.NoTray = true
		l.u.installTray()
	})
	if tray.menu != nil {
		t.Error("a tray menu was set on a desktop with no tray")
	}
	l.navigate(ScreenSettings)
	l.see(noTrayNote)
	l.ui(func() {
		for _, text := range []string{"Keep syncing in the tray when the window is closed", "Start minimized to the tray"} {
			c := checkOnScreen(l.u.Window(), text)
			if c == nil || !c.Disabled() {
				t.Errorf("%q: %v; want it shown and disabled", text, c)
			}
		}
		if l.u.keepInTray() {
			t.Error("keepInTray with no tray: the window would hide for good (and start hidden)")
		}
		l.u.closeWindow()
	})
	if l.u.ctx.Err() == nil {
		t.Error("the close box hid the window instead of quitting")
	}
}

// TestTrayDesktopClosingHides: the same settings where a tray exists keep
// the app running behind its tray icon.
func TestTrayDesktopClosingHides(t *testing.T) {
	l := newLive(t)
	tray := &trayApp{App: l.u.app}
	l.ui(func() {
		l.u.app.Preferences().SetBool(prefTray, true)
		l.u.app = tray
		l.u.installTray()
	})
	if tray.menu == nil {
		t.Fatal("no tray menu on a desktop with a tray")
	}
	l.navigate(ScreenSettings)
	l.ui(func() {
		if screenContains(l.u.Window(), noTrayNote) {
			t.Error("the no-tray note shows on a desktop with a tray")
		}
		if c := checkOnScreen(l.u.Window(), "Keep syncing in the tray when the window is closed"); c == nil || c.Disabled() {
			t.Errorf("tray check box: %v; want it shown and enabled", c)
		}
		l.u.closeWindow()
	})
	if l.u.ctx.Err() != nil {
		t.Error("the close box quit although the tray keeps the app running")
	}
}
