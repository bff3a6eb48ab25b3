package mailchimp

import "fmt"

// RenameList gives an audience a new name, as its admin does in
// Mailchimp (Audience > Settings > Audience name and defaults; the
// Marketing API's PATCH /lists/{list_id} with "name"). The id stays, so
// a sync that chose the audience by id keeps reading it.
func (s *Sim) RenameList(id, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(id)
	if l == nil {
		return fmt.Errorf("list %s: %w", id, ErrNotFound)
	}
	l.name = name
	return nil
}
