package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestPipedriveCompanyReserveStopsRun: Pipedrive's daily token
// budget is the company's, shared with its other integrations; with the
// company one token short of crmsync's stop (the org_api_reserve_percent
// default, 10 %), a run stops there as a budget stop naming the figures,
// and a background run waits instead of retrying.
func TestPipedriveCompanyReserveStopsRun(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 4821, 6, "pipedrive", "pd", app.DemoPipedriveSync("pd", "hs", "pd", ""))
	for _, e := range []string{"reserve1@example.com", "reserve2@example.com", "reserve3@example.com"} {
		if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": e, "firstname": "Re", "lastname": "Serve"}); err != nil {
			t.Fatal(err)
		}
	}
	pd := srv.Pipedrive()
	pd.SetRateLimits(true)
	_, budget := pd.TokenUsage()
	stopAt := budget - budget/10
	pd.SetTokensUsed(stopAt - 1)

	res, err := a.Run(ctx, "pd", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v", err, res.Summary)
	stop := err
	if stop == nil && res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil || !errors.Is(stop, connector.ErrBudget) || !errors.Is(stop, connector.ErrOrgReserve) {
		t.Fatalf("run with the company one token short of the reserve: %v; want a reserve stop", stop)
	}
	if msg := stop.Error(); !strings.Contains(msg, "other integrations") {
		t.Errorf("stopped for %q; want where crmsync stops and why", msg)
	}
	if used, _ := pd.TokenUsage(); used > stopAt+10 {
		t.Errorf("company used %d tokens; crmsync spent past its stop at %d", used, stopAt)
	}
	err = a.ScheduledRun(ctx, "pd", schedule.TriggerManual)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < 30*time.Minute {
		t.Errorf("background run inside the company's reserve: %v; want a wait for the scheduler", err)
	}
}

// TestZohoCreditsSpentScheduledRunWaits: the organization's API
// credits (rolling 24 h, shared by its integrations) are spent; Zoho
// sends no Retry-After. A background run hands the scheduler a wait, as
// Salesforce's spent allocation does, rather than a short back-off with a
// refused call each step.
func TestZohoCreditsSpentScheduledRunWaits(t *testing.T) {
	ctx := context.Background()
	a, srv := syncedThrough(t, 4822, 6, "zoho", "zh", app.DemoZohoSync("zh", "hs", "zh"))
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "credits@example.com", "firstname": "Cred", "lastname": "Its"}); err != nil {
		t.Fatal(err)
	}
	srv.Zoho().Faults().SetDailyExhausted(true)
	err := a.ScheduledRun(ctx, "zh", schedule.TriggerManual)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < 30*time.Minute || w.WaitFor() > 24*time.Hour {
		t.Errorf("background run with Zoho's credits spent: %v; want a wait for the scheduler", err)
	}
	if errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("%v: credits free by themselves, no person needed", err)
	}
}
