package salesforce

import (
	"slices"
	"strings"
	"time"
)

// record stores field values by describe index; "" is null (Salesforce stores empty text as null).
type record struct {
	id       string // 18-char
	vals     []string
	created  int64 // epoch ms
	modified int64 // epoch ms (LastModifiedDate; SystemModstamp too, unless system is later)
	// system is when an automated process (a roll-up, a workflow, a
	// sharing recalculation) last touched the record: it moves
	// SystemModstamp but not LastModifiedDate (SystemTouch).
	system  int64
	deleted bool
	// deletedWith names the record whose delete took this one to the
	// recycle bin (cascade.go); "" when it was deleted itself.
	deletedWith string
}

// objectStore holds one sObject type. Callers hold Sim.mu.
type objectStore struct {
	obj    *Object
	recs   []*record // insertion order
	byID   map[string]*record
	unique map[int]map[string]*record // unique field index -> lower-cased value -> record
	next   int64
	live   int
}

func newObjectStore(o *Object) *objectStore {
	st := &objectStore{obj: o, byID: map[string]*record{}, unique: map[int]map[string]*record{}, next: 1}
	for i, f := range o.Fields {
		if f.Unique {
			st.unique[i] = map[string]*record{}
		}
	}
	return st
}

func (st *objectStore) get(id string) *record {
	k := normID(id)
	if k == "" || !strings.HasPrefix(k, st.obj.Prefix) {
		return nil
	}
	return st.byID[k]
}

func (st *objectStore) findUnique(idx int, v string) *record {
	if m, ok := st.unique[idx]; ok {
		return m[strings.ToLower(v)]
	}
	return nil
}

// findExternal lists the live records whose External ID field idx holds v
// (case-insensitive): a Unique one matches at most one, another may
// match several.
func (st *objectStore) findExternal(idx int, v string) []*record {
	if _, ok := st.unique[idx]; ok {
		if r := st.findUnique(idx, v); r != nil {
			return []*record{r}
		}
		return nil
	}
	var out []*record
	for _, r := range st.recs {
		if !r.deleted && r.vals[idx] != "" && strings.EqualFold(r.vals[idx], v) {
			out = append(out, r)
		}
	}
	return out
}

func (st *objectStore) insert(vals []string, created, modified int64) *record {
	r := &record{id: makeID(st.obj.Prefix, st.next), vals: vals, created: created, modified: modified}
	st.next++
	st.recs = append(st.recs, r)
	st.byID[r.id[:15]] = r
	st.live++
	st.index(r)
	return r
}

func (st *objectStore) index(r *record) {
	for idx, m := range st.unique {
		if v := r.vals[idx]; v != "" {
			m[strings.ToLower(v)] = r
		}
	}
}

func (st *objectStore) unindex(r *record) {
	for idx, m := range st.unique {
		if v := r.vals[idx]; v != "" && m[strings.ToLower(v)] == r {
			delete(m, strings.ToLower(v))
		}
	}
}

// undo records enough to roll back an allOrNone request.
type undo struct {
	st     *objectStore
	nRecs  int
	nextID int64
	saved  map[*record]record
}

func (st *objectStore) begin() *undo {
	return &undo{st: st, nRecs: len(st.recs), nextID: st.next, saved: map[*record]record{}}
}

// touch saves a record's state before its first change in this request.
func (u *undo) touch(r *record) {
	if _, ok := u.saved[r]; !ok {
		c := *r
		c.vals = append([]string(nil), r.vals...)
		u.saved[r] = c
	}
}

func (u *undo) rollback() {
	st := u.st
	for _, r := range st.recs[u.nRecs:] {
		st.unindex(r)
		delete(st.byID, r.id[:15])
		st.live--
	}
	st.recs = st.recs[:u.nRecs]
	st.next = u.nextID
	for r, old := range u.saved {
		st.unindex(r)
		if r.deleted && !old.deleted {
			st.live++
		}
		*r = old
		if !r.deleted {
			st.index(r)
		}
	}
}

func (st *objectStore) remove(r *record) {
	if r.deleted {
		return
	}
	st.unindex(r)
	r.deleted = true
	st.live--
}

// purge drops r from the store altogether (Sim.Purge).
func (st *objectStore) purge(r *record) {
	st.remove(r)
	delete(st.byID, r.id[:15])
	st.recs = slices.DeleteFunc(st.recs, func(x *record) bool { return x == r })
}

const sfTime = "2006-01-02T15:04:05.000+0000"

func fmtMillis(ms int64) string { return time.UnixMilli(ms).UTC().Format(sfTime) }

// parseDateTime accepts Salesforce and RFC 3339 datetime forms.
func parseDateTime(v string) (int64, bool) {
	for _, layout := range []string{sfTime, "2006-01-02T15:04:05Z0700", time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}
