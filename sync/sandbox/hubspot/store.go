package hubspot

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// record stores property values by schema index to keep 100k contacts lean.
type record struct {
	id         int64
	vals       []string // "" = unset
	created    int64    // epoch ms
	modified   int64    // epoch ms
	archived   bool
	archivedAt int64
	merged     bool  // merged into another record: gone, and not listed as archived
	mergedInto int64 // the record a merge made of it, which its id reads
}

// objectStore holds one object type. Callers hold Sim.mu.
type objectStore struct {
	schema *Schema
	recs   []*record // ascending id (ids are allocated monotonically)
	byID   map[int64]*record
	unique map[int]map[string]int64 // unique property index -> normalised value -> id
	nextID int64
	live   int
	// secondary indexes the live contacts' hs_additional_emails
	// (normalised email -> id); alsoIdx is that property's index, or -1.
	secondary map[string]int64
	alsoIdx   int
	byMod     []*record // (modified, id) order; nil when stale, rebuilt lazily by search
}

func newObjectStore(s *Schema) *objectStore {
	st := &objectStore{schema: s, byID: map[int64]*record{}, unique: map[int]map[string]int64{}, nextID: s.idBase + 1, alsoIdx: -1}
	for i, p := range s.Props {
		if p.Unique && i != pObjectID {
			st.unique[i] = map[string]int64{}
		}
	}
	if i, ok := s.prop("email"); ok && s.Object == "contacts" {
		st.unique[i] = map[string]int64{} // HubSpot deduplicates contacts by email
	}
	if i, ok := s.prop("hs_additional_emails"); ok && s.Object == "contacts" {
		st.alsoIdx, st.secondary = i, map[string]int64{}
	}
	return st
}

// secondaryOf returns the live contact holding v among its secondary
// emails (hs_additional_emails), or nil.
func (st *objectStore) secondaryOf(v string) *record {
	id, ok := st.secondary[normUnique(v)]
	if !ok {
		return nil
	}
	return st.byID[id]
}

// indexSecondary adds (add) or drops r's secondary emails, held in
// list ("a;b"), from the secondary index.
func (st *objectStore) indexSecondary(r *record, list string, add bool) {
	if st.secondary == nil {
		return
	}
	for _, e := range strings.Split(list, ";") {
		k := normUnique(e)
		switch {
		case k == "":
		case add:
			st.secondary[k] = r.id
		case st.secondary[k] == r.id:
			delete(st.secondary, k)
		}
	}
}

func normUnique(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// get returns record id; the id of a record merged away reads the record
// the merge made.
func (st *objectStore) get(id string) *record {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	r := st.byID[n]
	for r != nil && r.merged && r.mergedInto != 0 {
		r = st.byID[r.mergedInto]
	}
	return r
}

// findUnique returns the live record whose unique property idx equals v.
func (st *objectStore) findUnique(idx int, v string) *record {
	m, ok := st.unique[idx]
	if !ok {
		return nil
	}
	id, ok := m[normUnique(v)]
	if !ok {
		return nil
	}
	return st.byID[id]
}

// insert adds a record with already-validated values.
func (st *objectStore) insert(vals []string, created, modified int64) *record {
	r := &record{id: st.nextID, vals: vals, created: created, modified: modified}
	st.nextID++
	r.vals[pObjectID] = strconv.FormatInt(r.id, 10)
	st.recs = append(st.recs, r)
	st.byID[r.id] = r
	st.live++
	for idx, m := range st.unique {
		if v := r.vals[idx]; v != "" {
			m[normUnique(v)] = r.id
		}
	}
	if st.alsoIdx >= 0 {
		st.indexSecondary(r, r.vals[st.alsoIdx], true)
	}
	if st.byMod != nil {
		st.byMod = append(st.byMod, r)
		if n := len(st.byMod); n > 1 && lessMod(r, st.byMod[n-2]) {
			st.byMod = nil
		}
	}
	return r
}

// set writes validated values (index -> value) and bumps the modified time.
func (st *objectStore) set(r *record, changes map[int]string, now int64) {
	for idx, v := range changes {
		if m, ok := st.unique[idx]; ok {
			if old := r.vals[idx]; old != "" && m[normUnique(old)] == r.id {
				delete(m, normUnique(old))
			}
			if v != "" {
				m[normUnique(v)] = r.id
			}
		}
		if idx == st.alsoIdx {
			st.indexSecondary(r, r.vals[idx], false)
			st.indexSecondary(r, v, true)
		}
		r.vals[idx] = v
	}
	if now <= r.modified {
		now = r.modified + 1 // keep modification strictly increasing per record
	}
	r.modified = now
	st.byMod = nil
}

func (st *objectStore) archive(r *record, now int64) {
	if r.archived {
		return
	}
	for idx, m := range st.unique {
		if v := r.vals[idx]; v != "" && m[normUnique(v)] == r.id {
			delete(m, normUnique(v))
		}
	}
	if st.alsoIdx >= 0 {
		st.indexSecondary(r, r.vals[st.alsoIdx], false)
	}
	r.archived, r.archivedAt = true, now
	st.live--
	st.byMod = nil
}

func lessMod(a, b *record) bool {
	if a.modified != b.modified {
		return a.modified < b.modified
	}
	return a.id < b.id
}

// modOrder returns records ordered by (modified, id), sorting at most once per change.
func (st *objectStore) modOrder() []*record {
	if st.byMod == nil {
		st.byMod = slices.Clone(st.recs)
		slices.SortFunc(st.byMod, func(a, b *record) int {
			if lessMod(a, b) {
				return -1
			}
			if lessMod(b, a) {
				return 1
			}
			return 0
		})
	}
	return st.byMod
}

// after returns the index of the first record with id > after (list paging).
func (st *objectStore) after(after int64) int {
	i, _ := slices.BinarySearchFunc(st.recs, after+1, func(r *record, id int64) int {
		switch {
		case r.id < id:
			return -1
		case r.id > id:
			return 1
		}
		return 0
	})
	return i
}

func msToTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func isoMillis(ms int64) string { return msToTime(ms).Format("2006-01-02T15:04:05.000Z") }
