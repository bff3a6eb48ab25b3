package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// TestZohoLostCreateIndexLag: Zoho makes the accounts of a create
// call whose answer is lost (a 502), and its search index has not caught
// up when the lookup runs ("When you create or edit a record and search for
// it immediately, you may receive a 204 NO CONTENT response due to indexing
// delays", searchRecords.md). Each company must still exist once in Zoho.
func TestZohoLostCreateIndexLag(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 57, 20, [2]string{"hubspot", "hs"}, [2]string{"zoho", "zh"})
	srv.Zoho().SetSearchIndexDelay(time.Hour)
	saveSyncs(t, a, app.DemoZohoCompaniesSync("companies", "hs", "zh"))
	for i, d := range []string{"lag-one.example", "lag-two.example", "lag-three.example"} {
		if _, err := srv.HubSpot().Create("companies", map[string]string{"name": fmt.Sprintf("Lag %d Ltd", i), "domain": d}); err != nil {
			t.Fatal(err)
		}
	}
	before, hsBefore := srv.Zoho().Count("Accounts"), srv.HubSpot().Count("companies")
	tr.arm(1, postTo("/crm/v8/Accounts"))
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %v", tr.lostCalls())
	}
	for i := range 2 {
		res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
		t.Logf("run %d: %v %+v", i+2, err, res.Summary)
	}
	if got := srv.Zoho().Count("Accounts"); got != before+3 {
		t.Errorf("Zoho holds %d Accounts after a lost create answer with its search index lagging; want %d + the 3 new ones (%d duplicates)", got, before, got-before-3)
	}
	if got := srv.HubSpot().Count("companies"); got != hsBefore {
		t.Errorf("HubSpot holds %d companies; want %d as before", got, hsBefore)
	}
}

// TestZohoCrashAfterCreateIndexLag: the run dies right after Zoho
// made the accounts; the next plan settles the journal by a lookup that
// must see them although the search index lags.
func TestZohoCrashAfterCreateIndexLag(t *testing.T) {
	a, srv, tr := lossyApp(t, 57, 20, [2]string{"hubspot", "hs"}, [2]string{"zoho", "zh"})
	srv.Zoho().SetSearchIndexDelay(time.Hour)
	saveSyncs(t, a, app.DemoZohoCompaniesSync("companies", "hs", "zh"))
	for i, d := range []string{"lagcrash-one.example", "lagcrash-two.example"} {
		if _, err := srv.HubSpot().Create("companies", map[string]string{"name": fmt.Sprintf("Lag Crash %d Ltd", i), "domain": d}); err != nil {
			t.Fatal(err)
		}
	}
	before := srv.Zoho().Count("Accounts")
	killedRun(t, a, tr, "companies", postTo("/crm/v8/Accounts"))
	for i := range 2 {
		res, err := a.Run(context.Background(), "companies", app.RunOptions{Confirm: true})
		t.Logf("run %d after: %v %+v", i+1, err, res.Summary)
	}
	if got := srv.Zoho().Count("Accounts"); got != before+2 {
		t.Errorf("Zoho holds %d Accounts after a crash with its search index lagging; want %d + the 2 new ones (%d duplicates)", got, before, got-before-2)
	}
}

// TestZohoLookupErrorShown: Zoho made the accounts of a create call
// whose answer was lost, and the lookup after it is refused. The creates
// are not resent (Zoho holds each once), and each record's error carries
// the lookup's own failure in Zoho's words, not only "the connector cannot
// look records up".
func TestZohoLookupErrorShown(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 57, 20, [2]string{"hubspot", "hs"}, [2]string{"zoho", "zh"})
	saveSyncs(t, a, app.DemoZohoCompaniesSync("companies", "hs", "zh"))
	for i, d := range []string{"refused-one.example", "refused-two.example"} {
		if _, err := srv.HubSpot().Create("companies", map[string]string{"name": fmt.Sprintf("Refused %d Ltd", i), "domain": d}); err != nil {
			t.Fatal(err)
		}
	}
	before := srv.Zoho().Count("Accounts")
	const zohoWords = "unsupported column in criteria"
	srv.Zoho().Faults().RefuseEndpoint("POST /crm/v8/coql", simkit.Refusal{Status: http.StatusBadRequest, Code: "INVALID_QUERY", Message: zohoWords})
	srv.Zoho().Faults().RefuseEndpoint("GET /crm/v8/Accounts/search", simkit.Refusal{Status: http.StatusBadRequest, Code: "INVALID_QUERY", Message: zohoWords})
	tr.arm(1, postTo("/crm/v8/Accounts"))
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %v", tr.lostCalls())
	}
	if got := srv.Zoho().Count("Accounts"); got != before+2 {
		t.Errorf("Zoho holds %d Accounts; want %d + the 2 the lost call made (creates resent without a lookup)", got, before)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Errors) == 0 {
		t.Fatal("the run recorded no record errors")
	}
	for _, e := range d.Errors {
		if !strings.Contains(e.Message, zohoWords) {
			t.Errorf("record %s: error %q does not carry the lookup's own failure (%q)", e.RecordID, e.Message, zohoWords)
		}
	}
}

// TestZohoOldGrantLookupNamesScope: a Zoho connection made before
// crmsync asked for ZohoCRM.coql.READ loses a create answer. The lookup is
// refused (OAUTH_SCOPE_MISMATCH); the run says which scope is missing and
// how to get it, and the creates are not resent (no search of the lagging
// index stands in for the query).
func TestZohoOldGrantLookupNamesScope(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 57, 20, [2]string{"hubspot", "hs"})
	connectZohoWithout(t, a, srv, "zh", "ZohoCRM.coql.READ")
	srv.Zoho().SetSearchIndexDelay(time.Hour)
	saveSyncs(t, a, app.DemoZohoCompaniesSync("companies", "hs", "zh"))
	for i, d := range []string{"oldgrant-one.example", "oldgrant-two.example"} {
		if _, err := srv.HubSpot().Create("companies", map[string]string{"name": fmt.Sprintf("Old Grant %d Ltd", i), "domain": d}); err != nil {
			t.Fatal(err)
		}
	}
	before := srv.Zoho().Count("Accounts")
	tr.arm(1, postTo("/crm/v8/Accounts"))
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	t.Logf("run 1: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("no create answer was lost: %v", tr.lostCalls())
	}
	msg := res.Summary.Message
	if err != nil {
		msg = err.Error()
	}
	if !strings.Contains(msg, "ZohoCRM.coql.READ") {
		t.Errorf("run message %q does not name the missing scope", msg)
	}
	res, err = a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	t.Logf("run 2: %v %+v", err, res.Summary)
	if got := srv.Zoho().Count("Accounts"); got != before+2 {
		t.Errorf("Zoho holds %d Accounts; want %d + the 2 the lost call made (%d duplicates)", got, before, got-before-2)
	}
}
