package app_test

import (
	"context"
	"fmt"
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
	// (TestAuditZohoCurrencyTooLong): its widest amount is 16 digits that
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
			for id, amt := range amounts {
				if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
					t.Errorf("HubSpot deal %s amount %q, want its exact %s kept", id, d.Properties["amount"], amt)
				}
			}
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
	var first int64
	for i := 1; i <= 3; i++ {
		for _, n := range []string{"orgs", "deals"} {
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run %d %s: %v", i, n, err)
			}
			if n != "deals" {
				continue
			}
			if i == 1 {
				first = res.Summary.RunID
			}
			if res.Summary.Status != "success" || res.Summary.Review > 0 || i > 1 && res.Summary.Created+res.Summary.Updated != 0 {
				t.Errorf("run %d deals: %+v; want success, nothing to review, and nothing written after the first\n%s", i, res.Summary, res.Plan.Summary())
			}
		}
	}
	stored := map[string]string{}
	for _, r := range srv.Zoho().Records("Deals") {
		stored[fmt.Sprint(r.Fields["Deal_Name"])] = fmt.Sprint(r.Fields["Amount"])
	}
	for amt, kept := range want {
		if got := stored["Audit places "+amt]; got != kept {
			t.Errorf("Zoho deal for %s: Amount %q, want %s (decimal_place 2)", amt, got, kept)
		}
	}
	for id, amt := range ids {
		if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
			t.Errorf("HubSpot deal %s amount %q, want its own %s kept", id, d.Properties["amount"], amt)
		}
	}
	rows, err := a.DB().Audit(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, r := range rows {
		if r.Side == "b" && r.Field == "Amount" {
			audited = append(audited, r.New)
		}
	}
	for _, kept := range want {
		if !slices.Contains(audited, kept) {
			t.Errorf("the first deals run audits Amount as %q; want %s, the value Zoho kept", audited, kept)
		}
	}
}
