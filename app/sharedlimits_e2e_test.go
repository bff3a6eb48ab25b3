package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// callsToday is the hs connection's persisted API usage today.
func callsToday(t *testing.T, a *app.App, name string) int {
	t.Helper()
	ctx := context.Background()
	c, err := a.DB().Connection(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	n, err := a.DB().APICallsToday(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDailyBudgetHoldsAcrossConcurrentSyncs: the per-connection daily
// budget must hold when two syncs sharing the connection run at once (a
// scheduled run overlapping a button press).
func TestDailyBudgetHoldsAcrossConcurrentSyncs(t *testing.T) {
	ctx := context.Background()
	a, _, _ := statusApp(t, sandbox.Options{Seed: 41, Contacts: 60, Latency: 15 * time.Millisecond}, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoCompaniesSync("companies", "hs", "sf"))
	// A budget each run would spend alone: both at once must share it.
	before := callsToday(t, a, "hs")
	budget := before + 3
	c, err := a.DB().Connection(ctx, "hs")
	if err != nil {
		t.Fatal(err)
	}
	c.DailyBudget = budget
	if _, err := a.DB().SaveConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, n := range []string{"contacts", "companies"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = a.Run(ctx, n, app.RunOptions{Confirm: true})
		}()
	}
	wg.Wait()
	t.Logf("calls %d budget %d errs %v", callsToday(t, a, "hs"), budget, errs)
	if got := callsToday(t, a, "hs"); got > budget {
		t.Errorf("connection hs spent %d HubSpot calls today, over its daily budget of %d (run errors: %v)", got, budget, errs)
	}
}

// TestRateLimitSharedAcrossConcurrentSyncs: two syncs sharing the hs
// connection run at once (a scheduled run and a button press). The
// connector paces itself under HubSpot's limits so that no 429 comes back
// ("each such 429 costs a call and a wait"); together the two runs must
// stay within the limit too, not each on its own.
func TestRateLimitSharedAcrossConcurrentSyncs(t *testing.T) {
	ctx := context.Background()
	a, _, st := statusApp(t, sandbox.Options{Seed: 43, Contacts: 450, RateLimits: true}, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoSync("contacts-2", "hs", "sf"))
	// Alone, one run meets no 429.
	if _, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if n := st.count("hubspot", 429); n != 0 {
		t.Fatalf("one run alone got %d 429s from HubSpot", n)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, n := range []string{"contacts", "contacts-2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = a.Run(ctx, n, app.RunOptions{DryRun: true})
		}()
	}
	wg.Wait()
	if n := st.count("hubspot", 429); n != 0 {
		t.Errorf("two syncs sharing connection hs at once got %d 429 answers from HubSpot (errors %v): the rate limiter is per run, not per connection", n, errs)
	}
}

// TestBudgetCountsEachCallOnce: a run that needs N calls fits in a
// budget with N calls left.
func TestBudgetCountsEachCallOnce(t *testing.T) {
	ctx := context.Background()
	measure := func(budget int) (int, int, error) {
		a, _ := connectedSandbox(t, 57, 300)
		saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
		before := callsToday(t, a, "hs")
		if budget > 0 {
			c, _ := a.DB().Connection(ctx, "hs")
			c.DailyBudget = before + budget
			if _, err := a.DB().SaveConnection(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err == nil && res.Summary.Status != "success" {
			err = fmt.Errorf("run %s: %s %v", res.Summary.Status, res.Summary.Message, res.Failures)
		}
		return before, callsToday(t, a, "hs") - before, err
	}
	_, need, err := measure(0)
	if err != nil {
		t.Fatal(err)
	}
	_, used, err := measure(need)
	if err != nil {
		t.Errorf("a run needing %d HubSpot calls, with %d left in the budget, stopped after %d: %v", need, need, used, err)
	}
}
