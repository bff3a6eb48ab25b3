package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestDisconnectWhileRevokeIsSlow: Disconnect asks the CRM to revoke
// the sign-in, which takes as long as the CRM does. Meanwhile the window
// answers, the card says the disconnect is under way and its buttons are
// off, so a second press cannot start a second disconnect of a connection
// already gone (which ended in "Something went wrong").
func TestDisconnectWhileRevokeIsSlow(t *testing.T) {
	g := &gate{held: make(chan struct{}, 1), only: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/revoke") }}
	l := newLiveGated(t, g)
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenConnections)
	l.see(demoHubSpot)

	g.close() // the CRM answers the revoke slowly
	disconnects := func() []*widget.Button {
		var out []*widget.Button
		for _, o := range test.LaidOutObjects(l.u.Window().Canvas().Content()) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Disconnect" && b.Visible() {
				out = append(out, b)
			}
		}
		return out
	}
	l.u.uiMu.Lock()
	bs := disconnects()
	if len(bs) != 2 {
		l.u.uiMu.Unlock()
		t.Fatalf("%d Disconnect buttons for two connections", len(bs))
	}
	test.Tap(bs[0])
	test.Tap(buttonOnScreen(l.u.Window(), "Yes"))
	l.u.uiMu.Unlock()
	<-g.held // the revoke waits at the CRM

	// The window answers meanwhile, and the person presses Disconnect again.
	l.u.uiMu.Lock()
	texts := textsOnScreen(l.u.Window())
	if bs := disconnects(); len(bs) > 0 {
		test.Tap(bs[0])
		if yes := buttonOnScreen(l.u.Window(), "Yes"); yes != nil {
			test.Tap(yes)
		}
	}
	l.u.uiMu.Unlock()
	if !strings.Contains(strings.Join(texts, " "), "Disconnecting") {
		t.Errorf("nothing on screen says the disconnect is under way; texts %q", texts)
	}

	g.open()
	l.wait()
	cs, err := l.a.Connections(context.Background())
	if err != nil || len(cs) != 1 {
		t.Errorf("connections after one disconnect of two: %d, %v", len(cs), err)
	}
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	if s := strings.Join(texts, " "); strings.Contains(s, "Something went wrong") {
		t.Fatalf("a second press disconnected again and failed; texts %q", texts)
	}
}
