package salesforce

// Data storage and approval locks: two refusals no retry can get past.
//
// STORAGE_LIMIT_EXCEEDED: the org's data storage is used up. Salesforce
// refuses every new record ("storage limit exceeded") until an
// administrator deletes data or buys more storage; the code is in the
// API's StatusCode list. [unverified: the exact message text.]
//
// ENTITY_IS_LOCKED: a record submitted for approval is locked ("Approval
// Class": approval-process locks; only administrators and, as the process
// allows, the approver can edit it). An integration user's update or
// delete is refused until the record is approved, rejected or unlocked.

// FillDataStorage makes the org's data storage full (true) or frees it:
// while full, every create (insert or upsert that inserts) fails.
func (s *Sim) FillDataStorage(full bool) { s.storageFull.Store(full) }

// LockForApproval puts record id under an approval-process lock (true)
// or releases it: while locked, updates and deletes of it fail.
func (s *Sim) LockForApproval(id string, locked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.approvalLocks == nil {
		s.approvalLocks = map[string]bool{}
	}
	if locked {
		s.approvalLocks[normID(id)] = true
	} else {
		delete(s.approvalLocks, normID(id))
	}
}

// storageError is Salesforce's per-record answer to a create in a full org.
func storageError() recError {
	return recError{StatusCode: "STORAGE_LIMIT_EXCEEDED", Message: "storage limit exceeded", Fields: []string{}}
}

// approvalLocked reports an approval lock on id. Caller holds s.mu.
func (s *Sim) approvalLocked(id string) bool { return s.approvalLocks[normID(id)] }

// entityLockedError is Salesforce's per-record answer for a record an approval process locks.
func entityLockedError() recError {
	return recError{StatusCode: "ENTITY_IS_LOCKED", Message: "the entity is locked for editing", Fields: []string{}}
}
