package pipedrive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Notes exist only in API v1. They follow the v1 spec's Notes tag
// (developers.pipedrive.com/docs/api/v1/openapi.yaml: getNotes, getNote, addNote,
// updateNote, deleteNote): the Note object, the AddNoteRequest and noteRequest bodies,
// the offset pagination of v1 lists (core-api-concepts-pagination) and the v1 time
// format "YYYY-MM-DD HH:MM:SS" in UTC. The sandbox has no leads, projects or tasks, so
// a note hangs on a deal, a person or an organization, and lead_id, project_id and
// task_id are always null.

// noteData is what only notes have; the note's organization is record.orgID and its
// author (user_id) record.ownerID. clone copies it whole.
type noteData struct {
	content          string // HTML, stored as sent: the back-end sanitization is [unverified]
	dealID           int64  // 0 = none
	personID         int64  // 0 = none
	lastUpdateUserID int64
	pinDeal          bool
	pinOrg           bool
	pinPerson        bool
}

// The refusals of a note body. Pipedrive's own wording is [unverified] for all three;
// the attachment list is the spec's ("required unless one of (deal_id/person_id/
// org_id/project_id/task_id) is specified", and lead_id likewise).
const (
	noteContentMissing = "content is required"
	noteContentBlank   = "content cannot be empty"
	noteNotAttached    = "A note must be attached to a deal, person, organization, lead, project or task: one of deal_id, person_id, org_id, lead_id, project_id or task_id is required"
)

// noteLink is one thing a note can hang on, with its pin flag.
type noteLink struct {
	key    string // the id property: deal_id, person_id, org_id, lead_id, project_id, task_id
	pinKey string // pinned_to_<entity>_flag
	k      kind   // the kind it names; noKind for leads, projects and tasks, which the sandbox lacks
}

var noteLinks = []noteLink{
	{"deal_id", "pinned_to_deal_flag", kindDeal},
	{"person_id", "pinned_to_person_flag", kindPerson},
	{"org_id", "pinned_to_organization_flag", kindOrg},
	{"lead_id", "pinned_to_lead_flag", noKind},
	{"project_id", "pinned_to_project_flag", noKind},
	{"task_id", "pinned_to_task_flag", noKind},
}

// noKind marks a note link to something the sandbox does not have.
const noKind kind = -1

// linkAndPin returns where a link of the note lives; id and pin are nil for the kinds
// the sandbox lacks.
func (r *record) linkAndPin(key string) (id *int64, pin *bool) {
	n := r.note
	switch key {
	case "deal_id":
		return &n.dealID, &n.pinDeal
	case "person_id":
		return &n.personID, &n.pinPerson
	case "org_id":
		return &r.orgID, &n.pinOrg
	}
	return nil, nil
}

// applyNote validates body against AddNoteRequest (create) or noteRequest (update) and
// writes it into r, a clone owned by the caller. Both bodies allow more properties
// (additionalProperties: true), so unknown keys are ignored.
func (s *Sim) applyNote(r *record, body map[string]json.RawMessage, create bool) error {
	n := r.note
	if raw, ok := body["content"]; ok {
		v, err := parseStringValue(raw, "content")
		switch {
		case err != nil && isNull(raw):
			return errors.New(noteContentBlank)
		case err != nil:
			return err
		case strings.TrimSpace(v) == "":
			return errors.New(noteContentBlank)
		}
		n.content = v
	} else if create {
		return errors.New(noteContentMissing)
	}
	pinsSet := map[string]bool{}
	for _, l := range noteLinks {
		if raw, ok := body[l.key]; ok {
			if err := s.applyNoteLink(r, l, raw); err != nil {
				return err
			}
		}
		if raw, ok := body[l.pinKey]; ok {
			on, err := v1Flag(raw, l.pinKey)
			if err != nil {
				return err
			}
			if _, pin := r.linkAndPin(l.key); pin != nil {
				*pin = on
			}
			pinsSet[l.key] = on
		}
	}
	if raw, ok := body["user_id"]; ok {
		// "Only an admin can change the author": the sandbox user is taken as an admin [unverified].
		id, err := v1ID(raw, "user_id")
		if err == nil && !s.isUser(id) {
			err = fmt.Errorf("user_id: user %d not found", id)
		}
		if err != nil {
			return err
		}
		r.ownerID = id
	}
	if raw, ok := body["add_time"]; ok {
		v, err := parseStringValue(raw, "add_time")
		if err == nil {
			var t time.Time
			if t, err = time.Parse(v1TimeFormat, v); err == nil {
				r.addTime = t.UTC()
			}
		}
		if err != nil {
			return errors.New("add_time must be a date and time in UTC in the format YYYY-MM-DD HH:MM:SS")
		}
	}
	// A pin needs its link ("`deal_id` is also required"); a link cleared by the same
	// request drops its pin unless the request pins it too [unverified].
	attached := false
	for _, l := range noteLinks {
		id, pin := r.linkAndPin(l.key)
		linked := id != nil && *id != 0
		attached = attached || linked
		if pinsSet[l.key] && !linked {
			return fmt.Errorf("%s: %s is also required", l.pinKey, l.key)
		}
		if pin != nil && !linked {
			*pin = false
		}
	}
	if !attached {
		return errors.New(noteNotAttached)
	}
	return nil
}

// applyNoteLink sets one attachment. A deal, person or organization must be a live record
// of the sandbox; null, 0 and "" clear it [unverified]. The sandbox has no leads (uuid
// ids), projects or tasks, so any of those is not found.
func (s *Sim) applyNoteLink(r *record, l noteLink, raw json.RawMessage) error {
	what := strings.TrimSuffix(l.key, "_id")
	if l.k != noKind {
		what = strings.ToLower(l.k.noun())
	}
	if l.key == "lead_id" {
		if v, err := parseStringValue(raw, l.key); err == nil && v != "" {
			return fmt.Errorf("%s: %s %s not found", l.key, what, v)
		} else if err != nil && !isNull(raw) {
			return fmt.Errorf("%s must be a string (uuid)", l.key)
		}
		return nil
	}
	v, err := v1ID(raw, l.key)
	if err != nil {
		return err
	}
	id, _ := r.linkAndPin(l.key)
	switch {
	case v == 0:
	case id == nil || !s.isLive(l.k, v):
		return fmt.Errorf("%s: %s %d not found", l.key, what, v)
	}
	if id != nil {
		*id = v
	}
	return nil
}

// v1ID reads an id as v1 takes it: a JSON number, or a string of digits as forms send
// (v1 coerces; JSON strings taken too [unverified]); null and "" are 0.
func v1ID(raw json.RawMessage, key string) (int64, error) {
	if isNull(raw) {
		return 0, nil
	}
	if s, err := parseStringValue(raw, key); err == nil {
		if s = strings.TrimSpace(s); s == "" {
			return 0, nil
		}
		raw = json.RawMessage(s)
	}
	v, err := parseInt(raw, key)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%s must be a non-negative integer", key)
	}
	return v, nil
}

// v1Flag reads a numberBoolean, 0 or 1; "0" and "1" from forms too, and JSON booleans
// [unverified].
func v1Flag(raw json.RawMessage, key string) (bool, error) {
	switch strings.Trim(string(bytes.TrimSpace(raw)), `"`) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, fmt.Errorf("%s must be 0 or 1", key)
}

// decodeNoteBody reads a v1 write body: JSON, or application/x-www-form-urlencoded, which
// v1 takes too [unverified for notes: the spec lists JSON only], each form value becoming
// a JSON string. An empty body is an empty object.
func decodeNoteBody(r *http.Request) (map[string]json.RawMessage, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			return nil, errors.New("request body is not valid form data")
		}
		m := make(map[string]json.RawMessage, len(r.PostForm))
		for k := range r.PostForm {
			b, _ := json.Marshal(r.PostForm.Get(k))
			m[k] = b
		}
		return m, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return nil, errors.New("request body could not be read")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	return decodeObject(bytes.NewReader(b))
}

// createNoteLocked validates and inserts a note by the acting user; the caller holds s.mu.
func (s *Sim) createNoteLocked(body map[string]json.RawMessage) (*record, *apiError) {
	now := s.nowSecond()
	r := &record{ownerID: s.opts.UserID, addTime: now, updateTime: now, custom: map[string]any{},
		note: &noteData{lastUpdateUserID: s.opts.UserID}}
	if err := s.applyNote(r, body, true); err != nil {
		return nil, badRequest("%s", err.Error())
	}
	r.createdWall = s.now()
	s.notes.insert(r)
	return r, nil
}

// updateNoteLocked applies the given properties; update_time moves and the acting user
// becomes last_update_user_id. The caller holds s.mu.
func (s *Sim) updateNoteLocked(id int64, body map[string]json.RawMessage) (*record, *apiError) {
	old := s.notes.get(id)
	if old == nil || old.deleted {
		return nil, notFound(kindNote)
	}
	r := old.clone()
	if err := s.applyNote(r, body, false); err != nil {
		return nil, badRequest("%s", err.Error())
	}
	r.updateTime = s.nowSecond()
	r.note.lastUpdateUserID = s.opts.UserID
	s.notes.replace(old, r)
	return r, nil
}

func fmtV1Time(t time.Time) string { return t.UTC().Format(v1TimeFormat) }

// renderNote is the v1 Note object: the spec's properties and its example's
// pinned_to_lead_flag. Nested objects are null when the note has no such link
// [unverified]; a linked record deleted since still names itself [unverified].
func (s *Sim) renderNote(r *record) map[string]any {
	n := r.note
	return map[string]any{"id": r.id, "user_id": r.ownerID, "deal_id": nilIfZero(n.dealID),
		"person_id": nilIfZero(n.personID), "org_id": nilIfZero(r.orgID), "lead_id": nil, "project_id": nil,
		"task_id": nil, "content": n.content, "add_time": fmtV1Time(r.addTime), "update_time": fmtV1Time(r.updateTime),
		"active_flag": !r.deleted, "last_update_user_id": n.lastUpdateUserID,
		"pinned_to_lead_flag": false, "pinned_to_deal_flag": n.pinDeal, "pinned_to_organization_flag": n.pinOrg,
		"pinned_to_person_flag": n.pinPerson, "pinned_to_project_flag": false, "pinned_to_task_flag": false,
		"deal": s.linkedName(kindDeal, n.dealID, "title"), "person": s.linkedName(kindPerson, n.personID, "name"),
		"organization": s.linkedName(kindOrg, r.orgID, "name"), "project": nil, "task": nil,
		"user": s.noteUser(r.ownerID)}
}

// linkedName is a note's {"name": ...} or {"title": ...} of a linked record, or null.
func (s *Sim) linkedName(k kind, id int64, key string) any {
	if rec := s.storeOf(k).get(id); rec != nil {
		return map[string]any{key: rec.name}
	}
	return nil
}

// noteSortFields are getNotes' "Supported fields" of sort.
var noteSortFields = []string{"id", "user_id", "deal_id", "person_id", "org_id", "content", "add_time", "update_time"}

type noteSortKey struct {
	field string
	desc  bool
}

// noteQuery is a parsed GET /v1/notes.
type noteQuery struct {
	start, limit                    int
	userID, dealID, personID, orgID int64
	none                            bool            // a lead_id, project_id or task_id filter: nothing matches
	pins                            map[string]bool // link key -> wanted pin state
	from, until                     time.Time       // add_time window from start_date and end_date
	since                           time.Time       // updated_since
	sort                            []noteSortKey
}

// parseSortSpec reads "field ASC, field DESC". A field without a direction is ASC and the
// direction is read case-insensitively [unverified].
func parseSortSpec(v string) ([]noteSortKey, error) {
	var out []noteSortKey
	for _, part := range splitList(v) {
		f := strings.Fields(part)
		if len(f) > 2 || !slices.Contains(noteSortFields, f[0]) {
			return nil, fmt.Errorf("sort: %q is not supported; supported fields: %s, each followed by ASC or DESC",
				part, strings.Join(noteSortFields, ", "))
		}
		key := noteSortKey{field: f[0]}
		if len(f) == 2 {
			switch strings.ToUpper(f[1]) {
			case "ASC":
			case "DESC":
				key.desc = true
			default:
				return nil, fmt.Errorf("sort: the sorting mode of %s must be ASC or DESC", f[0])
			}
		}
		if !slices.ContainsFunc(out, func(k noteSortKey) bool { return k.field == key.field }) {
			out = append(out, key)
		}
	}
	return out, nil
}

// parseNoteQuery reads getNotes' parameters; others are ignored, as v1 does [unverified].
// An id filter of 0 is no filter [unverified].
func (s *Sim) parseNoteQuery(q url.Values) (*noteQuery, error) {
	nq := &noteQuery{pins: map[string]bool{}, sort: []noteSortKey{{field: "id"}}}
	var err error
	if nq.limit, err = s.parseLimit(q.Get("limit")); err != nil {
		return nil, err
	}
	if v := q.Get("start"); v != "" {
		if nq.start, err = strconv.Atoi(v); err != nil || nq.start < 0 {
			return nil, errors.New("start must be a non-negative integer")
		}
	}
	for key, dst := range map[string]*int64{"user_id": &nq.userID, "deal_id": &nq.dealID, "person_id": &nq.personID, "org_id": &nq.orgID} {
		if v := q.Get(key); v != "" {
			if *dst, err = strconv.ParseInt(v, 10, 64); err != nil || *dst < 0 {
				return nil, fmt.Errorf("%s must be a non-negative integer", key)
			}
		}
	}
	for _, key := range []string{"project_id", "task_id"} {
		if v := q.Get(key); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
				return nil, fmt.Errorf("%s must be a non-negative integer", key)
			}
			nq.none = true
		}
	}
	nq.none = nq.none || q.Get("lead_id") != ""
	for _, l := range noteLinks {
		if v := q.Get(l.pinKey); v != "" {
			if v != "0" && v != "1" {
				return nil, fmt.Errorf("%s must be 0 or 1", l.pinKey)
			}
			nq.pins[l.key] = v == "1"
		}
	}
	if v := q.Get("start_date"); v != "" {
		if nq.from, err = time.Parse(time.DateOnly, v); err != nil {
			return nil, errors.New("start_date must be a date in YYYY-MM-DD format")
		}
	}
	if v := q.Get("end_date"); v != "" { // the whole end day is included [unverified]
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return nil, errors.New("end_date must be a date in YYYY-MM-DD format")
		}
		nq.until = t.AddDate(0, 0, 1)
	}
	if v := q.Get("updated_since"); v != "" {
		if nq.since, err = parseRFC3339(v, "updated_since"); err != nil {
			return nil, err
		}
	}
	if v := q.Get("sort"); strings.TrimSpace(v) != "" {
		if nq.sort, err = parseSortSpec(v); err != nil {
			return nil, err
		}
	}
	return nq, nil
}

func (nq *noteQuery) match(r *record) bool {
	n := r.note
	switch {
	case r.deleted || nq.none:
		return false
	case nq.userID != 0 && r.ownerID != nq.userID, nq.dealID != 0 && n.dealID != nq.dealID,
		nq.personID != 0 && n.personID != nq.personID, nq.orgID != 0 && r.orgID != nq.orgID:
		return false
	case !nq.from.IsZero() && r.addTime.Before(nq.from), !nq.until.IsZero() && !r.addTime.Before(nq.until):
		return false
	case !nq.since.IsZero() && r.updateTime.Before(nq.since): // "later than or equal to"
		return false
	}
	for key, want := range nq.pins {
		_, pin := r.linkAndPin(key)
		if (pin != nil && *pin) != want {
			return false
		}
	}
	return true
}

// noteFieldCmp compares two notes by one sort field, ascending; a missing link sorts as 0.
func noteFieldCmp(a, b *record, field string) int {
	switch field {
	case "content":
		return strings.Compare(a.note.content, b.note.content)
	case "user_id":
		return cmpInt(a.ownerID, b.ownerID)
	case "deal_id":
		return cmpInt(a.note.dealID, b.note.dealID)
	case "person_id":
		return cmpInt(a.note.personID, b.note.personID)
	case "org_id":
		return cmpInt(a.orgID, b.orgID)
	}
	return cmpInt(sortKey(a, field), sortKey(b, field))
}

// page returns the notes of [start, start+limit) in sort order and whether more follow.
// Ties after the given fields go by id, in the direction of the last field [unverified],
// which lets a sort by one stored field walk the store's cached order.
func (nq *noteQuery) page(st *store) (items []*record, more bool) {
	last := nq.sort[len(nq.sort)-1]
	if len(nq.sort) == 1 && (last.field == "id" || last.field == "add_time" || last.field == "update_time") {
		ord := st.ordered(last.field)
		skip := nq.start
		for i := range ord {
			r := ord[i]
			if last.desc {
				r = ord[len(ord)-1-i]
			}
			if !nq.match(r) {
				continue
			}
			switch {
			case skip > 0:
				skip--
			case len(items) == nq.limit:
				return items, true
			default:
				items = append(items, r)
			}
		}
		return items, false
	}
	var all []*record
	for _, r := range st.recs {
		if nq.match(r) {
			all = append(all, r)
		}
	}
	keys := append(slices.Clone(nq.sort), noteSortKey{field: "id", desc: last.desc})
	slices.SortFunc(all, func(a, b *record) int {
		for _, k := range keys {
			if c := noteFieldCmp(a, b, k.field); c != 0 {
				if k.desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	start := min(nq.start, len(all))
	end := min(start+nq.limit, len(all))
	return all[start:end], end < len(all)
}

// handleNotes serves GET /v1/notes: offset-paged ("additional_data.pagination will contain
// the given start and limit, as well as the more_items_in_collection flag ... When there
// are, next_start will also be set"), deleted notes left out. An empty page has data null,
// as v1 lists answer (reported by connectors; the spec shows an array) [unverified].
func (s *Sim) handleNotes(w http.ResponseWriter, r *http.Request) {
	nq, err := s.parseNoteQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.RLock()
	items, more := nq.page(s.notes)
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = s.renderNote(it)
	}
	s.mu.RUnlock()
	pagination := map[string]any{"start": nq.start, "limit": nq.limit, "more_items_in_collection": more}
	if more {
		pagination["next_start"] = nq.start + len(items)
	}
	var data any = out
	if len(out) == 0 {
		data = nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": data,
		"additional_data": map[string]any{"pagination": pagination}})
}

// handleNote serves GET /v1/notes/{id}; a deleted note is not found [unverified].
func (s *Sim) handleNote(w http.ResponseWriter, r *http.Request) {
	id, aerr := parseID(r)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	s.mu.RLock()
	rec := s.notes.get(id)
	var out map[string]any
	if rec != nil && !rec.deleted {
		out = s.renderNote(rec)
	}
	s.mu.RUnlock()
	if out == nil {
		writeAPIError(w, notFound(kindNote))
		return
	}
	writeData(w, out)
}

// handleAddNote serves POST /v1/notes.
func (s *Sim) handleAddNote(w http.ResponseWriter, r *http.Request) {
	s.writeRecord(w, r, kindNote, s.createNoteLocked)
}

// handleUpdateNote serves PUT /v1/notes/{id}: only the given properties change; content
// is optional (noteRequest has no required properties).
func (s *Sim) handleUpdateNote(w http.ResponseWriter, r *http.Request) {
	id, aerr := parseID(r)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	s.writeRecord(w, r, kindNote, func(body map[string]json.RawMessage) (*record, *apiError) { return s.updateNoteLocked(id, body) })
}
