package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// searchLag is how far behind the sandboxes' search indexes run in these
// tests: longer than a lookup right after a failed call takes, shorter
// than the lag the connectors declare (connector.LookupLagger).
const searchLag = 2 * time.Second

// TestLaggingSearchLostCreateHubSpotCompanies: HubSpot creates the
// companies of a batch, the answer is lost (a 502), and HubSpot's search
// does not show them yet ("a few moments" after a write). The lookup
// after the failure must not take them for missing and create them again.
func TestLaggingSearchLostCreateHubSpotCompanies(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 57, 20, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"))
	for i, d := range []string{"lag-one.example", "lag-two.example", "lag-three.example"} {
		if _, err := srv.Salesforce().Create("Account", map[string]string{"Name": fmt.Sprintf("Lagging Search %d Ltd", i), "Website": "https://www." + d + "/"}); err != nil {
			t.Fatal(err)
		}
	}
	hs := srv.HubSpot()
	before, sfBefore := hs.Count("companies"), srv.Salesforce().Count("Account")
	hs.SetSearchIndexDelay(searchLag)
	tr.arm(1, postTo("/companies/batch/create"))
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %v", tr.lostCalls())
	}
	// The wait for the index is not silent: the log says so.
	if log := logFileText(t, a); !strings.Contains(log, "waiting for the search index") || !strings.Contains(log, "object=companies") {
		t.Errorf("the log does not tell of the wait for HubSpot's search before the lookup:\n%s", log)
	}
	res, err = a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	t.Logf("run 2: %v %+v", err, res.Summary)
	if got := hs.Count("companies"); got != before+3 {
		t.Errorf("HubSpot holds %d companies after a lost create answer and a lagging search; want %d + the 3 new ones (%d duplicates)", got, before, got-before-3)
	}
	if got := srv.Salesforce().Count("Account"); got != sfBefore {
		t.Errorf("Salesforce holds %d accounts; want %d as before", got, sfBefore)
	}
}

// TestLaggingSearchLostCreatePipedrivePerson: the same for a person
// Pipedrive created, whose lookup goes through its lagging search by email;
// the person waits in the retry queue, and the user retries it at once.
func TestLaggingSearchLostCreatePipedrivePerson(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 31, 20, [2]string{"hubspot", "hs"}, [2]string{"pipedrive", "pd"})
	pd := srv.Pipedrive()
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
	pd.SetSearchIndexDelay(searchLag)
	tr.arm(1, postTo("/api/v2/persons"))
	res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %v", tr.lostCalls())
	}
	if res.Summary.Failed != 0 {
		t.Errorf("run 1 reports %d failed records; the person the lost answer made must be found and linked, not queued for retry", res.Summary.Failed)
	}
	// History's Retry failed, at once: the failed record is due now.
	res, err = a.Run(ctx, "people", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	t.Logf("run 2 (retry failed): %v %+v", err, res.Summary)
	assertOnePersonPerEmail(t, srv, "after a lost create answer and a lagging search")
}

// TestLaggingSearchCrashAfterHubSpotCreate: the process dies after
// HubSpot created the companies of a batch and before crmsync heard back,
// and the next run starts at once, while HubSpot's search (the journal's
// lookup and the incremental read) does not show them yet.
func TestLaggingSearchCrashAfterHubSpotCreate(t *testing.T) {
	a, srv, tr := lossyApp(t, 57, 20, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"))
	if _, err := a.Run(context.Background(), "companies", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	for i, d := range []string{"lagcrash-one.example", "lagcrash-two.example"} {
		if _, err := srv.Salesforce().Create("Account", map[string]string{"Name": fmt.Sprintf("Lag Crash %d Ltd", i), "Website": "https://www." + d + "/"}); err != nil {
			t.Fatal(err)
		}
	}
	hs := srv.HubSpot()
	before := hs.Count("companies")
	hs.SetSearchIndexDelay(searchLag)
	killedRun(t, a, tr, "companies", postTo("/companies/batch/create"))
	res, err := a.Run(context.Background(), "companies", app.RunOptions{Confirm: true})
	t.Logf("run after: %v %+v", err, res.Summary)
	if got := hs.Count("companies"); got != before+2 {
		t.Errorf("HubSpot holds %d companies after a crash and a lagging search; want %d + the 2 new ones (%d duplicates)", got, before, got-before-2)
	}
}
