package salesforce

import "fmt"

// Field-level security. An admin can take a field from the connected
// user's profile and permission sets. REST API "Get Field Values from a
// Standard Object Record": a field inaccessible by field-level security
// is left out of a record's body, and naming it in ?fields= answers 400;
// such a field is left out of the sObject describe too (the describe
// "only contains the fields that the user can view, as defined by the
// user's field-level security settings", salesforcer's
// sf_describe_object_fields), and a SOQL query naming it fails 400
// INVALID_FIELD "No such column 'X' on entity 'Contact'. If you are
// attempting to use a custom field, ..." as for a field that does not
// exist. [unverified: a write naming a hidden field answers per record
// INVALID_FIELD "No such column", as for a field that does not exist.]
// A field left Read-Only is in the describe with createable and
// updateable false, and a write of it fails per record with
// INVALID_FIELD_FOR_INSERT_UPDATE "Unable to create/update fields: X.
// Please check the security settings of this field and verify that it
// is read/write for your profile or permission set."

// HideField takes object's field from the connected user by field-level
// security (Visible unchecked): the API answers as if it did not exist.
// Records keep their values.
func (s *Sim) HideField(object, field string) error {
	return s.withField(object, field, func(f *Field) error { f.hidden = true; return nil })
}

// ReadOnlyField leaves object's field visible but read-only to the
// connected user (Read-Only checked): describe says createable and
// updateable false, and writes of it are refused.
func (s *Sim) ReadOnlyField(object, field string) error {
	return s.withField(object, field, func(f *Field) error { f.Createable, f.Updateable = false, false; return nil })
}

// withField runs set on object's field under the lock.
func (s *Sim) withField(object, field string, set func(*Field) error) error {
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
	return set(&st.obj.Fields[i])
}
