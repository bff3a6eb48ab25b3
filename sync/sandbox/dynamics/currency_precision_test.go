package dynamics

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestMoneyAtCurrencyPrecision: estimatedvalue's PrecisionSource is 2,
// the row's currency's currencyprecision (MoneyAttributeMetadata on
// Microsoft Learn): a JPY row (0 places) stores 1234.56 as 1235, a USD
// row keeps 1234.56; currencyprecision is read with the currencies.
func TestMoneyAtCurrencyPrecision(t *testing.T) {
	e := newEnv(t, Options{})
	jpy, err := e.sim.AddCurrency("JPY")
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "transactioncurrencies?$select=isocurrencycode,currencyprecision&$filter=isocurrencycode%20eq%20'JPY'", nil)
	if v := r.values(); r.status != 200 || len(v) != 1 || fmt.Sprint(v[0]["currencyprecision"]) != "0" {
		t.Fatalf("JPY's currencyprecision: %d %s", r.status, r.raw)
	}
	in := e.must(e.do("POST", "opportunities?$select=estimatedvalue", map[string]any{"name": "Yen", "estimatedvalue": json.Number("1234.56"),
		"transactioncurrencyid@odata.bind": "/transactioncurrencies(" + jpy + ")"}, "Prefer", "return=representation"), 201)
	if got := fmt.Sprint(in.body["estimatedvalue"]); got != "1235" {
		t.Errorf("JPY opportunity of 1234.56 stored as %s, want 1235: %s", got, in.raw)
	}
	us := e.must(e.do("POST", "opportunities?$select=estimatedvalue", map[string]any{"name": "Dollar", "estimatedvalue": json.Number("1234.567")},
		"Prefer", "return=representation"), 201)
	if got := fmt.Sprint(us.body["estimatedvalue"]); got != "1234.57" {
		t.Errorf("USD opportunity of 1234.567 stored as %s, want 1234.57: %s", got, us.raw)
	}
}
