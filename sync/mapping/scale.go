package mapping

import (
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// roundPlaces rounds a number normalizeNumber wrote to places decimal
// places, half away from zero, on its digits (no float64 on the way).
func roundPlaces(v string, places int) string {
	neg := strings.HasPrefix(v, "-")
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(v, "-"), ".")
	if places <= 0 || len(frac) <= places {
		return v
	}
	digits := []byte(intPart + frac[:places])
	if frac[places] >= '5' {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	n := len(digits) - places
	out := string(digits[:n]) + "." + string(digits[n:])
	if neg {
		out = "-" + out
	}
	r, _ := normalizeNumber(out) // trims the zeros the rounding left, "-0" to "0"
	return r
}

// scaleRow sets the places a plain number row (no transform, or number)
// compares and writes B at: the fewest of the sides it writes keep
// (connector.Field.Scale). A vendor that rounds what it stores (Dataverse
// money) reads back another value than the one written; compared at its
// scale, the two are the same amount, so the read-back is no edit: a
// one-way row does not write it again every run, and a two-way row does
// not copy the rounded value back over the other side's own.
func scaleRow(c *codec) {
	if len(c.a) != 1 || len(c.b) != 1 || c.rev != nil || (c.fwd.name != "none" && c.fwd.name != "number") ||
		c.a[0].Type != connector.TypeNumber || c.b[0].Type != connector.TypeNumber {
		return
	}
	scale := 0
	for _, s := range []struct {
		written bool
		places  int
	}{{c.dir.readsA(), c.b[0].Scale}, {c.dir.readsB(), c.a[0].Scale}} {
		if s.written && s.places > 0 && (scale == 0 || s.places < scale) {
			scale = s.places
		}
	}
	if scale != c.b[0].Scale {
		c.b = slices.Clone(c.b)
		c.b[0].Scale = scale
	}
}
