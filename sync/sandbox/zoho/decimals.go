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
