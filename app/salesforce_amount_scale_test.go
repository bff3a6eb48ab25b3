package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceAmountScale: Salesforce's API stores a number with
// more places than the field's scale as it is sent (Salesforce Help
// 000385689: only the UI rounds), so HubSpot's 1234.567 is Amount
// 1234.567, audited so, and the runs after write nothing. An amount with
// more whole digits than precision − scale allows (Amount: 18 − 2 = 16) is
// refused with Salesforce's NUMBER_OUTSIDE_VALID_RANGE naming the field,
// and HubSpot keeps it.
func TestSalesforceAmountScale(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	const places, long = "1234.567", "12345678901234567"
	ids := createHubSpotDeals(t, srv, "Audit scale ", []string{places, long})
	saveSyncs(t, a, app.DemoCompaniesSync("orgs", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "orgs"))
	var first int64
	for i := 1; i <= 2; i++ {
		for _, n := range []string{"orgs", "deals"} {
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run %d %s: %v", i, n, err)
			}
			if n != "deals" {
				continue
			}
			if i == 2 {
				if res.Summary.Created+res.Summary.Updated != 0 {
					t.Errorf("run 2 deals wrote %+v; want nothing\n%s", res.Summary, res.Plan.Summary())
				}
				continue
			}
			first = res.Summary.RunID
			if res.Summary.Failed != 1 || len(res.Failures) != 1 {
				t.Fatalf("run 1 deals: %+v failures %+v; want the 17-digit deal refused", res.Summary, res.Failures)
			}
			line := res.Failures[0].Line()
			for _, want := range []string{"NUMBER_OUTSIDE_VALID_RANGE", "Amount", "value outside of valid range"} {
				if !strings.Contains(line, want) {
					t.Errorf("failure %q does not say %q", line, want)
				}
			}
		}
	}
	amounts := map[string]string{}
	for _, r := range srv.Salesforce().Records("Opportunity") {
		if strings.HasPrefix(r.Fields["Name"], "Audit scale ") {
			amounts[r.Fields["Name"]] = r.Fields["Amount"]
		}
	}
	if got, ok := amounts["Audit scale "+long]; ok {
		t.Errorf("Salesforce holds the 17-digit deal with Amount %q; want it refused", got)
	}
	if got := amounts["Audit scale "+places]; got != places {
		t.Errorf("Salesforce Amount %q; want %s as sent", got, places)
	}
	if got := auditedNew(ctx, t, a, first, "b", "Amount"); !slices.Contains(got, places) {
		t.Errorf("the first deals run audits Amount as %q; want %s", got, places)
	}
	for id, amt := range ids {
		if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
			t.Errorf("HubSpot deal %s amount %q, want its own %s kept", id, d.Properties["amount"], amt)
		}
	}
}
