package brevo

import (
	"net/http"
	"slices"
)

// MaxListsPage is GET /v3/contacts/lists' largest limit [unverified: the
// reference gives the default, 10, and no maximum; 50 is what Brevo's own
// SDK examples page by].
const MaxListsPage = 50

// List is one contact list.
type List struct {
	ID       int64
	Name     string
	FolderID int64
}

// CreateList adds a contact list, as a marketer does in Brevo, and returns
// its id. Lists are numbered from 2, after the folder that holds them
// [unverified: how Brevo numbers them].
func (s *Sim) CreateList(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := int64(len(s.lists) + 2)
	s.lists = append(s.lists, List{ID: id, Name: name, FolderID: 1})
	return id
}

// handleLists serves GET /v3/contacts/lists: limit (default 10), offset
// and sort (by creation, default desc); {"lists": [{id, name,
// totalBlacklisted, totalSubscribers, uniqueSubscribers, folderId}],
// "count"}. totalBlacklisted and totalSubscribers are being dropped and
// answer 0, as the reference announces.
func (s *Sim) handleLists(w http.ResponseWriter, r *http.Request) {
	limit, offset, asc, e := pageParams(r.URL.Query(), 10, MaxListsPage)
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := slices.Clone(s.lists)
	if !asc {
		slices.Reverse(all)
	}
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	out := make([]map[string]any, 0, len(page))
	for _, l := range page {
		members := 0
		for _, c := range s.contacts {
			if slices.Contains(c.ListIDs, l.ID) {
				members++
			}
		}
		out = append(out, map[string]any{"id": l.ID, "name": l.Name, "totalBlacklisted": 0, "totalSubscribers": 0,
			"uniqueSubscribers": members, "folderId": l.FolderID})
	}
	body := map[string]any{"lists": out}
	if len(s.lists) > 0 {
		body["count"] = len(s.lists)
	}
	writeJSON(w, http.StatusOK, body)
}
