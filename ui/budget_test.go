package ui

import (
	"testing"
)

// TestVendorDailyLimitSaysWhoseLimit: when HubSpot itself answers that the
// account's daily limit is spent, raising crmsync's own budget cannot
// help; the preview says whose limit it is and not to raise ours.
func TestVendorDailyLimitSaysWhoseLimit(t *testing.T) {
	l := newLive(t)
	connectDemoContacts(t, l)
	l.srv.HubSpot().Faults().SetDailyExhausted(true)
	l.ui(func() { l.u.openPreview("contacts") })
	l.wait()
	l.see("You have reached your daily limit")
	l.see("the CRM's own daily API limit to reset")
	var ours bool
	l.ui(func() { ours = screenContains(l.u.Window(), "raise the daily API budget in Settings") })
	if ours {
		t.Error("the preview tells the person to raise crmsync's budget for HubSpot's own daily limit")
	}
}
