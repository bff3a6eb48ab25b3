package zoho

import (
	"fmt"
	"reflect"
)

// Blueprints: a Zoho CRM Blueprint owns one picklist field of the records
// in its process (a deal's Stage, a lead's Lead_Status); only the
// process's transitions move it, and an API update that sets it otherwise
// fails alone with RECORD_IN_BLUEPRINT, "The record is in blue print"
// (crm-oas v8.0 record.json API_Exception: code and message enums).
// [unverified: the details; here they name the field as other field
// errors do ({"api_name","json_path"}), and a write that leaves the field
// as it is goes through.]

// InBlueprint puts record id of module in a Blueprint whose process owns
// field (on), or takes it out of its process (off).
func (s *Sim) InBlueprint(module, id, field string, on bool) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	n, ok := parseID(id)
	if !ok {
		return fmt.Errorf("zoho sandbox: record id %q is not an id", id)
	}
	if on && m.field(field) == nil {
		return fmt.Errorf("zoho sandbox: %s has no field %q", module, field)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blueprint == nil {
		s.blueprint = map[string]string{}
	}
	if key := lockKey(m, n); on {
		s.blueprint[key] = field
	} else {
		delete(s.blueprint, key)
	}
	return nil
}

// blueprintError is the update's answer for data[idx], obj, setting the
// field a Blueprint owns on record old to another value; nil otherwise.
// Caller holds s.mu.
func (s *Sim) blueprintError(m *moduleDef, old *record, obj map[string]any, idx int) *zerr {
	f, ok := s.blueprint[lockKey(m, old.id)]
	if !ok {
		return nil
	}
	v, present := obj[f]
	if !present || reflect.DeepEqual(v, old.values[f]) {
		return nil
	}
	return badRequest("RECORD_IN_BLUEPRINT", "The record is in blue print",
		map[string]any{"api_name": f, "json_path": fmt.Sprintf("$.data[%d].%s", idx, f)})
}
