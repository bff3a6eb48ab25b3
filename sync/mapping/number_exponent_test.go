package mapping

import "testing"

// TestNormalizeNumberExponent: vendors answer JSON numbers in
// exponent form; the canonical number must equal the plain form's.
func TestNormalizeNumberExponent(t *testing.T) {
	for in, want := range map[string]string{
		"1e+21": "1000000000000000000000", "1000000000000000000000": "1000000000000000000000",
		"1e-07": "0.0000001", "0.0000001": "0.0000001", "1.0E-7": "0.0000001", "-2.5e+3": "-2500",
		"1.2345678E7": "12345678", "12.5e-1": "1.25", "0e+5": "0", "5E2": "500",
	} {
		if got, err := normalizeNumber(in); err != nil || got != want {
			t.Errorf("normalizeNumber(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"e5", "1e", "1e+", "1,000e3", "1e999", "1.e"} {
		if got, err := normalizeNumber(in); err == nil {
			t.Errorf("normalizeNumber(%q) = %q, want an error", in, got)
		}
	}
}
