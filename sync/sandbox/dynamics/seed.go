package dynamics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ContactSeed is one trusted contact for SeedContacts.
type ContactSeed struct {
	FirstName, LastName, Email, Email2, Phone, Mobile, JobTitle, City, Country, Description string
	BirthDate                                                                               string // "YYYY-MM-DD" or ""
	AccountID                                                                               string // parent account id or ""
	OwnerID                                                                                 string // a user's id; "" = the connected user
	// Interests are the crmsync_interests choices (Interest* values), stored as
	// Dataverse returns them: "100000000,100000002".
	Interests         []int
	Created, Modified time.Time
}

// AccountSeed is one trusted account for SeedAccounts.
type AccountSeed struct {
	Name, Website, Phone, City, Description string
	Employees                               int    // numberofemployees; 0 = not set
	OwnerID                                 string // a user's id; "" = the connected user
	Created, Modified                       time.Time
}

// seedOwner sets a seeded row's owner (ownerid) to the user id, unless it
// is "" (the connected user's, set when the row is stored).
func seedOwner(vals map[string]any, lookups map[string]string, id string) {
	if id != "" {
		vals["ownerid"], lookups["ownerid"] = strings.ToLower(id), "systemuser"
	}
}

func seedString(t *table, vals map[string]any, name, v string) error {
	if v == "" {
		return nil
	}
	a := t.def.byName[name]
	if utf8.RuneCountInString(v) > a.maxLen {
		return fmt.Errorf("%s exceeds the maximum length of %d", name, a.maxLen)
	}
	vals[name] = v
	return nil
}

func (s *Sim) seedRow(t *table, vals map[string]any, lookups map[string]string, created, modified time.Time) (string, error) {
	if created.IsZero() {
		created = s.now()
	}
	if modified.IsZero() {
		modified = created
	}
	if t.def.byName["ownerid"] != nil {
		if lookups == nil {
			lookups = map[string]string{}
		}
		s.defaultOwner(t, vals, lookups)
	}
	if lookups == nil {
		lookups = map[string]string{}
	}
	s.defaultCurrency(t, vals, lookups)
	r := &record{id: s.newGUID(), vals: vals, lookupType: lookups, created: created.UTC().Truncate(time.Second),
		modified: modified.UTC().Truncate(time.Second), version: s.nextVersion()}
	for _, k := range t.keys {
		if v, ok := keyValue(k, r); ok {
			if _, dup := k.index[v]; dup {
				return "", fmt.Errorf("duplicate alternate key %s value %q", k.name, v)
			}
		}
	}
	t.bulkAppend(r)
	return r.id, nil
}

// SeedAccounts bulk-loads trusted accounts without HTTP and returns their ids; rows
// before a refused one stay.
func (s *Sim) SeedAccounts(rows []AccountSeed) ([]string, error) {
	return s.seedRows("accounts", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals := make(map[string]any, 6)
		var err error
		for _, f := range [][2]string{{"name", row.Name}, {"websiteurl", row.Website}, {"telephone1", row.Phone},
			{"address1_city", row.City}, {"description", row.Description}} {
			if err == nil {
				err = seedString(t, vals, f[0], f[1])
			}
		}
		if row.Employees != 0 {
			vals["numberofemployees"] = int64(row.Employees)
		}
		lookups := map[string]string{}
		seedOwner(vals, lookups, row.OwnerID)
		return vals, lookups, row.Created, row.Modified, err
	})
}

// SeedContacts bulk-loads trusted contacts without HTTP and returns their ids. Accounts
// named by AccountID must exist.
func (s *Sim) SeedContacts(rows []ContactSeed) ([]string, error) {
	t, accounts := s.tables["contacts"], s.tables["accounts"]
	s.mu.Lock()
	defer s.mu.Unlock()
	defer t.resort()
	t.idIdx = append(make([]*record, 0, len(t.idIdx)+len(rows)), t.idIdx...)
	ids := make([]string, 0, len(rows))
	for i, row := range rows {
		vals := make(map[string]any, 8)
		var err error
		for _, f := range [][2]string{{"firstname", row.FirstName}, {"lastname", row.LastName}, {"emailaddress1", row.Email},
			{"emailaddress2", row.Email2}, {"telephone1", row.Phone}, {"mobilephone", row.Mobile}, {"jobtitle", row.JobTitle},
			{"address1_city", row.City}, {"address1_country", row.Country}, {"description", row.Description}} {
			if err == nil {
				err = seedString(t, vals, f[0], f[1])
			}
		}
		if row.BirthDate != "" {
			if !reDate.MatchString(row.BirthDate) {
				err = fmt.Errorf("birthdate %q is not YYYY-MM-DD", row.BirthDate)
			}
			vals["birthdate"] = row.BirthDate
		}
		if len(row.Interests) > 0 && err == nil {
			var set *apiError
			vals["crmsync_interests"], set = parseChoices(t.def, t.def.byName["crmsync_interests"], joinInts(row.Interests))
			if set != nil {
				err = fmt.Errorf("crmsync_interests: %s", set.message)
			}
		}
		lookups := map[string]string{}
		if row.AccountID != "" {
			aid := strings.ToLower(row.AccountID)
			if accounts.byID[aid] == nil {
				err = fmt.Errorf("account %s does not exist", row.AccountID)
			}
			vals["parentcustomerid"] = aid
			lookups["parentcustomerid"] = "account"
		}
		seedOwner(vals, lookups, row.OwnerID)
		var id string
		if err == nil {
			id, err = s.seedRow(t, vals, lookups, row.Created, row.Modified)
		}
		if err != nil {
			return ids, fmt.Errorf("dynamics sim: seed contacts: row %d: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = formatInt(int64(n))
	}
	return strings.Join(parts, ",")
}

// OpportunitySeed is one trusted opportunity for SeedOpportunities. Pointers are unset
// when nil (0 is a meaningful salesstage, closeprobability and estimatedvalue).
type OpportunitySeed struct {
	Name, Description, StepName         string
	EstimatedValue                      *float64 // estimatedvalue (Money)
	EstimatedCloseDate, ActualCloseDate string   // "YYYY-MM-DD" or ""
	CloseProbability                    *int     // 0..100
	SalesStage                          *int     // 0 Qualify, 1 Develop, 2 Propose, 3 Close
	StateCode, StatusCode               *int     // default 0 Open / 1 In Progress
	AccountID                           string   // parentaccountid or ""
	ContactID                           string   // parentcontactid or ""
	CustomerID                          string   // customerid or ""
	CustomerTable                       string   // "account" or "contact" (required with CustomerID)
	OwnerID                             string   // a user's id; "" = the connected user
	Created, Modified                   time.Time
}

// TaskSeed is one trusted task for SeedTasks.
type TaskSeed struct {
	Subject, Description         string
	ScheduledStart, ScheduledEnd time.Time // zero = not set; stored in UTC, whole seconds
	ActualDurationMinutes        *int
	PercentComplete              *int // 0..100
	PriorityCode                 *int // 0 Low, 1 Normal, 2 High
	StateCode, StatusCode        *int // default 0 Open / 2 Not Started
	RegardingID                  string
	RegardingTable               string // "account", "contact" or "opportunity" (required with RegardingID)
	OwnerID                      string // a user's id; "" = the connected user
	Created, Modified            time.Time
}

// seedInt checks an integer or choice value against its column.
func seedInt(t *table, vals map[string]any, name string, v *int) error {
	if v == nil {
		return nil
	}
	a, n := t.def.byName[name], int64(*v)
	if len(a.options) > 0 && !a.hasOption(n) || len(a.options) == 0 && (n < a.minInt || n > a.maxInt) {
		return fmt.Errorf("%s value %d is not valid", name, n)
	}
	vals[name] = n
	return nil
}

// seedLookup sets a lookup to an existing row of the named table.
func (s *Sim) seedLookup(t *table, vals map[string]any, lookups map[string]string, name, id, target string) error {
	if id == "" {
		return nil
	}
	a := t.def.byName[name]
	if !slices.Contains(a.targets, target) {
		return fmt.Errorf("%s cannot refer to table %q", name, target)
	}
	tt := s.byLogic[target]
	lid := strings.ToLower(id)
	if tt.byID[lid] == nil {
		return fmt.Errorf("%s %s does not exist", target, id)
	}
	vals[name], lookups[name] = lid, target
	return nil
}

func seedState(t *table, vals map[string]any, state, status *int) error {
	if err := seedInt(t, vals, "statecode", state); err != nil {
		return err
	}
	if state != nil && status == nil {
		for _, o := range t.def.byName["statecode"].options {
			if o.value == int64(*state) {
				vals["statuscode"] = o.defStatus
			}
		}
	}
	return seedInt(t, vals, "statuscode", status)
}

// SeedOpportunities bulk-loads trusted opportunities without HTTP and returns their
// ids; rows before a refused one stay. Rows named by AccountID, ContactID and
// CustomerID must exist.
func (s *Sim) SeedOpportunities(rows []OpportunitySeed) ([]string, error) {
	return s.seedRows("opportunities", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals, lookups := make(map[string]any, 8), map[string]string{}
		var err error
		for _, f := range [][2]string{{"name", row.Name}, {"description", row.Description}, {"stepname", row.StepName}} {
			if err == nil {
				err = seedString(t, vals, f[0], f[1])
			}
		}
		for _, d := range [][2]string{{"estimatedclosedate", row.EstimatedCloseDate}, {"actualclosedate", row.ActualCloseDate}} {
			if d[1] != "" {
				if !reDate.MatchString(d[1]) && err == nil {
					err = fmt.Errorf("%s %q is not YYYY-MM-DD", d[0], d[1])
				}
				vals[d[0]] = d[1]
			}
		}
		if row.EstimatedValue != nil {
			a := t.def.byName["estimatedvalue"]
			if v := *row.EstimatedValue; v < a.minMoney || v > a.maxMoney {
				err = cmp.Or(err, fmt.Errorf("estimatedvalue %v is outside the valid range", v))
			} else {
				vals["estimatedvalue"] = math.Round(v*100) / 100
			}
		}
		err = cmp.Or(err, seedInt(t, vals, "closeprobability", row.CloseProbability), seedInt(t, vals, "salesstage", row.SalesStage),
			seedState(t, vals, row.StateCode, row.StatusCode),
			s.seedLookup(t, vals, lookups, "parentaccountid", row.AccountID, "account"),
			s.seedLookup(t, vals, lookups, "parentcontactid", row.ContactID, "contact"),
			s.seedLookup(t, vals, lookups, "customerid", row.CustomerID, row.CustomerTable))
		seedOwner(vals, lookups, row.OwnerID)
		return vals, lookups, row.Created, row.Modified, err
	})
}

// SeedTasks bulk-loads trusted tasks without HTTP and returns their ids; rows before a
// refused one stay. The row named by RegardingID/RegardingTable must exist.
func (s *Sim) SeedTasks(rows []TaskSeed) ([]string, error) {
	return s.seedRows("tasks", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals, lookups := make(map[string]any, 8), map[string]string{}
		err := cmp.Or(seedString(t, vals, "subject", row.Subject), seedString(t, vals, "description", row.Description))
		seedTimes(vals, map[string]time.Time{"scheduledstart": row.ScheduledStart, "scheduledend": row.ScheduledEnd})
		err = cmp.Or(err, seedInt(t, vals, "actualdurationminutes", row.ActualDurationMinutes),
			seedInt(t, vals, "percentcomplete", row.PercentComplete), seedInt(t, vals, "prioritycode", row.PriorityCode),
			seedState(t, vals, row.StateCode, row.StatusCode))
		if row.RegardingID != "" {
			err = cmp.Or(err, s.seedLookup(t, vals, lookups, "regardingobjectid", row.RegardingID, row.RegardingTable))
			seedOwner(vals, lookups, row.OwnerID)
		}
		return vals, lookups, row.Created, row.Modified, err
	})
}

// PhoneCallSeed is one trusted phone call for SeedPhoneCalls. Pointers are unset when nil.
type PhoneCallSeed struct {
	Subject, Description, PhoneNumber string
	Outgoing                          *bool     // directioncode: true Outgoing (the default), false Incoming
	ScheduledEnd, ActualEnd           time.Time // zero = not set; stored in UTC, whole seconds
	ActualDurationMinutes             *int
	PriorityCode                      *int // 0 Low, 1 Normal, 2 High
	StateCode, StatusCode             *int // default 0 Open / 1 Open
	RegardingID                       string
	RegardingTable                    string // "contact" (the default), "account" or "opportunity"
	OwnerID                           string // a user's id; "" = the connected user
	Created, Modified                 time.Time
}

// AppointmentSeed is one trusted appointment for SeedAppointments.
type AppointmentSeed struct {
	Subject, Description, Location string
	ScheduledStart, ScheduledEnd   time.Time // zero = not set; stored in UTC, whole seconds
	ScheduledDurationMinutes       *int
	IsAllDayEvent                  bool
	PriorityCode                   *int // 0 Low, 1 Normal, 2 High
	StateCode, StatusCode          *int // default 0 Open / 1 Free
	RegardingID                    string
	RegardingTable                 string // "contact" (the default), "account" or "opportunity"
	OwnerID                        string // a user's id; "" = the connected user
	Created, Modified              time.Time
}

// AnnotationSeed is one trusted note for SeedAnnotations (no attachment).
type AnnotationSeed struct {
	Subject, NoteText string
	IsDocument        bool
	ObjectID          string
	ObjectTable       string // "contact" (the default), "account" or "opportunity"
	Created, Modified time.Time
}

func seedTimes(vals map[string]any, times map[string]time.Time) {
	for name, tm := range times {
		if !tm.IsZero() {
			vals[name] = tm.UTC().Truncate(time.Second)
		}
	}
}

// seedRows runs one seeder per row under the lock, keeping the rows before a refused one.
func (s *Sim) seedRows(set string, n int, row func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error)) ([]string, error) {
	t := s.tables[set]
	s.mu.Lock()
	defer s.mu.Unlock()
	defer t.resort()
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		vals, lookups, created, modified, err := row(t, i)
		var id string
		if err == nil {
			id, err = s.seedRow(t, vals, lookups, created, modified)
		}
		if err != nil {
			return ids, fmt.Errorf("dynamics sim: seed %s: row %d: %w", set, i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// SeedPhoneCalls bulk-loads trusted phone calls without HTTP and returns their ids; rows
// before a refused one stay. The row named by RegardingID/RegardingTable must exist.
func (s *Sim) SeedPhoneCalls(rows []PhoneCallSeed) ([]string, error) {
	return s.seedRows("phonecalls", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals, lookups := make(map[string]any, 8), map[string]string{}
		err := cmp.Or(seedString(t, vals, "subject", row.Subject), seedString(t, vals, "description", row.Description),
			seedString(t, vals, "phonenumber", row.PhoneNumber))
		if row.Outgoing != nil {
			vals["directioncode"] = *row.Outgoing
		}
		seedTimes(vals, map[string]time.Time{"scheduledend": row.ScheduledEnd, "actualend": row.ActualEnd})
		err = cmp.Or(err, seedInt(t, vals, "actualdurationminutes", row.ActualDurationMinutes),
			seedInt(t, vals, "prioritycode", row.PriorityCode), seedState(t, vals, row.StateCode, row.StatusCode))
		if row.RegardingID != "" {
			err = cmp.Or(err, s.seedLookup(t, vals, lookups, "regardingobjectid", row.RegardingID, cmp.Or(row.RegardingTable, "contact")))
			seedOwner(vals, lookups, row.OwnerID)
		}
		return vals, lookups, row.Created, row.Modified, err
	})
}

// SeedAppointments bulk-loads trusted appointments without HTTP and returns their ids;
// rows before a refused one stay. The row named by RegardingID/RegardingTable must exist.
func (s *Sim) SeedAppointments(rows []AppointmentSeed) ([]string, error) {
	return s.seedRows("appointments", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals, lookups := make(map[string]any, 8), map[string]string{}
		err := cmp.Or(seedString(t, vals, "subject", row.Subject), seedString(t, vals, "description", row.Description),
			seedString(t, vals, "location", row.Location))
		seedTimes(vals, map[string]time.Time{"scheduledstart": row.ScheduledStart, "scheduledend": row.ScheduledEnd})
		if row.IsAllDayEvent {
			vals["isalldayevent"] = true
		}
		err = cmp.Or(err, seedInt(t, vals, "scheduleddurationminutes", row.ScheduledDurationMinutes),
			seedInt(t, vals, "prioritycode", row.PriorityCode), seedState(t, vals, row.StateCode, row.StatusCode))
		if row.RegardingID != "" {
			err = cmp.Or(err, s.seedLookup(t, vals, lookups, "regardingobjectid", row.RegardingID, cmp.Or(row.RegardingTable, "contact")))
			seedOwner(vals, lookups, row.OwnerID)
		}
		return vals, lookups, row.Created, row.Modified, err
	})
}

// SeedAnnotations bulk-loads trusted notes without HTTP and returns their ids; rows
// before a refused one stay. The row named by ObjectID/ObjectTable must exist.
func (s *Sim) SeedAnnotations(rows []AnnotationSeed) ([]string, error) {
	return s.seedRows("annotations", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals, lookups := make(map[string]any, 6), map[string]string{}
		err := cmp.Or(seedString(t, vals, "subject", row.Subject), seedString(t, vals, "notetext", row.NoteText))
		if row.IsDocument {
			vals["isdocument"] = true
		}
		if row.ObjectID != "" {
			err = cmp.Or(err, s.seedLookup(t, vals, lookups, "objectid", row.ObjectID, cmp.Or(row.ObjectTable, "contact")))
		}
		return vals, lookups, row.Created, row.Modified, err
	})
}

// LeadSeed is one trusted lead for SeedLeads. A seeded lead is Open; qualify it with
// QualifyLead so the account, contact and opportunity exist as they would.
type LeadSeed struct {
	Subject, FirstName, LastName, Company, Email, Phone, Mobile, JobTitle, City, Description string
	DoNotBulkEmail                                                                           bool   // donotbulkemail: the marketing opt-out
	LeadSource                                                                               *int   // leadsourcecode: LeadSource* values
	StatusCode                                                                               *int   // an Open status reason: 1 New (the default) or 2 Contacted
	AccountID                                                                                string // parentaccountid or ""
	ContactID                                                                                string // parentcontactid or ""
	OwnerID                                                                                  string // a user's id; "" = the connected user
	Created, Modified                                                                        time.Time
}

// SeedLeads bulk-loads trusted open leads without HTTP and returns their ids; rows
// before a refused one stay. Rows named by AccountID and ContactID must exist.
func (s *Sim) SeedLeads(rows []LeadSeed) ([]string, error) {
	return s.seedRows("leads", len(rows), func(t *table, i int) (map[string]any, map[string]string, time.Time, time.Time, error) {
		row := rows[i]
		vals, lookups := make(map[string]any, 12), map[string]string{}
		var err error
		for _, f := range [][2]string{{"subject", row.Subject}, {"firstname", row.FirstName}, {"lastname", row.LastName},
			{"companyname", row.Company}, {"emailaddress1", row.Email}, {"telephone1", row.Phone}, {"mobilephone", row.Mobile},
			{"jobtitle", row.JobTitle}, {"address1_city", row.City}, {"description", row.Description}} {
			err = cmp.Or(err, seedString(t, vals, f[0], f[1]))
		}
		if row.DoNotBulkEmail {
			vals["donotbulkemail"] = true
		}
		if row.StatusCode != nil && *row.StatusCode != LeadStatusNew && *row.StatusCode != LeadStatusContacted {
			err = cmp.Or(err, fmt.Errorf("statuscode %d is not an Open status reason", *row.StatusCode))
		}
		err = cmp.Or(err, seedInt(t, vals, "leadsourcecode", row.LeadSource), seedInt(t, vals, "statuscode", row.StatusCode),
			s.seedLookup(t, vals, lookups, "parentaccountid", row.AccountID, "account"),
			s.seedLookup(t, vals, lookups, "parentcontactid", row.ContactID, "contact"))
		seedOwner(vals, lookups, row.OwnerID)
		return vals, lookups, row.Created, row.Modified, err
	})
}
