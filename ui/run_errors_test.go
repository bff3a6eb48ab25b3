package ui

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// hookRT calls hook before sending each of the app's requests to the CRMs.
type hookRT struct {
	hook atomic.Pointer[func(*http.Request)]
}

func (h *hookRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if f := h.hook.Load(); f != nil {
		(*f)(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRunStoppedSaysWhy: HubSpot answers 429 to every call from the
// run's first write to it on, beyond the retry budget, so the run stops
// part way. The "Run finished" dialog and the sync's card must say why
// it stopped, with HubSpot's own words, not just "partial … failed 0".
func TestRunStoppedSaysWhy(t *testing.T) {
	rt := &hookRT{}
	l := newLiveGated(t, rt)
	ctx := context.Background()
	connectDemoContacts(t, l)
	var once atomic.Bool
	storm := func(r *http.Request) {
		if r.Method == "POST" && strings.Contains(r.URL.Path, "/hubspot/") && strings.Contains(r.URL.Path, "/batch/") && once.CompareAndSwap(false, true) {
			l.srv.HubSpot().Faults().Set(simkit.Faults{P429: 1})
		}
	}
	rt.hook.Store(&storm)
	l.syncNowToFinish()
	l.srv.HubSpot().Faults().Set(simkit.Faults{})
	if !once.Load() {
		t.Fatal("the run wrote nothing to HubSpot")
	}
	d, err := l.a.Runs(ctx, "contacts", 1)
	if err != nil || len(d) != 1 || d[0].Run.Status == "success" {
		t.Fatalf("the stormed run: %+v %v; want it stopped", d, err)
	}
	for _, want := range []string{"TEN_SECONDLY_ROLLING", "reached your ten_secondly_rolling limit"} {
		l.see(want)
	}
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.see("TEN_SECONDLY_ROLLING")
}

// TestFailedSyncNowStaysOnCard: Salesforce refuses every call
// (REQUEST_LIMIT_EXCEEDED) when the person presses Sync now, so no plan
// can be made and no run is recorded. Once the error dialog is closed, the
// sync's card must still say that its last run failed and why, as it does
// for a background run; it must not go on showing the run before as the
// last, successful one.
func TestFailedSyncNowStaysOnCard(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectDemoContacts(t, l)
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.srv.Salesforce().Faults().Set(simkit.Faults{P429: 1})
	l.navigate(ScreenSyncs)
	l.tap("Sync now")
	l.see("Something went wrong")
	l.see("REQUEST_LIMIT_EXCEEDED")
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.see("REQUEST_LIMIT_EXCEEDED")

	// Once Salesforce answers again, the next run clears it.
	l.srv.Salesforce().Faults().Set(simkit.Faults{})
	l.tap("Sync now")
	l.see("Run finished")
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.ui(func() {
		if screenContains(l.u.Window(), "REQUEST_LIMIT_EXCEEDED") {
			t.Errorf("the card still shows the failure after a successful run; texts %q", textsOnScreen(l.u.Window()))
		}
	})
}
