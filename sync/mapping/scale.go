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
	if places < 0 || len(frac) <= places {
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
	out := string(digits[:n])
	if places > 0 {
		out += "." + string(digits[n:])
	}
	if neg {
		out = "-" + out
	}
	r, _ := normalizeNumber(out) // trims the zeros the rounding left, "-0" to "0"
	return r
}

// wholeNumbers is a Field.Scale of 0 places (Scale 0 is no rounding).
const wholeNumbers = connector.WholeNumbers

// linkScales gives each row whose B number's places follow another B
// field (connector.Field.ScaleBy, a Dataverse amount its row's currency)
// the row writing that field, so an A record's amount is compared and
// written at the places of the currency it is written with.
func linkScales(rows []Row) {
	for _, r := range rows {
		if r.c == nil || len(r.c.b) != 1 || r.c.b[0].ScaleBy == "" {
			continue
		}
		for _, o := range rows {
			if o.c != nil && len(o.c.b) == 1 && o.c.b[0].Name == r.c.b[0].ScaleBy {
				r.c.scaleBy = o.c
			}
		}
	}
}

// curOfA is the ScaleBy value an A record's write gives B ("" when no
// row writes it, or it cannot be read).
func (c *codec) curOfA(fields map[string]string) string {
	if c.scaleBy == nil || len(c.b) != 1 || c.b[0].ScaleBy == "" {
		return ""
	}
	v, err := c.scaleBy.canonA(fields)
	if err != nil {
		return ""
	}
	return v
}

// placedB is B's field at the places cur (ScaleBy's value) picks.
func (c *codec) placedB(cur string) connector.Field {
	f := c.b[0]
	if f.ScaleBy == "" || f.Type != connector.TypeNumber {
		return f
	}
	p, ok := f.Scales[strings.ToUpper(strings.TrimSpace(cur))]
	if !ok {
		return f
	}
	if f.Scale = p; p == 0 {
		f.Scale = wholeNumbers
	}
	return f
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
		if s.written && s.places != 0 && (scale == 0 || placesOf(s.places) < placesOf(scale)) {
			scale = s.places
		}
	}
	// A side kept as a double compares, and is written, at a double's
	// precision too, whichever side it is.
	double := c.dir.readsA() && c.b[0].Double || c.dir.readsB() && c.a[0].Double
	if scale != c.b[0].Scale || double != c.b[0].Double {
		c.b = slices.Clone(c.b)
		c.b[0].Scale, c.b[0].Double = scale, double
	}
}

// placesOf is the decimal places a rounding Field.Scale keeps.
func placesOf(scale int) int {
	if scale == wholeNumbers {
		return 0
	}
	return scale
}
