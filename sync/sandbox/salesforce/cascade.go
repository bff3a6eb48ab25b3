package salesforce

import "strings"

// A delete takes the records that belong to the deleted one into the
// recycle bin with it, as Salesforce documents. Help, "Delete Accounts":
// deleted accounts move to the Recycle Bin "along with these associated
// items": Contacts, Opportunities, Activities, Notes (and Contracts,
// attachments, partner relationships, which are not simulated). Help,
// "Delete Contacts" and "Delete Leads": a contact's or lead's related
// events, tasks, notes and attachments are deleted with it; "Delete
// Opportunities": its activities and notes too. Restoring the record
// from the recycle bin restores those items with it. Tasks and Events
// are tied to their Contact or Lead through WhoId (no WhatId is
// modelled), Notes through ParentId. Each cascaded record's
// SystemModstamp moves, so queryAll reads it as deleted.
var cascades = map[string][]struct{ object, field string }{
	"account":     {{"contact", "AccountId"}, {"opportunity", "AccountId"}, {"note", "ParentId"}},
	"contact":     {{"task", "WhoId"}, {"event", "WhoId"}, {"note", "ParentId"}},
	"lead":        {{"task", "WhoId"}, {"event", "WhoId"}, {"note", "ParentId"}},
	"opportunity": {{"note", "ParentId"}},
}

// deleteLocked moves r of st and what belongs to it to the recycle bin;
// with names the record whose delete took r along ("" for r itself);
// touch, when set, saves each record before it changes (a collection's
// rollback). Callers hold s.mu.
func (s *Sim) deleteLocked(st *objectStore, r *record, with string, touch func(*objectStore, *record)) {
	if touch != nil {
		touch(st, r)
	}
	st.remove(r)
	r.deletedWith = with
	r.modified = max(s.nowMs(), r.modified)
	for _, c := range cascades[storeKey(st)] {
		child := s.stores[c.object]
		i, ok := child.obj.field(c.field)
		if !ok {
			continue
		}
		for _, x := range child.recs {
			if x.deleted || normID(x.vals[i]) != normID(r.id) {
				continue
			}
			s.deleteLocked(child, x, r.id, touch)
		}
	}
}

// undeleteWith restores the records deleted with the one whose id is
// parent, and theirs in turn. Callers hold s.mu.
func (s *Sim) undeleteWith(parent string) {
	for _, st := range s.stores {
		for _, x := range st.recs {
			if !x.deleted || x.deletedWith != parent {
				continue
			}
			x.deleted, x.deletedWith = false, ""
			st.live++
			st.index(x)
			x.modified = max(s.nowMs(), x.modified+1)
			s.undeleteWith(x.id)
		}
	}
}

// storeKey is st's key in s.stores (the lower-cased object name).
func storeKey(st *objectStore) string {
	return strings.ToLower(st.obj.Name)
}
