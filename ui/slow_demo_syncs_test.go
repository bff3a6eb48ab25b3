package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestCreateDemoSyncWhileSlow: "Create the demo sync" reads the
// HubSpot portal's zone and currency and checks each sync against both
// CRMs before saving it, as long as a slow CRM takes. Meanwhile the window
// answers and says the syncs are being made, and a second press does not
// make them again beside the first (a second preview read of both CRMs,
// on the daily API budget), as a person pressing again on a silent
// window would.
func TestCreateDemoSyncWhileSlow(t *testing.T) {
	spent := func(l *live) map[string]int { // crmsync's API calls today, as stored
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
	press := func(l *live) {
		if b := buttonOnScreen(l.u.Window(), "Create the demo sync"); b != nil {
			test.Tap(b)
		}
	}

	// One press, for what making the syncs and their preview spends.
	once := newLive(t)
	connectHubSpotAndSalesforce(t, once)
	once.navigate(ScreenSyncs)
	once.ui(func() { press(once) })
	once.see("Preview of " + demoSyncName)
	want := spent(once)

	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenSyncs)
	l.see("Create the demo sync")
	g.close() // the CRMs answer slowly
	l.u.uiMu.Lock()
	press(l)
	l.u.uiMu.Unlock()
	<-g.held // the syncs are being made
	l.u.uiMu.Lock()
	texts := textsOnScreen(l.u.Window())
	press(l) // again, on a window that seemed to do nothing
	l.u.uiMu.Unlock()
	if !strings.Contains(strings.Join(texts, " "), "Creating the ready-made syncs") {
		t.Errorf("the window does not say the syncs are being made; texts %q", texts)
	}
	g.open()
	l.wait()
	l.see("Preview of " + demoSyncName)
	got := spent(l)
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: pressed twice while slow, %d API calls; pressed once, %d", name, got[name], n)
		}
	}
}
