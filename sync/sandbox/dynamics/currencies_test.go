package dynamics

import "testing"

// TestTransactionCurrencies: the transactioncurrencies entity set
// answers $select and $filter on isocurrencycode; an opportunity created
// without a currency is in the base one, one bound to a currency reads it
// as _transactioncurrencyid_value, and an unknown currency id is refused
// with Dataverse's not-found error.
func TestTransactionCurrencies(t *testing.T) {
	e := newEnv(t, Options{})
	eur, err := e.sim.AddCurrency("EUR")
	if err != nil {
		t.Fatal(err)
	}
	usd := e.sim.CurrencyID("USD")
	r := e.do("GET", "transactioncurrencies?$select=transactioncurrencyid,isocurrencycode&$filter=isocurrencycode%20eq%20'EUR'", nil)
	if v := r.values(); r.status != 200 || len(v) != 1 || v[0]["transactioncurrencyid"] != eur || v[0]["isocurrencycode"] != "EUR" {
		t.Fatalf("EUR by code: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", "transactioncurrencies", map[string]any{"isocurrencycode": "GBP"}); r.status != 400 {
		t.Fatalf("write to currencies: %d %s", r.status, r.raw)
	}
	base := e.must(e.do("POST", "opportunities?$select=_transactioncurrencyid_value", map[string]any{"name": "Base"}, "Prefer", "return=representation"), 201)
	if base.body["_transactioncurrencyid_value"] != usd || usd == "" {
		t.Fatalf("opportunity without a currency: %s (base %s)", base.raw, usd)
	}
	in := e.must(e.do("POST", "opportunities?$select=_transactioncurrencyid_value", map[string]any{"name": "Euro",
		"transactioncurrencyid@odata.bind": "/transactioncurrencies(" + eur + ")"}, "Prefer", "return=representation"), 201)
	if in.body["_transactioncurrencyid_value"] != eur {
		t.Fatalf("opportunity in EUR: %s", in.raw)
	}
	const missing = "00000000-0000-4000-8000-000000000001"
	r = e.do("POST", "opportunities", map[string]any{"name": "Nowhere", "transactioncurrencyid@odata.bind": "/transactioncurrencies(" + missing + ")"})
	if r.status != 404 || r.errCode() != "0x80040217" || r.errMessage() != "transactioncurrency With Id = "+missing+" Does Not Exist" {
		t.Fatalf("unknown currency: %d %s", r.status, r.raw)
	}
}
