package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestDealAmountExtremesSettle: a large amount and a small fraction
// written from HubSpot reach Zoho and Pipedrive, which answer them as JSON
// numbers (in exponent form from 1e21, which only Pipedrive takes, and
// below 1e-6), and such amounts
// entered there reach HubSpot in plain form; the next runs write nothing
// and nothing waits in review.
func TestDealAmountExtremesSettle(t *testing.T) {
	ctx := context.Background()
	values := []string{"1000000000000000000000", "0.0000001", "123456789012.5"}
	// Zoho's currency takes at most 16 digits and refuses more
	// (TestZohoCurrencyTooLong): its largest amount is 15 nines, and
	// the one entered there 1e15.
	zohoValues := []string{"999999999999999", values[1], values[2]}
	cases := []struct {
		vendor, conn string
		values       []string
		big          string // the large amount entered in the vendor
		syncs        func() []engine.Definition
		seed         func(srv *sandbox.Server, name string, amount float64) error
	}{
		{"zoho", "zh", zohoValues, "1000000000000000", func() []engine.Definition {
			return []engine.Definition{app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs")}
		}, func(srv *sandbox.Server, name string, amount float64) error {
			_, err := srv.Zoho().SeedDeals([]zoho.DealSeed{{Name: name, Stage: "Qualification", Amount: amount, ClosingDate: "2026-12-31"}})
			return err
		}},
		{"pipedrive", "pd", values, "1000000000000000000000", func() []engine.Definition {
			return []engine.Definition{app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs")}
		}, func(srv *sandbox.Server, name string, amount float64) error {
			_, err := srv.Pipedrive().SeedDeals([]pipedrive.DealSeed{{Title: name, Value: amount, Currency: "USD"}})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := connectedSandbox(t, 7, 0)
			if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.conn); err != nil {
				t.Fatal(err)
			}
			amounts := createHubSpotDeals(t, srv, "Audit amount ", c.values)
			born := map[string]string{"Audit vendor big": c.big, "Audit vendor 1e-7": "0.0000001"}
			for name, amt := range born {
				f, _ := strconv.ParseFloat(amt, 64)
				if err := c.seed(srv, name, f); err != nil {
					t.Fatal(err)
				}
			}
			if c.vendor == "zoho" {
				// Zoho keeps an Amount at its decimal_place (2): 1e-7 is stored as 0.
				born["Audit vendor 1e-7"] = "0"
			}
			saveSyncs(t, a, c.syncs()...)
			runDealsSettle(ctx, t, a, "")
			linked := map[string]bool{}
			for _, l := range syncLinks(t, a, "deals") {
				linked[l.AID] = true
			}
			for id, amt := range amounts {
				if !linked[id] {
					t.Errorf("HubSpot deal %s (amount %s) not linked", id, amt)
				}
				if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
					t.Errorf("HubSpot deal %s amount %q, want %s kept", id, d.Properties["amount"], amt)
				}
			}
			for _, d := range srv.HubSpot().Records("deals") {
				if amt, ok := born[d.Properties["dealname"]]; ok && d.Properties["amount"] != amt {
					t.Errorf("HubSpot deal %q amount %q, want %s", d.Properties["dealname"], d.Properties["amount"], amt)
				}
				delete(born, d.Properties["dealname"])
			}
			if len(born) > 0 {
				t.Errorf("deals entered in %s never reached HubSpot: %v", c.vendor, born)
			}
		})
	}
}

// createHubSpotDeals creates one open USD HubSpot deal per amount, named
// prefix+amount, and answers the amount each new deal's id holds.
func createHubSpotDeals(t *testing.T, srv *sandbox.Server, prefix string, amounts []string) map[string]string {
	t.Helper()
	byID := map[string]string{}
	for _, amt := range amounts {
		d, err := srv.HubSpot().Create("deals", map[string]string{"dealname": prefix + amt, "amount": amt,
			"dealstage": "qualifiedtobuy", "pipeline": "default", "deal_currency_code": "USD", "closedate": "2026-12-31T00:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		byID[d.ID] = amt
	}
	return byID
}
