package dynamics

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// Decimal number and Float columns. Dataverse stores a Decimal column
// (DecimalAttributeMetadata) at its Precision, 0 to 10 places, and a
// Float column (DoubleAttributeMetadata) at its Precision, 0 to 5 places;
// a value written with more places reads back rounded to them, not
// refused (both Precision properties default to 2 places).
const (
	maxDecimalPrecision = 10
	maxDoublePrecision  = 5
	// The ranges a maker can give those columns at most (Power Apps:
	// Decimal ±100,000,000,000, Float ±100,000,000,000) [unverified].
	maxNumberColumn = 100_000_000_000
)

// NumberKind names the kind of column AddNumberColumn adds.
type NumberKind string

const (
	DecimalColumn NumberKind = kindDecimal // DecimalAttributeMetadata
	FloatColumn   NumberKind = kindDouble  // DoubleAttributeMetadata
)

// AddNumberColumn adds the custom column column (crmsync_ prefix) of
// kind to the table behind entitySet, stored at places decimals, as a
// maker does in Power Apps (New column > Decimal or Float > Precision).
func (s *Sim) AddNumberColumn(entitySet, column, display string, kind NumberKind, places int) error {
	limit, edm := maxDecimalPrecision, edmDec
	if kind == FloatColumn {
		limit, edm = maxDoublePrecision, edmDouble
	} else if kind != DecimalColumn {
		return fmt.Errorf("dynamics sim: %q is not a number column kind", kind)
	}
	if places < 0 || places > limit {
		return fmt.Errorf("dynamics sim: %s precision %d is not 0..%d", kind, places, limit)
	}
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.def.byName[column] != nil {
		return fmt.Errorf("dynamics sim: %s already has a column %q", t.def.logical, column)
	}
	a := &attrDef{name: column, schema: column, display: display, kind: string(kind), edm: edm, required: "None",
		create: true, update: true, minMoney: -maxNumberColumn, maxMoney: maxNumberColumn, precision: places, custom: true}
	// A new definition rather than edits to the one requests in flight may hold.
	def := *t.def
	def.attrs = append(slices.Clone(t.def.attrs), a)
	t.def = newEntity(&def)
	return nil
}

// numberValue reads a Decimal or Float column's value as Dataverse keeps
// it: rounded to the column's Precision; out of its range refused.
func numberValue(e *entityDef, a *attrDef, v any) (float64, *apiError) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, errWrongType(a.edm)
	}
	f, err := strconv.ParseFloat(num.String(), 64)
	if err != nil {
		return 0, errWrongType(a.edm)
	}
	if f < a.minMoney || f > a.maxMoney {
		return 0, newErr(http.StatusBadRequest, codeOutOfRange,
			"A validation error occurred. The value %s of '%s' on record of type '%s' is outside the valid range. Accepted range: %s to %s",
			num.String(), a.name, e.logical, valueString(a.minMoney), valueString(a.maxMoney)) // [unverified]
	}
	return roundTo(f, a.precision), nil
}

// SetNumberPrecision changes the Precision of the Decimal or Float column
// column of the table behind entitySet, as a maker does in Power Apps
// (Edit column > Advanced options > Precision; UpdateAttribute in the
// metadata API): later writes are stored rounded to places. Values
// already stored are kept as they are [unverified: Microsoft Learn's
// column pages describe Precision only as the places kept right of the
// decimal point, not what a change does to stored values].
func (s *Sim) SetNumberPrecision(entitySet, column string, places int) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := t.def.byName[column]
	if a == nil || (a.kind != kindDecimal && a.kind != kindDouble) {
		return fmt.Errorf("dynamics sim: %s has no Decimal or Float column %q", t.def.logical, column)
	}
	limit := maxDecimalPrecision
	if a.kind == kindDouble {
		limit = maxDoublePrecision
	}
	if places < 0 || places > limit {
		return fmt.Errorf("dynamics sim: %s precision %d is not 0..%d", a.kind, places, limit)
	}
	t.replaceColumn(a, func(na *attrDef) { na.precision = places })
	return nil
}
