package zoho

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Paging limits of getRecords: "To fetch up to 2000 records, use page (1-10) and
// per_page (maximum 200) ... Consecutive page tokens can be used to navigate through up
// to 100,000 records" (spec), with the spec's error examples.
const (
	maxPerPage      = 200
	maxDiscrete     = 2000
	maxTokenRecords = 100_000
	maxFieldsParam  = 50 // LIMIT_EXCEEDED example: {"limit":50,"param_name":"fields"}
)

var sortFields = []string{"id", "Created_Time", "Modified_Time"}

// userRef renders a user as Owner, Created_By, Modified_By: {name, id, email}.
func (s *Sim) userRef(id int64, withEmail bool) any {
	u := s.userBy[id]
	if u == nil {
		return nil
	}
	out := map[string]any{"name": u.name, "id": idString(u.id)}
	if withEmail {
		out["email"] = u.email
	}
	return out
}

// displayName is a record's name in lookups and deleted lists.
func (s *Sim) displayName(m *moduleDef, r *record) string {
	if m.nameField != "" {
		return r.str(m.nameField)
	}
	return strings.TrimSpace(r.str("First_Name") + " " + r.str("Last_Name"))
}

// lookupTarget is the module a lookup of r points into: the field's target, or for a
// multi-module lookup the module r names in $se_module (nil when unknown).
func (s *Sim) lookupTarget(fd *fieldDef, r *record) *moduleDef {
	if len(fd.multi) > 0 {
		return s.modules[r.str(seModuleKey)]
	}
	return s.modules[fd.lookup]
}

// renderValue renders one field of r as the API returns it: null when unset (false for
// booleans, [] for multi-select picklists), lookups as {name, id}, owners as {name, id,
// email}, a multi-select picklist as its array of values.
func (s *Sim) renderValue(m *moduleDef, fd *fieldDef, r *record) any {
	switch fd.apiName {
	case "Created_Time":
		return fmtTime(r.created)
	case "Modified_Time":
		return fmtTime(r.modified)
	case "Created_By":
		return s.userRef(r.createdBy, true)
	case "Modified_By":
		return s.userRef(r.modifiedBy, true)
	case "Full_Name":
		if m.name == ModuleContacts || m.name == ModuleLeads {
			return s.displayName(m, r)
		}
	}
	v, ok := r.values[fd.apiName]
	if !ok {
		switch fd.dataType {
		case TypeBoolean:
			return false
		case TypeMultiPicklist:
			return []string{} // no selection reads as an empty array [unverified: or null]
		}
		return nil
	}
	switch fd.dataType {
	case TypeOwnerLookup:
		return s.userRef(v.(int64), true)
	case TypeLookup:
		t := s.lookupTarget(fd, r)
		id := v.(int64)
		if fd.parent && t != nil {
			// Notes.Parent_Id reads {"module": {"api_name", "id"}, "name", "id"}
			// (getNotesModule example).
			out := map[string]any{"module": map[string]any{"api_name": t.name, "id": idString(t.id)}, "name": nil, "id": idString(id)}
			if target := t.st.get(id); target != nil {
				out["name"] = s.displayName(t, target)
			}
			return out
		}
		// A lookup to a record deleted since keeps its id and last name [unverified], in
		// Deals and Tasks as in Contacts (no cascade: what Zoho does to a deal or task
		// whose account or contact is deleted is [unverified]).
		if t != nil {
			if target := t.st.get(id); target != nil {
				return map[string]any{"name": s.displayName(t, target), "id": idString(id)}
			}
		}
		return map[string]any{"name": nil, "id": idString(id)}
	}
	return v
}

// render renders r with only the given fields plus id; nil fields means all of them. A
// multi-module lookup brings the record's "$se_module" along (null when unset)
// [unverified: Zoho's read shape of What_Id's module].
func (s *Sim) render(m *moduleDef, r *record, fields []string) map[string]any {
	out := map[string]any{"id": idString(r.id)}
	put := func(fd *fieldDef) { s.putField(out, m, fd, r) }
	if m.name == ModuleLeads {
		s.renderConversion(out, r) // leads.go
	}
	if fields == nil {
		for _, fd := range m.fields {
			put(fd)
		}
		return out
	}
	for _, name := range fields {
		if fd := m.field(name); fd != nil {
			put(fd)
		}
	}
	return out
}

// putField renders one field into out, a multi-module lookup with its
// $se_module beside it.
func (s *Sim) putField(out map[string]any, m *moduleDef, fd *fieldDef, r *record) {
	out[fd.apiName] = s.renderValue(m, fd, r)
	if len(fd.multi) > 0 && !fd.parent {
		out[seModuleKey] = nil
		if v := r.str(seModuleKey); v != "" {
			out[seModuleKey] = v
		}
	}
}

// parseFields reads the fields parameter: comma separated API names, at most 50.
func parseFields(m *moduleDef, raw string) ([]string, *zerr) {
	var out []string
	for _, p := range strings.Split(raw, ",") {
		p = strings.TrimSpace(p)
		if p == "" || p == "id" || slices.Contains(out, p) {
			continue
		}
		if m.field(p) == nil {
			return nil, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"param_name": "fields", "api_name": p})
		}
		out = append(out, p)
	}
	if len(out) > maxFieldsParam {
		return nil, badRequest("LIMIT_EXCEEDED", "limit exceeded", map[string]any{"limit": maxFieldsParam, "param_name": "fields"})
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// intParam reads a positive integer parameter no larger than limit (0 = none).
// pageParams reads a listing's page (from 1) and per_page (up to
// maxPerPage, the default).
func pageParams(q url.Values) (page, perPage int, e *zerr) {
	if perPage, e = intParam(q, "per_page", maxPerPage, maxPerPage); e != nil {
		return 0, 0, e
	}
	page, e = intParam(q, "page", 1, 0)
	return page, perPage, e
}

func intParam(q url.Values, name string, def, limit int) (int, *zerr) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || limit > 0 && n > limit {
		return 0, errInvalidParam(name) // [unverified: per_page above 200 refused, not clamped]
	}
	return n, nil
}

// ifModifiedSince reads the If-Modified-Since header (ISO 8601 with offset).
func ifModifiedSince(r *http.Request) (time.Time, *zerr) {
	v := r.Header.Get("If-Modified-Since")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseTime(v)
	if err != nil {
		return time.Time{}, errInvalidParam("If-Modified-Since") // [unverified body]
	}
	return t, nil
}

// listQuery is a parsed GET /crm/v8/{module}.
type listQuery struct {
	fields        []string
	perPage, page int
	sortBy        string
	asc           bool
	since         time.Time // zero = no If-Modified-Since
	ids           map[int64]bool
	sig           string // what a page token is bound to
	token         *pageToken
	tokenStr      string
	parent        *parentRef // notes of one record only (GET /{module}/{id}/Notes)
	converted     string     // Leads: "false" (default), "true" or "both" (leads.go)
}

// parentRef is a record a note hangs off.
type parentRef struct {
	module string
	id     int64
}

// parseList reads a list query of m (for Notes, of parent's notes when parent is set).
// GET /Notes differs from getRecords as the notes spec (crm-oas notes.yaml) lists:
// fields is optional there (every field when absent), and If-Modified-Since is not among
// its parameters, so the header is ignored [unverified: Zoho's v2 SDKs sent it].
func (s *Sim) parseList(m *moduleDef, r *http.Request, parent *parentRef) (*listQuery, *zerr) {
	q := r.URL.Query()
	notes := m.name == ModuleNotes
	if !notes && strings.TrimSpace(q.Get("fields")) == "" {
		return nil, errRequiredParam("fields") // getRecords requiredparammissing example
	}
	lq := &listQuery{sortBy: "id", parent: parent}
	var e *zerr
	if strings.TrimSpace(q.Get("fields")) != "" {
		if lq.fields, e = parseFields(m, q.Get("fields")); e != nil {
			return nil, e
		}
	}
	if lq.perPage, e = intParam(q, "per_page", maxPerPage, maxPerPage); e != nil {
		return nil, e
	}
	if lq.page, e = intParam(q, "page", 1, 0); e != nil {
		return nil, e
	}
	if v := q.Get("sort_by"); v != "" {
		if !slices.Contains(sortFields, v) {
			return nil, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"param_name": "sort_by", "supported_values": sortFields})
		}
		lq.sortBy = v
	}
	// Default order: descending, as the spec's example info shows ("sort_by":"id",
	// "sort_order":"desc") [unverified default].
	switch q.Get("sort_order") {
	case "", "desc":
	case "asc":
		lq.asc = true
	default:
		return nil, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"param_name": "sort_order", "supported_values": []string{"asc", "desc"}})
	}
	since := ""
	if !notes {
		if lq.since, e = ifModifiedSince(r); e != nil {
			return nil, e
		}
		since = r.Header.Get("If-Modified-Since")
	}
	if v := q.Get("ids"); v != "" {
		lq.ids = map[int64]bool{}
		for _, p := range strings.Split(v, ",") {
			id, ok := parseID(strings.TrimSpace(p))
			if !ok {
				return nil, errInvalidParam("ids")
			}
			lq.ids[id] = true
		}
	}
	if lq.converted, e = convertedParam(m, q); e != nil {
		return nil, e
	}
	lq.sig = strings.Join([]string{m.name, q.Get("fields"), q.Get("sort_by"), q.Get("sort_order"), q.Get("per_page"),
		q.Get("ids"), since, lq.converted}, "\x00")
	if parent != nil {
		lq.sig += "\x00" + parent.module + "\x00" + idString(parent.id)
	}
	if tok := q.Get("page_token"); tok != "" {
		if q.Get("page") != "" {
			return nil, badRequest("AMBIGUITY_DURING_PROCESSING", "ambiguity during processing", map[string]any{
				"ambiguity_due_to": []any{map[string]any{"param_name": "page"}, map[string]any{"param_name": "page_token"}}})
		}
		return lq, s.resolveToken(lq, tok)
	}
	if lq.page*lq.perPage > maxDiscrete {
		return nil, badRequest("DISCRETE_PAGINATION_LIMIT_EXCEEDED", "You can only get the first 2000 records without using page_token param",
			map[string]any{"limit": maxDiscrete})
	}
	return lq, nil
}

func (s *Sim) resolveToken(lq *listQuery, tok string) *zerr {
	pt := s.pages.get(tok)
	mismatch := badRequest("TOKEN_BOUND_DATA_MISMATCH",
		"The page_token given seems to be invalid or input param is added or altered or deleted", map[string]any{"param_name": "page_token"})
	switch {
	case pt == nil || pt.sig != lq.sig:
		return mismatch
	case !s.now().Before(pt.expires):
		return badRequest("EXPIRED_VALUE", "Page token expired", map[string]any{"api_name": "page_token", "json_path": "$.query.page_token"})
	case pt.served >= maxTokenRecords:
		return badRequest("PAGINATION_LIMIT_EXCEEDED", "You can only get upto 100000 records using page_token param",
			map[string]any{"param_name": "page_token"})
	}
	lq.token, lq.tokenStr, lq.page = pt, tok, pt.page
	return nil
}

// match keeps live records modified strictly after If-Modified-Since [unverified: whether
// a record modified in the very second given is included].
func (lq *listQuery) match(r *record) bool {
	return !r.deleted && convertedMatch(lq.converted, r) && (lq.since.IsZero() || r.modified.After(lq.since)) && (lq.ids == nil || lq.ids[r.id]) &&
		(lq.parent == nil || r.values["Parent_Id"] == lq.parent.id && r.str(seModuleKey) == lq.parent.module)
}

// walk visits ord in the query's direction from the position (key, id) inclusive, or from
// the first record; fn returns false to stop.
func walk(ord []*record, field string, asc bool, start *position, fn func(*record) bool) {
	n := len(ord)
	if asc {
		i := 0
		if start != nil {
			i, _ = slices.BinarySearchFunc(ord, *start, func(r *record, p position) int { return cmpKey(r, field, p.key, p.id) })
		}
		for ; i < n && fn(ord[i]); i++ {
		}
		return
	}
	i := n - 1
	if start != nil {
		j, found := slices.BinarySearchFunc(ord, *start, func(r *record, p position) int { return cmpKey(r, field, p.key, p.id) })
		if i = j - 1; found {
			i = j
		}
	}
	for ; i >= 0 && fn(ord[i]); i-- {
	}
}

// handleList serves GET /crm/v8/{module}: 200 with data and info, or 204 when the page
// is empty (including when nothing was modified after If-Modified-Since; 304 is not in
// the spec's getRecords responses).
func (s *Sim) handleList(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	s.list(w, r, m, nil)
}

// list answers a list query of m, narrowed to one parent's notes when parent is set.
func (s *Sim) list(w http.ResponseWriter, r *http.Request, m *moduleDef, parent *parentRef) {
	lq, e := s.parseList(m, r, parent)
	if e != nil {
		writeErr(w, e)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	skip, limit, served := (lq.page-1)*lq.perPage, lq.perPage, (lq.page-1)*lq.perPage
	var start *position
	if lq.token != nil {
		skip, served, start = 0, lq.token.served, &lq.token.start
	}
	limit = min(limit, maxTokenRecords-served)
	var items []*record
	var next, prevStart *record
	k := 0
	walk(m.st.ordered(lq.sortBy), lq.sortBy, lq.asc, start, func(rec *record) bool {
		if !lq.match(rec) {
			return true
		}
		if lq.token == nil && lq.page > 1 && k == skip-lq.perPage {
			prevStart = rec
		}
		switch {
		case k < skip:
		case len(items) < limit:
			items = append(items, rec)
		default:
			next = rec
			return false
		}
		k++
		return true
	})
	if len(items) == 0 {
		writeNoContent(w)
		return
	}
	data := make([]any, len(items))
	for i, rec := range items {
		data[i] = s.render(m, rec, lq.fields)
	}
	order := "desc"
	if lq.asc {
		order = "asc"
	}
	info := map[string]any{"per_page": lq.perPage, "count": len(items), "page": lq.page, "sort_by": lq.sortBy,
		"sort_order": order, "more_records": next != nil, "next_page_token": nil, "previous_page_token": nil,
		"page_token_expiry": nil}
	current := func() string { // a token for this very page, to chain as the next one's previous
		if lq.token != nil {
			return lq.tokenStr
		}
		return s.pages.put(&pageToken{sig: lq.sig, page: lq.page, served: served, start: s.pos(items[0], lq.sortBy), expires: s.tokenExpiry()})
	}
	if next != nil {
		nt := &pageToken{sig: lq.sig, page: lq.page + 1, served: served + len(items), start: s.pos(next, lq.sortBy),
			prev: current(), expires: s.tokenExpiry()}
		info["next_page_token"] = s.pages.put(nt)
		info["page_token_expiry"] = fmtTime(nt.expires)
	}
	switch {
	case lq.token != nil && lq.token.prev != "":
		info["previous_page_token"] = lq.token.prev
	case lq.token == nil && prevStart != nil:
		info["previous_page_token"] = s.pages.put(&pageToken{sig: lq.sig, page: lq.page - 1, served: served - lq.perPage,
			start: s.pos(prevStart, lq.sortBy), expires: s.tokenExpiry()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "info": info})
}

// handleGet serves GET /crm/v8/{module}/{id} (fields optional there). A missing or
// deleted record answers 204 [unverified].
func (s *Sim) handleGet(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	var fields []string
	if raw := r.URL.Query().Get("fields"); raw != "" {
		var e *zerr
		if fields, e = parseFields(m, raw); e != nil {
			writeErr(w, e)
			return
		}
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		writeErr(w, badRequest("INVALID_DATA", msgInvalidID, map[string]any{"resource_path_index": 1}))
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := m.st.liveRecord(id)
	if rec == nil {
		writeNoContent(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": []any{s.render(m, rec, fields)}})
}

// handleDeleted serves GET /crm/v8/{module}/deleted?type=all|recycle|permanent with page,
// per_page and If-Modified-Since (on deleted_time), newest deletion first [unverified
// order]; 204 when nothing matches.
func (s *Sim) handleDeleted(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	// Its 400s come wrapped in data[] (crm-oas v8.0 getDeletedRecords:
	// DeletedRecordsErrorResponse, INVALID_MODULE or PATTERN_NOT_MATCHED).
	if m.noDeleted {
		writeDataErr(w, errInvalidModule()) // Notes: no deleted list in the Notes API [unverified answer]
		return
	}
	q := r.URL.Query()
	typ := q.Get("type")
	if typ == "" {
		typ = "all"
	}
	if !slices.Contains([]string{"all", "recycle", "permanent"}, typ) {
		writeDataErr(w, badRequest("PATTERN_NOT_MATCHED", "Please check whether the input values are correct", map[string]any{"param_name": "type"}))
		return
	}
	page, perPage, e := pageParams(q)
	if e != nil {
		writeErr(w, e)
		return
	}
	since, e := ifModifiedSince(r)
	if e != nil {
		writeErr(w, e)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*record
	for _, rec := range m.st.recs {
		if !rec.deleted || typ == "recycle" && rec.permanent || typ == "permanent" && !rec.permanent ||
			!since.IsZero() && !rec.deletedTime.After(since) {
			continue
		}
		all = append(all, rec)
	}
	slices.SortFunc(all, func(a, b *record) int {
		if c := b.deletedTime.Compare(a.deletedTime); c != 0 {
			return c
		}
		return cmpInt(b.id, a.id)
	})
	from := (page - 1) * perPage
	if from >= len(all) {
		writeNoContent(w)
		return
	}
	to := min(from+perPage, len(all))
	data := make([]any, 0, to-from)
	for _, rec := range all[from:to] {
		d := map[string]any{"id": idString(rec.id), "type": "recycle", "deleted_time": fmtTime(rec.deletedTime),
			"display_name": s.displayName(m, rec), "deleted_by": s.userRef(rec.deletedBy, false),
			"created_by": s.userRef(rec.createdBy, false)}
		if rec.permanent { // the spec's example: permanent entries carry nulls
			d["type"], d["display_name"], d["deleted_by"], d["created_by"] = "permanent", nil, nil, nil
		}
		data = append(data, d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data,
		"info": map[string]any{"per_page": perPage, "count": len(data), "page": page, "more_records": to < len(all)}})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
