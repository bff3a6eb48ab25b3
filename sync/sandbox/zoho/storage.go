package zoho

// A Zoho CRM org's data storage is limited by its edition and the add-on
// storage bought; once it is used up the org takes no new record.
// STORAGE_SPACE_EXCEEDED is in crm-oas v8.0 record.json's API_Exception
// code enum for the record write endpoints. [unverified: its message and
// details (none here), and whether Zoho refuses each new record of a call,
// as here, or the call as a whole; updates still go through here.]

// FillStorage makes the org's data storage full (true), so that every
// new record an API insert or upsert would make is refused, or frees it.
func (s *Sim) FillStorage(full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storageFull = full
}

// storageError is the answer for a new record while storage is full, nil
// otherwise. Caller holds s.mu.
func (s *Sim) storageError() *zerr {
	if !s.storageFull {
		return nil
	}
	return badRequest("STORAGE_SPACE_EXCEEDED", "storage space exceeded", nil)
}
