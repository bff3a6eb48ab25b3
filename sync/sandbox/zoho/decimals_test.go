package zoho

import (
	"encoding/json"
	"testing"
)

// TestCurrencyRoundedToDecimalPlace: a currency field stores a value
// at its decimal_place (Deals.Amount: 2), rounded half away from zero on
// the decimal digits (the field's currency.rounding_option "normal"), and
// reads it back so.
func TestCurrencyRoundedToDecimalPlace(t *testing.T) {
	e := newEnv(t, Options{})
	cases := map[string]string{"1234.567": "1234.57", "99.999": "100", "-5.125": "-5.13", "0.005": "0.01", "7.1": "7.1"}
	for in, want := range cases {
		r := e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"Deal_Name": "Places " + in,
			"Stage": "Qualification", "Closing_Date": "2031-05-31", "Amount": json.Number(in)}}})
		res := items(t, r)
		if r.status != 201 || res[0]["code"] != "SUCCESS" {
			t.Fatalf("insert %s: %d %s", in, r.status, r.raw)
		}
		id := res[0]["details"].(map[string]any)["id"].(string)
		got := e.do("GET", "/crm/v8/Deals/"+id+"?fields=Amount", nil)
		rec := items(t, got)
		if n, ok := rec[0]["Amount"].(float64); !ok || formatNum(n) != want {
			t.Errorf("Amount written as %s reads back %v; want %s", in, rec[0]["Amount"], want)
		}
	}
}

func formatNum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
