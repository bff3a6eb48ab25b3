package dynamics

import (
	"fmt"
	"slices"
)

// DeleteColumn deletes a custom column of the table behind entitySet, as a
// maker does in Power Apps (Tables > Columns > Delete column; only custom
// columns can be deleted): EntityDefinitions stops listing it, its values
// leave every row, and a $select or a write naming it is refused as for
// any property the table does not have.
func (s *Sim) DeleteColumn(entitySet, column string) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := t.def.byName[column]
	switch {
	case a == nil:
		return fmt.Errorf("dynamics sim: %s has no column %q", t.def.logical, column)
	case !a.custom:
		return fmt.Errorf("dynamics sim: %s.%s is a system column and cannot be deleted", t.def.logical, column)
	}
	// A new definition rather than edits to the one requests in flight may
	// hold (they read it under s.mu, as this writes it).
	def := *t.def
	def.attrs = slices.DeleteFunc(slices.Clone(t.def.attrs), func(x *attrDef) bool { return x == a })
	t.def = newEntity(&def)
	for _, r := range t.byID {
		delete(r.vals, column)
	}
	return nil
}

// RemoveOption removes value from a choice (or multi-select choice) column
// of the table behind entitySet, as a maker does in Power Apps (Edit
// column > Choices > Remove): EntityDefinitions stops listing it and a
// write of it is refused as PicklistValueOutOfRange. Rows keep what they
// hold [unverified].
func (s *Sim) RemoveOption(entitySet, column string, value int64) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := t.def.byName[column]
	if a == nil || !a.hasOption(value) {
		return fmt.Errorf("dynamics sim: %s has no column %q with option %d", t.def.logical, column, value)
	}
	t.replaceColumn(a, func(na *attrDef) {
		na.options = slices.DeleteFunc(slices.Clone(a.options), func(o option) bool { return o.value == value })
	})
	return nil
}

// replaceColumn gives t a new definition in which column a is a copy
// changed by edit: new definitions, as DeleteColumn makes, rather than
// edits to the ones requests in flight may hold. The caller holds s.mu.
func (t *table) replaceColumn(a *attrDef, edit func(*attrDef)) {
	na := *a
	edit(&na)
	def := *t.def
	def.attrs = slices.Clone(t.def.attrs)
	for i, x := range def.attrs {
		if x == a {
			def.attrs[i] = &na
		}
	}
	t.def = newEntity(&def)
}
