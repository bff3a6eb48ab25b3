package dynamics

import "fmt"

// SetMoneyPrecision gives a money column of the table behind entitySet a
// precision of its own, as a maker does in Power Apps (Edit column >
// Precision: 0 to 4 places rather than "Currency precision"):
// MoneyAttributeMetadata then reports PrecisionSource 0 ("Precision
// specified in the MoneyAttributeMetadata.Precision property should be
// used") and Precision places, and a value written with more places is
// stored rounded to them, whatever the row's currency. 0 places is whole
// numbers.
func (s *Sim) SetMoneyPrecision(entitySet, column string, places int) error {
	if places < 0 || places > 4 {
		return fmt.Errorf("dynamics sim: money precision %d is not 0..4", places)
	}
	return s.editMoneyColumn(entitySet, column, func(na *attrDef) { na.precision, na.ownPrecision = places, true })
}

// editMoneyColumn changes the money column column of the table behind
// entitySet by edit (replaceColumn), or says there is none.
func (s *Sim) editMoneyColumn(entitySet, column string, edit func(*attrDef)) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := t.def.byName[column]
	if a == nil || a.kind != kindMoney {
		return fmt.Errorf("dynamics sim: %s has no money column %q", t.def.logical, column)
	}
	t.replaceColumn(a, edit)
	return nil
}

// precisionSource is a money column's MoneyAttributeMetadata.PrecisionSource:
// 0 for a precision of its own, else 2, its row's currency's (the
// opportunity reference's estimatedvalue).
func (a *attrDef) precisionSource() int {
	switch {
	case a.ownPrecision:
		return 0
	case a.orgPrecision:
		return 1
	}
	return 2
}
