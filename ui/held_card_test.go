package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestHeldRunCardHealth: a scheduled run held at the safety limits
// waits for a person; nothing failed. The notification and the tray say
// so, and the card's health beside the sync's name must too, not "error".
func TestHeldRunCardHealth(t *testing.T) {
	l := liveWithSyncOverItsLimits(t)
	b, ended := startNotifyingBackground(t, l)
	if !b.SyncNow("bg") {
		t.Fatal("the scheduler does not know the sync")
	}
	if e := runEnds(t, ended, "bg"); e.Err == nil {
		t.Fatal("the first background run of the ready-made sync was not held for confirmation")
	}
	l.wait()
	l.navigate(ScreenSyncs)
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	health := ""
	for i, s := range texts {
		if s == "bg" && i+1 < len(texts) { // the card's heading; its health follows
			health = texts[i+1]
		}
	}
	if health == "error" || !strings.Contains(health, "confirmation") {
		t.Errorf("the card of a sync whose scheduled run waits for confirmation reads health %q; want it to say it waits for confirmation (screen: %q)", health, texts)
	}
}

// liveWithSyncOverItsLimits connects both sandboxes and saves "bg", the
// demo contacts sync every 6 hours, whose first run writes more than its
// safety limit of 2 changes allows: a scheduled run of it is held.
func liveWithSyncOverItsLimits(t *testing.T) *live {
	t.Helper()
	l := newLive(t)
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 6h"
	def.Safety.MaxChanges = 2 // the first run writes more
	if err := l.a.SaveSync(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	return l
}
