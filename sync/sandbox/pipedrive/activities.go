package pipedrive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Activities follow the v2 spec's ActivityItem and its AddActivityRequest /
// UpdateActivityRequest bodies (operationIds getActivities, getActivity, addActivity,
// updateActivity, deleteActivity), with the rule the spec leaves out: person_id is
// read-only and comes from the primary participant (migration guide; the live error
// quoted in the dev community).

// personReadOnly is Pipedrive's refusal of person_id in an activity body.
const personReadOnly = "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead."

// subjectBlank refuses an empty subject; its wording is [unverified].
const subjectBlank = "subject cannot be empty"

// defaultActivityType is what v1 gave an activity sent without a type ("When value
// for type is not set, it will be given a default value Call"); v2 keeping it is
// [unverified]. A missing subject becomes the type's name, as v1's "Call".
const defaultActivityType = "call"

// activityData is what only activities have. Its slices and pointers are replaced,
// never written through, so clone may share them.
type activityData struct {
	typ          string // key_string of an activity type
	creatorID    int64
	dealID       int64 // 0 = none
	participants []participant
	attendees    []attendee
	dueDate      *string // YYYY-MM-DD
	dueTime      *string // HH:MM, UTC
	duration     *string // HH:MM
	busy, done   bool
	doneTime     time.Time // marked_as_done_time; zero = null
	location     map[string]any
	publicDesc   *string
	priority     *int64 // an option id of the priority field
	note         *string
}

// participant is one person of an activity; the primary one is its person_id.
type participant struct {
	PersonID int64 `json:"person_id"`
	Primary  bool  `json:"primary"`
}

// attendee is one guest of an activity (v2 spec, attendees items).
type attendee struct {
	Email       string  `json:"email"`
	Name        *string `json:"name"`
	Status      *string `json:"status"`
	IsOrganizer bool    `json:"is_organizer"`
	PersonID    *int64  `json:"person_id"`
	UserID      *int64  `json:"user_id"`
}

// person is the activity's person: its primary participant, 0 = none.
func (a *activityData) person() int64 {
	for _, p := range a.participants {
		if p.Primary {
			return p.PersonID
		}
	}
	return 0
}

// noDueDate sorts undated activities before dated ones; where Pipedrive puts them is [unverified].
const noDueDate = math.MinInt64

// dueKey is the sort_by=due_date key: the due date's Unix time.
func (a *activityData) dueKey() int64 {
	if a == nil || a.dueDate == nil {
		return noDueDate
	}
	t, _ := time.Parse(time.DateOnly, *a.dueDate)
	return t.Unix()
}

// applyActivity validates body against AddActivityRequest / UpdateActivityRequest and
// writes it into r, a clone owned by the caller. Marking an activity done stamps
// marked_as_done_time; undoing it clears the time [unverified].
func (s *Sim) applyActivity(r *record, body map[string]json.RawMessage, create bool) error {
	a := r.activity
	wasDone := a.done
	if err := s.applyKeys(kindActivity, r, body, create, func(key string, raw json.RawMessage) error {
		return s.applyActivityKey(r, key, raw)
	}); err != nil {
		return err
	}
	if r.name == "" {
		r.name = s.catalog.activityType(a.typ).Name
	}
	switch {
	case a.done && !wasDone:
		a.doneTime = s.nowSecond()
	case !a.done:
		a.doneTime = time.Time{}
	}
	return nil
}

// applyActivityKey reads one activity-only property; the read-only ones of
// ActivityItem (creator_user_id, marked_as_done_time, conference_meeting_*) are unknown.
func (s *Sim) applyActivityKey(r *record, key string, raw json.RawMessage) error {
	a := r.activity
	var err error
	switch key {
	case "subject":
		r.name, err = parseName(raw, key, subjectBlank)
	case "type":
		if a.typ, err = parseStringValue(raw, key); err == nil && s.catalog.activityType(a.typ) == nil {
			err = fmt.Errorf("type: activity type %q not found; see GET /v1/activityTypes", a.typ)
		}
	case "person_id":
		err = errors.New(personReadOnly)
	case "participants":
		a.participants, err = s.parseParticipants(raw)
	case "attendees":
		a.attendees, err = s.parseAttendees(raw)
	case "deal_id":
		a.dealID, err = s.linkID(kindDeal, raw, key)
	case "org_id":
		r.orgID, err = s.linkID(kindOrg, raw, key)
	case "lead_id", "project_id": // the sandbox has no leads or projects
		if !isNull(raw) {
			err = fmt.Errorf("%s: %s %s not found", key, strings.TrimSuffix(key, "_id"), bytes.Trim(raw, `"`))
		}
	case "due_date":
		a.dueDate, err = optDate(raw, key)
	case "due_time":
		a.dueTime, err = optClock(raw, key)
	case "duration":
		a.duration, err = optClock(raw, key)
	case "busy":
		a.busy, err = parseBool(raw, key)
	case "done":
		a.done, err = parseBool(raw, key)
	case "location":
		a.location, err = parseAddress(raw, key)
	case "public_description":
		a.publicDesc, err = optString(raw, key)
	case "note":
		a.note, err = optString(raw, key)
	case "priority":
		if a.priority, err = optInt(raw, key); err == nil && a.priority != nil &&
			!fieldByCode(s.afields, "priority").hasOption(*a.priority) {
			err = fmt.Errorf("priority: option %d does not exist; see GET /api/v2/activityFields/priority", *a.priority)
		}
	default:
		return fmt.Errorf("unknown property %q", key)
	}
	return err
}

// decodeStrict decodes raw into v refusing unknown keys, as v2's validation does.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// parseParticipants reads [{person_id, primary}]: live persons, each once, at most one
// primary. With none marked, the first becomes primary [unverified], as v1's
// person_id "single participant" was.
func (s *Sim) parseParticipants(raw json.RawMessage) ([]participant, error) {
	if isNull(raw) {
		return []participant{}, nil
	}
	var in []struct {
		PersonID json.RawMessage `json:"person_id"`
		Primary  *bool           `json:"primary"`
	}
	if err := decodeStrict(raw, &in); err != nil {
		return nil, errors.New("participants must be an array of objects with person_id (integer) and primary (boolean)")
	}
	out := make([]participant, 0, len(in))
	primary := -1
	for i, p := range in {
		at := fmt.Sprintf("participants[%d].person_id", i)
		id, err := s.linkID(kindPerson, cmpRaw(p.PersonID), at)
		switch {
		case err != nil:
			return nil, err
		case id == 0:
			return nil, fmt.Errorf("%s is required", at)
		case slices.ContainsFunc(out, func(q participant) bool { return q.PersonID == id }):
			return nil, fmt.Errorf("participants: person %d is listed twice", id)
		case p.Primary != nil && *p.Primary && primary >= 0:
			return nil, errors.New("participants: only one participant can be primary")
		case p.Primary != nil && *p.Primary:
			primary = i
		}
		out = append(out, participant{PersonID: id, Primary: i == primary})
	}
	if primary < 0 && len(out) > 0 {
		out[0].Primary = true
	}
	return out, nil
}

// cmpRaw stands a missing value in for null.
func cmpRaw(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}

// parseAttendees reads the guests of an activity. v1 asked for an email address or a
// person; v2's attendee needs its email [unverified]. person_id and user_id must exist.
func (s *Sim) parseAttendees(raw json.RawMessage) ([]attendee, error) {
	if isNull(raw) {
		return []attendee{}, nil
	}
	var in []attendee
	if err := decodeStrict(raw, &in); err != nil {
		return nil, errors.New("attendees must be an array of objects (email, name, status, is_organizer, person_id, user_id)")
	}
	for i, at := range in {
		where := fmt.Sprintf("attendees[%d]", i)
		switch {
		case strings.TrimSpace(at.Email) == "":
			return nil, fmt.Errorf("%s.email is required", where)
		case at.PersonID != nil && !s.isLive(kindPerson, *at.PersonID):
			return nil, fmt.Errorf("%s.person_id: person %d not found", where, *at.PersonID)
		case at.UserID != nil && !s.isUser(*at.UserID):
			return nil, fmt.Errorf("%s.user_id: user %d not found", where, *at.UserID)
		}
	}
	return in, nil
}

// optClock reads a nullable due_time or duration, "Format: HH:MM" (v1 docs). The v2
// spec's examples show HH:MM:SS, so seconds are taken and dropped [unverified].
func optClock(raw json.RawMessage, where string) (*string, error) {
	v, err := optString(raw, where)
	if err != nil || v == nil {
		return v, err
	}
	c, err := checkClock(*v, where)
	return &c, err
}

// checkClock accepts HH:MM or HH:MM:SS and gives HH:MM.
func checkClock(v, where string) (string, error) {
	for _, layout := range []string{"15:04", time.TimeOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("15:04"), nil
		}
	}
	return "", fmt.Errorf("%s must be a time in HH:MM format", where)
}

// renderActivity is the v2 ActivityItem; attendees come with include_fields=attendees.
// conference_meeting_* are set by calendar integrations, so always null here; lead_id
// and project_id too, as the sandbox has no leads or projects.
func (s *Sim) renderActivity(r *record, include []string) map[string]any {
	a := r.activity
	m := map[string]any{"id": r.id, "subject": r.name, "type": a.typ, "owner_id": r.ownerID,
		"creator_user_id": a.creatorID, "is_deleted": r.deleted, "add_time": fmtTime(r.addTime),
		"update_time": fmtTime(r.updateTime), "deal_id": nilIfZero(a.dealID), "lead_id": nil,
		"person_id": nilIfZero(a.person()), "org_id": nilIfZero(r.orgID), "project_id": nil,
		"due_date": a.dueDate, "due_time": a.dueTime, "duration": a.duration, "busy": a.busy, "done": a.done,
		"marked_as_done_time": fmtOptTime(a.doneTime), "location": renderAddress(a.location),
		"participants": nonNilSlice(a.participants), "conference_meeting_client": nil,
		"conference_meeting_url": nil, "conference_meeting_id": nil,
		"public_description": a.publicDesc, "priority": a.priority, "note": a.note}
	if slices.Contains(include, "attendees") {
		m["attendees"] = nonNilSlice(a.attendees)
	}
	return m
}

// activityFilter holds the activity-only filters of GET /api/v2/activities; the other
// kinds carry its zero value unused.
type activityFilter struct {
	dealID, personID int64
	leadID           string
	done             *bool
}

func parseActivityFilter(q url.Values, intParam func(string, *int64) error) (activityFilter, error) {
	var f activityFilter
	if err := intParam("deal_id", &f.dealID); err != nil {
		return f, err
	}
	if err := intParam("person_id", &f.personID); err != nil {
		return f, err
	}
	f.leadID = q.Get("lead_id")
	if v := q.Get("done"); v != "" {
		if v != "true" && v != "false" { // v2 booleans are true and false only
			return f, errors.New("done must be true or false")
		}
		done := v == "true"
		f.done = &done
	}
	return f, nil
}

// match: person_id means the primary participant ("activities whose primary
// participant is the given person"); lead_id matches nothing, the sandbox has no leads.
func (f activityFilter) match(r *record) bool {
	a := r.activity
	switch {
	case a == nil:
		return true
	case f.dealID != 0 && a.dealID != f.dealID:
		return false
	case f.personID != 0 && a.person() != f.personID:
		return false
	case f.leadID != "":
		return false
	case f.done != nil && a.done != *f.done:
		return false
	}
	return true
}

// ActivityType is one type of activity; an activity's type is its KeyString.
type ActivityType struct {
	ID        int64
	Name      string
	KeyString string
	IconKey   string
	OrderNr   int
}

// defaultActivityTypes are a new company's types, the six the v1 icon_key enum starts
// with; their ids, order and names are [unverified].
var defaultActivityTypes = []ActivityType{
	{1, "Call", "call", "call", 1}, {2, "Meeting", "meeting", "meeting", 2}, {3, "Task", "task", "task", 3},
	{4, "Deadline", "deadline", "deadline", 4}, {5, "Email", "email", "email", 5}, {6, "Lunch", "lunch", "lunch", 6},
}

func (c *catalog) activityType(key string) *ActivityType {
	if i := slices.IndexFunc(c.activityTypes, func(t ActivityType) bool { return t.KeyString == key }); i >= 0 {
		return &c.activityTypes[i]
	}
	return nil
}

// v1TimeFormat is v1's "2019-10-04 16:24:55" time, in UTC.
const v1TimeFormat = "2006-01-02 15:04:05"

// handleActivityTypes serves GET /v1/activityTypes: v2 has no activity types endpoint,
// and v1's is not deprecated. The v1 ActivityType object, unpaged; color is the spec
// example's [unverified].
func (s *Sim) handleActivityTypes(w http.ResponseWriter, r *http.Request) {
	c := &s.catalog
	out := make([]map[string]any, len(c.activityTypes))
	for i, t := range c.activityTypes {
		out[i] = map[string]any{"id": t.ID, "order_nr": t.OrderNr, "name": t.Name, "key_string": t.KeyString,
			"icon_key": t.IconKey, "active_flag": true, "color": "FFFFFF", "is_custom_flag": false,
			"add_time": c.created.Format(v1TimeFormat), "update_time": c.created.Format(v1TimeFormat)}
	}
	writeData(w, out)
}
