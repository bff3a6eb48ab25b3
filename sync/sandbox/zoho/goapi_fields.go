package zoho

import (
	"fmt"
	"slices"
)

// DeleteField deletes a custom field of module, as an admin does in Setup >
// Modules and Fields (only custom fields can be deleted): the fields
// metadata stops listing it, its values leave every record, and a read's
// fields parameter or a write naming it is refused with INVALID_DATA
// naming the field, as for any unknown API name.
func (s *Sim) DeleteField(module, apiName string) error {
	return s.editField(module, apiName, func(m *moduleDef, fd *fieldDef) error {
		if !fd.custom {
			return fmt.Errorf("zoho sim: %s.%s is a system field and cannot be deleted", module, apiName)
		}
		m.fields = slices.DeleteFunc(slices.Clone(m.fields), func(f *fieldDef) bool { return f == fd })
		delete(m.byName, apiName)
		for _, r := range m.st.recs {
			delete(r.values, apiName)
		}
		m.st.invalidate()
		return nil
	})
}

// editField runs edit on field apiName of module, under the sim's lock.
func (s *Sim) editField(module, apiName string, edit func(*moduleDef, *fieldDef) error) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fd := m.field(apiName)
	if fd == nil {
		return fmt.Errorf("zoho sim: %s has no field %q", module, apiName)
	}
	return edit(m, fd)
}

// RemovePicklistValue removes value from a picklist of module, as an admin
// does in Setup > Modules and Fields: the fields metadata stops listing it
// and a write of it is refused with INVALID_DATA naming the field and its
// supported values. Records keep what they hold [unverified: the web
// client asks for a value to replace it with in existing records].
func (s *Sim) RemovePicklistValue(module, apiName, value string) error {
	return s.editField(module, apiName, func(_ *moduleDef, fd *fieldDef) error {
		if fd.dataType != TypePicklist && fd.dataType != TypeMultiPicklist || value == "-None-" || !slices.Contains(fd.picklist, value) {
			return fmt.Errorf("zoho sim: %s.%s has no picklist value %q", module, apiName, value)
		}
		fd.picklist = slices.DeleteFunc(slices.Clone(fd.picklist), func(v string) bool { return v == value })
		return nil
	})
}

// AddPicklistValue adds value to a picklist or multi-select picklist of
// module, as an admin does in Setup > Modules and Fields: the fields
// metadata lists it and writes may hold it.
func (s *Sim) AddPicklistValue(module, apiName, value string) error {
	return s.editField(module, apiName, func(_ *moduleDef, fd *fieldDef) error {
		switch {
		case fd.dataType != TypePicklist && fd.dataType != TypeMultiPicklist:
			return fmt.Errorf("zoho sim: %s.%s is no picklist", module, apiName)
		case value == "" || slices.Contains(fd.picklist, value):
			return fmt.Errorf("zoho sim: %s.%s already has %q", module, apiName, value)
		}
		fd.picklist = append(slices.Clone(fd.picklist), value)
		return nil
	})
}
