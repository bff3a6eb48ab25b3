package zoho

import (
	"fmt"
	"slices"
)

// Dependent picklists: an admin can make one picklist's options depend on
// another's value (Zoho CRM help: "Map Dependency Fields"), a deal's Type
// on its Lead_Source, say. A write leaving the dependent field with an
// option its controlling field's value does not allow fails alone with
// DEPENDENT_MISMATCH, naming the dependent field and, as dependee, the
// controlling one (crm-oas v8.0 upsertRecords dependentmismatch example:
// {"code":"DEPENDENT_MISMATCH","details":{"dependee":{"api_name",
// "json_path"},"api_name","json_path"},"message","status":"error"}).
// [unverified: the message for a picklist (the example's is a
// field-specific rule's), and whether a blank dependent passes, as here.]

// dependency is one dependent picklist: allowed options of field by the
// controlling field's value; a value not listed constrains nothing.
type dependency struct {
	field, controller string
	allowed           map[string][]string
}

// DependOn makes picklist field of module depend on picklist controller:
// with controller at a value allowed lists, field may only hold one of
// those options. A nil allowed removes the dependency.
func (s *Sim) DependOn(module, field, controller string, allowed map[string][]string) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	for _, api := range []string{field, controller} {
		if m.field(api) == nil {
			return fmt.Errorf("zoho sandbox: %s has no field %q", module, api)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dependencies == nil {
		s.dependencies = map[string][]dependency{}
	}
	key := m.name
	deps := slices.DeleteFunc(s.dependencies[key], func(d dependency) bool { return d.field == field })
	if allowed != nil {
		deps = append(deps, dependency{field: field, controller: controller, allowed: allowed})
	}
	s.dependencies[key] = deps
	return nil
}

// dependentError is the answer for record r, written as data[idx], whose
// dependent picklist holds an option its controller's value does not
// allow; nil otherwise. Caller holds s.mu.
func (s *Sim) dependentError(m *moduleDef, r *record, idx int) *zerr {
	for _, d := range s.dependencies[m.name] {
		ctrl, _ := r.values[d.controller].(string)
		opts, constrained := d.allowed[ctrl]
		v, _ := r.values[d.field].(string)
		if !constrained || v == "" || v == "-None-" || slices.Contains(opts, v) {
			continue
		}
		return badRequest("DEPENDENT_MISMATCH", fmt.Sprintf("%s %q is not a dependent value of %s %q", d.field, v, d.controller, ctrl),
			map[string]any{
				"dependee": map[string]any{"api_name": d.controller, "json_path": fmt.Sprintf("$.data[%d].%s", idx, d.controller)},
				"api_name": d.field, "json_path": fmt.Sprintf("$.data[%d].%s", idx, d.field),
			})
	}
	return nil
}

// checkRecord checks record r, written as data[idx], as Zoho does before
// saving it: its dependent picklists, then checkFields.
func (s *Sim) checkRecord(m *moduleDef, r *record, idx int) *zerr {
	if e := s.dependentError(m, r, idx); e != nil {
		return e
	}
	return s.checkFields(m, r, idx)
}
