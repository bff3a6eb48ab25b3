package mapping_test

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestScaleCanon: a number row compares at the places the sides it
// writes keep (connector.Field.Scale), so a value a vendor rounded on
// save reads as the value written, on either side, and is written as the
// vendor will keep it.
func TestScaleCanon(t *testing.T) {
	money := connector.Schema{Fields: []connector.Field{{Name: "estimatedvalue", Type: connector.TypeNumber, Scale: 2}}}
	plain := connector.Schema{Fields: []connector.Field{{Name: "amount", Type: connector.TypeNumber}}}
	compile := func(a, b connector.Schema, f mapping.Field, dir mapping.Direction) mapping.Row {
		t.Helper()
		rows, probs := mapping.Compile([]mapping.Field{f}, dir, a, b)
		if len(probs) > 0 || len(rows) != 1 {
			t.Fatalf("Compile(%+v): %v", f, probs)
		}
		return rows[0]
	}
	for _, tc := range []struct {
		name     string
		row      mapping.Row
		a, b     map[string]string // as the vendors hold them
		same     bool
		writeA   string // WriteA of B's canonical value, "" to skip
		writeB   string // WriteB of A's canonical value, "" to skip
		canonRaw string // CanonA of a's value
	}{
		{"rounding side B, two-way", compile(plain, money, mapping.Field{A: "amount", B: "estimatedvalue"}, mapping.TwoWay),
			map[string]string{"amount": "1234.567"}, map[string]string{"estimatedvalue": "1234.57"}, true, "", "1234.57", "1234.57"},
		{"rounding side A, two-way", compile(money, plain, mapping.Field{A: "estimatedvalue", B: "amount", Transform: "number"}, mapping.TwoWay),
			map[string]string{"estimatedvalue": "1234.57"}, map[string]string{"amount": "1234.567"}, true, "1234.57", "", "1234.57"},
		{"rounding side A, one-way into B", compile(money, plain, mapping.Field{A: "estimatedvalue", B: "amount"}, mapping.AtoB),
			map[string]string{"estimatedvalue": "1234.57"}, map[string]string{"amount": "1234.567"}, false, "", "", "1234.57"},
		{"carry and sign", compile(plain, money, mapping.Field{A: "amount", B: "estimatedvalue"}, mapping.AtoB),
			map[string]string{"amount": "-9.995"}, map[string]string{"estimatedvalue": "-10"}, true, "", "-10", "-10"},
		{"below a cent", compile(plain, money, mapping.Field{A: "amount", B: "estimatedvalue"}, mapping.AtoB),
			map[string]string{"amount": "-0.001"}, map[string]string{"estimatedvalue": "0"}, true, "", "0", "0"},
	} {
		ca, errA := tc.row.CanonA(tc.a)
		cb, errB := tc.row.CanonB(tc.b)
		if errA != nil || errB != nil {
			t.Errorf("%s: %v %v", tc.name, errA, errB)
			continue
		}
		if (ca == cb) != tc.same {
			t.Errorf("%s: CanonA %q, CanonB %q; same = %v, want %v", tc.name, ca, cb, ca == cb, tc.same)
		}
		if ca != tc.canonRaw {
			t.Errorf("%s: CanonA %q, want %q", tc.name, ca, tc.canonRaw)
		}
		if tc.writeA != "" {
			if w, err := tc.row.WriteA(cb); err != nil || w[tc.row.AFields[0]] != tc.writeA {
				t.Errorf("%s: WriteA(%q) = %v %v, want %s", tc.name, cb, w, err, tc.writeA)
			}
		}
		if tc.writeB != "" {
			if w, err := tc.row.WriteB(ca); err != nil || w[tc.row.BFields[0]] != tc.writeB {
				t.Errorf("%s: WriteB(%q) = %v %v, want %s", tc.name, ca, w, err, tc.writeB)
			}
		}
	}
}
