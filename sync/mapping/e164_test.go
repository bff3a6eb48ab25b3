package mapping

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestE164FastPathMatchesLibrary checks the fast path against the
// phonenumbers library on generated values of every shape it accepts and
// many it must refuse.
func TestE164FastPathMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	digits := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteByte(byte('0' + rng.IntN(10)))
		}
		return sb.String()
	}
	seps := []string{"", " ", "-", ".", "(", ")", "  ", " - "}
	fast := 0
	for i := range 50000 {
		d := digits(8 + rng.IntN(5))
		var sb strings.Builder
		switch rng.IntN(4) {
		case 0:
			sb.WriteString("+1")
		case 1:
			sb.WriteString("+" + digits(1+rng.IntN(2)))
		case 2:
			sb.WriteString("1")
		}
		for j := range len(d) {
			if rng.IntN(3) == 0 {
				sb.WriteString(seps[rng.IntN(len(seps))])
			}
			sb.WriteByte(d[j])
		}
		if i%50 == 0 {
			sb.WriteString(" x12")
		}
		v := sb.String()
		for _, region := range []string{"US", "GB", "CA"} {
			got, ok := fastNANP(v, region)
			if !ok {
				continue
			}
			fast++
			want, err := toE164(v, region)
			if err != nil || got != want {
				t.Fatalf("%q in %s: fast path %q, library %q (%v)", v, region, got, want, err)
			}
		}
	}
	if fast < 1000 {
		t.Fatalf("only %d values took the fast path", fast)
	}
	for _, v := range []string{"+1 555-123-4567", "(555) 123-4567", "555.123.4567", "+1 (212) 555 0100"} {
		got, ok := fastNANP(v, "US")
		want, _ := toE164(v, "US")
		if !ok || got != want {
			t.Fatalf("%q: fast path %q %v, library %q", v, got, ok, want)
		}
	}
}

// TestE164MemoKeepsErrors checks a memoized value gives the same answer,
// errors included.
func TestE164MemoKeepsErrors(t *testing.T) {
	c := newE164("GB")
	for range 2 {
		if out, err := c.convert("020 7946 0018"); err != nil || out != "+442079460018" {
			t.Fatalf("got %q, %v", out, err)
		}
		if _, err := c.convert("not a phone"); err == nil {
			t.Fatal("a non-number converted")
		}
	}
}

// An extension is kept after the E.164 number, and reading that back
// gives the same value, so a phone with an extension neither loses it nor
// loops.
func TestE164KeepsTheExtension(t *testing.T) {
	for _, in := range []string{"+1 415-555-0100 ext. 23", "(415) 555-0100 x23", "+14155550100 ext. 23"} {
		got, err := toE164(in, "US")
		if err != nil || got != "+14155550100 ext. 23" {
			t.Errorf("toE164(%q) = %q, %v; want +14155550100 ext. 23", in, got, err)
		}
	}
}
