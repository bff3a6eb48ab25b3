package pipedrive

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const maxIDs = 100            // ids: "up to 100 entity ids"
const maxCustomFieldKeys = 15 // custom_fields: "A maximum of 15 keys is allowed."

func parseID(r *http.Request) (int64, *apiError) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, badRequest("id must be a positive integer")
	}
	return id, nil
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.code != "" {
		writeJSON(w, e.status, map[string]any{"success": false, "error": e.msg, "error_info": errorInfo,
			"data": nil, "additional_data": nil, "code": e.code})
		return
	}
	writeError(w, e.status, e.msg)
}

// readOptions parses custom_fields and include_fields, shared by list and get.
func (s *Sim) readOptions(k kind, q url.Values) (customKeys, include []string, err error) {
	if v := q.Get("custom_fields"); v != "" {
		customKeys = splitList(v)
		if len(customKeys) > maxCustomFieldKeys {
			return nil, nil, fmt.Errorf("custom_fields: a maximum of %d keys is allowed", maxCustomFieldKeys)
		}
		s.mu.RLock()
		for _, c := range customKeys {
			if s.customField(k, c) == nil {
				s.mu.RUnlock()
				return nil, nil, fmt.Errorf("custom_fields: unknown field %q", c)
			}
		}
		s.mu.RUnlock()
		if customKeys == nil {
			customKeys = []string{}
		}
	}
	allowed := includeFieldsOf(k)
	for _, f := range splitList(q.Get("include_fields")) {
		if !contains(allowed, f) {
			return nil, nil, fmt.Errorf("include_fields: %q is not supported", f)
		}
		include = append(include, f)
	}
	return customKeys, include, nil
}

// listQuery is a parsed GET /api/v2/persons (organizations, deals, activities) request.
type listQuery struct {
	limit        int
	sortBy       string
	asc          bool
	ids          map[int64]bool
	ownerID      int64
	orgID        int64
	deal         dealFilter
	activity     activityFilter
	since, until time.Time
	cursor       *listCursor
	cursorKey    int64
	personsOf    int64          // a persons list's deal_id
	dealPersons  map[int64]bool // that deal's persons, filled under the read lock (handleList)
}

func (s *Sim) parseListQuery(k kind, q url.Values) (*listQuery, error) {
	lq := &listQuery{}
	var err error
	if lq.limit, err = s.parseLimit(q.Get("limit")); err != nil {
		return nil, err
	}
	if q.Get("filter_id") != "" { // the sandbox has no saved filters
		return nil, fmt.Errorf("filter_id: filter %s not found", q.Get("filter_id"))
	}
	sortFields := []string{"id", "update_time", "add_time"}
	if k == kindActivity {
		sortFields = append(sortFields, "due_date")
	}
	if lq.sortBy, lq.asc, err = parseSort(q, sortFields...); err != nil {
		return nil, err
	}
	if v := q.Get("ids"); v != "" {
		parts := splitList(v)
		if len(parts) > maxIDs {
			return nil, fmt.Errorf("ids: at most %d ids are allowed", maxIDs)
		}
		lq.ids = map[int64]bool{}
		for _, p := range parts {
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("ids must be a comma separated list of integers")
			}
			lq.ids[id] = true
		}
	}
	intParam := func(name string, dst *int64) error {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%s must be an integer", name)
			}
			*dst = n
		}
		return nil
	}
	if err := intParam("owner_id", &lq.ownerID); err != nil {
		return nil, err
	}
	if k != kindOrg {
		if err := intParam("org_id", &lq.orgID); err != nil {
			return nil, err
		}
	}
	switch k {
	case kindPerson: // getPersons: "only persons linked to the specified deal"
		err = intParam("deal_id", &lq.personsOf)
	case kindDeal:
		lq.deal, err = s.parseDealFilter(q, intParam)
	case kindActivity:
		lq.activity, err = parseActivityFilter(q, intParam)
	}
	if err != nil {
		return nil, err
	}
	for name, dst := range map[string]*time.Time{"updated_since": &lq.since, "updated_until": &lq.until} {
		if v := q.Get(name); v != "" {
			if *dst, err = parseRFC3339(v, name); err != nil {
				return nil, err
			}
		}
	}
	if c := q.Get("cursor"); c != "" {
		if lq.cursor, lq.cursorKey, err = parseListCursor(c, lq.sortBy, lq.asc); err != nil {
			return nil, err
		}
	}
	return lq, nil
}

func cursorDirection(asc bool) string {
	if asc {
		return "asc"
	}
	return "desc"
}

// parseListCursor decodes a cursor and checks it belongs to the same sort.
func parseListCursor(c, sortBy string, asc bool) (*listCursor, int64, error) {
	var lc listCursor
	if err := decodeCursor(c, &lc); err != nil || lc.ID < 1 {
		return nil, 0, errors.New("Invalid cursor")
	}
	if lc.Field != sortBy || lc.SortDirection != cursorDirection(asc) {
		return nil, 0, errors.New("Invalid cursor: it was issued for another sort_by or sort_direction")
	}
	if key, ok := cursorKey(sortBy, lc.FieldValue); ok {
		return &lc, key, nil
	}
	return nil, 0, errors.New("Invalid cursor")
}

// cursorKey reads a cursor's fieldValue as the sortKey of sortBy: an id, an RFC 3339
// time, or a due date, null for none.
func cursorKey(sortBy string, v any) (int64, bool) {
	var err error
	var t time.Time
	switch v := v.(type) {
	case json.Number:
		if sortBy == "id" {
			n, err := v.Int64()
			return n, err == nil
		}
		return 0, false
	case nil:
		return noDueDate, sortBy == "due_date"
	case string:
		switch sortBy {
		case "id":
			return 0, false
		case "due_date":
			t, err = time.Parse(time.DateOnly, v)
		default:
			t, err = time.Parse(time.RFC3339, v)
		}
		return t.Unix(), err == nil
	}
	return 0, false
}

func (lq *listQuery) match(r *record) bool {
	switch {
	case r.deleted && !lq.deal.wantsDeleted(r): // v2 lists do not return deleted items
		return false
	case !lq.deal.match(r), !lq.activity.match(r):
		return false
	case lq.ids != nil && !lq.ids[r.id]:
		return false
	case lq.personsOf != 0 && !lq.dealPersons[r.id]:
		return false
	case lq.ownerID != 0 && r.ownerID != lq.ownerID:
		return false
	case lq.orgID != 0 && r.orgID != lq.orgID:
		return false
	case !lq.since.IsZero() && r.updateTime.Before(lq.since): // "later than or equal to"
		return false
	case !lq.until.IsZero() && !r.updateTime.Before(lq.until): // "earlier than"
		return false
	}
	return true
}

func (lq *listQuery) cursorFor(r *record) string {
	c := listCursor{Field: lq.sortBy, SortDirection: cursorDirection(lq.asc), ID: r.id}
	switch lq.sortBy {
	case "update_time":
		c.FieldValue = fmtTime(r.updateTime)
	case "add_time":
		c.FieldValue = fmtTime(r.addTime)
	case "due_date":
		c.FieldValue = r.activity.dueDate
	default:
		c.FieldValue = r.id
	}
	return encodeCursor(c)
}

// page walks the (sort field, id) order from the cursor, the first item of the page.
func (lq *listQuery) page(st *store) (items []*record, next *record) {
	ord := st.ordered(lq.sortBy)
	n := len(ord)
	if lq.asc {
		i := 0
		if lq.cursor != nil {
			i = sort.Search(n, func(j int) bool { return cmpKey(ord[j], lq.sortBy, lq.cursorKey, lq.cursor.ID) >= 0 })
		}
		for ; i < n; i++ {
			if lq.match(ord[i]) {
				if len(items) == lq.limit {
					return items, ord[i]
				}
				items = append(items, ord[i])
			}
		}
		return items, nil
	}
	i := n - 1
	if lq.cursor != nil {
		i = sort.Search(n, func(j int) bool { return cmpKey(ord[j], lq.sortBy, lq.cursorKey, lq.cursor.ID) > 0 }) - 1
	}
	for ; i >= 0; i-- {
		if lq.match(ord[i]) {
			if len(items) == lq.limit {
				return items, ord[i]
			}
			items = append(items, ord[i])
		}
	}
	return items, nil
}

// handleList serves GET /api/v2/persons, /api/v2/organizations, /api/v2/deals,
// /api/v2/deals/archived and /api/v2/activities.
func (s *Sim) handleList(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		lq, err := s.parseListQuery(k, q)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		lq.deal.archived = k == kindDeal && strings.HasSuffix(r.Pattern, "/archived")
		customKeys, include, err := s.readOptions(k, q)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.mu.RLock()
		if lq.personsOf != 0 {
			lq.dealPersons = s.dealPersonsLocked(lq.personsOf)
		}
		items, next := lq.page(s.storeOf(k))
		out := make([]map[string]any, len(items))
		for i, it := range items {
			out[i] = s.render(k, it, customKeys, include)
		}
		s.mu.RUnlock()
		nc := ""
		if next != nil {
			nc = lq.cursorFor(next)
		}
		writePage(w, out, nc)
	}
}

// handleGet serves GET /api/v2/persons/{id}; a deleted record still answers, with
// is_deleted true, until it is purged (purged).
func (s *Sim) handleGet(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, aerr := parseID(r)
		if aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		customKeys, include, err := s.readOptions(k, r.URL.Query())
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.mu.RLock()
		rec := s.storeOf(k).get(id)
		if s.purged(k, rec) {
			rec = nil
		}
		var out map[string]any
		if rec != nil {
			out = s.render(k, rec, customKeys, include)
		}
		s.mu.RUnlock()
		if rec == nil {
			writeAPIError(w, notFound(k))
			return
		}
		writeData(w, out)
	}
}

// handleCreate serves POST; Pipedrive answers 200 (spec: addPerson responses '200').
func (s *Sim) handleCreate(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.writeRecord(w, r, k, func(body map[string]json.RawMessage) (*record, *apiError) { return s.createLocked(k, body) })
	}
}

// writeRecord decodes a request body, applies it with write under the
// lock, and answers the record as written, or the error. A note is v1's:
// its body may be a form, and it is answered in v1's shape (addNote and
// updateNote both answer 200 in the spec).
func (s *Sim) writeRecord(w http.ResponseWriter, r *http.Request, k kind, write func(map[string]json.RawMessage) (*record, *apiError)) {
	render := func(rec *record) map[string]any { return s.render(k, rec, nil, nil) }
	var body map[string]json.RawMessage
	var err error
	if k == kindNote {
		render = s.renderNote
		body, err = decodeNoteBody(r)
	} else {
		body, err = decodeObject(r.Body)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	rec, aerr := write(body)
	var out map[string]any
	if aerr == nil {
		out = render(rec)
	}
	s.mu.Unlock()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	writeData(w, out)
}

// handlePatch serves PATCH; only the given properties change.
func (s *Sim) handlePatch(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, aerr := parseID(r)
		if aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		s.writeRecord(w, r, k, func(body map[string]json.RawMessage) (*record, *apiError) { return s.patchLocked(k, id, body) })
	}
}

// handleDelete serves DELETE: marks deleted, answers v2's {"id": id}, or
// v1's true for a note (DeleteNoteResponse).
func (s *Sim) handleDelete(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, aerr := parseID(r)
		if aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		s.mu.Lock()
		aerr = s.deleteLocked(k, id)
		s.mu.Unlock()
		if aerr != nil {
			writeAPIError(w, aerr)
			return
		}
		if k == kindNote {
			writeData(w, true)
			return
		}
		writeData(w, map[string]any{"id": id})
	}
}

// dealPersonsLocked is the persons a deal links: its contact person. Whether
// Pipedrive counts the deal's other participants too is [unverified]; the
// sandbox's deals have none. A missing or deleted deal links no one.
func (s *Sim) dealPersonsLocked(dealID int64) map[int64]bool {
	d := s.deals.get(dealID)
	if d == nil || d.deleted || d.deal == nil || d.deal.personID == 0 {
		return map[int64]bool{}
	}
	return map[int64]bool{d.deal.personID: true}
}
