package pipedrive

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// kind selects persons, organizations, deals, activities or notes; all share the store,
// and all but notes (v1, notes.go) most handlers.
type kind int

const (
	kindPerson kind = iota
	kindOrg
	kindDeal
	kindActivity
	kindNote
)

func (k kind) noun() string {
	switch k {
	case kindOrg:
		return "Organization"
	case kindDeal:
		return "Deal"
	case kindActivity:
		return "Activity"
	case kindNote:
		return "Note"
	}
	return "Person"
}

// plural names the kind in messages about many rows.
func (k kind) plural() string {
	if k == kindActivity {
		return "activities"
	}
	return strings.ToLower(k.noun()) + "s"
}

// contact is one element of emails, phones or im.
type contact struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary"`
	Label   string `json:"label"`
}

// record is one person, organization, deal, activity or note; fields a kind lacks stay zero.
type record struct {
	id                int64
	name              string  // a deal's title, an activity's subject
	firstName         *string // persons
	lastName          *string // persons
	ownerID           int64
	orgID             int64 // persons and deals; 0 = none
	addTime           time.Time
	updateTime        time.Time // second precision, like the API; the delete time once deleted
	deleted           bool
	visibleTo         int
	labelIDs          []int64
	emails, phones    []contact      // persons
	ims               []contact      // persons, contact sync
	address           map[string]any // postal_address (persons, contact sync) or address (orgs)
	notes, birthday   *string        // persons, contact sync
	jobTitle          *string        // persons, contact sync
	marketingStatus   string         // persons
	website, linkedin *string        // organizations
	industry, revenue *int64         // organizations
	employees         *int64         // organizations
	custom            map[string]any // field_code -> validated value
	createdWall       time.Time      // when the API created it, for the search index delay
	deal              *dealData      // deals; nil for the other kinds
	activity          *activityData  // activities; nil for the other kinds
	note              *noteData      // notes; nil for the other kinds
}

// dealData is what only deals have, kept apart so persons and organizations do not
// carry it. Its pointers are replaced, never written through, so clone may share them.
type dealData struct {
	personID      int64 // 0 = none
	pipelineID    int64
	stageID       int64
	value         float64
	currency      string
	status        string   // open, won or lost; deletion is record.deleted
	probability   *float64 // null unless set
	lostReason    *string
	expectedClose *string // YYYY-MM-DD
	origin        string  // set by Pipedrive on create, read-only
	// Zero times render as null.
	stageChange, closeTime, wonTime, lostTime, archiveTime time.Time
	archived                                               bool
}

// clone copies r so a write can be validated in full before it lands.
func (r *record) clone() *record {
	c := *r
	c.custom = maps.Clone(r.custom)
	if r.deal != nil {
		d := *r.deal
		c.deal = &d
	}
	if r.activity != nil {
		a := *r.activity
		c.activity = &a
	}
	if r.note != nil {
		n := *r.note
		c.note = &n
	}
	return &c
}

// store holds one kind. Callers hold Sim.mu; the sort cache has its own lock
// because readers under Sim.mu.RLock build it.
type store struct {
	recs    []*record // ascending id (ids are allocated monotonically)
	byID    map[int64]*record
	nextID  int64
	live    int
	cacheMu sync.Mutex
	sorted  map[string][]*record // sort field -> records in ascending (field, id) order
}

func newStore() *store {
	return &store{byID: map[int64]*record{}, nextID: 1, sorted: map[string][]*record{}}
}

func (st *store) get(id int64) *record { return st.byID[id] }

// insert assigns the next id and adds r.
func (st *store) insert(r *record) {
	r.id = st.nextID
	st.nextID++
	if r.custom == nil {
		r.custom = map[string]any{}
	}
	st.recs = append(st.recs, r)
	st.byID[r.id] = r
	if !r.deleted {
		st.live++
	}
	st.invalidate()
}

// replace swaps the stored record with its edited clone.
func (st *store) replace(old, r *record) {
	i, _ := slices.BinarySearchFunc(st.recs, old.id, func(x *record, id int64) int { return cmpInt(x.id, id) })
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

// sortKey is the (field, id) pair lists sort and page by.
func sortKey(r *record, field string) int64 {
	switch field {
	case "update_time":
		return r.updateTime.Unix()
	case "add_time":
		return r.addTime.Unix()
	case "due_date":
		return r.activity.dueKey()
	}
	return r.id
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpKey(r *record, field string, key, id int64) int {
	if c := cmpInt(sortKey(r, field), key); c != 0 {
		return c
	}
	return cmpInt(r.id, id)
}

// ordered returns every record in ascending (field, id) order, sorting once per change.
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
