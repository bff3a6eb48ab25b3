package zoho

import "fmt"

// SetDecimalPlace sets the decimal places a double or currency field of
// module stores, as an admin does in Setup > Modules and Fields (a
// currency field's "Decimal Places", 0 to 9; field-create schema
// currencyFieldJson.decimalPlaces). The fields metadata then lists it as
// decimal_place, and a write with more places is rounded to it. Records
// keep what they hold [unverified: whether Zoho re-rounds them].
func (s *Sim) SetDecimalPlace(module, apiName string, places int) error {
	return s.editField(module, apiName, func(_ *moduleDef, fd *fieldDef) error {
		switch {
		case fd.dataType != TypeDouble && fd.dataType != TypeCurrency:
			return fmt.Errorf("zoho sim: %s.%s is a %s, not a double or currency", module, apiName, fd.dataType)
		case places < 0 || places > 9:
			return fmt.Errorf("zoho sim: %d decimal places; Zoho allows 0 to 9", places)
		}
		fd.decimals = places
		return nil
	})
}
