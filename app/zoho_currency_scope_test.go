package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestZohoMultiCurrencyWithoutCurrenciesScope: a Zoho connection made
// before crmsync asked for ZohoCRM.settings.currencies.READ, in an org with
// multi-currency on, is refused the active currencies. A HubSpot deal of
// 7,000 EUR must still never arrive there as 7,000 in the home currency.
func TestZohoMultiCurrencyWithoutCurrenciesScope(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 57, 2)
	if err := srv.Zoho().EnableMultiCurrency("USD", "EUR"); err != nil {
		t.Fatal(err)
	}
	connectZohoWithout(t, a, srv, "zc", "ZohoCRM.settings.currencies.READ")
	if _, err := srv.HubSpot().Create("deals", map[string]string{"dealname": "Old scope Paris", "amount": "7000", "deal_currency_code": "EUR",
		"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	defs, note := auditMultiCurrencyDeals(t, a, app.DemoConnections{HubSpot: "hs", Zoho: "zc"}, "zc", "Deals")
	t.Logf("note: %s", note)
	saveSyncs(t, a, defs...)
	var res app.RunResult
	for _, d := range defs {
		var err error
		if res, err = a.Run(ctx, d.Name, app.RunOptions{Confirm: true}); err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
	}
	if len(res.Plan.Review) != 1 || !strings.Contains(res.Plan.Review[0].Reason, "EUR") {
		t.Errorf("deals run %+v: want the EUR deal held for review naming EUR: %+v", res.Summary, res.Plan.Review)
	}
	for _, it := range res.Plan.Review {
		t.Logf("review: %s", it.Reason)
	}
	for _, r := range srv.Zoho().Records("Deals") {
		if r.Fields["Deal_Name"] == "Old scope Paris" && r.Fields["Currency"] != "EUR" {
			t.Errorf("HubSpot deal of 7000 EUR is a Zoho deal of %v %q", r.Fields["Amount"], r.Fields["Currency"])
		}
	}
}
