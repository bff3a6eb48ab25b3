package salesforce

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// plainNumber renders a JSON number without exponent and without trailing
// fractional zeros ("5.0E+4" and "50000.0" both become "50000"), exactly:
// no float rounding.
func plainNumber(s string) (string, error) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 400 || e < -400 {
			return "", fmt.Errorf("number %q out of range", s)
		}
		mant, exp = s[:i], e
	}
	scale := 0
	if _, frac, ok := strings.Cut(mant, "."); ok {
		scale = len(frac)
	}
	scale -= exp
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", fmt.Errorf("%q is not a number", s)
	}
	if r.IsInt() || scale <= 0 {
		return r.FloatString(0), nil
	}
	out := r.FloatString(scale)
	out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	if out == "-0" {
		out = "0"
	}
	return out, nil
}
