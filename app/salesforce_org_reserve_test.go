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

// TestSalesforceOrgReserveStopsRun: the org's daily allocation
// (15,000, rolling 24 h) is shared with its other integrations; with the
// org one call short of crmsync's stop (10 % left: 13,500), the run stops
// before spending past it, as a budget stop naming the org's figures, the
// scheduler waits instead of retrying at once, and once the allocation is
// freed the next run writes what was left.
func TestSalesforceOrgReserveStopsRun(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4811, 12)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	sf := srv.Salesforce()
	sf.SetAPIUsage(13499)

	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("stopped run: %v %+v", err, res.Summary)
	created := 0
	if res.Summary != nil {
		created = res.Summary.Created
	}
	stop := err
	if stop == nil && res.Summary != nil {
		stop = res.Summary.Stopped
	}
	if stop == nil {
		t.Fatalf("run with the org one call short of its reserve: %+v; want it stopped", res.Summary)
	}
	if !errors.Is(stop, connector.ErrBudget) {
		t.Errorf("stopped for %v: category %s; want budget", stop, connector.CategoryOf(stop))
	}
	if msg := stop.Error(); !strings.Contains(msg, "of 15,000 API calls") || !strings.Contains(msg, "13,500") || !strings.Contains(msg, "other integrations") {
		t.Errorf("stopped for %q; want the org's usage and where crmsync stops", msg)
	}
	if res.Summary == nil || !strings.Contains(res.Summary.Message, "13,500") {
		t.Errorf("stopped run's message %q; want the org's figures where the run history shows them", res.Summary.Message)
	}
	if used, _ := sf.APIUsage(); used > 13500 {
		t.Errorf("org usage %d after the run; crmsync spent past its stop at 13,500", used)
	}

	// The connection's listing shows the org's usage, read from the run's
	// last answer.
	cs, err := a.Connections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == "sf" && (c.OrgUsed != 13500 || c.OrgMax != 15000 || !strings.Contains(app.OrgUsageLine(c, time.Local), "13,500 of 15,000 API calls")) {
			t.Errorf("connection sf shows org usage %d/%d (%q); want 13,500 of 15,000", c.OrgUsed, c.OrgMax, app.OrgUsageLine(c, time.Local))
		}
	}

	// Still inside the reserve: the scheduler is told to wait.
	err = a.ScheduledRun(ctx, "contacts", schedule.TriggerManual)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < 30*time.Minute || w.WaitFor() > 24*time.Hour {
		t.Errorf("background run inside the org's reserve: %v; want a wait for the scheduler", err)
	}
	if errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("%v: the allocation frees by itself, no person needed", err)
	}

	sf.SetAPIUsage(0)
	hs0, sf0 := srv.HubSpot().Count("contacts"), sf.Count("Contact")
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run with the allocation freed: %v %+v", err, res.Summary)
	}
	t.Logf("freed run: %+v", res.Summary)
	// An unstopped first run of this sandbox creates 22 records.
	if hs, n := srv.HubSpot().Count("contacts"), sf.Count("Contact"); created+res.Summary.Created != 22 || hs+n != hs0+sf0+res.Summary.Created {
		t.Errorf("stopped run created %d, freed run %d (HubSpot %d->%d, Salesforce %d->%d); want the 22 of an unstopped run", created, res.Summary.Created, hs0, hs, sf0, n)
	}
}

// TestSalesforceOrgReserveSetting: org_api_reserve_percent 0 turns
// the reserve off, for an org whose only integration is crmsync.
func TestSalesforceOrgReserveSetting(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4812, 12)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if err := a.SetSetting(ctx, "org_api_reserve_percent", "0"); err != nil {
		t.Fatal(err)
	}
	srv.Salesforce().SetAPIUsage(13499)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run with no reserve set: %v %+v", err, res.Summary)
	}
}

// TestSalesforceOrgAllocationSpentWaits: the org's whole allocation
// is spent (403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.", no
// Retry-After): a background run hands the scheduler a wait, as for a
// reserve stop, instead of its short back-off with a refused call each time.
func TestSalesforceOrgAllocationSpentWaits(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4813, 12)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	srv.Salesforce().SetAPIUsage(15000)
	err := a.ScheduledRun(ctx, "contacts", schedule.TriggerManual)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < 30*time.Minute || w.WaitFor() > 24*time.Hour {
		t.Errorf("background run with the org's allocation spent: %v; want a wait for the scheduler", err)
	}
	if err == nil || !strings.Contains(err.Error(), "TotalRequests Limit exceeded") {
		t.Errorf("background run with the org's allocation spent: %v; want Salesforce's words", err)
	}
}
