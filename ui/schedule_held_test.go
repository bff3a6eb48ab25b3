package ui

import (
	"strings"
	"testing"
)

// TestHeldScheduledRunIsNotCalledFailed: a scheduled run whose plan
// is over the safety limits stops and waits for a person; nothing failed.
// Its notification, the tray and the card must say it waits for a
// confirmation, not that the sync failed, and repeated slots with the
// same plan notify once.
func TestHeldScheduledRunIsNotCalledFailed(t *testing.T) {
	l := liveWithSyncOverItsLimits(t)
	l.ui(func() { l.u.app = &trayApp{App: l.u.app} }) // a desktop with a tray
	b, ended := startNotifyingBackground(t, l)
	notes := countNotifications(l)
	for range 3 {
		if !b.SyncNow("bg") {
			t.Fatal("the scheduler does not know the sync")
		}
		if e := runEnds(t, ended, "bg"); e.Err == nil {
			t.Fatal("the first background run of the ready-made sync was not held for confirmation")
		}
		l.wait()
	}
	sent := notes.take()
	if len(sent) != 1 {
		t.Fatalf("three held runs of one plan sent %d notifications, want 1: %+v", len(sent), sent)
	}
	text := notificationText(sent[0])
	if !strings.Contains(text, "confirm") {
		t.Errorf("the held run's notification does not say it waits for a confirmation: %q", text)
	}
	if strings.Contains(sent[0].Title, "failed") {
		t.Errorf("the held run's notification calls it a failure: %q", text)
	}
	var tray string
	l.ui(func() { tray = l.u.trayText })
	if tray == "" || strings.Contains(tray, "failed") {
		t.Errorf("after a held run the tray says %q", tray)
	}
	l.navigate(ScreenSyncs)
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	if strings.Contains(strings.Join(texts, " "), "run failed") {
		t.Errorf("after a held run the card says a run failed: %q", texts)
	}
}
