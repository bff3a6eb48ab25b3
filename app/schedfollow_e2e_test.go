package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestPausedElsewhereIsNotRunOnSchedule: `crmsync scheduler` runs as a
// login item while the person pauses a sync in the window (another
// process). The scheduler's timer, loaded before the pause, must not run
// it; nor a sync deleted meanwhile. The window's Sync now still runs a
// manual sync.
func TestPausedElsewhereIsNotRunOnSchedule(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 91, 10)
	for _, name := range []string{"contacts", "gone"} {
		def := app.DemoSync(name, "hs", "sf")
		def.Schedule = "every 15m"
		saveSyncs(t, a, def)
	}
	window := openHome(t, a.Home(), secret.NewMemory(), nil)
	if err := window.SetPaused(ctx, "contacts", true); err != nil {
		t.Fatal(err)
	}
	if err := window.DeleteSync(ctx, "gone"); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"contacts", "gone"} {
		err := a.ScheduledRun(ctx, name, schedule.TriggerSchedule)
		if !errors.Is(err, schedule.ErrSkipped) {
			t.Errorf("scheduled run of %s, paused or deleted in another process: %v; want it skipped", name, err)
		}
	}
	if runs, err := a.Runs(ctx, "contacts", 5); err != nil || len(runs) != 0 {
		t.Fatalf("the paused sync ran on its stale schedule: %d runs (%v)", len(runs), err)
	}

	manual := app.DemoSync("manual", "hs", "sf")
	manual.Schedule = "manual"
	saveSyncs(t, a, manual)
	if err := a.ScheduledRun(ctx, "manual", schedule.TriggerManual); err != nil {
		t.Errorf("Sync now on a manual sync: %v", err)
	}
}

// TestSchedulerFollowsSyncsChangedElsewhere: a running scheduler picks up
// a pause, a new sync and a deletion made by another process, without a
// restart.
func TestSchedulerFollowsSyncsChangedElsewhere(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, _ := connectedSandbox(t, 92, 10)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 15m"
	saveSyncs(t, a, def)
	s, err := a.NewScheduler(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	go a.FollowSyncs(ctx, s, 20*time.Millisecond)
	defer func() { cancel(); <-done }()

	cli := openHome(t, a.Home(), secret.NewMemory(), nil)
	if err := cli.SetPaused(ctx, "contacts", true); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "contacts", schedule.EventPaused)

	// Saved without telling this scheduler, as another process saves it
	// (that process's keyring is the one that can read the schemas).
	added := app.DemoSync("added", "hs", "sf")
	added.Schedule = "every 1h"
	saveSyncs(t, a, added)
	waitFor(t, "the sync saved elsewhere to be scheduled", func() bool { return slices.Contains(s.Names(), "added") })
	if err := cli.DeleteSync(ctx, "added"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the sync deleted elsewhere to leave the scheduler", func() bool { return !slices.Contains(s.Names(), "added") })
}

func waitEvent(t *testing.T, s *schedule.Scheduler, sync, kind string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-s.Events():
			if e.Sync == sync && e.Kind == kind {
				return
			}
		case <-deadline:
			t.Fatalf("no %s event for %s in 10 s", kind, sync)
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited 10 s for %s", what)
}
