package mailchimp

import (
	"fmt"
	"net/http"
	"slices"
)

// DeleteList deletes an audience with its members, as DELETE
// /lists/{list_id} does ("Delete a list from your Mailchimp account. If
// you delete a list, you'll lose the list history—including subscriber
// activity, unsubscribes, complaints, and bounces."): every request
// naming it is then answered 404 Resource Not Found.
func (s *Sim) DeleteList(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(id)
	if l == nil {
		return fmt.Errorf("mailchimp sim: no list %q", id)
	}
	delete(s.listByID, id)
	s.lists = slices.DeleteFunc(s.lists, func(x *list) bool { return x == l })
	return nil
}

// handleDeleteList serves DELETE /3.0/lists/{list_id} (Marketing API
// "Delete list"): 204 No Content with no body; 404 Resource Not Found for
// a list the account does not have (deleted already, or never was).
func (s *Sim) handleDeleteList(w http.ResponseWriter, r *http.Request) {
	if err := s.DeleteList(r.PathValue("list_id")); err != nil {
		writeProblem(w, errNotFound())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
