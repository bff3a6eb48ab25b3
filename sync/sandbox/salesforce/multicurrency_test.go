package salesforce

import (
	"strings"
	"testing"
)

// TestMultiCurrencyOpportunity: with multi-currency on, Opportunity's
// describe has CurrencyIsoCode, a restricted picklist of the org's active
// currencies; a record created without one is in the corporate currency
// (as is one created before), and a currency not enabled is refused with
// INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
func TestMultiCurrencyOpportunity(t *testing.T) {
	e := newEnv(t, Options{})
	old, err := e.sim.Create("Opportunity", map[string]string{"Name": "Before", "StageName": "Prospecting", "CloseDate": "2031-01-31"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.EnableMultiCurrency("USD", "EUR"); err != nil {
		t.Fatal(err)
	}
	f := e.describeField("Opportunity", "CurrencyIsoCode")
	if f["type"] != "picklist" || f["restrictedPicklist"] != true || f["defaultedOnCreate"] != true {
		t.Errorf("CurrencyIsoCode describe: %v", f)
	}
	if got, _ := e.sim.Get("Opportunity", old.Fields["Id"]); got.Fields["CurrencyIsoCode"] != "USD" {
		t.Errorf("an Opportunity from before multi-currency is in %q, want the corporate USD", got.Fields["CurrencyIsoCode"])
	}
	r, raw := e.do("POST", v+"/sobjects/Opportunity", map[string]any{"Name": "Plain", "StageName": "Prospecting", "CloseDate": "2031-01-31", "Amount": 5})
	if r.StatusCode != 201 {
		t.Fatalf("create: %d %s", r.StatusCode, raw)
	}
	id := decode[map[string]any](t, raw)["id"].(string)
	if got, _ := e.sim.Get("Opportunity", id); got.Fields["CurrencyIsoCode"] != "USD" {
		t.Errorf("an Opportunity created without a currency is in %q, want the corporate USD", got.Fields["CurrencyIsoCode"])
	}
	r, raw = e.do("POST", v+"/sobjects/Opportunity", map[string]any{"Name": "Pounds", "StageName": "Prospecting", "CloseDate": "2031-01-31", "CurrencyIsoCode": "GBP"})
	if r.StatusCode != 400 || !strings.Contains(string(raw), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") {
		t.Errorf("create in GBP, not enabled: %d %s", r.StatusCode, raw)
	}
}
