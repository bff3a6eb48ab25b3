package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// TestZohoDealInBlueprintFailsAlone: a Zoho deal in a Blueprint's
// process has its Stage moved only by the process's transitions, and
// Zoho refuses an API update setting it with RECORD_IN_BLUEPRINT, "The
// record is in blue print" (crm-oas v8.0 record.json API_Exception). A
// HubSpot stage change on two linked deals, one of them in a Blueprint in
// Zoho: the run's error row (in the store) names that deal, Stage, Zoho's
// code and words and says the transition moves it, as the record's
// problem, not a passing fault on Zoho's side ("server"). The other deal
// is written, the connection stays connected, and once the deal leaves
// the process the stage is written.
func TestZohoDealInBlueprintFailsAlone(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 4711, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	createHubSpotDeals(t, srv, "Audit blueprint ", []string{"100", "200"})
	saveSyncs(t, a, app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs"))
	runDealsSettle(ctx, t, a, "")
	links := syncLinks(t, a, "deals")
	if len(links) != 2 {
		t.Fatalf("deals links %+v; want the two deals linked", links)
	}
	held, free := links[0], links[1]
	zc := srv.Zoho()
	if err := zc.InBlueprint("Deals", held.BID, "Stage", true); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{held.AID, free.AID} {
		if _, err := srv.HubSpot().Update("deals", id, map[string]string{"dealstage": "presentationscheduled"}); err != nil {
			t.Fatal(err)
		}
	}
	_, errs := runAndErrors(t, a, "deals")
	if len(errs) != 1 || errs[0].RecordID != held.BID || errs[0].Code != "RECORD_IN_BLUEPRINT" ||
		!strings.Contains(errs[0].Message, "The record is in blue print") {
		t.Fatalf("run errors %+v; want deal %s refused with Zoho's RECORD_IN_BLUEPRINT and words", errs, held.BID)
	}
	if c := errs[0].Category; c != string(connector.CatValidation) {
		t.Errorf("deal in a Blueprint: category %q; it is the record's state in Zoho, not a fault on Zoho's side", c)
	}
	if errs[0].Field != "Stage" || !strings.Contains(errs[0].Message, "transition") {
		t.Errorf("error row field %q, message %q; want Stage named and the Blueprint's transition as what moves it", errs[0].Field, errs[0].Message)
	}
	if r, _ := zc.Get("Deals", held.BID); r.Fields["Stage"] != "Needs Analysis" {
		t.Errorf("deal %s in the Blueprint has Stage %q; want it left as the process holds it", held.BID, r.Fields["Stage"])
	}
	if r, _ := zc.Get("Deals", free.BID); r.Fields["Stage"] != "Value Proposition" {
		t.Errorf("deal %s outside the Blueprint has Stage %q; want the edit written", free.BID, r.Fields["Stage"])
	}
	if st, d := connStatus(t, a, "zh"); st != "connected" {
		t.Errorf("connection zh: %q (%s); a deal in a Blueprint is no account or sign-in problem", st, d)
	}

	if err := zc.InBlueprint("Deals", held.BID, "Stage", false); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true, Trigger: app.TriggerRetry})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the deal left the process: %v %+v %v", err, res.Summary, res.Failures)
	}
	if r, _ := zc.Get("Deals", held.BID); r.Fields["Stage"] != "Value Proposition" {
		t.Errorf("deal %s Stage %q after it left the process; want the edit written", held.BID, r.Fields["Stage"])
	}
}
