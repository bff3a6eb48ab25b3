package salesforce

import "fmt"

// DeactivatePicklistValue deactivates value of object's picklist field, as
// an admin does in Setup: records keep it, describe lists it as inactive
// and, on a restricted picklist, writes of it are refused
// (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST); an unrestricted one still
// stores it.
func (s *Sim) DeactivatePicklistValue(object, field, value string) error {
	return s.withField(object, field, func(f *Field) error {
		for j := range f.Picklist {
			if pv := &f.Picklist[j]; pv.Value == value {
				pv.Active = false
				return nil
			}
		}
		return fmt.Errorf("salesforce sandbox: %s.%s has no picklist value %q", object, field, value)
	})
}

// RestrictPicklist sets whether object's picklist field refuses values
// outside its list, as an admin does with "Restrict picklist to the values
// defined in the value set".
func (s *Sim) RestrictPicklist(object, field string, restricted bool) error {
	return s.withField(object, field, func(f *Field) error {
		if f.Type != "picklist" && f.Type != "multipicklist" {
			return fmt.Errorf("salesforce sandbox: %s.%s is not a picklist", object, field)
		}
		f.Restricted = restricted
		return nil
	})
}
