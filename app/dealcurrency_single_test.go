package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// auditDealPair is one ready-made deals sync between HubSpot and a CRM
// whose sandbox org holds amounts in one currency, USD (a Salesforce org
// without multi-currency, a Zoho org's home currency, a Dataverse base
// currency), and how to read that CRM's deals by name.
type auditDealPair struct {
	vendor, conn string
	syncs        func() []engine.Definition
	// amountOf is the amount of the other CRM's deal named name, found
	// false when there is none.
	amountOf func(srv *sandbox.Server, name string) (string, bool)
}

func auditDealPairs() map[string]auditDealPair {
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return strings.TrimSuffix(fmt.Sprint(v), ".0")
	}
	return map[string]auditDealPair{
		"salesforce": {"", "sf", func() []engine.Definition {
			return []engine.Definition{app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies")}
		}, func(srv *sandbox.Server, name string) (string, bool) {
			for _, r := range srv.Salesforce().Records("Opportunity") {
				if r.Fields["Name"] == name {
					return r.Fields["Amount"], true
				}
			}
			return "", false
		}},
		"zoho": {"zoho", "zc", func() []engine.Definition {
			return []engine.Definition{app.DemoZohoCompaniesSync("companies", "hs", "zc"), app.DemoZohoDealsSync("deals", "hs", "zc", "companies")}
		}, func(srv *sandbox.Server, name string) (string, bool) {
			for _, r := range srv.Zoho().Records("Deals") {
				if r.Fields["Deal_Name"] == name {
					return str(r.Fields["Amount"]), true
				}
			}
			return "", false
		}},
		"dynamics": {"dynamics", "dv", func() []engine.Definition {
			return []engine.Definition{app.DemoDynamicsCompaniesSync("companies", "hs", "dv"), app.DemoDynamicsDealsSync("deals", "hs", "dv", "companies")}
		}, func(srv *sandbox.Server, name string) (string, bool) {
			for _, r := range srv.Dynamics().Records("opportunities") {
				if str(r.Fields["name"]) == name {
					return str(r.Fields["estimatedvalue"]), true
				}
			}
			return "", false
		}},
	}
}

// TestDealCurrencySingleCurrencyOrg: a HubSpot deal of 7,000 EUR
// synced to a CRM that holds amounts in USD only must not be created
// there as 7,000 (USD): it is held for review naming the deal, its amount
// and both currencies. A deal in USD, and one with no currency (the
// portal's company currency, USD), go through with their amounts, and the
// run after writes nothing.
func TestDealCurrencySingleCurrencyOrg(t *testing.T) {
	for name, p := range auditDealPairs() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 47, 20)
			if p.vendor != "" {
				if _, err := a.ConnectSandbox(ctx, srv, p.vendor, p.conn); err != nil {
					t.Fatalf("connect %s: %v", p.vendor, err)
				}
			}
			hs := srv.HubSpot()
			deal := func(name, amount, cur string) string {
				props := map[string]string{"dealname": name, "amount": amount, "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"}
				if cur != "" {
					props["deal_currency_code"] = cur
				}
				d, err := hs.Create("deals", props)
				if err != nil {
					t.Fatal(err)
				}
				return d.ID
			}
			eur := deal("Audit Paris renewal", "7000", "EUR")
			deal("Audit Boston renewal", "3000", "USD")
			deal("Audit Denver renewal", "2500", "")
			saveSyncs(t, a, p.syncs()...)
			if res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("companies run: %v %+v", err, res.Summary)
			}
			res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("deals run: %v", err)
			}
			if amt, ok := p.amountOf(srv, "Audit Paris renewal"); ok {
				t.Errorf("HubSpot deal %s of 7000 EUR was created in %s as %s in the org's currency, USD", eur, name, amt)
			}
			held := false
			for _, it := range res.Plan.Review {
				if it.RecordID == eur {
					held = true
					t.Logf("held: %s", it.Reason)
					for _, w := range []string{"7000", "EUR", "USD"} {
						if !strings.Contains(it.Reason, w) {
							t.Errorf("review item for deal %s does not name %s: %q", eur, w, it.Reason)
						}
					}
				}
			}
			if !held {
				t.Errorf("HubSpot deal %s of 7000 EUR was not held for review: %+v", eur, res.Plan.Review)
			}
			for n, want := range map[string]string{"Audit Boston renewal": "3000", "Audit Denver renewal": "2500"} {
				if amt, ok := p.amountOf(srv, n); !ok || amt != want {
					t.Errorf("HubSpot deal %q of %s USD is in %s: %v, amount %q", n, want, name, ok, amt)
				}
			}
			if again, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
				t.Fatalf("second deals run: %v %+v\n%s\n%+v", err, again.Summary, again.Plan.Summary(), again.Plan.Updates)
			}
		})
	}
}

// TestDealCurrencyChangedOnLinkedDeal: a linked HubSpot deal moved
// to EUR (3,100 EUR) must not update the other CRM's USD amount to 3,100:
// the change is held for review, the other CRM keeps 3,000, and a Salesforce
// edit of the amount is not written over the HubSpot deal's EUR either.
func TestDealCurrencyChangedOnLinkedDeal(t *testing.T) {
	ctx := context.Background()
	a, srv, d, opp := linkedUSDDeal(t)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Update("deals", d.ID, map[string]string{"amount": "3100", "deal_currency_code": "EUR"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("deals run: %v", err)
	}
	if o, _ := sf.Get("Opportunity", opp); o.Fields["Amount"] != "3000" {
		t.Errorf("deal moved to 3100 EUR: Opportunity %s amount %q (USD), want 3000 kept", opp, o.Fields["Amount"])
	}
	held := false
	for _, it := range res.Plan.Review {
		held = held || it.RecordID == d.ID && strings.Contains(it.Reason, "3100 EUR")
	}
	if !held {
		t.Errorf("deal %s moved to 3100 EUR was not held for review: %+v", d.ID, res.Plan.Review)
	}
	if _, err := sf.Update("Opportunity", opp, map[string]string{"Amount": "3300"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("deals run: %v", err)
	}
	if h, _ := hs.Get("deals", d.ID); h.Properties["amount"] == "3300" && h.Properties["deal_currency_code"] == "EUR" {
		t.Errorf("Opportunity's 3300 USD reached HubSpot deal %s as 3300 EUR", d.ID)
	}
}

// auditSetCurrency sets the account currency of each pair's other CRM.
var auditSetCurrency = map[string]func(srv *sandbox.Server, code string){
	"salesforce": func(srv *sandbox.Server, code string) { srv.Salesforce().SetCurrency(code) },
	"zoho":       func(srv *sandbox.Server, code string) { srv.Zoho().SetCurrency(code) },
	"dynamics":   func(srv *sandbox.Server, code string) { srv.Dynamics().SetCurrency(code) },
}

// auditReadyMadeDeals is the ready-made deals sync between hs and conn
// (the one whose amount carries a money transform) and the companies sync
// it links through, as ReadyMadeSyncs gives them, and its note.
func auditReadyMadeDeals(t *testing.T, a *app.App, conn string) ([]engine.Definition, string) {
	t.Helper()
	c := app.DemoConnections{HubSpot: "hs"}
	switch conn {
	case "sf":
		c.Salesforce = conn
	case "zc":
		c.Zoho = conn
	case "dv":
		c.Dynamics = conn
	}
	defs, note := a.ReadyMadeSyncs(context.Background(), c)
	byName := map[string]engine.Definition{}
	for _, d := range defs {
		byName[d.Name] = d
	}
	for _, d := range defs {
		if d.B.Connection != conn {
			continue
		}
		for _, f := range d.Fields {
			if strings.HasPrefix(f.Transform, "money:") {
				out := []engine.Definition{}
				for _, l := range mapping.LinkedSyncs(d.Fields) {
					out = append(out, byName[l])
				}
				return append(out, d), note
			}
		}
	}
	t.Fatalf("no ready-made deals sync with %s has a money transform: %s", conn, note)
	return nil, ""
}

// auditCurrencyCase creates deals in HubSpot, saves the ready-made deals
// sync between HubSpot in hsCur and the pair's CRM in otherCur, runs it,
// and checks each deal is written (want: its amount there) or held for
// review naming the words in held.
func auditCurrencyCase(t *testing.T, name, hsCur, otherCur string, write map[string][2]string, held map[string][3]string) {
	p := auditDealPairs()[name]
	ctx := context.Background()
	a, srv := connectedSandbox(t, 48, 2)
	if p.vendor != "" {
		if _, err := a.ConnectSandbox(ctx, srv, p.vendor, p.conn); err != nil {
			t.Fatalf("connect %s: %v", p.vendor, err)
		}
	}
	srv.HubSpot().SetCurrency(hsCur)
	auditSetCurrency[name](srv, otherCur)
	ids := map[string]string{}
	deal := func(name, amount, cur string) {
		props := map[string]string{"dealname": name, "amount": amount, "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"}
		if cur != "" {
			props["deal_currency_code"] = cur
		}
		d, err := srv.HubSpot().Create("deals", props)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = d.ID
	}
	for n, v := range write {
		deal(n, v[0], v[1])
	}
	for n, v := range held {
		deal(n, v[0], v[1])
	}
	statsSum := func() map[string]int64 {
		out := map[string]int64{}
		for vendor, m := range srv.Stats() {
			for _, n := range m {
				out[vendor] += n
			}
		}
		return out
	}
	accountReads := func() int64 {
		st := srv.Stats()
		return st["hubspot"]["GET /account-info/2026-03/details"] + st["zoho"]["GET /crm/v8/org"] + st["dynamics"]["GET /api/data/v9.2/organizations"]
	}
	// ReadyMadeSyncs also reads Salesforce's Lead schema (leadCompanyOptional),
	// uncached: its cost is measured and left out of the count.
	schemaCost := int64(0)
	if name == "salesforce" {
		b := statsSum()["salesforce"]
		if _, err := a.Schema(ctx, "sf", "Lead"); err != nil {
			t.Fatal(err)
		}
		schemaCost = statsSum()["salesforce"] - b
	}
	if name == "dynamics" {
		// Dataverse's organization row does not say whether it holds
		// several currencies: the first making also lists the active
		// ones (cached with the schema; the second making asks nothing).
		schemaCost = 1
	}
	before := statsSum()
	defs, note := auditReadyMadeDeals(t, a, p.conn)
	if note != "" {
		t.Errorf("note with every currency readable: %q", note)
	}
	after := statsSum()
	vendors := map[string]int64{"hubspot": 1, name: 1 + schemaCost}
	for vendor, most := range vendors {
		if n := after[vendor] - before[vendor]; n > most {
			t.Errorf("ReadyMadeSyncs asked %s %d times for its settings, want at most 1: %v", vendor, n-(most-1), srv.Stats()[vendor])
		}
	}
	auditReadyMadeDeals(t, a, p.conn)
	for vendor, most := range vendors {
		if n := statsSum()[vendor] - after[vendor]; n > most-1 {
			t.Errorf("ReadyMadeSyncs again asked %s %d times for the currency it had read", vendor, n-(most-1))
		}
	}
	t.Logf("deals sync amount: %+v", defs[len(defs)-1].Fields[1])
	saveSyncs(t, a, defs...)
	reads := accountReads()
	var res app.RunResult
	for _, d := range defs {
		r, err := a.Run(ctx, d.Name, app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s run: %v", d.Name, err)
		}
		res = r
	}
	for n, v := range write {
		if amt, ok := p.amountOf(srv, n); !ok || amt != v[0] {
			t.Errorf("HubSpot deal %q of %s %q (portal in %s) in %s (org in %s): found %v, amount %q; want written", n, v[0], v[1], hsCur, name, otherCur, ok, amt)
		}
	}
	for n, v := range held {
		if amt, ok := p.amountOf(srv, n); ok {
			t.Errorf("HubSpot deal %q of %s %q (portal in %s) was written in %s (org in %s) as %s", n, v[0], v[1], hsCur, name, otherCur, amt)
		}
		found := false
		for _, it := range res.Plan.Review {
			if it.RecordID != ids[n] {
				continue
			}
			found = true
			for _, w := range []string{v[0], v[2], otherCur} {
				if !strings.Contains(it.Reason, w) {
					t.Errorf("review item for deal %q does not name %s: %q", n, w, it.Reason)
				}
			}
		}
		if !found {
			t.Errorf("HubSpot deal %q of %s %q was not held for review: %+v", n, v[0], v[1], res.Plan.Review)
		}
	}
	again, err := a.Run(ctx, defs[len(defs)-1].Name, app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second deals run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	if n := accountReads() - reads; n != 0 {
		t.Errorf("the runs read account settings %d times, want none", n)
	}
}

// TestDealCurrencyReadFromAccounts: with the HubSpot portal and the
// other CRM both in EUR, the ready-made deals sync writes EUR deals and
// deals without a currency, and holds a USD deal naming both currencies.
func TestDealCurrencyReadFromAccounts(t *testing.T) {
	for name := range auditDealPairs() {
		t.Run(name, func(t *testing.T) {
			auditCurrencyCase(t, name, "EUR", "EUR",
				map[string][2]string{"Audit Paris renewal": {"7000", "EUR"}, "Audit Lyon renewal": {"2500", ""}},
				map[string][3]string{"Audit Boston renewal": {"3000", "USD", "USD"}})
		})
	}
}

// TestDealCurrencyBlankIsPortalCurrency: a HubSpot portal in USD
// with the other CRM in EUR: a deal without a currency is in USD, so it
// is held (naming USD and EUR), while an EUR deal is written.
func TestDealCurrencyBlankIsPortalCurrency(t *testing.T) {
	for name := range auditDealPairs() {
		t.Run(name, func(t *testing.T) {
			auditCurrencyCase(t, name, "USD", "EUR",
				map[string][2]string{"Audit Paris renewal": {"7000", "EUR"}},
				map[string][3]string{"Audit Denver renewal": {"2500", "", "USD"}})
		})
	}
}

// linkedUSDDeal is a HubSpot deal of 3,000 (the portal's USD) synced to
// Salesforce: the deal and its Opportunity's id.
func linkedUSDDeal(t *testing.T) (*app.App, *sandbox.Server, hubspot.Record, string) {
	t.Helper()
	a, srv := connectedSandbox(t, 47, 20)
	d, err := srv.HubSpot().Create("deals", map[string]string{"dealname": "Audit Boston renewal", "amount": "3000", "dealstage": "qualifiedtobuy",
		"pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies"))
	for _, n := range []string{"companies", "deals"} {
		if res, err := a.Run(context.Background(), n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", n, err, res.Summary)
		}
	}
	return a, srv, d, linkedB(t, a, "deals", d.ID)
}
