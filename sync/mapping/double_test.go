package mapping_test

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestDoubleCanonEitherSide: a number row one of whose written sides
// keeps doubles (Zoho, Pipedrive) compares at a double's precision,
// whichever side that is: the double's read-back of an exact value is the
// same value, so a two-way row copies neither over the other.
func TestDoubleCanonEitherSide(t *testing.T) {
	double := connector.Schema{Fields: []connector.Field{{Name: "Amount", Type: connector.TypeNumber, Double: true}}}
	exact := connector.Schema{Fields: []connector.Field{{Name: "amount", Type: connector.TypeNumber}}}
	for _, tc := range []struct {
		name         string
		a, b         connector.Schema
		f            mapping.Field
		aVals, bVals map[string]string
	}{
		{"double B", exact, double, mapping.Field{A: "amount", B: "Amount"},
			map[string]string{"amount": "12345678901234567890"}, map[string]string{"Amount": "1.2345678901234567e+19"}},
		{"double A", double, exact, mapping.Field{A: "Amount", B: "amount"},
			map[string]string{"Amount": "0.12345678901234568"}, map[string]string{"amount": "0.12345678901234567891"}},
	} {
		rows, probs := mapping.Compile([]mapping.Field{tc.f}, mapping.TwoWay, tc.a, tc.b)
		if len(probs) > 0 || len(rows) != 1 {
			t.Fatalf("%s: Compile: %v", tc.name, probs)
		}
		ca, errA := rows[0].CanonA(tc.aVals)
		cb, errB := rows[0].CanonB(tc.bVals)
		if errA != nil || errB != nil || ca != cb {
			t.Errorf("%s: CanonA %q (%v), CanonB %q (%v); want the same value", tc.name, ca, errA, cb, errB)
		}
	}
	// Up to 15 significant digits a double keeps the value as written.
	rows, _ := mapping.Compile([]mapping.Field{{A: "amount", B: "Amount"}}, mapping.TwoWay, exact, double)
	if c, _ := rows[0].CanonA(map[string]string{"amount": "1234567890.12345"}); c != "1234567890.12345" {
		t.Errorf("CanonA of 1234567890.12345 = %q, want it kept", c)
	}
}
