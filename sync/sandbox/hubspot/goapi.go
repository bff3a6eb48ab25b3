package hubspot

import (
	"fmt"
	"strconv"
	"time"
)

// Record is a Go-side snapshot of one object for tests and the seeder.
type Record struct {
	ID         string
	Properties map[string]string // only set values; createdate/lastmodified in the wire form
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Archived   bool
}

// SeedRow is one record for Seed: Values align with the columns passed to Seed.
type SeedRow struct {
	Values   []string
	Created  time.Time
	Modified time.Time
}

// Objects lists the supported object types.
func (s *Sim) Objects() []string {
	return []string{"contacts", "companies", "deals", "notes", "tasks", "meetings", "calls"}
}

func (s *Sim) snapshot(st *objectStore, r *record) Record {
	out := Record{ID: strconv.FormatInt(r.id, 10), Properties: map[string]string{}, CreatedAt: msToTime(r.created),
		UpdatedAt: msToTime(r.modified), Archived: r.archived}
	for i, p := range st.schema.Props {
		if v := s.valueOf(st, r, i); v != "" {
			out.Properties[p.Name] = v
		}
	}
	return out
}

// Records returns every record of object (archived included), in id order.
func (s *Sim) Records(object string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return nil
	}
	out := make([]Record, 0, len(st.recs))
	for _, r := range st.recs {
		out = append(out, s.snapshot(st, r))
	}
	return out
}

// Get returns one record by id (archived too).
func (s *Sim) Get(object, id string) (Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return Record{}, false
	}
	r := st.get(id)
	if r == nil {
		return Record{}, false
	}
	return s.snapshot(st, r), true
}

// Count returns the number of live (not archived) records.
func (s *Sim) Count(object string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if st, ok := s.storeNamed(object); ok {
		return st.live
	}
	return 0
}

// Create inserts a record through the same validation as the API.
func (s *Sim) Create(object string, props map[string]string) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return Record{}, fmt.Errorf("hubspot sim: unknown object %q", object)
	}
	r, e := s.createLocked(st, anyMap(props))
	if e != nil {
		return Record{}, fmt.Errorf("hubspot sim: create %s: %s", object, e.message)
	}
	return s.snapshot(st, r), nil
}

// Update edits a record through the same validation as the API (bumps lastmodifieddate).
func (s *Sim) Update(object, id string, props map[string]string) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return Record{}, fmt.Errorf("hubspot sim: unknown object %q", object)
	}
	r, e := s.lookup(st, id, "")
	if e == nil {
		e = s.updateLocked(st, r, anyMap(props))
	}
	if e != nil {
		return Record{}, fmt.Errorf("hubspot sim: update %s %s: %s", object, id, e.message)
	}
	return s.snapshot(st, r), nil
}

// Archive soft-deletes a record as DELETE would.
func (s *Sim) Archive(object, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return false
	}
	r := st.get(id)
	if r == nil {
		return false
	}
	st.archive(r, s.nowMs())
	return true
}

// Seed bulk-loads trusted rows without per-row validation (fast path for 100k records).
// Rows whose unique values clash with an existing record are skipped. It returns the new ids
// ("" for skipped rows).
func (s *Sim) Seed(object string, columns []string, rows []SeedRow) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return nil, fmt.Errorf("hubspot sim: unknown object %q", object)
	}
	idx := make([]int, len(columns))
	for i, c := range columns {
		j, ok := st.schema.prop(c)
		if !ok {
			return nil, fmt.Errorf("hubspot sim: seed %s: unknown property %q", object, c)
		}
		idx[i] = j
	}
	ids := make([]string, len(rows))
	st.recs = growCap(st.recs, len(rows))
	n := len(st.schema.Props)
	backing := make([]string, n*len(rows)) // one allocation for all rows
	for k, row := range rows {
		vals := backing[k*n : (k+1)*n : (k+1)*n]
		clash := false
		for i, j := range idx {
			vals[j] = row.Values[i]
			if _, u := st.unique[j]; u && row.Values[i] != "" && st.findUnique(j, row.Values[i]) != nil {
				clash = true
			}
		}
		if clash {
			continue
		}
		r := st.insert(vals, row.Created.UnixMilli(), row.Modified.UnixMilli())
		ids[k] = strconv.FormatInt(r.id, 10)
		s.seedPrimaryCompany(st, r)
	}
	return ids, nil
}

// seedPrimaryCompany records the association behind a seeded contact's
// associatedcompanyid, as HubSpot holds one for every primary company.
func (s *Sim) seedPrimaryCompany(st *objectStore, r *record) {
	i, ok := st.schema.prop("associatedcompanyid")
	if !ok || st.schema.Object != "contacts" {
		return
	}
	co, err := strconv.ParseInt(r.vals[i], 10, 64)
	if err != nil {
		return
	}
	types := s.assocTypes(assocKey{from: "contacts", to: "companies", fromID: r.id, toID: co})
	types[typeContactCompanyPrimary], types[typeContactCompany] = true, true
	s.primaries[recordEnd{"contacts", r.id}] = co
}

// Merge merges record mergeID of object into primaryID, as POST
// …/{object}/merge does, and returns the id of the record it made.
func (s *Sim) Merge(object, primaryID, mergeID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return "", fmt.Errorf("hubspot sim: unknown object %q", object)
	}
	r, err := s.mergeLocked(st, primaryID, mergeID)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(r.id, 10), nil
}

// SeedAssociations associates each record of object keyed in toOf with
// the toObject record it names, by the HubSpot-defined unlabeled type
// (a task and its contact: 204), trusted and without modifying either.
func (s *Sim) SeedAssociations(object, toObject string, toOf map[string]string) error {
	typeID, ok := plainKinds[[2]string{object, toObject}]
	if !ok {
		return fmt.Errorf("hubspot sim: no plain association type from %s to %s", object, toObject)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for from, to := range toOf {
		fr, tr := s.liveRecord(object, from), s.liveRecord(toObject, to)
		if fr == nil || tr == nil {
			return fmt.Errorf("hubspot sim: seed association: no %s %s or %s %s", object, from, toObject, to)
		}
		s.assocTypes(assocKey{from: object, to: toObject, fromID: fr.id, toID: tr.id})[typeID] = true
	}
	return nil
}

// SeedPrimaryCompanies makes each record of object (a deal) keyed in
// companyOf primarily associated with the company it names, trusted and
// without modifying the record, as seeding does.
func (s *Sim) SeedPrimaryCompanies(object string, companyOf map[string]string) error {
	k, ok := companyKinds[object]
	if !ok {
		return fmt.Errorf("hubspot sim: %s has no primary company", object)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for from, to := range companyOf {
		fr, tr := s.liveRecord(object, from), s.liveRecord("companies", to)
		if fr == nil || tr == nil {
			return fmt.Errorf("hubspot sim: seed primary company: no %s %s or company %s", object, from, to)
		}
		types := s.assocTypes(assocKey{from: object, to: "companies", fromID: fr.id, toID: tr.id})
		types[k.primary], types[k.unlabeled] = true, true
		s.primaries[recordEnd{object, fr.id}] = tr.id
	}
	return nil
}

func growCap[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	out := make([]T, len(s), len(s)+n)
	copy(out, s)
	return out
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// SetUniqueValue turns a property's "Require unique values" rule on or off,
// as a portal admin may at any time (hasUniqueValue in the properties API).
// Turning it on fails while two live records share a value. A contact's
// email and the record id stay unique.
func (s *Sim) SetUniqueValue(object, property string, unique bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok {
		return fmt.Errorf("hubspot sim: unknown object %q", object)
	}
	idx, ok := st.schema.prop(property)
	if !ok || idx == pObjectID || (st.schema.Object == "contacts" && property == "email") {
		return fmt.Errorf("hubspot sim: %s has no property %q whose rule can change", object, property)
	}
	if !unique {
		delete(st.unique, idx)
		st.schema.Props[idx].Unique = false
		return nil
	}
	m := map[string]int64{}
	for _, r := range st.recs {
		if v := r.vals[idx]; v != "" && !r.archived && !r.merged {
			if _, dup := m[normUnique(v)]; dup {
				return fmt.Errorf("hubspot sim: %s.%s: two records hold %q", object, property, v)
			}
			m[normUnique(v)] = r.id
		}
	}
	st.unique[idx] = m
	st.schema.Props[idx].Unique = true
	return nil
}
