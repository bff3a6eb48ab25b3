package salesforce

import "math/big"

// numberShape is a number field's describe precision and scale as the
// sandbox's standard fields have them: a currency Number(16, 2) (precision
// 18, Opportunity.Amount), a percent (3, 0) (Opportunity.Probability), a
// double (18, 0). Other types have neither.
func numberShape(typ string) (precision, scale int) {
	switch typ {
	case "currency":
		return 18, 2
	case "percent":
		return 3, 0
	case "double":
		return 18, 0
	}
	return 0, 0
}

// wholeCurrency is a currency field of no decimal places, Number(18, 0)
// (Account.AnnualRevenue).
func wholeCurrency(name, label string) Field {
	f := typed(name, label, "currency")
	f.Scale = 0
	return f
}

// outsideRange reports whether v, a number, has more whole digits than f
// takes: precision − scale. Salesforce refuses such a write with
// NUMBER_OUTSIDE_VALID_RANGE "<label>: value outside of valid range on
// numeric field: <value>" (as a Bulk API answer quotes it, developer
// forums); places beyond scale are no refusal: the API stores them as
// sent and only the UI rounds (Salesforce Help 000385689).
func outsideRange(f Field, v string) bool {
	r, ok := new(big.Rat).SetString(v)
	if !ok || f.Precision == 0 {
		return false
	}
	whole := new(big.Int).Quo(new(big.Int).Abs(r.Num()), r.Denom())
	digits := 0
	if whole.Sign() != 0 {
		digits = len(whole.String())
	}
	return digits > f.Precision-f.Scale
}
