package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestCrashCountsUnknownWrites: three linked HubSpot contacts get a
// new first name; the process dies (its store closed, the run row left
// "running") once Salesforce carried out the update call and before
// crmsync heard back. Started again, History marks the run interrupted and
// must say, as for a stopped run, how many records' outcome is unknown
// until the next run settles them; the scheduler still treats it as a run
// the process quit.
func TestCrashCountsUnknownWrites(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 8, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, k.a, app.DemoSync("contacts", "hs", "sf"))
	if res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	links := syncLinks(t, k.a, "contacts")[:3]
	k.clock.step(time.Minute)
	for i, l := range links {
		if _, err := k.srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": fmt.Sprintf("Crashed%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	k.clock.step(time.Minute)
	killed := k.a
	k.tr.arm(1, isWrite)
	k.tr.kill = func() { killed.Close() }
	if _, err := killed.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err == nil {
		t.Fatal("the run went on after the process died")
	}
	if len(k.tr.lostCalls()) != 1 {
		t.Fatalf("no update call was killed: %v", k.tr.lostCalls())
	}
	k.restart()
	run := k.lastRun("contacts")
	t.Logf("killed run %d: %s %q", run.ID, run.Status, run.Message)
	if run.Status != "failed" || !strings.HasPrefix(run.Message, store.InterruptedMessage) {
		t.Fatalf("the killed run reads %s %q; want it marked interrupted", run.Status, run.Message)
	}
	if !strings.Contains(run.Message, "3 outcome unknown") || !strings.Contains(run.Message, "next run") {
		t.Errorf("History of the killed run says %q; want how many writes are of unknown outcome (3) and that the next run settles them", run.Message)
	}
	// Not a run of the schedule: the next start catches up on its slot.
	first := k.runRow(run.ID - 1)
	if at, err := k.a.ScheduleOptions().LastRun(ctx, "contacts"); err != nil || !at.Equal(first.StartedAt) {
		t.Errorf("the scheduler's last run is at %v (%v); want the run before the crash, at %v", at, err, first.StartedAt)
	}
	// The next run settles them: History then counts them under the killed run.
	k.clock.step(time.Minute)
	if res, err := k.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("run after the restart: %v %+v", err, res.Summary)
	}
	if r := k.runRow(run.ID); r.Updated != 3 {
		t.Errorf("after the next run History counts %d updated under the killed run; Salesforce took 3", r.Updated)
	}
}
