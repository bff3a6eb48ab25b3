package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDataverseOwnPrecisionZero: an administrator set Dynamics'
// estimatedvalue to a precision of its own, 0 places (PrecisionSource 0,
// Precision 0: whole numbers, whatever the row's currency). A HubSpot
// deal of 1234.56 is stored as 1235. Precision 0 was read as "no
// rounding", so the next run saw 1235 as Dataverse's edit and copied it
// over HubSpot's 1234.56 (or, one-way, wrote 1234.56 again every run).
// Now the run after writes nothing and HubSpot keeps its cents.
func TestDataverseOwnPrecisionZero(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 61, 2)
	dv, hs := srv.Dynamics(), srv.HubSpot()
	dv.SetCurrency("USD")
	if err := dv.SetMoneyPrecision("opportunities", "estimatedvalue", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	deal, err := hs.Create("deals", map[string]string{"dealname": "Audit whole renewal", "amount": "1234.56", "deal_currency_code": "USD",
		"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	defs, _ := auditMultiCurrencyDeals(t, a, app.DemoConnections{HubSpot: "hs", Dynamics: "dv"}, "dv", "opportunities")
	deals, res := runLinkedThenDeals(t, a, defs)
	if res.Summary.Status != "success" {
		t.Fatalf("deals run: %+v %+v", res.Summary, res.Plan.Review)
	}
	stored := ""
	for _, r := range dv.Records("opportunities") {
		if r.Fields["name"] == "Audit whole renewal" {
			stored = numText(r.Fields["estimatedvalue"])
		}
	}
	if stored != "1235" {
		t.Fatalf("the opportunity's estimatedvalue is %q, want 1235 (Dataverse rounds to the column's 0 places)", stored)
	}
	for i := range 2 {
		again, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Errorf("deals run %d after: %v %+v\n%s", i+2, err, again.Summary, again.Plan.Summary())
		}
	}
	h, _ := hs.Get("deals", deal.ID)
	if got := strings.TrimSuffix(h.Properties["amount"], ".0"); got != "1234.56" {
		t.Errorf("HubSpot's deal of 1234.56 became %q: Dataverse's rounding came back", got)
	}
}
