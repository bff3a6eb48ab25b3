package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// textsOnScreen returns every visible piece of text the window draws,
// including dialogs, walking the laid-out canvas like a renderer would and
// skipping everything inside a hidden object.
func textsOnScreen(w fyne.Window) []string {
	c := w.Canvas()
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	var out []string
	for _, root := range roots {
		visibleObjects(root, func(o fyne.CanvasObject) {
			if t, ok := o.(*canvas.Text); ok && strings.TrimSpace(t.Text) != "" {
				out = append(out, t.Text)
			}
		})
	}
	return out
}

func visibleObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			visibleObjects(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			visibleObjects(c, fn)
		}
	}
}

func screenContains(w fyne.Window, want string) bool {
	joined := strings.Join(textsOnScreen(w), " ")
	return strings.Contains(joined, want)
}

func newTestUI(t *testing.T, deps Deps) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(a, deps)
	u.ShowMain()
	u.Window().Resize(fyne.NewSize(1000, 680))
	return u
}

// findButton returns the button with the given label in the current screen.
func findButton(t *testing.T, u *UI, label string) *widget.Button {
	t.Helper()
	if b := buttonOnScreen(u.Window(), label); b != nil {
		return b
	}
	t.Fatalf("no button %q on screen; texts: %q", label, textsOnScreen(u.Window()))
	return nil
}

// buttonOnScreen finds a visible button by label in the window or its
// dialogs, topmost dialog first.
func buttonOnScreen(w fyne.Window, label string) *widget.Button {
	c := w.Canvas()
	overlays := c.Overlays().List()
	roots := []fyne.CanvasObject{}
	for i := len(overlays) - 1; i >= 0; i-- {
		roots = append(roots, overlays[i])
	}
	roots = append(roots, c.Content())
	for _, root := range roots {
		for _, o := range test.LaidOutObjects(root) {
			if b, ok := o.(*widget.Button); ok && b.Text == label && b.Visible() {
				return b
			}
		}
	}
	return nil
}

func TestNavigationShowsFiveScreens(t *testing.T) {
	u := newTestUI(t, Deps{})
	if got := u.Window().Title(); got != "crmsync" {
		t.Errorf("title = %q, want crmsync", got)
	}
	texts := textsOnScreen(u.Window())
	for _, name := range []string{ScreenConnections, ScreenSyncs, ScreenReview, ScreenHistory, ScreenSettings} {
		if !slices.Contains(texts, name) {
			t.Errorf("navigation item %q not on screen; texts: %q", name, texts)
		}
	}
}

func TestEmptyStatesAfterNavigating(t *testing.T) {
	u := newTestUI(t, Deps{})
	cases := []struct{ screen, want string }{
		{ScreenSyncs, "Create a sync after connecting two CRMs"},
		{ScreenReview, "Nothing needs your attention"},
		{ScreenHistory, "No runs yet"},
		{ScreenSettings, "Appearance"},
		{ScreenConnections, "Connect your first CRM"},
	}
	for _, c := range cases {
		// Navigate the way a user does: tap the item in the list.
		u.nav.Select(u.indexOf(c.screen))
		if u.Current() != c.screen {
			t.Fatalf("current screen = %q, want %q", u.Current(), c.screen)
		}
		if !screenContains(u.Window(), c.want) {
			t.Errorf("%s: %q not on screen; texts: %q", c.screen, c.want, textsOnScreen(u.Window()))
		}
	}
	if !screenContains(u.Window(), "Try the sandbox") {
		t.Errorf("Connections should offer the sandbox")
	}
}

func TestWithoutAppActionsAreDisabled(t *testing.T) {
	u := newTestUI(t, Deps{})
	if b := findButton(t, u, "Try the sandbox"); !b.Disabled() {
		t.Error("Try the sandbox should be disabled without the app layer")
	}
}

func TestRememberedScreenAndSize(t *testing.T) {
	a := test.NewTempApp(t)
	u := New(a, Deps{})
	u.ShowMain()
	u.Navigate(ScreenHistory)
	u.Window().Resize(fyne.NewSize(1111, 777))
	u.Window().Close() // goes through the close intercept

	if w, h := a.Preferences().Float(prefWidth), a.Preferences().Float(prefHeight); w != 1111 || h != 777 {
		t.Fatalf("saved size = %vx%v, want 1111x777", w, h)
	}
	u2 := New(a, Deps{})
	if u2.Current() != ScreenHistory {
		t.Errorf("restored screen = %q, want History", u2.Current())
	}
	if got := u2.savedSize(); got != fyne.NewSize(1111, 777) {
		t.Errorf("restored size = %v", got)
	}
}

func TestThemeChoicePersists(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Navigate(ScreenSettings)
	var radio *widget.RadioGroup
	for _, o := range test.LaidOutObjects(u.Window().Canvas().Content()) {
		if r, ok := o.(*widget.RadioGroup); ok {
			radio = r
		}
	}
	if radio == nil {
		t.Fatal("no appearance choice on Settings")
	}
	if radio.Selected != themeSystem {
		t.Errorf("default appearance = %q, want System", radio.Selected)
	}
	radio.SetSelected(themeDark)
	if got := u.app.Preferences().String(prefTheme); got != themeDark {
		t.Errorf("stored theme = %q", got)
	}
	if _, ok := u.app.Settings().Theme().(fixedVariant); !ok {
		t.Errorf("dark choice did not apply a fixed theme")
	}
}

func TestErrorSentence(t *testing.T) {
	cases := map[string]error{
		"Salesforce: query: session expired.": errors.New("salesforce: query: session expired"),
		"Already a sentence.":                 errors.New("already a sentence."),
		"The operation was cancelled.":        context.Canceled,
		"HubSpot: wrapped.":                   fmt.Errorf("hubspot: %w", errors.New("wrapped")),
	}
	for want, err := range cases {
		if got := errorSentence(err); got != want {
			t.Errorf("errorSentence(%v) = %q, want %q", err, got, want)
		}
	}
}
