package pipedrive

import (
	"fmt"
	"slices"
)

// kindOfFields is the kind whose fields API is named object ("persons",
// "organizations", "deals").
func kindOfFields(object string) (kind, error) {
	switch object {
	case "persons":
		return kindPerson, nil
	case "organizations":
		return kindOrg, nil
	case "deals":
		return kindDeal, nil
	}
	return 0, fmt.Errorf("pipedrive sim: %q has no custom fields", object)
}

// setFields replaces k's field list: the lists are copied on write, so a
// fields answer being rendered keeps the list it started with.
func (s *Sim) setFields(k kind, defs []fieldDef) {
	switch k {
	case kindOrg:
		s.ofields = defs
	case kindDeal:
		s.dfields = defs
	default:
		s.pfields = defs
	}
}

// DeleteFieldOption deletes option id of the enum or set custom field code
// of object, as an admin does in Company settings > Data fields: the fields
// API stops listing it and a write of it is refused (400, "custom_fields.
// <key>: option <id> does not exist"). Records holding it lose it
// [unverified: the web app warns that the option is removed from every
// item holding it].
func (s *Sim) DeleteFieldOption(object, code string, id int64) error {
	k, err := kindOfFields(object)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defs := slices.Clone(s.fieldsOf(k))
	i := slices.IndexFunc(defs, func(f fieldDef) bool { return f.Custom && f.Code == code })
	switch {
	case i < 0:
		return fmt.Errorf("pipedrive sim: %s has no custom field %q", object, code)
	case defs[i].Type != "enum" && defs[i].Type != "set" || !defs[i].hasOption(id):
		return fmt.Errorf("pipedrive sim: %s field %q has no option %d", object, code, id)
	}
	defs[i].Options = slices.DeleteFunc(slices.Clone(defs[i].Options), func(o option) bool { return o.ID == id })
	s.setFields(k, defs)
	for _, r := range s.storeOf(k).recs {
		switch v := r.custom[code].(type) {
		case int64:
			if v == id {
				delete(r.custom, code)
			}
		case []int64:
			if left := slices.DeleteFunc(slices.Clone(v), func(x int64) bool { return x == id }); len(left) == 0 {
				delete(r.custom, code)
			} else {
				r.custom[code] = left
			}
		}
	}
	return nil
}

// DeleteField deletes the custom field code of object, as an admin does in
// Company settings > Data fields (only custom fields can be deleted): the
// fields API stops listing it, its values leave every record, and a write
// naming it is refused (400, "custom_fields: unknown field").
func (s *Sim) DeleteField(object, code string) error {
	k, err := kindOfFields(object)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defs := s.fieldsOf(k)
	if !slices.ContainsFunc(defs, func(f fieldDef) bool { return f.Custom && f.Code == code }) {
		return fmt.Errorf("pipedrive sim: %s has no custom field %q", object, code)
	}
	s.setFields(k, slices.DeleteFunc(slices.Clone(defs), func(f fieldDef) bool { return f.Custom && f.Code == code }))
	for _, r := range s.storeOf(k).recs {
		delete(r.custom, code)
	}
	return nil
}
