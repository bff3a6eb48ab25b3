package pipedrive

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Contact is one email, phone or instant-messaging value of a person.
type Contact struct {
	Value   string
	Primary bool
	Label   string // "work" when empty
}

// Person is a Go-side snapshot of a person. CustomFields holds set values only, in
// their wire form: string, json.Number, int64 (enum), []int64 (set) or map[string]any
// (monetary, address).
type Person struct {
	ID           int64
	Name         string
	FirstName    string
	LastName     string
	OwnerID      int64
	OrgID        int64 // 0 = none
	Emails       []Contact
	Phones       []Contact
	VisibleTo    int
	LabelIDs     []int64
	CustomFields map[string]any
	AddTime      time.Time
	UpdateTime   time.Time
	Deleted      bool
}

// Organization is a Go-side snapshot of an organization.
type Organization struct {
	ID           int64
	Name         string
	OwnerID      int64
	Address      string // address.value
	VisibleTo    int
	LabelIDs     []int64
	CustomFields map[string]any
	AddTime      time.Time
	UpdateTime   time.Time
	Deleted      bool
}

// PersonSeed is one trusted person for SeedPersons.
type PersonSeed struct {
	Name         string // split into first and last name as the API does
	Emails       []Contact
	Phones       []Contact
	OrgID        int64 // 0 = none; must exist
	OwnerID      int64 // 0 = the sandbox user
	CustomFields map[string]any
	AddTime      time.Time // zero = now
	UpdateTime   time.Time // zero = AddTime
}

// OrganizationSeed is one trusted organization for SeedOrganizations.
type OrganizationSeed struct {
	Name         string
	Address      string
	OwnerID      int64
	CustomFields map[string]any
	AddTime      time.Time
	UpdateTime   time.Time
}

// MintAccessToken returns an OAuth access token that never expires on its own
// (Auth().ExpireAllAccess still expires it), for the combined sandbox and demos.
func (s *Sim) MintAccessToken() string { return s.auth.IssueLongLived() }

// APIToken is the personal API token accepted in the x-api-token header.
func (s *Sim) APIToken() string { return s.opts.APIToken }

// UserID is the user behind the API token and OAuth grants.
func (s *Sim) UserID() int64 { return s.opts.UserID }

// TokenUsage returns the day's spent API tokens and the daily budget.
func (s *Sim) TokenUsage() (used, budget int) { return s.limits.usage() }

// SetTokensUsed sets the day's spent tokens (e.g. to start a test near the budget).
func (s *Sim) SetTokensUsed(n int) { s.limits.setUsed(n) }

func snapshotContacts(cs []contact) []Contact {
	out := make([]Contact, len(cs))
	for i, c := range cs {
		out[i] = Contact(c)
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func personOf(r *record) Person {
	return Person{ID: r.id, Name: r.name, FirstName: deref(r.firstName), LastName: deref(r.lastName),
		OwnerID: r.ownerID, OrgID: r.orgID, Emails: snapshotContacts(r.emails), Phones: snapshotContacts(r.phones),
		VisibleTo: r.visibleTo, LabelIDs: append([]int64{}, r.labelIDs...), CustomFields: copyCustom(r.custom),
		AddTime: r.addTime, UpdateTime: r.updateTime, Deleted: r.deleted}
}

func orgOf(r *record) Organization {
	addr, _ := r.address["value"].(string)
	return Organization{ID: r.id, Name: r.name, OwnerID: r.ownerID, Address: addr, VisibleTo: r.visibleTo,
		LabelIDs: append([]int64{}, r.labelIDs...), CustomFields: copyCustom(r.custom),
		AddTime: r.addTime, UpdateTime: r.updateTime, Deleted: r.deleted}
}

// clonePtr copies *p so a snapshot cannot write into the sandbox.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func copyCustom(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// toBody turns a Go map into the raw JSON body the API handlers validate.
func toBody(body map[string]any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	return decodeObject(bytes.NewReader(b))
}

func (s *Sim) create(k kind, body map[string]any) (*record, error) {
	raw, err := toBody(body)
	if err != nil {
		return nil, fmt.Errorf("pipedrive sim: create %s: %w", strings.ToLower(k.noun()), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.createLocked(k, raw)
	if aerr != nil {
		return nil, fmt.Errorf("pipedrive sim: create %s: %w", strings.ToLower(k.noun()), aerr)
	}
	return r, nil
}

func (s *Sim) update(k kind, id int64, body map[string]any) (*record, error) {
	raw, err := toBody(body)
	if err != nil {
		return nil, fmt.Errorf("pipedrive sim: update %s %d: %w", strings.ToLower(k.noun()), id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.patchLocked(k, id, raw)
	if aerr != nil {
		return nil, fmt.Errorf("pipedrive sim: update %s %d: %w", strings.ToLower(k.noun()), id, aerr)
	}
	return r, nil
}

func (s *Sim) remove(k kind, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.deleteLocked(k, id); aerr != nil {
		return fmt.Errorf("pipedrive sim: delete %s %d: %w", strings.ToLower(k.noun()), id, aerr)
	}
	return nil
}

// CreatePerson adds a person through the same validation as POST /api/v2/persons;
// body has the request's JSON shape (name, emails, custom_fields...).
func (s *Sim) CreatePerson(body map[string]any) (Person, error) {
	r, err := s.create(kindPerson, body)
	return snapshot(r, err, personOf)
}

// UpdatePerson edits a person as PATCH /api/v2/persons/{id} does (update_time moves).
func (s *Sim) UpdatePerson(id int64, body map[string]any) (Person, error) {
	r, err := s.update(kindPerson, id, body)
	return snapshot(r, err, personOf)
}

// DeletePerson marks a person deleted as DELETE /api/v2/persons/{id} does.
func (s *Sim) DeletePerson(id int64) error { return s.remove(kindPerson, id) }

// GetPerson returns a person by id, deleted ones included.
func (s *Sim) GetPerson(id int64) (Person, bool) { return lookup(s, s.persons, id, personOf) }

// CountPersons returns the number of persons not deleted.
func (s *Sim) CountPersons() int { s.mu.RLock(); defer s.mu.RUnlock(); return s.persons.live }

// Persons returns every person, deleted ones included, in id order.
func (s *Sim) Persons() []Person { return all(s, s.persons, personOf) }

// CreateOrganization adds an organization through the same validation as POST /api/v2/organizations.
func (s *Sim) CreateOrganization(body map[string]any) (Organization, error) {
	r, err := s.create(kindOrg, body)
	return snapshot(r, err, orgOf)
}

// UpdateOrganization edits an organization as PATCH /api/v2/organizations/{id} does.
func (s *Sim) UpdateOrganization(id int64, body map[string]any) (Organization, error) {
	r, err := s.update(kindOrg, id, body)
	return snapshot(r, err, orgOf)
}

// DeleteOrganization marks an organization deleted.
func (s *Sim) DeleteOrganization(id int64) error { return s.remove(kindOrg, id) }

// GetOrganization returns an organization by id, deleted ones included.
func (s *Sim) GetOrganization(id int64) (Organization, bool) { return lookup(s, s.orgs, id, orgOf) }

// CountOrganizations returns the number of organizations not deleted.
func (s *Sim) CountOrganizations() int { s.mu.RLock(); defer s.mu.RUnlock(); return s.orgs.live }

// Organizations returns every organization, deleted ones included, in id order.
func (s *Sim) Organizations() []Organization { return all(s, s.orgs, orgOf) }

// snapshot turns a written record into its Go snapshot (Person,
// Organization, Deal, Activity), or passes the write's error on.
func snapshot[T any](r *record, err error, of func(*record) T) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return of(r), nil
}

// lookup snapshots record id of st, deleted or not.
func lookup[T any](s *Sim, st *store, id int64, of func(*record) T) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := st.get(id); r != nil {
		return of(r), true
	}
	var zero T
	return zero, false
}

// all snapshots every record of st in id order.
func all[T any](s *Sim, st *store, of func(*record) T) []T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]T, len(st.recs))
	for i, r := range st.recs {
		out[i] = of(r)
	}
	return out
}

// seedCustom checks trusted custom values with the API's own rules.
func (s *Sim) seedCustom(k kind, in map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for code, v := range in {
		f := s.customField(k, code)
		if f == nil {
			return nil, fmt.Errorf("unknown custom field %q", code)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("custom field %s: %w", code, err)
		}
		val, err := f.parseCustom(raw)
		if err != nil {
			return nil, err
		}
		if val != nil {
			out[code] = val
		}
	}
	return out, nil
}

func seedContacts(in []Contact) []contact {
	out := make([]contact, len(in))
	primary := false
	for i, c := range in {
		out[i] = contact(c)
		if out[i].Label == "" {
			out[i].Label = "work"
		}
		primary = primary || c.Primary
	}
	if !primary && len(out) > 0 {
		out[0].Primary = true
	}
	return out
}

func (s *Sim) seedTimes(add, upd time.Time) (time.Time, time.Time) {
	if add.IsZero() {
		add = s.now()
	}
	if upd.IsZero() {
		upd = add
	}
	return add.UTC().Truncate(time.Second), upd.UTC().Truncate(time.Second)
}

// seedRows inserts rows as trusted records of kind k under the lock, fill checking and
// filling each; the rows before a refused one stay.
func seedRows[T any](s *Sim, k kind, rows []T, fill func(r *record, row T) error) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.storeOf(k)
	recs := make([]record, len(rows)) // one allocation for all rows
	ids := make([]int64, len(rows))
	st.recs = slices.Grow(st.recs, len(rows))
	for i, row := range rows {
		r := &recs[i]
		if err := fill(r, row); err != nil {
			return ids, fmt.Errorf("pipedrive sim: seed %s: row %d: %w", k.plural(), i, err)
		}
		st.insert(r)
		ids[i] = r.id
	}
	return ids, nil
}

// seedRecord fills what every seeded record has: a name (what it is called), an owner
// (0 = the sandbox user), custom fields checked with the API's rules, and times.
func (s *Sim) seedRecord(k kind, r *record, what, name string, owner int64, custom map[string]any, add, upd time.Time) error {
	if r.name = strings.TrimSpace(name); r.name == "" {
		return fmt.Errorf("%s is required", what)
	}
	r.ownerID = cmp.Or(owner, s.opts.UserID)
	if !s.isUser(r.ownerID) { // a trusted row may name a deactivated owner
		return fmt.Errorf("owner %d is not a user", r.ownerID)
	}
	var err error
	if r.custom, err = s.seedCustom(k, custom); err != nil {
		return err
	}
	r.visibleTo, r.labelIDs = 3, []int64{}
	r.addTime, r.updateTime = s.seedTimes(add, upd)
	return nil
}

// seedLink checks a seeded row's reference to a live record of kind k; 0 is none.
func (s *Sim) seedLink(k kind, id int64) error {
	if id != 0 && !s.isLive(k, id) {
		return fmt.Errorf("%s %d not found", strings.ToLower(k.noun()), id)
	}
	return nil
}

// SeedPersons bulk-loads trusted persons without per-request overhead (the fast path
// for 100k rows) and returns their ids. Organizations must be seeded first.
func (s *Sim) SeedPersons(rows []PersonSeed) ([]int64, error) {
	return seedRows(s, kindPerson, rows, func(r *record, row PersonSeed) error {
		if err := s.seedRecord(kindPerson, r, "name", row.Name, row.OwnerID, row.CustomFields, row.AddTime, row.UpdateTime); err != nil {
			return err
		}
		if err := s.seedLink(kindOrg, row.OrgID); err != nil {
			return err
		}
		r.firstName, r.lastName = splitName(r.name)
		r.orgID = row.OrgID
		r.emails, r.phones, r.ims = seedContacts(row.Emails), seedContacts(row.Phones), []contact{}
		return nil
	})
}

// SeedOrganizations bulk-loads trusted organizations and returns their ids.
func (s *Sim) SeedOrganizations(rows []OrganizationSeed) ([]int64, error) {
	return seedRows(s, kindOrg, rows, func(r *record, row OrganizationSeed) error {
		if row.Address != "" {
			r.address = map[string]any{"value": row.Address}
		}
		return s.seedRecord(kindOrg, r, "name", row.Name, row.OwnerID, row.CustomFields, row.AddTime, row.UpdateTime)
	})
}

// SetWriteRequestsLeft sets the POST/PUT requests left today, which
// x-daily-requests-left reports to API-token requests (e.g. to start a
// test near the daily write limit).
func (s *Sim) SetWriteRequestsLeft(n int) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	s.limits.rollDay(s.limits.now())
	s.limits.writesLeft = max0(n)
}
