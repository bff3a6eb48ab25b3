package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestConnectDialogRefusesWrongToken: a HubSpot private app token
// HubSpot refuses is refused in the Add dialog with HubSpot's own words,
// and no connection is listed.
func TestConnectDialogRefusesWrongToken(t *testing.T) {
	l := newLive(t)
	l.navigate(ScreenConnections)
	l.tap("Connect a CRM")
	l.ui(func() {
		for _, s := range allOf[*widget.Select](l.u.Window()) {
			if strings.Contains(strings.Join(s.Options, ","), "HubSpot") {
				s.SetSelected("HubSpot")
			}
		}
		for _, r := range allOf[*widget.RadioGroup](l.u.Window()) {
			r.SetSelected(methodToken)
		}
		base := false
		for _, e := range allOf[*widget.Entry](l.u.Window()) {
			switch {
			case e.PlaceHolder == "API token / private app key":
				e.SetText("pat-na1-00000000-0000-0000-0000-000000000000")
			case strings.HasPrefix(e.PlaceHolder, "default: the vendor") && !base:
				e.SetText(l.srv.URL() + "/hubspot") // the API base comes first
				base = true
			}
		}
		test.Tap(buttonOnScreen(l.u.Window(), "Connect"))
	})
	l.wait()
	l.see("Authentication credentials not found")
	l.see("paste it and press Connect. Nothing was saved.")
	l.ui(func() {
		if screenContains(l.u.Window(), "press Reconnect") {
			t.Error("a refused key at connect is told to Reconnect a connection that was never made")
		}
	})
	l.closeDialogs()
	if cs, _ := l.a.Connections(context.Background()); len(cs) != 0 {
		t.Fatalf("a refused token was saved as a connection: %+v", cs)
	}
}
