package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestDataverseOwnPrecisionZero: an administrator set Dynamics'
// estimatedvalue to a precision of its own, 0 places (PrecisionSource 0,
// Precision 0: whole numbers, whatever the row's currency). A HubSpot
// deal of 1234.56 is stored as 1235. Precision 0 was read as "no
// rounding", so the next run saw 1235 as Dataverse's edit and copied it
// over HubSpot's 1234.56 (or, one-way, wrote 1234.56 again every run).
// Now the run after writes nothing and HubSpot keeps its cents.
func TestDataverseOwnPrecisionZero(t *testing.T) {
	// Dataverse rounds to the column's 0 places.
	dataverseDealRounds(t, 61, "Audit whole renewal", "1235", func(dv *dynamics.Sim) error {
		return dv.SetMoneyPrecision("opportunities", "estimatedvalue", 0)
	})
}

// dataverseDealRounds connects Dataverse after setup has configured its
// sandbox, syncs a HubSpot deal of 1234.56 named name to an opportunity,
// and checks that Dataverse stored want, that the two runs after write
// nothing, and that HubSpot keeps its 1234.56.
func dataverseDealRounds(t *testing.T, seed int64, name, want string, setup func(dv *dynamics.Sim) error) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, 2)
	dv, hs := srv.Dynamics(), srv.HubSpot()
	dv.SetCurrency("USD")
	if err := setup(dv); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	deal, err := hs.Create("deals", map[string]string{"dealname": name, "amount": "1234.56", "deal_currency_code": "USD",
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
		if r.Fields["name"] == name {
			stored = numText(r.Fields["estimatedvalue"])
		}
	}
	if stored != want {
		t.Fatalf("the opportunity's estimatedvalue is %q, want %s", stored, want)
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
