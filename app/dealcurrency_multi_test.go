package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// auditMultiCurrencyDeals is the ready-made deals sync between hs and
// conn whose other side is object, and the syncs it links through, as
// ReadyMadeSyncs gives them in c, with its note.
func auditMultiCurrencyDeals(t *testing.T, a *app.App, c app.DemoConnections, conn, object string) ([]engine.Definition, string) {
	t.Helper()
	defs, note := a.ReadyMadeSyncs(context.Background(), c)
	byName := map[string]engine.Definition{}
	for _, d := range defs {
		byName[d.Name] = d
	}
	for _, d := range defs {
		if d.B.Connection == conn && d.B.Object == object {
			var out []engine.Definition
			for _, l := range mapping.LinkedSyncs(d.Fields) {
				out = append(out, byName[l])
			}
			return append(out, d), note
		}
	}
	t.Fatalf("no ready-made sync of %s with %s: %s", object, conn, note)
	return nil, ""
}

// createAuditCurrencyDeals creates the HubSpot deals the multi-currency
// cases start from, 7,000 EUR, 3,000 USD, 2,500 without a currency and
// 4,000 GBP, and returns their ids by name.
func createAuditCurrencyDeals(t *testing.T, srv *sandbox.Server) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for name, v := range map[string][2]string{
		"Audit Paris renewal": {"7000", "EUR"}, "Audit Boston renewal": {"3000", "USD"},
		"Audit Denver renewal": {"2500", ""}, "Audit London renewal": {"4000", "GBP"},
	} {
		props := map[string]string{"dealname": name, "amount": v[0], "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"}
		if v[1] != "" {
			props["deal_currency_code"] = v[1]
		}
		d, err := srv.HubSpot().Create("deals", props)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = d.ID
	}
	return ids
}

// runLinkedThenDeals saves defs (auditMultiCurrencyDeals' syncs), runs
// the syncs the deals sync links through once, each must succeed, then the
// deals sync, the last, which must not err; it returns its name and result.
func runLinkedThenDeals(t *testing.T, a *app.App, defs []engine.Definition) (string, app.RunResult) {
	t.Helper()
	ctx := context.Background()
	saveSyncs(t, a, defs...)
	for _, d := range defs[:len(defs)-1] {
		if res, err := a.Run(ctx, d.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", d.Name, err, res.Summary)
		}
	}
	deals := defs[len(defs)-1].Name
	res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("deals run: %v", err)
	}
	return deals, res
}

// TestMultiCurrencySalesforceDeals: in a Salesforce org with
// multi-currency on (USD corporate, EUR), a HubSpot deal of 7,000 EUR is
// an Opportunity of 7,000 with CurrencyIsoCode EUR, not held for review as
// in a single-currency org; USD and blank (the portal's USD) deals are
// USD; a GBP deal, a currency the org has not enabled, waits in review
// naming GBP. The second run writes nothing, and a currency changed in
// Salesforce reaches HubSpot.
func TestMultiCurrencySalesforceDeals(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 49, 2)
	sf, hs := srv.Salesforce(), srv.HubSpot()
	if err := sf.EnableMultiCurrency("USD", "EUR"); err != nil {
		t.Fatal(err)
	}
	ids := createAuditCurrencyDeals(t, srv)
	if _, err := sf.Create("Opportunity", map[string]string{"Name": "Audit Madrid renewal", "StageName": "Qualification", "CloseDate": "2031-05-31",
		"Amount": "6000", "CurrencyIsoCode": "EUR"}); err != nil {
		t.Fatal(err)
	}
	defs, note := auditMultiCurrencyDeals(t, a, app.DemoConnections{HubSpot: "hs", Salesforce: "sf"}, "sf", "Opportunity")
	if note != "" {
		t.Errorf("ready-made syncs note: %s", note)
	}
	deals, res := runLinkedThenDeals(t, a, defs)
	opp := func(name string) (id, amount, cur string) {
		for _, r := range sf.Records("Opportunity") {
			if r.Fields["Name"] == name {
				return r.Fields["Id"], r.Fields["Amount"], r.Fields["CurrencyIsoCode"]
			}
		}
		return "", "", ""
	}
	for name, want := range map[string][2]string{
		"Audit Paris renewal": {"7000", "EUR"}, "Audit Boston renewal": {"3000", "USD"}, "Audit Denver renewal": {"2500", "USD"},
	} {
		if id, amt, cur := opp(name); id == "" || strings.TrimSuffix(amt, ".0") != want[0] || cur != want[1] {
			t.Errorf("HubSpot deal %q of %s %s is Opportunity %q of %q %q", name, want[0], want[1], id, amt, cur)
		}
	}
	if id, amt, cur := opp("Audit London renewal"); id != "" {
		t.Errorf("HubSpot deal of 4000 GBP, a currency the org has not enabled, is Opportunity %s of %s %s", id, amt, cur)
	}
	held := false
	for _, it := range res.Plan.Review {
		if it.RecordID == ids["Audit London renewal"] {
			held = true
			t.Logf("held: %s", it.Reason)
			if !strings.Contains(it.Reason, "GBP") {
				t.Errorf("review item for the GBP deal does not name GBP: %q", it.Reason)
			}
		} else {
			t.Errorf("deal %s held for review: %s", it.RecordID, it.Reason)
		}
	}
	if !held {
		t.Errorf("the GBP deal was not held for review: %+v", res.Plan.Review)
	}
	madrid := false
	for _, d := range hs.Records("deals") {
		if d.Properties["dealname"] == "Audit Madrid renewal" {
			madrid = true
			if d.Properties["amount"] != "6000" || d.Properties["deal_currency_code"] != "EUR" {
				t.Errorf("Opportunity of 6000 EUR is HubSpot deal %s of %q %q", d.ID, d.Properties["amount"], d.Properties["deal_currency_code"])
			}
		}
	}
	if !madrid {
		t.Errorf("Opportunity of 6000 EUR did not reach HubSpot")
	}
	if again, err := a.Run(ctx, deals, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second deals run: %v %+v\n%s\n%+v", err, again.Summary, again.Plan.Summary(), again.Plan.Updates)
	}
	boston, _, _ := opp("Audit Boston renewal")
	if _, err := sf.Update("Opportunity", boston, map[string]string{"CurrencyIsoCode": "EUR"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("deals run after the currency change: %v %+v", err, res.Summary)
	}
	if h, _ := hs.Get("deals", ids["Audit Boston renewal"]); h.Properties["amount"] != "3000" || h.Properties["deal_currency_code"] != "EUR" {
		t.Errorf("Opportunity moved to 3000 EUR is HubSpot deal of %q %q", h.Properties["amount"], h.Properties["deal_currency_code"])
	}
}

// TestMultiCurrencyPartialUpdate: the amount and its currency are two
// rows, so a record whose currency the other side refuses must not have
// its amount written alone. An Opportunity created in JPY (enabled in
// Salesforce, not in the portal), a linked Opportunity moved to 900 JPY,
// and a linked HubSpot deal moved to 800 GBP (not enabled in Salesforce)
// each wait in review; no amount arrives in the wrong currency.
func TestMultiCurrencyPartialUpdate(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 50, 2)
	sf, hs := srv.Salesforce(), srv.HubSpot()
	if err := sf.EnableMultiCurrency("USD", "EUR", "JPY"); err != nil {
		t.Fatal(err)
	}
	mk := func(name, amount, cur string) string {
		d, err := hs.Create("deals", map[string]string{"dealname": name, "amount": amount, "deal_currency_code": cur, "dealstage": "qualifiedtobuy",
			"pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	rome, oslo := mk("Audit Rome renewal", "1000", "EUR"), mk("Audit Oslo renewal", "2000", "USD")
	defs, _ := auditMultiCurrencyDeals(t, a, app.DemoConnections{HubSpot: "hs", Salesforce: "sf"}, "sf", "Opportunity")
	saveSyncs(t, a, defs...)
	for _, d := range defs {
		if res, err := a.Run(ctx, d.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v\n%+v", d.Name, err, res.Summary, res.Plan.Review)
		}
	}
	deals := defs[len(defs)-1].Name
	oppID := func(name string) string {
		for _, r := range sf.Records("Opportunity") {
			if r.Fields["Name"] == name {
				return r.Fields["Id"]
			}
		}
		t.Fatalf("no Opportunity %q", name)
		return ""
	}
	romeOpp, osloOpp := oppID("Audit Rome renewal"), oppID("Audit Oslo renewal")
	if _, err := sf.Create("Opportunity", map[string]string{"Name": "Audit Tokyo renewal", "StageName": "Qualification", "CloseDate": "2031-05-31",
		"Amount": "500000", "CurrencyIsoCode": "JPY"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Opportunity", romeOpp, map[string]string{"Amount": "900", "CurrencyIsoCode": "JPY"}); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("deals", oslo, map[string]string{"amount": "800", "deal_currency_code": "GBP"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("deals run: %v", err)
	}
	for _, it := range res.Plan.Review {
		t.Logf("held: %s %s", it.RecordID, it.Reason)
	}
	for _, d := range hs.Records("deals") {
		if d.Properties["dealname"] == "Audit Tokyo renewal" {
			t.Errorf("Opportunity of 500000 JPY is HubSpot deal %s of %q %q", d.ID, d.Properties["amount"], d.Properties["deal_currency_code"])
		}
	}
	if h, _ := hs.Get("deals", rome); h.Properties["amount"] != "1000" || h.Properties["deal_currency_code"] != "EUR" {
		t.Errorf("Opportunity moved to 900 JPY made HubSpot deal of 1000 EUR one of %q %q", h.Properties["amount"], h.Properties["deal_currency_code"])
	}
	if o, _ := sf.Get("Opportunity", osloOpp); strings.TrimSuffix(o.Fields["Amount"], ".0") != "2000" || o.Fields["CurrencyIsoCode"] != "USD" {
		t.Errorf("HubSpot deal moved to 800 GBP made Opportunity of 2000 USD one of %q %q", o.Fields["Amount"], o.Fields["CurrencyIsoCode"])
	}
}

// TestPipedriveCurrencyHeldWithAmount: the HubSpot ↔ Pipedrive deals
// sync carries the amount and the currency on two rows too. A linked
// Pipedrive deal moved to 900 JPY, a currency the portal does not have,
// waits in review; the HubSpot deal keeps 1,000 EUR rather than
// becoming 900 EUR.
func TestPipedriveCurrencyHeldWithAmount(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 51, 2)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	d, err := hs.Create("deals", map[string]string{"dealname": "Audit Rome renewal", "amount": "1000", "deal_currency_code": "EUR", "dealstage": "qualifiedtobuy",
		"pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs"))
	for _, n := range []string{"orgs", "deals"} {
		if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", n, err, res.Summary)
		}
	}
	var id int64
	for _, x := range pd.Deals() {
		if x.Title == "Audit Rome renewal" {
			id = x.ID
		}
	}
	if id == 0 {
		t.Fatal("the deal was not created in Pipedrive")
	}
	if _, err := pd.UpdateDeal(id, map[string]any{"value": 900, "currency": "JPY"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("deals run: %v", err)
	}
	for _, it := range res.Plan.Review {
		t.Logf("held: %s %s", it.RecordID, it.Reason)
	}
	if h, _ := hs.Get("deals", d.ID); h.Properties["amount"] != "1000" || h.Properties["deal_currency_code"] != "EUR" {
		t.Errorf("Pipedrive deal moved to 900 JPY made HubSpot deal of 1000 EUR one of %q %q", h.Properties["amount"], h.Properties["deal_currency_code"])
	}
}
