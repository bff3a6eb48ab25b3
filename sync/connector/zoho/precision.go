package zoho

// numberPrecision is what Zoho keeps of a number field: a double (its
// JSON numbers are parsed to doubles) and, for a double or currency
// field, the field's decimal_place, to which Zoho rounds a value with
// more places (the fields metadata's currency.rounding_option "normal":
// half away from zero). decimal_place 0 is left at Scale 0 (no rounding
// known): connector.Field.Scale cannot say "whole numbers".
func numberPrecision(it fieldItem) (double bool, scale int) {
	switch it.DataType {
	case "double", "currency", "decimal", "percent": // integer and bigint are whole numbers, kept exactly
		double = true
	default:
		return false, 0
	}
	if (it.DataType == "double" || it.DataType == "currency") && it.DecimalPlace != nil && *it.DecimalPlace > 0 {
		scale = *it.DecimalPlace
	}
	return double, scale
}
