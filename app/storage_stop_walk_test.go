package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestStorageStopThenNewContact: the walk of the last session. A
// run stops on Salesforce's STORAGE_LIMIT_EXCEEDED; storage is freed and a
// new HubSpot contact is made; the next manual run (no Retry) must read
// HubSpot and create both the held contact and the new one.
func TestStorageStopThenNewContact(t *testing.T) {
	a, srv, _ := syncedContacts(t, 4801, false)
	createHubSpotContact(t, srv, "held@example.com", "Held", "Back")
	storageStopThenRun(t, a, srv)
	wantOneSalesforceContact(t, srv, "held@example.com", "fresh@example.com")
}

// total is the calls a sandbox answered, over all its endpoints.
func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// TestStorageStopOnFirstRun: the sync's first run meets a full org
// and stops; storage is freed and a new HubSpot contact is made; the next
// manual run must create every contact the stopped run missed and the new one.
func TestStorageStopOnFirstRun(t *testing.T) {
	a, srv := connectedSandbox(t, 4802, 12)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	storageStopThenRun(t, a, srv)
	got := emailCounts(srv)
	for _, r := range srv.HubSpot().Records("contacts") {
		if e := strings.ToLower(r.Properties["email"]); e != "" && got["sf:"+e] != 1 {
			t.Errorf("Salesforce holds %d contacts %s; want 1", got["sf:"+e], e)
		}
	}
}

// TestStorageStopLeadsManualRun: the ready-made syncs make a new
// HubSpot contact a Salesforce Lead. A leads run stops on a full org;
// storage is freed and another contact made; the next manual run (no
// Retry) must create both Leads, once, and not say they still wait.
func TestStorageStopLeadsManualRun(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4803, 12)
	saveSyncs(t, a, app.DemoCompaniesSync(app.DemoCompaniesName, "hs", "sf"),
		app.DemoSyncWithCompanies(app.DemoContactsName, "hs", "sf", app.DemoCompaniesName),
		app.DemoLeadsSync(app.DemoLeadsName, "hs", "sf", app.DemoContactsName))
	for _, n := range []string{app.DemoCompaniesName, app.DemoContactsName, app.DemoLeadsName} {
		if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil {
			t.Fatalf("first run of %s: %v %+v", n, err, res.Summary)
		}
	}
	sf := srv.Salesforce()
	sf.FillDataStorage(true)
	createHubSpotContact(t, srv, "held@example.com", "Held", "Back")
	res, err := a.Run(ctx, app.DemoLeadsName, app.RunOptions{Confirm: true})
	t.Logf("stopped run: %v %+v", err, res.Summary)
	sf.FillDataStorage(false)
	createHubSpotContact(t, srv, "fresh@example.com", "Fresh", "After")
	res, err = a.Run(ctx, app.DemoLeadsName, app.RunOptions{Confirm: true})
	if err != nil || res.Summary == nil || res.Summary.Status != "success" {
		t.Fatalf("manual run after storage freed: %v %+v %v", err, res.Summary, res.Failures)
	}
	t.Logf("next run: %+v", res.Summary)
	if strings.Contains(res.Summary.Message, "to be retried") {
		t.Errorf("run message %q says records wait to be retried", res.Summary.Message)
	}
	leads := map[string]int{}
	for _, r := range sf.Records("Lead") {
		leads[strings.ToLower(r.Fields["Email"])]++
	}
	for _, e := range []string{"held@example.com", "fresh@example.com"} {
		if leads[e] != 1 {
			t.Errorf("Salesforce holds %d Leads %s; want 1", leads[e], e)
		}
	}
}

// TestDailyLimitThenManualRun: HubSpot's daily limit (429, policy
// DAILY) or Salesforce's REQUEST_LIMIT_EXCEEDED stops a run; once lifted,
// a new contact is made and the next manual run writes what was missed
// and the new one.
func TestDailyLimitThenManualRun(t *testing.T) {
	for _, vendor := range []string{"hubspot", "salesforce"} {
		t.Run(vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv, _ := syncedContacts(t, 4804, false)
			createHubSpotContact(t, srv, "held@example.com", "Held", "Back")
			faults := srv.HubSpot().Faults()
			if vendor == "salesforce" {
				faults = srv.Salesforce().Faults()
			}
			faults.SetDailyExhausted(true)
			res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			t.Logf("refused run: %v %+v", err, res.Summary)
			faults.SetDailyExhausted(false)
			if vendor == "salesforce" {
				// Salesforce's allocation is a rolling 24 hours: the calls
				// counted roll off, which is how its limit lifts.
				srv.Salesforce().SetAPIUsage(100)
			}
			createHubSpotContact(t, srv, "fresh@example.com", "Fresh", "After")
			res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err != nil || res.Summary == nil || res.Summary.Status != "success" {
				t.Fatalf("manual run after the limit lifted: %v %+v %v", err, res.Summary, res.Failures)
			}
			t.Logf("next run: %+v", res.Summary)
			wantOneSalesforceContact(t, srv, "held@example.com", "fresh@example.com")
		})
	}
}

// TestSalesforceLimitWhileWriting: the org's allocation runs out
// between the run's reads and its writes (403 REQUEST_LIMIT_EXCEEDED on
// the create). Once the calls age out, a new contact is made; the next
// manual run writes the held contact and the new one, once each.
func TestSalesforceLimitWhileWriting(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := syncedContacts(t, 4805, false)
	createHubSpotContact(t, srv, "held@example.com", "Held", "Back")
	// No reserve: the org's own limit, not crmsync's stop, refuses.
	if err := a.SetSetting(ctx, "org_api_reserve_percent", "0"); err != nil {
		t.Fatal(err)
	}
	sf := srv.Salesforce()
	_, mx := sf.APIUsage()
	reads := int(total(sf.Stats()))
	res, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	reads = int(total(sf.Stats())) - reads
	sf.SetAPIUsage(mx - reads)
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("refused run (%d reads): %v %+v", reads, err, res.Summary)
	sf.SetAPIUsage(100)
	createHubSpotContact(t, srv, "fresh@example.com", "Fresh", "After")
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary == nil || res.Summary.Status != "success" {
		t.Fatalf("manual run after the limit lifted: %v %+v %v", err, res.Summary, res.Failures)
	}
	t.Logf("next run: %+v", res.Summary)
	if strings.Contains(res.Summary.Message, "to be retried") {
		t.Errorf("run message %q says records wait to be retried", res.Summary.Message)
	}
	wantOneSalesforceContact(t, srv, "held@example.com", "fresh@example.com")
}

// TestPartialManualRunEndsVendorWait: a scheduled run meets
// HubSpot's spent daily limit and remembers HubSpot's wait. The limit is
// lifted; the admin presses Sync now, which reads and writes (one new
// contact fails for its data, so the run is partial). It got through
// HubSpot: the next scheduled run must run, not wait for HubSpot's
// midnight.
func TestPartialManualRunEndsVendorWait(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := syncedContacts(t, 4806, false)
	def, err := a.Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	def.Definition.Schedule = "every 15m"
	saveSyncs(t, a, def.Definition)
	hs := srv.HubSpot()
	hs.Faults().SetDailyExhausted(true)
	err = a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < time.Minute {
		t.Skipf("the run carries no wait (%v); HubSpot's midnight is too near", err)
	}
	hs.Faults().SetDailyExhausted(false)
	for _, p := range []map[string]string{
		{"email": "good@example.com", "firstname": "Good", "lastname": "Contact"},
		{"email": "nolast@example.com", "firstname": "NoLast"}, // Salesforce requires LastName
	} {
		if _, err := hs.Create("contacts", p); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("manual run: %v %+v %v", err, res.Summary, res.Failures)
	if err != nil || res.Summary == nil || res.Summary.Created == 0 {
		t.Fatalf("manual run after the limit lifted wrote nothing: %v %+v", err, res.Summary)
	}
	if _, err := hs.Create("contacts", map[string]string{"email": "later@example.com", "firstname": "Later", "lastname": "Contact"}); err != nil {
		t.Fatal(err)
	}
	if err := a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule); errors.Is(err, schedule.ErrSkipped) {
		t.Errorf("the scheduled run after a Sync now that got through HubSpot: %v", err)
	}
	if got := emailCounts(srv); got["sf:later@example.com"] != 1 {
		t.Errorf("Salesforce holds %d contacts later@example.com; want 1", got["sf:later@example.com"])
	}
}

// createHubSpotContact makes a contact in the sandbox's HubSpot with the
// given email, first and last name.
func createHubSpotContact(t *testing.T, srv *sandbox.Server, email, first, last string) {
	t.Helper()
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": email, "firstname": first, "lastname": last}); err != nil {
		t.Fatal(err)
	}
}

// storageStopThenRun stops a contacts run on a full Salesforce org, frees
// the storage, makes the fresh@example.com HubSpot contact and runs again
// by hand; it fails t unless that run succeeded and did not say records
// wait to be retried.
func storageStopThenRun(t *testing.T, a *app.App, srv *sandbox.Server) {
	t.Helper()
	ctx := context.Background()
	sf := srv.Salesforce()
	sf.FillDataStorage(true)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("stopped run: %v %+v", err, res.Summary)
	sf.FillDataStorage(false)
	createHubSpotContact(t, srv, "fresh@example.com", "Fresh", "After")
	hsBefore, sfBefore := total(srv.HubSpot().Stats()), total(sf.Stats())
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("next run: %v %+v; calls hs %d sf %d", err, res.Summary, total(srv.HubSpot().Stats())-hsBefore, total(sf.Stats())-sfBefore)
	if err != nil || res.Summary == nil || res.Summary.Status != "success" {
		t.Fatalf("manual run after storage freed: %v %+v %v", err, res.Summary, res.Failures)
	}
	if strings.Contains(res.Summary.Message, "to be retried") {
		t.Errorf("run message %q says records wait to be retried; this run wrote them", res.Summary.Message)
	}
}

// wantOneSalesforceContact fails t unless Salesforce holds exactly one
// contact with each of emails.
func wantOneSalesforceContact(t *testing.T, srv *sandbox.Server, emails ...string) {
	t.Helper()
	got := emailCounts(srv)
	for _, e := range emails {
		if got["sf:"+e] != 1 {
			t.Errorf("Salesforce holds %d contacts %s; want 1", got["sf:"+e], e)
		}
	}
}
