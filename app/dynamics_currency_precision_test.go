package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDynamicsYenAmountSettles: in a Dataverse org with USD and a
// currency of 0 places (GBP set so, as JPY is),
// estimatedvalue is stored at the row's currency's precision
// (PrecisionSource 2): a HubSpot deal of 1234.56 GBP is a GBP opportunity
// of 1235, the audit says 1235, and the run after writes nothing (the
// rounded value is not copied back over HubSpot's); a USD deal keeps
// 1234.56.
func TestDynamicsYenAmountSettles(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 61, 2)
	dv, hs := srv.Dynamics(), srv.HubSpot()
	dv.SetCurrency("USD")
	// HubSpot's sandbox portal offers USD, EUR and GBP only: GBP set to 0
	// places stands for JPY (an administrator may set any currency's).
	if _, err := dv.AddCurrency("GBP"); err != nil {
		t.Fatal(err)
	}
	if err := dv.SetCurrencyPrecision("GBP", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for name, cur := range map[string]string{"Audit Tokyo renewal": "GBP", "Audit Austin renewal": "USD"} {
		d, err := hs.Create("deals", map[string]string{"dealname": name, "amount": "1234.56", "deal_currency_code": cur,
			"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = d.ID
	}
	defs, _ := auditMultiCurrencyDeals(t, a, app.DemoConnections{HubSpot: "hs", Dynamics: "dv"}, "dv", "opportunities")
	deals, res := runLinkedThenDeals(t, a, defs)
	if res.Summary.Status != "success" {
		t.Fatalf("deals run: %+v %+v", res.Summary, res.Plan.Review)
	}
	for name, want := range map[string][2]string{"Audit Tokyo renewal": {"1235", "GBP"}, "Audit Austin renewal": {"1234.56", "USD"}} {
		found := false
		for _, r := range dv.Records("opportunities") {
			if r.Fields["name"] == name {
				found = true
				id, _ := r.Fields["_transactioncurrencyid_value"].(string)
				if got := numText(r.Fields["estimatedvalue"]); got != want[0] || dv.CurrencyCode(id) != want[1] {
					t.Errorf("opportunity %q is %s %s, want %s %s", name, got, dv.CurrencyCode(id), want[0], want[1])
				}
			}
		}
		if !found {
			t.Errorf("no opportunity %q", name)
		}
	}
	again, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Errorf("second deals run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	for _, d := range hs.Records("deals") {
		if d.ID == ids["Audit Tokyo renewal"] && strings.TrimSuffix(d.Properties["amount"], ".0") != "1234.56" {
			t.Errorf("HubSpot's GBP deal of 1234.56 became %q: Dataverse's rounding came back", d.Properties["amount"])
		}
	}
	rows, err := a.DB().Audit(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var amounts []string
	for _, r := range rows {
		if r.Side == "b" && r.Field == "estimatedvalue" {
			amounts = append(amounts, r.New)
		}
	}
	if !slices.Contains(amounts, "1235") || !slices.Contains(amounts, "1234.56") {
		t.Errorf("the deals run audits estimatedvalue as %q, want the 1235 stored and the USD 1234.56", amounts)
	}
}
