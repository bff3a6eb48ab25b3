package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestQuitMidScheduledRunCatchesUpAtStart: the laptop user quits the
// window while a scheduled run of an "every 6h" sync is mid-batch; it stops
// cleanly (cancelled). Opening the window an hour later must finish that
// work at once, not leave it half done for six more hours: a run stopped
// by quitting is not the schedule's run made.
func TestQuitMidScheduledRunCatchesUpAtStart(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{at: time.Now()}
	a, srv := connectedSandboxAt(t, 62, 30, clock.now)
	a.DB().SetClock(clock.now) // runs' times on the app's clock too
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 6h"
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	for _, l := range syncLinks(t, a, "contacts")[:10] {
		if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Day shift"}); err != nil {
			t.Fatal(err)
		}
	}
	clock.step(6 * time.Hour)

	srv.Salesforce().Faults().Set(simkit.Faults{Latency: 3 * time.Second})
	runCtx, quit := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := a.Run(runCtx, "contacts", app.RunOptions{Trigger: schedule.TriggerSchedule})
		done <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		runs, err := a.Runs(ctx, "contacts", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 && runs[0].Run.Status == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduled run never showed as running")
		}
	}
	time.Sleep(200 * time.Millisecond) // into its calls
	quit()
	<-done
	srv.Salesforce().Faults().Set(simkit.Faults{})
	runs, err := a.Runs(ctx, "contacts", 1)
	if err != nil || len(runs) != 1 || runs[0].Run.Status != "cancelled" || runs[0].Run.Updated == 10 {
		t.Fatalf("runs %+v (%v); want the scheduled run cancelled by the quit", runs, err)
	}

	clock.step(time.Hour)
	sched := startScheduler(t, a)
	got := make(chan error, 1)
	go func() { got <- backgroundRunEnds(sched, "contacts") }()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("catch-up run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no run when the window opened again after quitting mid-run: the cancelled run's work waits six hours")
	}
	runs, err = a.Runs(ctx, "contacts", 5)
	if err != nil || len(runs) != 3 || runs[0].Run.Trigger != schedule.TriggerCatchUp || runs[0].Run.Status != "success" {
		t.Fatalf("runs %+v (%v); want the first run, the cancelled one and a successful catch-up", runs, err)
	}
	for _, l := range syncLinks(t, a, "contacts")[:10] {
		if rec, ok := srv.Salesforce().Get("Contact", l.BID); !ok || rec.Fields["Title"] != "Day shift" {
			t.Errorf("Contact %s: %+v; want the edit the quit left unsynced", l.BID, rec.Fields)
		}
	}
}
