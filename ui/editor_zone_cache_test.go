package ui

import (
	"strings"
	"testing"
)

// zoneCalls is how many times the HubSpot sandbox was asked its portal's
// account details (its time zone).
func zoneCalls(l *live) int64 {
	return l.srv.Stats()["hubspot"]["GET /account-info/2026-03/details"]
}

// TestEditorNotesRefusedOrgZone: a Salesforce integration user
// without "View Setup and Configuration" is refused the Organization. The
// editor still loads, still offers UTC, and says beside Salesforce's side
// why, in Salesforce's own words, instead of quietly proposing UTC.
func TestEditorNotesRefusedOrgZone(t *testing.T) {
	l := newLive(t)
	l.srv.Salesforce().RefuseOrganization(true)
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor("") })
	l.see("fields loaded")
	l.choose("tasks")
	l.see("fields loaded")
	l.choose("Task")
	l.see(demoSalesforce + " Task field (B)")
	l.see("transform date:UTC")
	l.see("sObject type 'Organization' is not supported")
	l.ui(func() {
		for _, s := range textsOnScreen(l.u.Window()) {
			if strings.Contains(s, "could not be loaded") {
				t.Fatalf("the refused zone broke a side: %q", s)
			}
		}
	})
}

// TestEditorZoneReadOnceAcrossLoads: opening the editor twice
// reads the HubSpot portal's time zone once; the second load takes it
// from the metadata cache, as it does the owners.
func TestEditorZoneReadOnceAcrossLoads(t *testing.T) {
	l := newLive(t)
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenSyncs)
	for range 2 {
		l.ui(func() { l.u.openEditor("") })
		l.see("New sync")
		l.see("fields loaded")
		l.navigate(ScreenSyncs)
	}
	if n := zoneCalls(l); n != 1 {
		t.Fatalf("two editor loads asked HubSpot its time zone %d times, want 1", n)
	}
}
