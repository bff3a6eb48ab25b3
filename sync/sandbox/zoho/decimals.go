package zoho

import (
	"encoding/json"
	"math/big"
)

// roundToPlaces is n rounded to places decimal places, half away from
// zero on its decimal digits, as a double: what a double or currency field
// of that decimal_place stores. The fields metadata names the rounding a
// currency field applies (currency.rounding_option "normal", crm-oas v8
// fields.json) [unverified: that a record write is rounded, not refused
// with INVALID_DATA]. x is n parsed (in a double's range); places < 0
// (decimal_place null) keeps it.
func roundToPlaces(n json.Number, x float64, places int) float64 {
	r, ok := new(big.Rat).SetString(n.String())
	if !ok || places < 0 {
		return x
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
	q, m := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	// |remainder| * 2 >= denominator: half or more, away from zero.
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(scaled.Sign())))
	}
	f, _ := new(big.Rat).SetFrac(q, scale).Float64()
	return f
}

// storedNumber is what a double or currency field stores of n (x, as a
// double): refused when it has more whole digits than the field takes,
// else rounded to its decimal_place.
func storedNumber(fd *fieldDef, n json.Number, x float64, idx int) (any, *zerr) {
	if tooManyDigits(fd, n) {
		return nil, fieldErr("INVALID_DATA", msgInvalidData, fd.apiName, idx, map[string]any{"maximum_length": fd.length})
	}
	return roundToPlaces(n, x, fd.decimals), nil
}

// tooManyDigits reports whether n has more whole digits than fd's length
// allows. Zoho's field lengths are digits: a currency field takes at most
// 16 ("Currency Length: Maximum 16 digits are allowed"), a decimal field
// 16 including its decimal places ("Decimal Length: Maximum 16 digits
// (including decimal places)"; zoho.com/developer/help/build-vertical-crm/
// customization/custom-fields.html). A longer value is refused, as an
// integer's is, with INVALID_DATA and maximum_length [unverified: the
// refusal's details for a number, and whether a currency's decimal places
// count too; the sandbox counts its whole digits only].
func tooManyDigits(fd *fieldDef, n json.Number) bool {
	r, ok := new(big.Rat).SetString(n.String())
	if !ok || fd.length <= 0 {
		return false
	}
	whole := new(big.Int).Quo(new(big.Int).Abs(r.Num()), r.Denom())
	digits := len(whole.String())
	if whole.Sign() == 0 {
		digits = 0
	}
	limit := fd.length
	if fd.dataType == TypeDouble && fd.decimals > 0 {
		limit -= fd.decimals
	}
	return digits > limit
}
