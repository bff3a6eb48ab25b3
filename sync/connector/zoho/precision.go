package zoho

import "github.com/crmsync/crmsync/sync/connector"

// numberPrecision is what Zoho keeps of a number field: a double (its
// JSON numbers are parsed to doubles) and, for a double or currency
// field, the field's decimal_place, to which Zoho rounds a value with
// more places (the fields metadata's currency.rounding_option "normal":
// half away from zero); decimal_place 0 rounds to whole numbers
// (connector.WholeNumbers).
func numberPrecision(it fieldItem) (double bool, scale int) {
	switch it.DataType {
	case "double", "currency", "decimal", "percent": // integer and bigint are whole numbers, kept exactly
		double = true
	default:
		return false, 0
	}
	if (it.DataType == "double" || it.DataType == "currency") && it.DecimalPlace != nil {
		scale = *it.DecimalPlace
		if scale == 0 {
			scale = connector.WholeNumbers
		}
	}
	return double, scale
}

// lengthUnit is what a field's length counts: digits for a number
// (a currency takes 16, an integer 9), characters for anything else.
func lengthUnit(dataType string) string {
	switch dataType {
	case "integer", "bigint", "double", "currency", "decimal", "percent":
		return "digits"
	}
	return "characters"
}
