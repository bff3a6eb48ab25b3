package zoho

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"
)

// record is one Contact, Account, Deal, Task, Call, Event or Note. values holds the set
// fields by API name, typed by the field: string (text, email, phone, website, picklist,
// date, datetime), bool, int64 (integer, and the record id behind lookup and ownerlookup
// fields), float64 (double, currency) or []string (a multi-select picklist's selection,
// never empty: no selection is no value); a multi-module lookup's module (and a note's
// parent module) is the string under "$se_module". Owner is values["Owner"]. The system
// fields live on the struct.
type record struct {
	id                    int64
	values                map[string]any
	createdBy, modifiedBy int64
	created, modified     time.Time // second precision, UTC
	deleted               bool      // in the recycle bin (or permanently deleted)
	permanent             bool      // purged from the recycle bin
	deletedTime           time.Time
	deletedBy             int64
	createdWall           time.Time   // when it was written, for Options.SearchIndexDelay
	converted             *conversion // a converted lead's conversion (leads.go); nil otherwise
}

// clone copies r so a write can be validated in full before it lands.
func (r *record) clone() *record {
	c := *r
	c.values = maps.Clone(r.values)
	return &c
}

func (r *record) str(api string) string {
	v, _ := r.values[api].(string)
	return v
}

// store holds one module's records. Callers hold Sim.mu; the sort cache has its own lock
// because readers under Sim.mu.RLock build it.
type store struct {
	recs    []*record // ascending id (ids are allocated monotonically)
	byID    map[int64]*record
	live    int
	cacheMu sync.Mutex
	sorted  map[string][]*record // sort field -> records in ascending (key, id) order
}

func newStore() *store { return &store{byID: map[int64]*record{}, sorted: map[string][]*record{}} }

func (st *store) get(id int64) *record { return st.byID[id] }

// liveRecord returns a record that exists and is not deleted.
func (st *store) liveRecord(id int64) *record {
	if r := st.byID[id]; r != nil && !r.deleted {
		return r
	}
	return nil
}

func (st *store) insert(r *record) {
	st.recs = append(st.recs, r)
	st.byID[r.id] = r
	if !r.deleted {
		st.live++
	}
	st.invalidate()
}

// replace swaps the stored record with its edited clone.
func (st *store) replace(old, r *record) {
	i, _ := slices.BinarySearchFunc(st.recs, old.id, func(x *record, id int64) int { return cmp.Compare(x.id, id) })
	st.recs[i] = r
	st.byID[r.id] = r
	if old.deleted != r.deleted {
		if r.deleted {
			st.live--
		} else {
			st.live++
		}
	}
	st.invalidate()
}

func (st *store) invalidate() {
	st.cacheMu.Lock()
	clear(st.sorted)
	st.cacheMu.Unlock()
}

// sortKey is the key lists sort and page by: the id, or a time in Unix seconds.
func sortKey(r *record, field string) int64 {
	switch field {
	case "Created_Time":
		return r.created.Unix()
	case "Modified_Time":
		return r.modified.Unix()
	}
	return r.id
}

// cmpKey orders r against the position (key, id).
func cmpKey(r *record, field string, key, id int64) int {
	if c := cmp.Compare(sortKey(r, field), key); c != 0 {
		return c
	}
	return cmp.Compare(r.id, id)
}

// ordered returns every record in ascending (key, id) order, sorting once per change.
func (st *store) ordered(field string) []*record {
	if field == "id" {
		return st.recs
	}
	st.cacheMu.Lock()
	defer st.cacheMu.Unlock()
	if o, ok := st.sorted[field]; ok {
		return o
	}
	o := slices.Clone(st.recs)
	slices.SortStableFunc(o, func(a, b *record) int { return cmpKey(a, field, sortKey(b, field), b.id) })
	st.sorted[field] = o
	return o
}
