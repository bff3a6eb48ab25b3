package zoho

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// maxBatch: "A maximum of 100 records can be inserted per API call" (insert, update,
// upsert and delete docs).
const maxBatch = 100

// triggers are the values of the trigger array (insert and upsert request schemas).
var triggers = []string{"approval", "workflow", "blueprint", "pathfinder", "orchestration"}

// batch is a decoded write body.
type batch struct {
	items    []any
	dupCheck []string // upsert only; nil = not given
}

// readBatch decodes {"data":[...], "trigger":[...], "duplicate_check_fields":[...]}. The
// 400 bodies for a malformed body or a missing data array are [unverified]; more than 100
// records is the updateRecord limitexceedederror example, wrapped in data[].
func (s *Sim) readBatch(w http.ResponseWriter, r *http.Request, m *moduleDef, upsert bool) (*batch, bool) {
	body, err := decodeBody(r.Body)
	if err != nil {
		writeErr(w, badRequest("INVALID_DATA", msgInvalidData, nil))
		return nil, false
	}
	items, ok := body["data"].([]any)
	if !ok || len(items) == 0 {
		writeErr(w, badRequest("MANDATORY_NOT_FOUND", msgRequired, map[string]any{"api_name": "data", "json_path": "$.data"}))
		return nil, false
	}
	if len(items) > maxBatch {
		writeDataErr(w, badRequest("LIMIT_EXCEEDED", "count of records in your request exceeds the limit",
			map[string]any{"maximum_length": maxBatch, "api_name": "data"}))
		return nil, false
	}
	if t, present := body["trigger"]; present {
		list, ok := t.([]any)
		for i := 0; ok && i < len(list); i++ {
			v, isStr := list[i].(string)
			ok = isStr && slices.Contains(triggers, v)
		}
		if !ok {
			writeErr(w, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"api_name": "trigger",
				"json_path": "$.trigger", "supported_values": triggers}))
			return nil, false
		}
	}
	b := &batch{items: items}
	if raw, present := body["duplicate_check_fields"]; upsert && present {
		list, ok := raw.([]any)
		if !ok {
			writeErr(w, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"api_name": "duplicate_check_fields",
				"json_path": "$.duplicate_check_fields", "expected_data_type": "jsonarray"}))
			return nil, false
		}
		b.dupCheck = []string{}
		for i, v := range list {
			name, _ := v.(string)
			fd := m.field(name)
			if fd == nil || !(fd.unique || name == m.dupField) {
				writeErr(w, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"api_name": "duplicate_check_fields",
					"json_path": fmt.Sprintf("$.duplicate_check_fields[%d]", i)}))
				return nil, false
			}
			b.dupCheck = append(b.dupCheck, name)
		}
	}
	return b, true
}

// success is a per-record SUCCESS result (RecordPostSuccessDataItem). A note's details
// carry no $approval_state (notes.yaml: the details' properties are closed).
func (s *Sim) success(m *moduleDef, r *record, msg string) map[string]any {
	learnOptions(m, r)
	d := map[string]any{"id": idString(r.id), "Created_Time": fmtTime(r.created), "Modified_Time": fmtTime(r.modified),
		"Created_By": s.userRef(r.createdBy, false), "Modified_By": s.userRef(r.modifiedBy, false),
		"$approval_state": "approved"}
	if m.name == ModuleNotes {
		delete(d, "$approval_state")
	}
	return map[string]any{"code": "SUCCESS", "message": msg, "status": "success", "details": d}
}

// writeResults answers a batch: allOK when every record succeeded (201 for insert, 200
// otherwise), 207 for mixed results, 400 when every record failed (insert, update,
// upsert and delete operation docs).
func writeResults(w http.ResponseWriter, results []any, okN int, allOK int) {
	status := http.StatusMultiStatus
	switch okN {
	case len(results):
		status = allOK
	case 0:
		status = http.StatusBadRequest
	}
	writeJSON(w, status, map[string]any{"data": results})
}

// notObject refuses a data[] element that is not a JSON object [unverified body].
func notObject(i int) *zerr {
	return badRequest("INVALID_DATA", msgInvalidData, map[string]any{"json_path": fmt.Sprintf("$.data[%d]", i),
		"expected_data_type": "jsonobject"})
}

// handleInsert serves POST /crm/v8/{module}: records are validated and inserted one by
// one, in order, so a later record sees the earlier ones (unique checks).
func (s *Sim) handleInsert(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	s.insert(w, r, m, nil)
}

// insert inserts a write body's records into m; parent, when set, is the record the
// notes of POST /{module}/{id}/Notes hang off, and replaces any Parent_Id they carry
// [unverified: whether Zoho refuses a body Parent_Id naming another record].
func (s *Sim) insert(w http.ResponseWriter, r *http.Request, m *moduleDef, parent *parentRef) {
	b, ok := s.readBatch(w, r, m, false)
	if !ok {
		return
	}
	if slices.Contains(s.opts.NoCreate, m.name) {
		// One error for the whole request, wrapped in data[] (crm-oas v8.0 createRecords
		// example response-400-authorizationfailed).
		writeDataErr(w, badRequest("AUTHORIZATION_FAILED", "User does not have sufficient privilege to perform this action",
			map[string]any{"resource_path_index": 0}))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	results, okN := make([]any, len(b.items)), 0
	for i, it := range b.items {
		obj, isObj := it.(map[string]any)
		if !isObj {
			results[i] = notObject(i).body()
			continue
		}
		if parent != nil {
			obj["Parent_Id"] = map[string]any{"module": map[string]any{"api_name": parent.module}, "id": idString(parent.id)}
		}
		if e := s.storageError(); e != nil {
			results[i] = e.body()
			continue
		}
		rec, e := s.createLocked(m, obj, i)
		if e != nil {
			results[i] = e.body()
			continue
		}
		results[i], okN = s.success(m, rec, "record added"), okN+1
	}
	writeResults(w, results, okN, http.StatusCreated)
}

// updateItem applies one data[] element whose record id is id (or its own "id").
func (s *Sim) updateItem(m *moduleDef, it any, i int, pathID string) any {
	obj, isObj := it.(map[string]any)
	if !isObj {
		return notObject(i).body()
	}
	rawID := pathID
	if rawID == "" {
		v, present := obj["id"]
		if !present || v == nil {
			return fieldErr("MANDATORY_NOT_FOUND", msgRequired, "id", i, nil).body()
		}
		rawID = fmt.Sprint(v)
	}
	id, ok := parseID(rawID)
	var old *record
	if ok {
		old = m.st.liveRecord(id)
	}
	if old == nil {
		return fieldErr("INVALID_DATA", msgInvalidID, "id", i, nil).body()
	}
	if e := s.holdError(m, old.id, i); e != nil {
		return e.body()
	}
	if e := s.blueprintError(m, old, obj, i); e != nil {
		return e.body()
	}
	rec, e := s.updateLocked(m, old, obj, i)
	if e != nil {
		return e.body()
	}
	return s.success(m, rec, "record updated")
}

// handleUpdate serves PUT /crm/v8/{module}; every record carries its id.
func (s *Sim) handleUpdate(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	s.update(w, r, m, "")
}

// handleUpdateOne serves PUT /crm/v8/{module}/{id}.
func (s *Sim) handleUpdateOne(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	s.update(w, r, m, r.PathValue("id"))
}

func (s *Sim) update(w http.ResponseWriter, r *http.Request, m *moduleDef, pathID string) {
	b, ok := s.readBatch(w, r, m, false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	results, okN := make([]any, len(b.items)), 0
	for i, it := range b.items {
		results[i] = s.updateItem(m, it, i, pathID)
		if isSuccess(results[i]) {
			okN++
		}
	}
	writeResults(w, results, okN, http.StatusOK)
}

func isSuccess(v any) bool {
	res, _ := v.(map[string]any)
	return res["status"] == "success"
}

// dupCheckFields is the upsert matching order: the request's duplicate_check_fields, or
// the system-defined field (Contacts Email, Accounts Account_Name, Deals Deal_Name) then
// the user-defined unique fields (upsert doc).
func dupCheckFields(m *moduleDef, given []string) []string {
	if given != nil {
		return given
	}
	var out []string
	if m.dupField != "" {
		out = append(out, m.dupField)
	}
	for _, fd := range m.uniqueFields() {
		if fd.apiName != m.dupField {
			out = append(out, fd.apiName)
		}
	}
	return out
}

// upsertItem matches one record by id or the duplicate check fields and updates the
// oldest match, or inserts. duplicate_field names the matching field on update, and on
// insert the first duplicate check field the record carried (as the spec's examples show
// "duplicate_field":"Email" on an insert) or null [unverified].
func (s *Sim) upsertItem(m *moduleDef, it any, i int, fields []string) any {
	obj, isObj := it.(map[string]any)
	if !isObj {
		return notObject(i).body()
	}
	var match *record
	var matched, checked any
	if v, present := obj["id"]; present && v != nil {
		if id, ok := parseID(fmt.Sprint(v)); ok {
			match = m.st.liveRecord(id)
		}
		if match == nil {
			return fieldErr("INVALID_DATA", msgInvalidID, "id", i, nil).body()
		}
	}
	for _, api := range fields {
		v, present := obj[api]
		if match != nil || !present || v == nil {
			continue
		}
		fd := m.field(api)
		val, e := s.parseValue(fd, v, i)
		if e != nil {
			return e.body()
		}
		if val == nil {
			continue
		}
		if checked == nil {
			checked = api
		}
		if dups := s.findEqual(m, fd, val, 0); len(dups) > 0 {
			match, matched = dups[0], api
		}
	}
	if match != nil {
		if e := s.holdError(m, match.id, i); e != nil {
			return e.body()
		}
		if e := s.blueprintError(m, match, obj, i); e != nil {
			return e.body()
		}
		rec, e := s.updateLocked(m, match, obj, i)
		if e != nil {
			return e.body()
		}
		out := s.success(m, rec, "record updated")
		out["action"], out["duplicate_field"] = "update", matched
		return out
	}
	if e := s.storageError(); e != nil {
		return e.body()
	}
	rec, e := s.createLocked(m, obj, i)
	if e != nil {
		return e.body()
	}
	out := s.success(m, rec, "record added")
	out["action"], out["duplicate_field"] = "insert", checked
	return out
}

// handleUpsert serves POST /crm/v8/{module}/upsert: 200 when every record succeeded
// (inserted or updated; the spec's only success status), 207 mixed, 400 all failed.
// Tasks are not among the upsert doc's supported modules: the call is refused whole with
// the upsertRecords invalidmodule example (INVALID_MODULE wrapped in data[]) [unverified:
// what Zoho answers for a module that exists but cannot be upserted].
func (s *Sim) handleUpsert(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	if m.noUpsert {
		writeDataErr(w, errInvalidModule())
		return
	}
	b, ok := s.readBatch(w, r, m, true)
	if !ok {
		return
	}
	fields := dupCheckFields(m, b.dupCheck)
	s.mu.Lock()
	defer s.mu.Unlock()
	results, okN := make([]any, len(b.items)), 0
	for i, it := range b.items {
		results[i] = s.upsertItem(m, it, i, fields)
		if isSuccess(results[i]) {
			okN++
		}
	}
	writeResults(w, results, okN, http.StatusOK)
}

// deleteIDs moves records to the recycle bin and answers per id (deleteRecords doc and
// its 207 example: "record deleted" / INVALID_DATA "record not deleted").
func (s *Sim) deleteIDs(w http.ResponseWriter, m *moduleDef, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	results, okN := make([]any, len(ids)), 0
	for i, raw := range ids {
		id, ok := parseID(raw)
		if ok && m.st.liveRecord(id) != nil {
			if held := s.holdDeleteResult(m, id, raw); held != nil {
				results[i] = held
				continue
			}
		}
		if ok && s.deleteLocked(m, id) {
			results[i] = map[string]any{"code": "SUCCESS", "details": map[string]any{"id": raw},
				"message": "record deleted", "status": "success"}
			okN++
			continue
		}
		results[i] = map[string]any{"code": "INVALID_DATA", "details": map[string]any{"id": raw},
			"message": "record not deleted", "status": "error"}
	}
	writeResults(w, results, okN, http.StatusOK)
}

// handleDeleteMany serves DELETE /crm/v8/{module}?ids=1,2 (at most 100; the refusal of
// more is [unverified]).
func (s *Sim) handleDeleteMany(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	raw := strings.TrimSpace(r.URL.Query().Get("ids"))
	if raw == "" {
		writeErr(w, badRequest("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", map[string]any{"param_name": "ids"}))
		return
	}
	var ids []string
	for _, p := range strings.Split(raw, ",") {
		if p = strings.TrimSpace(p); p != "" {
			ids = append(ids, p)
		}
	}
	if len(ids) > maxBatch {
		writeErr(w, badRequest("LIMIT_EXCEEDED", "limit exceeded", map[string]any{"limit": maxBatch, "param_name": "ids"}))
		return
	}
	s.deleteIDs(w, m, ids)
}

// relatedParent reads the record of /{module}/{id}/Notes: the module must be a note
// parent (INVALID_MODULE otherwise [unverified]) and the id well formed.
func (s *Sim) relatedParent(w http.ResponseWriter, r *http.Request, m *moduleDef) (*parentRef, bool) {
	if r.PathValue("related") != "Notes" {
		writeErr(w, errInvalidURL()) // no other related list is simulated
		return nil, false
	}
	if !slices.Contains(noteParents, m.name) {
		writeErr(w, errInvalidModule())
		return nil, false
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		writeErr(w, badRequest("INVALID_DATA", msgInvalidID, map[string]any{"resource_path_index": 1}))
		return nil, false
	}
	return &parentRef{module: m.name, id: id}, true
}

// handleRelatedNotes serves GET /crm/v8/{module}/{id}/Notes, the record's notes ("To
// add notes for a specific record: /{module_api_name}/{record_id}/Notes", create-notes
// doc; the related list read is the related-records API's): the parameters of GET
// /Notes, 204 when the record has none (or does not exist [unverified]).
func (s *Sim) handleRelatedNotes(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	if p, ok := s.relatedParent(w, r, m); ok {
		s.list(w, r, s.modules[ModuleNotes], p)
	}
}

// handleCreateRelatedNotes serves POST /crm/v8/{module}/{id}/Notes: Create Notes with
// the path's record as every note's Parent_Id.
func (s *Sim) handleCreateRelatedNotes(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	if p, ok := s.relatedParent(w, r, m); ok {
		s.insert(w, r, s.modules[ModuleNotes], p)
	}
}

// handleDeleteOne serves DELETE /crm/v8/{module}/{id}.
func (s *Sim) handleDeleteOne(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	s.deleteIDs(w, m, []string{r.PathValue("id")})
}

// learnOptions adds a value written to an open picklist to its options: on
// Call_Purpose "when you specify a new value, the new value gets added to
// list of options" (Kaizen #38, Calls API). Called under s.mu.
func learnOptions(m *moduleDef, r *record) {
	for _, fd := range m.fields {
		v, ok := r.values[fd.apiName].(string)
		if fd.open && ok && v != "" && !slices.Contains(fd.picklist, v) {
			fd.picklist = append(slices.Clone(fd.picklist), v)
		}
	}
}
