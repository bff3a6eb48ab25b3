package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/schedule"
)

// auditPipedriveRequests counts the requests the Pipedrive sandbox served.
func auditPipedriveRequests(srv *sandbox.Server) int64 {
	var n int64
	for _, c := range srv.Pipedrive().Stats() {
		n += c
	}
	return n
}

// TestDailyLimitHoldsEverySyncOfTheConnection: Pipedrive's daily
// token budget is the company's, not one sync's. Once the persons sync's
// background run is refused it (429, Retry-After until midnight UTC), the
// organizations sync over the same connection waits it out too: its scheduled turn
// makes no call to Pipedrive, and it says it waits, naming the connection.
func TestDailyLimitHoldsEverySyncOfTheConnection(t *testing.T) {
	ctx := context.Background()
	persons := app.DemoPipedriveSync("persons", "hs", "pd", "")
	persons.Schedule = "every 1h"
	a, srv := syncedThrough(t, 4831, 6, "pipedrive", "pd", persons)
	orgs := app.DemoPipedriveCompaniesSync("orgs", "hs", "pd")
	orgs.Schedule = "every 1h"
	saveSyncs(t, a, orgs)
	if _, err := a.Run(ctx, "orgs", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("first run of orgs: %v", err)
	}
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "limit@example.com", "firstname": "Li", "lastname": "Mit"}); err != nil {
		t.Fatal(err)
	}
	pd := srv.Pipedrive()
	pd.SetRateLimits(true)
	_, budget := pd.TokenUsage()
	pd.SetTokensUsed(budget) // the company's day is spent

	err := a.ScheduledRun(ctx, "persons", schedule.TriggerSchedule)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() <= 0 {
		t.Fatalf("persons' run with Pipedrive's daily budget spent: %v; want the vendor's wait", err)
	}

	before := auditPipedriveRequests(srv)
	err = a.ScheduledRun(ctx, "orgs", schedule.TriggerSchedule)
	if spent := auditPipedriveRequests(srv) - before; spent > 0 {
		t.Errorf("orgs' turn made %d requests to Pipedrive during its connection's daily wait; each is refused", spent)
	}
	if err == nil || !strings.Contains(err.Error(), "waits until") || !strings.Contains(err.Error(), `"pd"`) {
		t.Errorf("orgs' turn during the wait: %v; want it to say it waits, naming the connection pd", err)
	}
	if errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("%v: the limit resets by itself, no person needed", err)
	}

	// The budget back (the next day), a run that gets through ends the
	// connection's wait for the other sync too.
	pd.SetTokensUsed(0)
	if _, err := a.Run(ctx, "persons", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("persons run after the reset: %v", err)
	}
	if err := a.ScheduledRun(ctx, "orgs", schedule.TriggerSchedule); err != nil {
		t.Errorf("orgs' turn after persons got through: %v", err)
	}
}
