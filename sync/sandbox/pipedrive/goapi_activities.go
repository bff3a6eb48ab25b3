package pipedrive

import (
	"cmp"
	"fmt"
	"time"
)

// The Go API of activities, for seeding and tests.

// Participant is one person of an activity; the primary one is its PersonID.
type Participant struct {
	PersonID int64
	Primary  bool
}

// Activity is a Go-side snapshot of an activity. PersonID is the primary participant's.
type Activity struct {
	ID                int64
	Subject           string
	Type              string // key_string of an activity type
	OwnerID           int64
	CreatorUserID     int64
	DealID            int64 // 0 = none
	PersonID          int64 // 0 = none
	OrgID             int64 // 0 = none
	Participants      []Participant
	DueDate           string // YYYY-MM-DD, "" = none
	DueTime           string // HH:MM, "" = none
	Duration          string // HH:MM, "" = none
	Busy              bool
	Done              bool
	MarkedAsDoneTime  time.Time // zero = null
	Location          string    // location.value
	PublicDescription string
	Priority          *int64 // nil = null
	Note              string
	AddTime           time.Time
	UpdateTime        time.Time
	Deleted           bool
}

// ActivitySeed is one trusted activity for SeedActivities.
type ActivitySeed struct {
	Subject    string // "" = the type's name
	Type       string // "" = call; must be an activity type's key_string
	OwnerID    int64  // 0 = the sandbox user
	DealID     int64  // 0 = none; must exist
	PersonID   int64  // 0 = none; must exist; the primary (and only) participant
	OrgID      int64  // 0 = none; must exist
	DueDate    string // YYYY-MM-DD, "" = none
	DueTime    string // HH:MM, "" = none
	Duration   string // HH:MM, "" = none
	Done       bool   // marked done at UpdateTime
	Note       string
	AddTime    time.Time // zero = now
	UpdateTime time.Time // zero = AddTime
}

func activityOf(r *record) Activity {
	a := r.activity
	parts := make([]Participant, len(a.participants))
	for i, p := range a.participants {
		parts[i] = Participant(p)
	}
	loc, _ := a.location["value"].(string)
	return Activity{ID: r.id, Subject: r.name, Type: a.typ, OwnerID: r.ownerID, CreatorUserID: a.creatorID,
		DealID: a.dealID, PersonID: a.person(), OrgID: r.orgID, Participants: parts, DueDate: deref(a.dueDate),
		DueTime: deref(a.dueTime), Duration: deref(a.duration), Busy: a.busy, Done: a.done, MarkedAsDoneTime: a.doneTime,
		Location: loc, PublicDescription: deref(a.publicDesc), Priority: clonePtr(a.priority), Note: deref(a.note),
		AddTime: r.addTime, UpdateTime: r.updateTime, Deleted: r.deleted}
}

// CreateActivity adds an activity through the same validation as POST /api/v2/activities;
// link a person with participants, as person_id is read-only.
func (s *Sim) CreateActivity(body map[string]any) (Activity, error) {
	r, err := s.create(kindActivity, body)
	return snapshot(r, err, activityOf)
}

// UpdateActivity edits an activity as PATCH /api/v2/activities/{id} does (update_time moves).
func (s *Sim) UpdateActivity(id int64, body map[string]any) (Activity, error) {
	r, err := s.update(kindActivity, id, body)
	return snapshot(r, err, activityOf)
}

// DeleteActivity marks an activity deleted.
func (s *Sim) DeleteActivity(id int64) error { return s.remove(kindActivity, id) }

// GetActivity returns an activity by id, deleted ones included.
func (s *Sim) GetActivity(id int64) (Activity, bool) { return lookup(s, s.activities, id, activityOf) }

// CountActivities returns the number of activities not deleted.
func (s *Sim) CountActivities() int { s.mu.RLock(); defer s.mu.RUnlock(); return s.activities.live }

// Activities returns every activity, deleted ones included, in id order.
func (s *Sim) Activities() []Activity { return all(s, s.activities, activityOf) }

// SeedActivities bulk-loads trusted activities and returns their ids. Deals, persons
// and organizations must be seeded first.
func (s *Sim) SeedActivities(rows []ActivitySeed) ([]int64, error) {
	return seedRows(s, kindActivity, rows, s.seedActivity)
}

// seedActivity fills r from row with the API's rules, as POST /api/v2/activities would.
func (s *Sim) seedActivity(r *record, row ActivitySeed) error {
	t := s.catalog.activityType(cmp.Or(row.Type, defaultActivityType))
	if t == nil {
		return fmt.Errorf("activity type %q not found", row.Type)
	}
	if err := s.seedRecord(kindActivity, r, "subject", cmp.Or(row.Subject, t.Name), row.OwnerID, nil, row.AddTime, row.UpdateTime); err != nil {
		return err
	}
	if err := cmp.Or(s.seedLink(kindDeal, row.DealID), s.seedLink(kindPerson, row.PersonID), s.seedLink(kindOrg, row.OrgID)); err != nil {
		return err
	}
	a := activityData{typ: t.KeyString, creatorID: s.opts.UserID, dealID: row.DealID, participants: []participant{}, done: row.Done}
	if row.PersonID != 0 {
		a.participants = []participant{{PersonID: row.PersonID, Primary: true}}
	}
	if row.DueDate != "" {
		if err := checkDate(row.DueDate, "due_date"); err != nil {
			return err
		}
		a.dueDate = &row.DueDate
	}
	for _, c := range []struct {
		v   string
		dst **string
		key string
	}{{row.DueTime, &a.dueTime, "due_time"}, {row.Duration, &a.duration, "duration"}} {
		if c.v == "" {
			continue
		}
		v, err := checkClock(c.v, c.key)
		if err != nil {
			return err
		}
		*c.dst = &v
	}
	if row.Note != "" {
		a.note = &row.Note
	}
	if a.done {
		a.doneTime = r.updateTime
	}
	r.orgID, r.activity = row.OrgID, &a
	return nil
}
