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
