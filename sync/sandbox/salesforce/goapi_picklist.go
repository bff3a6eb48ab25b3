package salesforce

import "fmt"

// DeactivatePicklistValue deactivates value of object's picklist field, as
// an admin does in Setup: records keep it, describe lists it as inactive
// and writes of it are refused (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST).
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
