package dynamics

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Record is a Go-side snapshot of a row: Fields holds every set property by Web API name
// (lookups as "_parentcustomerid_value" with the id; date-only as "YYYY-MM-DD"; integers
// as int64, choices as int64, Money as float64, Two options columns such as
// directioncode as bool, date-and-time columns such as scheduledend as time.Time in
// UTC; annotation.objecttypecode as the logical name string; "_ownerid_value" is
// UserID() unless bound otherwise); the system times are Created and Modified; Version
// is the etag's number.
type Record struct {
	ID        string
	EntitySet string
	Fields    map[string]any
	Created   time.Time
	Modified  time.Time
	Version   int64
}

// Error is a refusal from the Go API: what the HTTP API would answer for the same write.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("dynamics sim: %d %s: %s", e.Status, e.Code, e.Message)
}

func asError(e *apiError) error { return &Error{Status: e.status, Code: e.code, Message: e.message} }

// MintAccessToken returns a bearer token that never expires on its own (ExpireAllAccess
// still expires it), for the combined sandbox and demos.
func (s *Sim) MintAccessToken() string { return s.auth.IssueLongLived() }

// ExpireAllAccess makes every access token issued so far expired (refresh still works).
func (s *Sim) ExpireAllAccess() { s.auth.ExpireAllAccess() }

// UserID, BusinessUnitID and OrganizationID are what WhoAmI answers.
func (s *Sim) UserID() string         { return s.userID }
func (s *Sim) BusinessUnitID() string { return s.buID }
func (s *Sim) OrganizationID() string { return s.orgID }

// TenantID is the directory id of the identity platform.
func (s *Sim) TenantID() string { return s.opts.TenantID }

// SetRateLimits switches the service protection limits on or off.
func (s *Sim) SetRateLimits(on bool) { s.limits.setEnabled(on) }

// SetConcurrencyLimit changes the concurrent-request limit (default 52).
func (s *Sim) SetConcurrencyLimit(n int) { s.limits.setConcurrency(n) }

// SetRequestsUsed replaces the 5-minute window's usage by n requests made now (keeping
// no execution time), e.g. 6000 to make the next request a 429.
func (s *Sim) SetRequestsUsed(n int) { s.limits.set(n, 0) }

// SetUsage replaces the window's usage by n requests and d execution time made now.
func (s *Sim) SetUsage(n int, d time.Duration) { s.limits.set(n, d) }

// Usage returns the requests and execution time counted in the current window.
func (s *Sim) Usage() (requests int, exec time.Duration) { return s.limits.usage() }

func (s *Sim) tableFor(set string) (*table, error) {
	if t := s.tables[set]; t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("dynamics sim: unknown entity set %q", set)
}

func (s *Sim) snapshot(t *table, r *record) Record {
	out := Record{ID: r.id, EntitySet: t.def.set, Fields: map[string]any{}, Created: r.created, Modified: r.modified, Version: r.version}
	for _, a := range t.def.attrs {
		if a.virtual || a.name == "createdon" || a.name == "modifiedon" {
			continue
		}
		if v := t.get(r, a); v != nil {
			out.Fields[a.prop()] = v
		}
	}
	return out
}

func toBody(t *table, fields map[string]any) (map[string]any, error) {
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	body, aerr := decodeBody(t.def, b)
	if aerr != nil {
		return nil, asError(aerr)
	}
	return body, nil
}

// Create inserts a row through the validation of POST; fields has the request's JSON
// shape (Web API names, lookups as "parentcustomerid_account@odata.bind").
func (s *Sim) Create(entitySet string, fields map[string]any) (Record, error) {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return Record{}, err
	}
	body, err := toBody(t, fields)
	if err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := ""
	if v, ok := body[t.def.primaryID].(string); ok {
		id = strings.ToLower(v)
	}
	r, aerr := s.insertNew(t, id, nil, body)
	if aerr != nil {
		return Record{}, asError(aerr)
	}
	return s.snapshot(t, r), nil
}

// Update edits a row as PATCH with If-Match: * does (modifiedon and the version move).
func (s *Sim) Update(entitySet, id string, fields map[string]any) (Record, error) {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return Record{}, err
	}
	body, err := toBody(t, fields)
	if err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := t.byID[strings.ToLower(id)]
	if old == nil {
		return Record{}, asError(errRowNotFound(t.def, id))
	}
	r, aerr := s.updateRow(t, old, body)
	if aerr != nil {
		return Record{}, asError(aerr)
	}
	return s.snapshot(t, r), nil
}

// Delete removes a row as DELETE does.
func (s *Sim) Delete(entitySet, id string) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := t.byID[strings.ToLower(id)]
	if r == nil {
		return asError(errRowNotFound(t.def, id))
	}
	s.deleteRow(t, r)
	return nil
}

// Get returns a row by id.
func (s *Sim) Get(entitySet, id string) (Record, bool) {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return Record{}, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := t.byID[strings.ToLower(id)]; r != nil {
		return s.snapshot(t, r), true
	}
	return Record{}, false
}

// Count returns the number of rows.
func (s *Sim) Count(entitySet string) int {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(t.byID)
}

// Records returns every row in id order.
func (s *Sim) Records(entitySet string) []Record {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Record, len(t.idIdx))
	for i, r := range t.idIdx {
		out[i] = s.snapshot(t, r)
	}
	return out
}

// DefineAlternateKey adds an alternate key (EntityKeyMetadata) on the given columns,
// e.g. DefineAlternateKey("contacts", "contact_email_key", "emailaddress1"). Existing
// duplicate values make it fail (the index would not become Active).
func (s *Sim) DefineAlternateKey(entitySet, name string, attrs ...string) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	if len(attrs) == 0 {
		return fmt.Errorf("dynamics sim: alternate key %q needs columns", name)
	}
	for _, a := range attrs {
		def := t.def.byName[a]
		if def == nil || def.virtual || def.name == t.def.primaryID || (def.kind != kindString && def.kind != kindInt && def.kind != kindLookup && !def.dateOnly) {
			return fmt.Errorf("dynamics sim: %s.%s cannot be part of an alternate key", t.def.logical, a)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &altKey{name: name, attrs: attrs, index: map[string]string{}}
	for _, r := range t.idIdx {
		if v, ok := keyValue(k, r); ok {
			if _, dup := k.index[v]; dup {
				return fmt.Errorf("dynamics sim: alternate key %q: duplicate values %q", name, v)
			}
			k.index[v] = r.id
		}
	}
	t.keys = append(t.keys, k)
	return nil
}
