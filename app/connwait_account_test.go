package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestConnectionWaitFollowsTheAccount: Pipedrive's daily budget
// of company A is spent, and the first run of the organizations sync over
// connection pd is refused it: pd and that sync wait for the reset. The
// user disconnects pd and signs in again to the same company: the budget
// is still spent, so the persons sync over pd still waits, making no
// call. Then the user deletes the persons sync (its links name company
// A's people), disconnects pd and connects it to another Pipedrive
// company, whose budget is untouched: the organizations sync, kept, must
// run there, not wait out company A's limit.
func TestConnectionWaitFollowsTheAccount(t *testing.T) {
	ctx := context.Background()
	persons := app.DemoPipedriveSync("persons", "hs", "pd", "")
	persons.Schedule = "every 1h"
	a, srv := syncedThrough(t, 4833, 6, "pipedrive", "pd", persons)
	orgs := app.DemoPipedriveCompaniesSync("orgs", "hs", "pd")
	orgs.Schedule = "every 1h"
	saveSyncs(t, a, orgs)
	was, err := a.DB().Connection(ctx, "pd")
	if err != nil {
		t.Fatal(err)
	}
	pd := srv.Pipedrive()
	pd.SetRateLimits(true)
	_, budget := pd.TokenUsage()
	pd.SetTokensUsed(budget) // company A's day is spent
	var w schedule.Waiter
	if err := a.ScheduledRun(ctx, "orgs", schedule.TriggerSchedule); !errors.As(err, &w) || w.WaitFor() <= 0 {
		t.Fatalf("orgs' first run with Pipedrive's daily budget spent: %v; want the vendor's wait", err)
	}
	if links := syncLinks(t, a, "orgs"); len(links) > 0 {
		t.Fatalf("test setup: orgs linked %d records before its run was refused", len(links))
	}

	// The same company signed in again: its budget is still spent.
	if err := a.Disconnect(ctx, "pd"); err != nil {
		t.Logf("disconnect: %v", err)
	}
	// Pipedrive blocks further requests once the budget is spent (docs,
	// "Rate limiting"), the sign-in's users/me too; a few tokens left let
	// the sign-in through.
	pd.SetTokensUsed(budget - 100)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pd to the same company again: %v", err)
	}
	pd.SetTokensUsed(budget)
	before := auditPipedriveRequests(srv)
	err = a.ScheduledRun(ctx, "persons", schedule.TriggerSchedule)
	if spent := auditPipedriveRequests(srv) - before; spent > 0 {
		t.Errorf("persons' turn made %d requests to Pipedrive after pd signed in again to the company whose budget is spent", spent)
	}
	if !app.IsConnectionWait(err) {
		t.Errorf("persons' turn after pd signed in again to the same company: %v; want it to wait out the company's limit", err)
	}

	// Another company under the same name: company A's wait is not its.
	if err := a.DeleteSync(ctx, "persons"); err != nil {
		t.Fatalf("delete persons: %v", err)
	}
	if err := a.Disconnect(ctx, "pd"); err != nil {
		t.Logf("disconnect: %v", err)
	}
	other := startSandbox(t, 9127, 3)
	c, err := a.ConnectSandbox(ctx, other, "pipedrive", "pd")
	if err != nil {
		t.Fatalf("connect pd to another company: %v", err)
	}
	if c.AccountID == was.AccountID {
		t.Fatalf("test setup: the other sandbox's Pipedrive company has the same id %s", was.AccountID)
	}
	before = auditPipedriveRequests(other)
	err = a.ScheduledRun(ctx, "orgs", schedule.TriggerSchedule)
	if errors.Is(err, schedule.ErrSkipped) {
		t.Errorf("sync orgs over pd, now %s, waits out the limit the former company reached: %v", c.AccountName, err)
	}
	if auditPipedriveRequests(other) == before {
		t.Errorf("sync orgs made no call to pd's new company (run: %v)", err)
	}
}
