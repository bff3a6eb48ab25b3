package salesforce

import "fmt"

// DeactivatePicklistValue deactivates value of object's picklist field, as
// an admin does in Setup: records keep it, describe lists it as inactive
// and writes of it are refused (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST).
func (s *Sim) DeactivatePicklistValue(object, field, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	i, ok := st.obj.field(field)
	if !ok {
		return fmt.Errorf("salesforce sandbox: %s has no field %q", st.obj.Name, field)
	}
	for j := range st.obj.Fields[i].Picklist {
		if pv := &st.obj.Fields[i].Picklist[j]; pv.Value == value {
			pv.Active = false
			return nil
		}
	}
	return fmt.Errorf("salesforce sandbox: %s.%s has no picklist value %q", st.obj.Name, field, value)
}
