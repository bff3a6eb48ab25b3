package app_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestDealAmountDoubleEcho: Zoho and Pipedrive keep a deal amount as
// a double, so a HubSpot amount with more significant digits than a
// float64 holds reads back rounded. That read-back is the echo of our own
// write, not an edit: the runs after the first write nothing, and
// HubSpot keeps its exact amount.
func TestDealAmountDoubleEcho(t *testing.T) {
	ctx := context.Background()
	values := []string{"12345678901234567890", "1234567.890123456789", "0.12345678901234567891"}
	// Zoho refuses a currency of more than 16 digits
	// (TestZohoCurrencyTooLong): its widest amount is 16 digits that
	// are no double (2^53 + 1).
	zohoValues := []string{"9007199254740993", values[1], values[2]}
	cases := []struct {
		vendor, conn string
		values       []string
		syncs        func() []engine.Definition
	}{
		{"zoho", "zh", zohoValues, func() []engine.Definition {
			return []engine.Definition{app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs")}
		}},
		{"pipedrive", "pd", values, func() []engine.Definition {
			return []engine.Definition{app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs")}
		}},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := connectedSandbox(t, 7, 0)
			if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.conn); err != nil {
				t.Fatal(err)
			}
			amounts := createHubSpotDeals(t, srv, "Audit precise ", c.values)
			saveSyncs(t, a, c.syncs()...)
			runDealsSettle(ctx, t, a, " (the vendor's double came back as an edit)")
			assertHubSpotAmountsKept(t, srv, amounts)
		})
	}
}

// TestZohoDecimalPlaceRounds: a Zoho currency field keeps the places
// its decimal_place says (Amount: 2) and rounds a value with more. A
// HubSpot amount of 1234.567 is stored in Zoho as 1234.57; the audit row
// says so, HubSpot keeps its own value, and the runs after the first
// write nothing and send nothing to review.
func TestZohoDecimalPlaceRounds(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"1234.567": "1234.57", "99.999": "100", "-5.125": "-5.13"}
	ids := createHubSpotDeals(t, srv, "Audit places ", slices.Collect(maps.Keys(want)))
	saveSyncs(t, a, app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs"))
	first := runDealsSettle(ctx, t, a, "")
	assertHubSpotAmountsKept(t, srv, ids)
	assertZohoRoundedAmounts(ctx, t, a, srv, first, "Audit places ", want, 2)
}
