package salesforce

import "fmt"

// LockRow holds id's row lock, as another transaction (a trigger, another
// integration) would, for the next calls collection writes that touch it:
// the record itself, or a record whose reference field names it (a
// Contact's AccountId: Salesforce locks the parent too). Those records fail
// with UNABLE_TO_LOCK_ROW; the rest of the call goes through. calls < 0
// keeps it locked; 0 releases it.
func (s *Sim) LockRow(id string, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks == nil {
		s.locks = map[string]int{}
	}
	if calls == 0 {
		delete(s.locks, id)
		return
	}
	s.locks[id] = calls
}

// lockedRow names the locked row rec touches, "" if none. Called with s.mu held.
func (s *Sim) lockedRow(rec map[string]any) string {
	if len(s.locks) == 0 {
		return ""
	}
	for _, v := range rec {
		if id, ok := v.(string); ok && s.locks[id] != 0 {
			return id
		}
	}
	return ""
}

// releaseLocks counts one call against each lock it met. Called with s.mu held.
func (s *Sim) releaseLocks(met map[string]bool) {
	for id := range met {
		if n := s.locks[id]; n > 0 {
			if n == 1 {
				delete(s.locks, id)
			} else {
				s.locks[id] = n - 1
			}
		}
	}
}

// lockError is Salesforce's per-record answer for a row another transaction holds.
func lockError(id string) recError {
	return recError{StatusCode: "UNABLE_TO_LOCK_ROW", Fields: []string{},
		Message: fmt.Sprintf("unable to obtain exclusive access to this record or 1 records: %s", id)}
}

// ExpireQueryLocators drops every open query cursor, as Salesforce does
// after 15 minutes idle or when a user opens more than ten: the next
// nextRecordsUrl answers INVALID_QUERY_LOCATOR.
func (s *Sim) ExpireQueryLocators() {
	s.cursors.mu.Lock()
	defer s.cursors.mu.Unlock()
	clear(s.cursors.m)
}
