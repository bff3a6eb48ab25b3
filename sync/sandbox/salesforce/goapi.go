package salesforce

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Record is a Go-side snapshot for tests and the seeder. Fields holds non-null values in wire form.
type Record struct {
	ID        string
	Object    string
	Fields    map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time // LastModifiedDate (SystemModstamp is in Fields)
	Deleted   bool
}

// SeedRow is one record for Seed: Values align with the columns passed to Seed.
type SeedRow struct {
	Values   []string
	Created  time.Time
	Modified time.Time
}

func (s *Sim) snapshot(st *objectStore, r *record) Record {
	out := Record{ID: r.id, Object: st.obj.Name, Fields: map[string]string{}, CreatedAt: time.UnixMilli(r.created).UTC(),
		UpdatedAt: time.UnixMilli(r.modified).UTC(), Deleted: r.deleted}
	for i, f := range st.obj.Fields {
		if v := s.stringValue(st, r, i); v != "" {
			out.Fields[f.Name] = v
		}
	}
	return out
}

func (s *Sim) storeFor(object string) (*objectStore, error) {
	st, ok := s.stores[strings.ToLower(object)]
	if !ok {
		return nil, fmt.Errorf("salesforce sim: unknown object %q", object)
	}
	return st, nil
}

// Records returns every record of object (deleted included), in insertion order.
func (s *Sim) Records(object string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, err := s.storeFor(object)
	if err != nil {
		return nil
	}
	out := make([]Record, 0, len(st.recs))
	for _, r := range st.recs {
		out = append(out, s.snapshot(st, r))
	}
	return out
}

// Get returns one record by 15- or 18-char id.
func (s *Sim) Get(object, id string) (Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, err := s.storeFor(object)
	if err != nil {
		return Record{}, false
	}
	r := st.get(id)
	if r == nil {
		return Record{}, false
	}
	return s.snapshot(st, r), true
}

// Count returns the number of live records.
func (s *Sim) Count(object string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, err := s.storeFor(object)
	if err != nil {
		return 0
	}
	return st.live
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func joinErrs(errs []recError) string {
	var parts []string
	for _, e := range errs {
		parts = append(parts, e.StatusCode+": "+e.Message)
	}
	return strings.Join(parts, "; ")
}

// Create inserts through the API's validation.
func (s *Sim) Create(object string, fields map[string]string) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return Record{}, err
	}
	r, errs := s.createLocked(st, toAny(fields))
	if errs != nil {
		return Record{}, fmt.Errorf("salesforce sim: create %s: %s", object, joinErrs(errs))
	}
	return s.snapshot(st, r), nil
}

// Update edits through the API's validation (bumps LastModifiedDate/SystemModstamp).
func (s *Sim) Update(object, id string, fields map[string]string) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return Record{}, err
	}
	r := st.get(id)
	if r == nil || r.deleted {
		return Record{}, fmt.Errorf("salesforce sim: update %s %s: not found", object, id)
	}
	if errs := s.updateLocked(st, r, toAny(fields), nil); errs != nil {
		return Record{}, fmt.Errorf("salesforce sim: update %s %s: %s", object, id, joinErrs(errs))
	}
	return s.snapshot(st, r), nil
}

// SystemTouch is an automated process (a roll-up summary, a workflow, a
// sharing recalculation) updating a record: its SystemModstamp moves,
// LastModifiedDate and its fields stay. Salesforce's System Fields: SystemModstamp is
// when "a user or automated process (such as a trigger) last modified this
// record", LastModifiedDate when "a user last modified" it.
func (s *Sim) SystemTouch(object, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	r := st.get(id)
	if r == nil || r.deleted {
		return fmt.Errorf("salesforce sim: system touch %s %s: not found", object, id)
	}
	r.system = max(s.nowMs(), r.modified, r.system)
	return nil
}

// Delete moves a record to the recycle bin as DELETE would, with what
// belongs to it (cascade.go).
func (s *Sim) Delete(object, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return false
	}
	r := st.get(id)
	if r == nil || r.deleted || st.obj.readOnly {
		return false
	}
	s.deleteLocked(st, r, "", nil)
	return true
}

// Purge hard-deletes a record, live or in the Recycle Bin, as emptying the
// Recycle Bin (or the Bulk API's hardDelete) does once Salesforce has
// physically removed it: queryAll no longer reads it, and a write to its id
// is answered as for an id the org never held. Only it goes: what a
// delete took to the Recycle Bin with it stays there.
func (s *Sim) Purge(object, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return false
	}
	r := st.get(id)
	if r == nil || st.obj.readOnly {
		return false
	}
	st.purge(r)
	return true
}

// Undelete restores a record from the recycle bin, as a person does in
// Salesforce's UI (or Apex's undelete): the same id, live again, its
// SystemModstamp bumped, and the records deleted with it restored too
// (cascade.go). A unique value another live record took since
// refuses it, as Salesforce does.
func (s *Sim) Undelete(object, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	r := st.get(id)
	if r == nil || !r.deleted {
		return fmt.Errorf("salesforce sim: undelete %s %s: not in the recycle bin", object, id)
	}
	for idx, m := range st.unique {
		if v := r.vals[idx]; v != "" && m[strings.ToLower(v)] != nil {
			return fmt.Errorf("salesforce sim: undelete %s %s: DUPLICATE_VALUE: %s", object, id, v)
		}
	}
	r.deleted, r.deletedWith = false, ""
	st.live++
	st.index(r)
	r.modified = max(s.nowMs(), r.modified+1)
	s.undeleteWith(r.id)
	return nil
}

// Merge merges the loser records into master, as a person does in
// Salesforce's UI (the REST API has no merge call): each loser goes to the
// recycle bin with MasterRecordId naming master, and master is modified.
// Related records move to master, their SystemModstamp with them (SOAP API
// merge(): "If a victim record has related records, merge() makes the main
// record the new parent of the related records"): a merged-away Account's
// Contacts and Opportunities get the master's AccountId.
func (s *Sim) Merge(object, masterID string, loserIDs ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	mi, ok := st.obj.field("MasterRecordId")
	if !ok {
		return fmt.Errorf("salesforce sim: %s records cannot be merged", object)
	}
	m := st.get(masterID)
	if m == nil || m.deleted {
		return fmt.Errorf("salesforce sim: merge %s: no master %s", object, masterID)
	}
	now := s.nowMs()
	for _, id := range loserIDs {
		r := st.get(id)
		if r == nil || r.deleted || r == m {
			return fmt.Errorf("salesforce sim: merge %s: no record %s to merge into %s", object, id, masterID)
		}
		r.vals[mi] = m.id
		st.remove(r)
		r.modified = max(now, r.modified)
		s.reparentLocked(st.obj.Name, r.id, m.id, now)
	}
	m.modified = max(now, m.modified)
	return nil
}

// reparentLocked points every live record's reference to object's record
// from at to instead, modifying it. Caller holds s.mu.
func (s *Sim) reparentLocked(object, from, to string, now int64) {
	for _, st := range s.stores {
		for i, f := range st.obj.Fields {
			if !slices.ContainsFunc(f.ReferenceTo, func(r string) bool { return strings.EqualFold(r, object) }) {
				continue
			}
			for _, r := range st.recs {
				if !r.deleted && r.vals[i] != "" && normID(r.vals[i]) == normID(from) {
					r.vals[i] = to
					r.modified = max(now, r.modified)
				}
			}
		}
	}
}

// Seed bulk-loads trusted rows without validation (fast path for 100k records); rows whose
// unique values clash are skipped ("" id).
func (s *Sim) Seed(object string, columns []string, rows []SeedRow) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return nil, err
	}
	if st.obj.readOnly {
		return nil, fmt.Errorf("salesforce sim: seed %s: use SeedUsers", object)
	}
	idx := make([]int, len(columns))
	for i, c := range columns {
		j, ok := st.obj.field(c)
		if !ok {
			return nil, fmt.Errorf("salesforce sim: seed %s: unknown field %q", object, c)
		}
		idx[i] = j
	}
	n := len(st.obj.Fields)
	backing := make([]string, n*len(rows))
	ids := make([]string, len(rows))
	if need := len(st.recs) + len(rows); cap(st.recs) < need {
		grown := make([]*record, len(st.recs), need)
		copy(grown, st.recs)
		st.recs = grown
	}
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
		for i, f := range st.obj.Fields {
			if vals[i] == "" && f.Default != "" {
				vals[i] = f.Default
			}
		}
		if !st.obj.noOwner && vals[fOwnerID] == "" {
			vals[fOwnerID] = s.opts.UserID // a record created with no owner is its creator's
		}
		vals[fCreatedByID], vals[fLastModifiedByID] = s.opts.UserID, s.opts.UserID
		rec := st.insert(vals, wholeSecondMs(row.Created), wholeSecondMs(row.Modified))
		st.nameByID(rec)
		ids[k] = rec.id
	}
	return ids, nil
}
