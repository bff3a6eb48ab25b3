package ui

import "testing"

// TestEmptySyncsLeadToConnections: with no CRM connected, the Syncs
// screen's only button was a disabled "New sync", and the way on (the
// Connections screen) was left for the person to find in the side bar.
func TestEmptySyncsLeadToConnections(t *testing.T) {
	l := newLive(t)
	l.navigate(ScreenSyncs)
	l.see("Create a sync after connecting two CRMs")
	l.tap("Connect a CRM")
	var current string
	l.ui(func() { current = l.u.Current() })
	if current != ScreenConnections {
		t.Fatalf("after Connect a CRM the screen is %q, want %q", current, ScreenConnections)
	}
	l.see("Try the sandbox")
}
