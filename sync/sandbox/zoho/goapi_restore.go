package zoho

import "time"

// Restore brings a record back from the recycle bin, as Setup > Recycle Bin >
// Restore or POST /crm/v8/settings/recycle_bin/{id}/actions/restore does: the
// same id, live again, no longer listed by /deleted. bumpModified says whether
// its Modified_Time moves to the restore (Zoho's docs do not say [unverified]).
func (s *Sim) Restore(module, id string, bumpModified bool) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := parseID(id)
	old := m.st.get(n)
	if !ok || old == nil || !old.deleted || old.permanent {
		return &Error{Code: "INVALID_DATA", Message: "record not in the recycle bin", Details: map[string]any{"id": id}}
	}
	r := old.clone()
	r.deleted, r.deletedTime, r.deletedBy = false, time.Time{}, 0
	if bumpModified {
		r.modified = s.nowSecond()
	}
	m.st.replace(old, r)
	return nil
}
