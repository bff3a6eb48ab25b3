package app_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestZohoWholeDecimalPlace: an admin set Zoho's Deals.Amount to 0
// decimal places, so Zoho stores 12.6 as 13. The first run's audit says
// 13, HubSpot keeps its own 12.6, and the runs after the first write
// nothing (the rounded read-back is not an edit to echo or re-write).
func TestZohoWholeDecimalPlace(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	if err := srv.Zoho().SetDecimalPlace("Deals", "Amount", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"12.6": "13", "99.5": "100", "-5.5": "-6", "7.4": "7"}
	ids := createHubSpotDeals(t, srv, "Audit whole ", slices.Collect(maps.Keys(want)))
	saveSyncs(t, a, app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs"))
	first := runDealsSettle(ctx, t, a, "")
	assertHubSpotAmountsKept(t, srv, ids)
	assertZohoRoundedAmounts(ctx, t, a, srv, first, "Audit whole ", want, 0)
}

// TestZohoCurrencyTooLong: Zoho's currency fields take at most 16
// digits. A HubSpot amount of 17 digits is refused by Zoho: the run says
// so with Zoho's own "invalid data", naming the field and the digits it
// takes; nothing is written to Zoho rounded or cut; HubSpot keeps its
// amount; and the run after tries it again rather than reading anything
// back as an edit.
func TestZohoCurrencyTooLong(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	const long = "12345678901234567"
	ids := createHubSpotDeals(t, srv, "Audit long ", []string{long, "250"})
	saveSyncs(t, a, app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs"))
	runDealsRefusedOnce(ctx, t, a, "invalid data", "Amount", "16 digits")
	for _, r := range srv.Zoho().Records("Deals") {
		if fmt.Sprint(r.Fields["Deal_Name"]) == "Audit long "+long {
			t.Errorf("Zoho holds the 17-digit deal with Amount %v; want it refused", r.Fields["Amount"])
		}
	}
	assertHubSpotAmountsKept(t, srv, ids)
}
