package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/schedule"
)

// sandboxCalls is every request the sandbox's vendors have answered.
func sandboxCalls(srv *sandbox.Server) int64 {
	var n int64
	for _, byPath := range srv.Stats() {
		for _, c := range byPath {
			n += c
		}
	}
	return n
}

// TestRunHeldSpendsNoCalls: while a run of contacts holds the sync
// (its scheduled run), Sync now, Sync all and the next scheduled turn are
// refused as already running, and none of them reads either CRM first:
// each read would spend the user's daily API quota on a plan the lock
// then throws away.
func TestRunHeldSpendsNoCalls(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 6h"
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB().OpenRun(ctx, row.ID, schedule.TriggerSchedule, 0); err != nil { // as a background run does
		t.Fatal(err)
	}

	before := sandboxCalls(srv)
	_, err = a.Run(ctx, "contacts", app.RunOptions{Trigger: "manual"})
	if !errors.Is(err, engine.ErrAlreadyRunning) {
		t.Errorf("Sync now beside the held run: %v; want ErrAlreadyRunning", err)
	}
	if got := sandboxCalls(srv); got != before {
		t.Errorf("Sync now refused as already running made %d API calls first", got-before)
	}

	before = sandboxCalls(srv)
	out, err := a.RunAll(ctx, app.RunOptions{}, nil)
	if err != nil || len(out) != 1 || !out[0].AlreadyRunning() {
		t.Errorf("Sync all beside the held run: %v %+v; want contacts already running", err, out)
	}
	if got := sandboxCalls(srv); got != before {
		t.Errorf("Sync all's already-running contacts made %d API calls first", got-before)
	}

	before = sandboxCalls(srv)
	err = a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	if !errors.Is(err, schedule.ErrSkipped) || !errors.Is(err, engine.ErrAlreadyRunning) {
		t.Errorf("the scheduled turn beside the held run: %v; want it skipped as already running", err)
	}
	if got := sandboxCalls(srv); got != before {
		t.Errorf("the skipped scheduled turn made %d API calls first", got-before)
	}
}

// TestHeldTurnRunsNoFilterSyncFirst: a scheduled turn of leads while
// a run of leads is under way is skipped before it runs the contacts sync
// its linked: filter asks about: that run would spend both CRMs' calls
// for a turn that is then refused.
func TestHeldTurnRunsNoFilterSyncFirst(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 67, 10)
	scheduledLeadsBesideOpenRun(t, a, "leads") // leads' own run, under way
	runsBefore, err := a.Runs(ctx, "contacts", 0)
	if err != nil {
		t.Fatal(err)
	}
	before := sandboxCalls(srv)
	err = a.ScheduledRun(ctx, "leads", schedule.TriggerSchedule)
	if !errors.Is(err, schedule.ErrSkipped) || !errors.Is(err, engine.ErrAlreadyRunning) {
		t.Errorf("the scheduled leads turn beside its own run: %v; want it skipped as already running", err)
	}
	if got := sandboxCalls(srv); got != before {
		t.Errorf("the skipped leads turn made %d API calls", got-before)
	}
	if runsAfter, err := a.Runs(ctx, "contacts", 0); err != nil || len(runsAfter) != len(runsBefore) {
		t.Errorf("the skipped leads turn ran contacts first: %d runs of contacts, %d before (%v)", len(runsAfter), len(runsBefore), err)
	}
}
