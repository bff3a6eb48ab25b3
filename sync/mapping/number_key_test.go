package mapping

import "testing"

// TestNumberNormalizer: a number match key compares as a number, on
// its digits: the forms a person or a CRM writes of one number are one
// key, and two long ids a float64 would round together stay two.
func TestNumberNormalizer(t *testing.T) {
	key := func(v string) string {
		t.Helper()
		k, err := Normalize("number", v)
		if err != nil {
			t.Fatalf("Normalize(number, %q): %v", v, err)
		}
		return k
	}
	for _, same := range [][2]string{{"2500.50", "2500.5"}, {"2.5005e3", "2500.5"}, {" 007 ", "7"}, {"1,234.0", "1234"}} {
		if a, b := key(same[0]), key(same[1]); a != b {
			t.Errorf("%q keys as %q, %q as %q; want one key", same[0], a, same[1], b)
		}
	}
	if a, b := key("12345678901234567891"), key("12345678901234567892"); a == b {
		t.Errorf("two 20-digit ids key as one, %q", a)
	}
	if k, err := Normalize("number", "1,5"); err == nil {
		t.Errorf("%q (a decimal comma?) keyed as %q; want an error, no guess", "1,5", k)
	}
}
