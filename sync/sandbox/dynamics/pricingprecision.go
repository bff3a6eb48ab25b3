package dynamics

import "fmt"

// Pricing decimal precision. A money column of PrecisionSource 1 is stored
// at the organization's pricing decimal precision ("Precision specified
// in Organization.PricingDecimalPrecision attribute should be used",
// MoneyAttributeMetadata.PrecisionSource), set under System Settings >
// General > "Pricing decimal precision", 0 to 4 places [unverified range],
// and served as the organization row's pricingdecimalprecision. The
// sandbox starts it at 2 [unverified default].
const defaultPricingPlaces = 2

// SetPricingPrecision sets the organization's pricingdecimalprecision.
// Rows keep what they hold; values written after are stored at it.
func (s *Sim) SetPricingPrecision(places int) error {
	if places < 0 || places > 4 {
		return fmt.Errorf("dynamics sim: pricing decimal precision %d is not 0..4", places)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pricingPlaces = places
	return nil
}

// UsePricingPrecision makes a money column of the table behind entitySet
// one of PrecisionSource 1, as a maker does in Power Apps (Edit column >
// Precision: "Pricing decimal precision"): MoneyAttributeMetadata reports
// PrecisionSource 1, and a value written is stored at the organization's
// pricing decimal precision, whatever the row's currency.
func (s *Sim) UsePricingPrecision(entitySet, column string) error {
	return s.editMoneyColumn(entitySet, column, func(na *attrDef) { na.orgPrecision, na.ownPrecision = true, false })
}
