package hubspot

import "fmt"

// SetPrimaryCompany makes company the primary company of record id of
// object (a contact or deal), as a person does in the portal: the old
// primary becomes unlabeled, and a contact's associatedcompanyid, and so
// the contact, is modified (associateLocked).
func (s *Sim) SetPrimaryCompany(object, id, company string) error {
	k, ok := companyKinds[object]
	if !ok {
		return fmt.Errorf("hubspot sim: %s has no primary company", object)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fr, tr := s.liveRecord(object, id), s.liveRecord("companies", company)
	if fr == nil || tr == nil {
		return fmt.Errorf("hubspot sim: set primary company: no %s %s or company %s", object, id, company)
	}
	s.associateLocked(object, "companies", fr, tr, k.primary)
	return nil
}
