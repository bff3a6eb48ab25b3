package zoho

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Record is a Go-side snapshot of a Contact, Account, Deal, Task, Call, Event or Note.
// Fields holds every set field by API name in string form: lookups and Owner flattened
// to the referenced id, booleans "true"/"false", numbers in plain decimal, dates and
// date-times as the API writes them; Full_Name is included for Contacts, and the What_Id
// of a Task, Call or Event, like a Note's Parent_Id, comes with its module under
// "$se_module". A multi-select picklist's values are in Fields joined by ";" and, as the
// record holds them (the JSON array's strings, in order), in Lists. The system times are
// Created and Modified.
type Record struct {
	ID       string
	Module   string
	Fields   map[string]string
	Lists    map[string][]string // multi-select picklists with a selection
	Created  time.Time
	Modified time.Time
	Deleted  bool
	// Converted is a lead's $converted: true once ConvertLead (or the convert call) ran.
	Converted bool
}

// Error is a refusal from the Go API: the code, message and details the HTTP API would
// answer for the same write.
type Error struct {
	Code    string
	Message string
	Details map[string]any
}

func (e *Error) Error() string {
	if api, ok := e.Details["api_name"]; ok {
		return fmt.Sprintf("zoho sim: %s: %s (%v)", e.Code, e.Message, api)
	}
	return "zoho sim: " + e.Code + ": " + e.Message
}

func asError(e *zerr) error { return &Error{Code: e.code, Message: e.message, Details: e.details} }

// ContactSeed is one trusted contact for SeedContacts.
type ContactSeed struct {
	FirstName string
	LastName  string // required
	Email     string
	Phone     string
	Mobile    string
	Title     string
	AccountID string // "" = none; must be a live account
	OwnerID   string // "" = the sandbox user
	// Fields sets further fields by API name with JSON-shaped values.
	Fields   map[string]any
	Created  time.Time // zero = now
	Modified time.Time // zero = Created
}

// AccountSeed is one trusted account for SeedAccounts.
type AccountSeed struct {
	Name     string // Account_Name, required
	Phone    string
	Website  string
	Industry string
	OwnerID  string
	Fields   map[string]any
	Created  time.Time
	Modified time.Time
}

// DealSeed is one trusted deal for SeedDeals.
type DealSeed struct {
	Name        string  // Deal_Name, required
	Stage       string  // required; one of the Stage picklist values ("Qualification"...)
	Amount      float64 // 0 = none
	ClosingDate string  // Closing_Date "2006-01-02", required
	AccountID   string  // Account_Name lookup; "" = none, else a live account
	ContactID   string  // Contact_Name lookup; "" = none, else a live contact
	OwnerID     string  // "" = the sandbox user
	// Fields sets further fields by API name with JSON-shaped values (Type, Probability...).
	Fields   map[string]any
	Created  time.Time // zero = now
	Modified time.Time // zero = Created
}

// TaskSeed is one trusted task for SeedTasks.
type TaskSeed struct {
	Subject     string // required
	Status      string // "" = none, else a Status picklist value ("Not Started"...)
	Priority    string // "" = none, else a Priority picklist value ("High"...)
	Description string
	DueDate     string // Due_Date "2006-01-02" or ""
	ContactID   string // Who_Id ("Contact Name"); "" = none, else a live contact
	// RelatedModule and RelatedID set What_Id ("Related To") with its $se_module:
	// "Accounts" or "Deals" and a live record of it; "" = none.
	RelatedModule string
	RelatedID     string
	OwnerID       string
	Fields        map[string]any
	Created       time.Time
	Modified      time.Time
}

// CallSeed is one trusted call for SeedCalls.
type CallSeed struct {
	Subject  string    // required
	CallType string    // Call_Type, required: "Outbound", "Inbound" or "Missed"
	Start    time.Time // Call_Start_Time, required; a logged call's cannot be after Modified
	// Duration is Call_Duration in mm:ss ("4:05"), required for an inbound call and a
	// completed outbound one; Call_Duration_in_seconds follows from it.
	Duration string
	// OutboundStatus is Outbound_Call_Status for an outbound call: "Scheduled",
	// "Completed" or "" (Scheduled when Start is after Modified, else Completed).
	OutboundStatus string
	Purpose        string // Call_Purpose (any value; the picklist is unrestricted)
	Result         string // Call_Result
	Description    string
	ContactID      string // Who_Id ("Contact Name"); "" = none, else a live contact
	// RelatedModule and RelatedID set What_Id ("Related To") with its $se_module:
	// "Accounts" or "Deals" and a live record of it; "" = none.
	RelatedModule string
	RelatedID     string
	OwnerID       string
	Fields        map[string]any
	Created       time.Time // zero = now
	Modified      time.Time // zero = Created
}

// EventSeed is one trusted meeting (module Events) for SeedEvents.
type EventSeed struct {
	Title         string    // Event_Title, required
	Start         time.Time // Start_DateTime, required
	End           time.Time // End_DateTime, required, not before Start
	AllDay        bool      // All_day
	Venue         string
	Description   string
	ContactID     string // Who_Id; "" = none, else a live contact
	RelatedModule string // What_Id's $se_module: "Accounts" or "Deals"; "" = none
	RelatedID     string
	OwnerID       string
	Fields        map[string]any
	Created       time.Time
	Modified      time.Time
}

// NoteSeed is one trusted note for SeedNotes.
type NoteSeed struct {
	Title   string // Note_Title; a Title or a Content is required
	Content string // Note_Content
	// ParentID is Parent_Id, required: a live record of ParentModule ("" = Contacts;
	// also Accounts, Deals, Tasks, Events or Calls).
	ParentID     string
	ParentModule string
	OwnerID      string
	Fields       map[string]any
	Created      time.Time
	Modified     time.Time
}

// MintAccessToken returns an access token with every scope that never expires on its own
// (Auth().ExpireAllAccess still expires it), for the combined sandbox and demos.
func (s *Sim) MintAccessToken() string { return s.auth.IssueLongLived() }

// UserID is the id of the sandbox user, who owns new records and authorizes OAuth grants.
func (s *Sim) UserID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return idString(s.users[0].id)
}

// UserIDs lists every user id, the sandbox user first, then the Options' other users
// and the seeded ones in the order they were added.
func (s *Sim) UserIDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, len(s.users))
	for i, u := range s.users {
		out[i] = idString(u.id)
	}
	return out
}

// CreditUsage returns the credits spent in the rolling 24 hours and the budget.
func (s *Sim) CreditUsage() (used, budget int) { return s.limits.usage() }

// SetCreditsUsed replaces the window's spending by n credits spent now.
func (s *Sim) SetCreditsUsed(n int) { s.limits.setUsed(n) }

func (s *Sim) mod(module string) (*moduleDef, error) {
	if m := s.modules[module]; m != nil {
		return m, nil
	}
	return nil, fmt.Errorf("zoho sim: unknown module %q", module)
}

func (s *Sim) snapshot(m *moduleDef, r *record) Record {
	out := Record{ID: idString(r.id), Module: m.name, Fields: map[string]string{}, Created: r.created,
		Modified: r.modified, Deleted: r.deleted}
	for k, v := range r.values {
		switch x := v.(type) {
		case string:
			out.Fields[k] = x
		case bool:
			out.Fields[k] = strconv.FormatBool(x)
		case int64:
			out.Fields[k] = strconv.FormatInt(x, 10)
		case float64:
			out.Fields[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case []string:
			out.Fields[k] = strings.Join(x, ";")
			if out.Lists == nil {
				out.Lists = map[string][]string{}
			}
			out.Lists[k] = slices.Clone(x)
		}
	}
	if m.name == ModuleContacts || m.name == ModuleLeads {
		out.Fields["Full_Name"] = s.displayName(m, r)
	}
	out.Converted = r.converted != nil
	return out
}

// Create inserts a record through the same validation as POST /crm/v8/{module}; fields
// has the request's JSON shape (API names; lookups as {"id": "..."}).
func (s *Sim) Create(module string, fields map[string]any) (Record, error) {
	m, err := s.mod(module)
	if err != nil {
		return Record{}, err
	}
	obj, err := normalize(fields)
	if err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, e := s.createLocked(m, obj, 0)
	if e != nil {
		return Record{}, asError(e)
	}
	return s.snapshot(m, r), nil
}

// Update edits a live record as PUT /crm/v8/{module} does (Modified_Time moves).
func (s *Sim) Update(module, id string, fields map[string]any) (Record, error) {
	m, err := s.mod(module)
	if err != nil {
		return Record{}, err
	}
	obj, err := normalize(fields)
	if err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, _ := parseID(id)
	old := m.st.liveRecord(n)
	if old == nil {
		return Record{}, asError(fieldErr("INVALID_DATA", msgInvalidID, "id", 0, nil))
	}
	r, e := s.updateLocked(m, old, obj, 0)
	if e != nil {
		return Record{}, asError(e)
	}
	return s.snapshot(m, r), nil
}

// Delete moves a live record to the recycle bin, as DELETE /crm/v8/{module}/{id} does.
func (s *Sim) Delete(module, id string) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := parseID(id); !ok || !s.deleteLocked(m, n) {
		return &Error{Code: "INVALID_DATA", Message: "record not deleted", Details: map[string]any{"id": id}}
	}
	return nil
}

// PurgeRecycleBin turns every recycled record of module into a permanently deleted one
// (as the recycle bin's retention or "empty" does), listed by /deleted as type permanent.
func (s *Sim) PurgeRecycleBin(module string) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, old := range slices.Clone(m.st.recs) {
		if old.deleted && !old.permanent {
			r := old.clone()
			r.permanent = true
			m.st.replace(old, r)
		}
	}
	return nil
}

// Get returns a record by id, deleted ones included.
func (s *Sim) Get(module, id string) (Record, bool) {
	m, err := s.mod(module)
	n, ok := parseID(id)
	if err != nil || !ok {
		return Record{}, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := m.st.get(n); r != nil {
		return s.snapshot(m, r), true
	}
	return Record{}, false
}

// Count returns the number of live (not deleted) records of module.
func (s *Sim) Count(module string) int {
	m, err := s.mod(module)
	if err != nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return m.st.live
}

// Records returns every record of module, deleted ones included, in id (creation) order.
func (s *Sim) Records(module string) []Record {
	m, err := s.mod(module)
	if err != nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Record, len(m.st.recs))
	for i, r := range m.st.recs {
		out[i] = s.snapshot(m, r)
	}
	return out
}

// seedRow validates a trusted row's fields with the API's rules and inserts it with the
// given times; the caller holds s.mu.
func (s *Sim) seedRow(m *moduleDef, typed map[string]string, extra map[string]any, owner string, created, modified time.Time) (string, error) {
	obj := map[string]any{}
	if len(extra) > 0 {
		var err error
		if obj, err = normalize(extra); err != nil {
			return "", err
		}
	}
	for k, v := range typed {
		if v != "" {
			obj[k] = v
		}
	}
	if owner != "" {
		obj["Owner"] = owner
	}
	r := &record{values: map[string]any{}}
	if e := s.applyFields(m, r, obj, 0); e != nil {
		return "", asError(e)
	}
	if r.values["Owner"] == nil {
		r.values["Owner"] = s.users[0].id
	}
	if created.IsZero() {
		created = s.now()
	}
	if modified.IsZero() {
		modified = created
	}
	at := modified.UTC().Truncate(time.Second)
	s.derive(m, nil, r, obj, at)
	if e := s.checkRecord(m, r, 0); e != nil {
		return "", asError(e)
	}
	if e := s.checkRules(m, nil, r, obj, at, 0); e != nil {
		return "", asError(e)
	}
	r.id = s.nextID()
	r.created, r.modified = created.UTC().Truncate(time.Second), modified.UTC().Truncate(time.Second)
	r.createdBy, r.modifiedBy, r.createdWall = s.users[0].id, s.users[0].id, time.Time{}
	m.st.insert(r)
	return idString(r.id), nil
}

// SeedAccounts bulk-loads trusted accounts without HTTP and returns their ids; rows before
// a refused one stay.
func (s *Sim) SeedAccounts(rows []AccountSeed) ([]string, error) {
	m := s.modules[ModuleAccounts]
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(rows))
	m.st.recs = slices.Grow(m.st.recs, len(rows))
	for i, row := range rows {
		id, err := s.seedRow(m, map[string]string{"Account_Name": strings.TrimSpace(row.Name), "Phone": row.Phone,
			"Website": row.Website, "Industry": row.Industry}, row.Fields, row.OwnerID, row.Created, row.Modified)
		if err != nil {
			return ids, fmt.Errorf("zoho sim: seed accounts: row %d: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// SeedContacts bulk-loads trusted contacts without HTTP and returns their ids. Accounts
// must be seeded first.
func (s *Sim) SeedContacts(rows []ContactSeed) ([]string, error) {
	m := s.modules[ModuleContacts]
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(rows))
	m.st.recs = slices.Grow(m.st.recs, len(rows))
	for i, row := range rows {
		id, err := s.seedRow(m, map[string]string{"First_Name": row.FirstName, "Last_Name": strings.TrimSpace(row.LastName),
			"Email": row.Email, "Phone": row.Phone, "Mobile": row.Mobile, "Title": row.Title, "Account_Name": row.AccountID},
			row.Fields, row.OwnerID, row.Created, row.Modified)
		if err != nil {
			return ids, fmt.Errorf("zoho sim: seed contacts: row %d: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// seedMany runs seedRow over n rows of module under one lock; rows before a refused one
// stay.
func (s *Sim) seedMany(module, what string, n int, row func(m *moduleDef, i int) (string, error)) ([]string, error) {
	m := s.modules[module]
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, n)
	m.st.recs = slices.Grow(m.st.recs, n)
	for i := 0; i < n; i++ {
		id, err := row(m, i)
		if err != nil {
			return ids, fmt.Errorf("zoho sim: seed %s: row %d: %w", what, i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// withFields copies a seed's extra fields and adds more.
func withFields(extra map[string]any, more map[string]any) map[string]any {
	out := make(map[string]any, len(extra)+len(more))
	maps.Copy(out, extra)
	maps.Copy(out, more)
	return out
}

// SeedDeals bulk-loads trusted deals without HTTP and returns their ids, with the API's
// validation (mandatory Deal_Name, Stage and Closing_Date; picklists; live lookups) and
// its derived fields (Probability from the Stage, Expected_Revenue). Accounts and
// contacts must be seeded first.
func (s *Sim) SeedDeals(rows []DealSeed) ([]string, error) {
	return s.seedMany(ModuleDeals, "deals", len(rows), func(m *moduleDef, i int) (string, error) {
		row := rows[i]
		more := map[string]any{}
		if row.Amount != 0 {
			more["Amount"] = row.Amount
		}
		return s.seedRow(m, map[string]string{"Deal_Name": strings.TrimSpace(row.Name), "Stage": row.Stage,
			"Closing_Date": row.ClosingDate, "Account_Name": row.AccountID, "Contact_Name": row.ContactID},
			withFields(row.Fields, more), row.OwnerID, row.Created, row.Modified)
	})
}

// SeedTasks bulk-loads trusted tasks without HTTP and returns their ids, with the API's
// validation (mandatory Subject; picklists; live lookups). A Completed task's Closed_Time
// is its Modified time. Contacts, accounts and deals must be seeded first.
func (s *Sim) SeedTasks(rows []TaskSeed) ([]string, error) {
	return s.seedMany(ModuleTasks, "tasks", len(rows), func(m *moduleDef, i int) (string, error) {
		row := rows[i]
		more := map[string]any{}
		if row.RelatedID != "" || row.RelatedModule != "" {
			more["What_Id"], more[seModuleKey] = map[string]any{"id": row.RelatedID}, row.RelatedModule
		}
		return s.seedRow(m, map[string]string{"Subject": strings.TrimSpace(row.Subject), "Status": row.Status,
			"Priority": row.Priority, "Description": row.Description, "Due_Date": row.DueDate, "Who_Id": row.ContactID},
			withFields(row.Fields, more), row.OwnerID, row.Created, row.Modified)
	})
}

// seedTime renders a seed's time for the API's validation; the zero time is left unset.
func seedTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmtTime(t)
}

// related sets What_Id with its $se_module when a seed names either.
func related(more map[string]any, module, id string) map[string]any {
	if id != "" || module != "" {
		more["What_Id"], more[seModuleKey] = map[string]any{"id": id}, module
	}
	return more
}

// SeedCalls bulk-loads trusted calls without HTTP and returns their ids, with the API's
// validation (mandatory Subject, Call_Type and Call_Start_Time; Call_Duration for a
// completed call; live lookups) and its derived fields (Call_Duration_in_seconds, an
// outbound call's Outbound_Call_Status). Contacts, accounts and deals must be seeded
// first.
func (s *Sim) SeedCalls(rows []CallSeed) ([]string, error) {
	return s.seedMany(ModuleCalls, "calls", len(rows), func(m *moduleDef, i int) (string, error) {
		row := rows[i]
		return s.seedRow(m, map[string]string{"Subject": strings.TrimSpace(row.Subject), "Call_Type": row.CallType,
			"Call_Start_Time": seedTime(row.Start), "Call_Duration": row.Duration, "Outbound_Call_Status": row.OutboundStatus,
			"Call_Purpose": row.Purpose, "Call_Result": row.Result, "Description": row.Description, "Who_Id": row.ContactID},
			withFields(row.Fields, related(map[string]any{}, row.RelatedModule, row.RelatedID)), row.OwnerID, row.Created, row.Modified)
	})
}

// SeedEvents bulk-loads trusted meetings (module Events) without HTTP and returns their
// ids, with the API's validation (mandatory Event_Title, Start_DateTime and
// End_DateTime, the end not before the start; live lookups). Contacts, accounts and
// deals must be seeded first.
func (s *Sim) SeedEvents(rows []EventSeed) ([]string, error) {
	return s.seedMany(ModuleEvents, "events", len(rows), func(m *moduleDef, i int) (string, error) {
		row := rows[i]
		more := related(map[string]any{}, row.RelatedModule, row.RelatedID)
		if row.AllDay {
			more["All_day"] = true
		}
		return s.seedRow(m, map[string]string{"Event_Title": strings.TrimSpace(row.Title), "Start_DateTime": seedTime(row.Start),
			"End_DateTime": seedTime(row.End), "Venue": row.Venue, "Description": row.Description, "Who_Id": row.ContactID},
			withFields(row.Fields, more), row.OwnerID, row.Created, row.Modified)
	})
}

// SeedNotes bulk-loads trusted notes without HTTP and returns their ids, with the API's
// validation (a Note_Title or a Note_Content; a live parent record). Parent records must
// be seeded first.
func (s *Sim) SeedNotes(rows []NoteSeed) ([]string, error) {
	return s.seedMany(ModuleNotes, "notes", len(rows), func(m *moduleDef, i int) (string, error) {
		row := rows[i]
		more := map[string]any{}
		if row.ParentID != "" {
			more["Parent_Id"] = map[string]any{"module": map[string]any{"api_name": cmp.Or(row.ParentModule, ModuleContacts)},
				"id": row.ParentID}
		}
		return s.seedRow(m, map[string]string{"Note_Title": strings.TrimSpace(row.Title), "Note_Content": row.Content},
			withFields(row.Fields, more), row.OwnerID, row.Created, row.Modified)
	})
}
