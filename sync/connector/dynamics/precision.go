package dynamics

import "github.com/crmsync/crmsync/sync/connector"

// moneyScale is the places Dataverse stores a money column at
// (MoneyAttributeMetadata): its own Precision, 0 to 4, where 0 is whole
// numbers, not "keeps what it is sent" (connector.WholeNumbers); and,
// for PrecisionSource 2, the row's currency's currencyprecision instead,
// named by ScaleBy (Scales come from the currencies, withCurrencyOptions).
// PrecisionSource 1, the organization's pricing precision, is not read:
// Precision stands in for it. A column whose metadata names no Precision
// is taken to keep what it is sent (Scale 0).
func moneyScale(a attribute) (scale int, scaleBy string) {
	if a.Precision != nil {
		scale = *a.Precision
		if scale == 0 {
			scale = connector.WholeNumbers
		}
	}
	if a.PrecisionSource != nil && *a.PrecisionSource == 2 {
		scaleBy = currencyField
	}
	return scale, scaleBy
}
