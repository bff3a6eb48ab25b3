package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestScheduleMissedWhileClosedCatchesUp: an hourly sync last ran three
// hours ago, and since then neither the window nor `crmsync scheduler`
// was open (a laptop closed overnight). When a scheduler starts, the sync
// runs once at once, marked catch-up in its history, rather than waiting
// another hour; records edited meanwhile reach the other CRM.
func TestScheduleMissedWhileClosedCatchesUp(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{at: time.Now()}
	a, srv := connectedSandboxAt(t, 61, 10, clock.now)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 1h"
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	l := syncLinks(t, a, "contacts")[0]
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Night editor"}); err != nil {
		t.Fatal(err)
	}
	clock.step(3 * time.Hour) // nothing ran meanwhile

	sched := startScheduler(t, a)
	done := make(chan error, 1)
	go func() { done <- backgroundRunEnds(sched, "contacts") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("catch-up run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no run when the scheduler started, three hours after the last run of an hourly sync")
	}
	runs, err := a.Runs(ctx, "contacts", 5)
	if err != nil || len(runs) != 2 || runs[0].Run.Trigger != schedule.TriggerCatchUp {
		t.Fatalf("runs %+v (%v); want the first and a catch-up", runs, err)
	}
	if rec, ok := srv.Salesforce().Get("Contact", l.BID); !ok || rec.Fields["Title"] != "Night editor" {
		t.Errorf("the edit made while closed did not reach Salesforce: %+v", rec)
	}
}
