package app_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestRunningSchedulerFollowsAccountSwitch: the window's scheduler is
// running when the organizations sync's own scheduled turn is refused
// Pipedrive's spent daily budget, so its loop holds that wait in memory.
// The user then signs connection pd in to another Pipedrive company, whose
// budget is untouched: the stored waits end (settleConnectionWaits), and
// the same running scheduler's next turn must run and write there, not
// wait out the former company's reset.
func TestRunningSchedulerFollowsAccountSwitch(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{at: time.Now()}
	a, srv := connectedSandboxAt(t, 4835, 6, clock.now)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pd: %v", err)
	}
	orgs := app.DemoPipedriveCompaniesSync("orgs", "hs", "pd")
	orgs.Schedule = "every 1h"
	orgs.Safety.MaxChangePercent = 100
	saveSyncs(t, a, orgs)

	// The app's scheduler, as the window and `crmsync scheduler` build it,
	// waking often so the stepped clock is seen at once.
	opts := a.ScheduleOptions()
	opts.WakeCheck = 20 * time.Millisecond
	sched := schedule.New(a.ScheduledRun, opts)
	if err := a.Reload(ctx, sched); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- sched.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-stopped })
	// event returns the scheduler's next event of orgs that keep selects.
	event := func(what string, keep func(schedule.Event) bool) schedule.Event {
		t.Helper()
		guard := time.After(60 * time.Second) // a guard, not a measure
		for {
			select {
			case e := <-sched.Events():
				if e.Sync == "orgs" && keep(e) {
					return e
				}
			case <-guard:
				t.Fatalf("orgs: %s never came", what)
			}
		}
	}
	turn := func(what string) error {
		t.Helper()
		return event(what, func(e schedule.Event) bool {
			return e.Kind == schedule.EventFailed || e.Kind == schedule.EventFinished
		}).Err
	}

	pd := srv.Pipedrive()
	pd.SetRateLimits(true)
	_, budget := pd.TokenUsage()
	pd.SetTokensUsed(budget) // company A's day is spent
	// Stepped only once the loop has planned its first slot: a loop that
	// started late (a loaded machine) would plan it an hour after a clock
	// already stepped, and never reach it.
	first := event("the first planned slot", func(e schedule.Event) bool {
		return e.Kind == schedule.EventNext && !e.Next.IsZero()
	})
	clock.step(first.Next.Sub(clock.now()) + time.Second)
	err := turn("the first slot")
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() <= 0 {
		t.Fatalf("orgs' scheduled turn with Pipedrive's daily budget spent: %v; want the vendor's wait", err)
	}
	// Company A's wait lasts until the next UTC day; the back-off's first
	// step is a minute.
	if w.WaitFor() <= 10*time.Minute {
		t.Skipf("company A's wait (%s) ends within minutes: too close to midnight UTC to tell", w.WaitFor())
	}

	// Connection pd signed in to another Pipedrive company.
	was, err := a.DB().Connection(ctx, "pd")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Disconnect(ctx, "pd"); err != nil {
		t.Logf("disconnect: %v", err)
	}
	other := startSandbox(t, 9129, 3)
	c, err := a.ConnectSandbox(ctx, other, "pipedrive", "pd")
	if err != nil {
		t.Fatalf("connect pd to another company: %v", err)
	}
	if c.AccountID == was.AccountID {
		t.Fatalf("test setup: the other sandbox's Pipedrive company has the same id %s", was.AccountID)
	}
	if v, err := a.DB().Setting(ctx, "vendor_wait:orgs", ""); err != nil || v != "" {
		t.Fatalf("test setup: the stored wait of orgs after the switch is %q (%v); want it ended", v, err)
	}

	// The loop plans its next turn; it must be before the former
	// company's reset, and it runs when its time comes.
	next := event("a turn planned before company A's reset", func(e schedule.Event) bool {
		return e.Kind == schedule.EventNext && !e.Next.IsZero() && e.Next.Before(clock.now().Add(w.WaitFor()/2))
	})
	clock.step(next.Next.Sub(clock.now()) + time.Second)
	err = turn("the turn after the switch")
	if errors.As(err, &w) {
		t.Errorf("orgs' turn after pd switched company: %v; want it to run on the new company", err)
	}
	links := syncLinks(t, a, "orgs")
	if len(links) == 0 {
		t.Fatalf("orgs linked nothing on pd's new company (%s) after its next scheduled turn (run: %v)", c.AccountName, err)
	}
	for _, l := range links {
		id, _ := strconv.ParseInt(l.BID, 10, 64)
		if _, ok := other.Pipedrive().GetOrganization(id); !ok {
			t.Errorf("orgs links HubSpot company %s to organization %s, which pd's new company does not hold", l.AID, l.BID)
		}
	}
}
