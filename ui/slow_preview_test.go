package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestPreviewRefreshWhileLoading: a preview reads both CRMs, as
// long as a slow CRM takes. Meanwhile the window answers and says it is
// loading; a press on Refresh preview then must not start a second read
// of both CRMs beside the first, spending the daily API budget twice for
// one preview.
func TestPreviewRefreshWhileLoading(t *testing.T) {
	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	connectDemoContacts(t, l)
	calls := func() map[string]int { // crmsync's API calls today, as stored
		cs, err := l.a.Connections(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, c := range cs {
			m[c.Name] = c.CallsToday
		}
		return m
	}
	l.ui(func() { l.u.openPreview("contacts") }) // the first reads everything
	before := calls()
	l.ui(func() { l.u.openPreview("contacts") }) // what one more preview spends
	one := calls()

	g.close() // the CRMs answer slowly
	l.u.uiMu.Lock()
	l.u.openPreview("contacts")
	l.u.uiMu.Unlock()
	<-g.held // the preview waits at a CRM
	l.u.uiMu.Lock()
	texts := textsOnScreen(l.u.Window())
	if b := buttonOnScreen(l.u.Window(), "Refresh preview"); b != nil {
		test.Tap(b)
	}
	l.u.uiMu.Unlock()
	if !strings.Contains(strings.Join(texts, " "), "Loading the preview") {
		t.Errorf("the window does not say the preview is loading; texts %q", texts)
	}
	g.open()
	l.wait()
	l.see("Preview of contacts")
	after := calls()
	for name, n := range one {
		if spent, want := after[name]-n, n-before[name]; spent != want {
			t.Errorf("%s: the preview pressed again while loading spent %d API calls; one preview spends %d", name, spent, want)
		}
	}
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Refresh preview"); b == nil || b.Disabled() {
			t.Error("Refresh preview is off after the preview loaded")
		}
	})
}
