package dynamics

import (
	"fmt"
	"strings"
)

// Restore brings a deleted row back from the recycle bin, as the Restore
// action (POST /Restore with Target) or the admin's Deleted records view
// does: the same id, live again. bumpModified says whether its modifiedon
// moves to the restore (the docs do not say [unverified]); its row version
// moves either way.
func (s *Sim) Restore(entitySet, id string, bumpModified bool) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(id)
	r := t.bin[key]
	if r == nil || t.byID[key] != nil {
		return fmt.Errorf("dynamics sim: restore %s %s: not in the recycle bin", entitySet, id)
	}
	delete(t.bin, key)
	c := *r
	if bumpModified {
		c.modified = s.nowSecond()
	}
	c.version = s.nextVersion()
	t.insert(&c)
	return nil
}
