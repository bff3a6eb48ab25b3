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
	first := runDealsRefusedOnce(ctx, t, a, "NUMBER_OUTSIDE_VALID_RANGE", "Amount", "value outside of valid range")
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
	assertHubSpotAmountsKept(t, srv, ids)
}
