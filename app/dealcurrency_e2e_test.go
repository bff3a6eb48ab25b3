package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDealCurrencyHubSpotPipedrive syncs deals whose currency is not
// the company's between HubSpot and Pipedrive over real HTTP: a Pipedrive
// deal of 5,000 EUR must not arrive in HubSpot as 5,000 in the company
// currency (USD), and a HubSpot deal of 7,000 EUR must not be created in
// Pipedrive as 7,000 USD (Pipedrive's default currency for a deal sent
// without one).
func TestDealCurrencyHubSpotPipedrive(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	pdDeal, err := pd.CreateDeal(map[string]any{"title": "Audit Berlin expansion", "value": 5000, "currency": "EUR", "expected_close_date": "2031-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	hsDeal, err := hs.Create("deals", map[string]string{"dealname": "Audit Paris renewal", "amount": "7000", "dealstage": "qualifiedtobuy",
		"pipeline": "default", "closedate": "2031-04-30T00:00:00Z", "deal_currency_code": "EUR"})
	if err != nil {
		t.Fatalf("a HubSpot deal in EUR, in a portal with EUR among its currencies: %v", err)
	}
	saveSyncs(t, a, app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs"))
	if res, err := a.Run(ctx, "orgs", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("orgs run: %v %+v", err, res.Summary)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("deals run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	byB, byA := map[string]string{}, map[string]string{}
	for _, l := range syncLinks(t, a, "deals") {
		byB[l.BID], byA[l.AID] = l.AID, l.BID
	}
	if id, ok := byB[strconv.FormatInt(pdDeal.ID, 10)]; !ok {
		t.Errorf("Pipedrive deal %d was not linked", pdDeal.ID)
	} else if h, _ := hs.Get("deals", id); h.Properties["amount"] != "5000" || h.Properties["deal_currency_code"] != "EUR" {
		t.Errorf("Pipedrive deal of 5000 EUR is HubSpot deal %s of %q %q (blank: the company currency, USD)", id, h.Properties["amount"], h.Properties["deal_currency_code"])
	}
	if id, ok := byA[hsDeal.ID]; !ok {
		t.Errorf("HubSpot deal %s was not linked", hsDeal.ID)
	} else {
		n, _ := strconv.ParseInt(id, 10, 64)
		if d, _ := pd.GetDeal(n); d.Value != 7000 || d.Currency != "EUR" {
			t.Errorf("HubSpot deal of 7000 EUR is Pipedrive deal %s of %v %s", id, d.Value, d.Currency)
		}
	}
	if again, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second deals run: %v %+v\n%s\n%+v", err, again.Summary, again.Plan.Summary(), again.Plan.Updates)
	}
}
