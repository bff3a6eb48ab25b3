package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type fieldJSON struct {
	Name              string          `json:"name"`
	Label             string          `json:"label"`
	Type              string          `json:"type"`
	SoapType          string          `json:"soapType"`
	Length            int             `json:"length"`
	Nillable          bool            `json:"nillable"`
	Createable        bool            `json:"createable"`
	Updateable        bool            `json:"updateable"`
	Unique            bool            `json:"unique"`
	ExternalID        bool            `json:"externalId"`
	IDLookup          bool            `json:"idLookup"`
	Custom            bool            `json:"custom"`
	Calculated        bool            `json:"calculated"`
	DefaultedOnCreate bool            `json:"defaultedOnCreate"`
	DefaultValue      any             `json:"defaultValue"`
	RestrictedPick    bool            `json:"restrictedPicklist"`
	PicklistValues    []PicklistValue `json:"picklistValues"`
	ControllerName    *string         `json:"controllerName"`
	DependentPick     bool            `json:"dependentPicklist"`
	ReferenceTo       []string        `json:"referenceTo"`
	Filterable        bool            `json:"filterable"`
	Sortable          bool            `json:"sortable"`
	Precision         int             `json:"precision"`
	Scale             int             `json:"scale"`
}

func soapType(t string) string {
	switch t {
	case "double", "currency", "percent":
		return "xsd:double"
	case "int":
		return "xsd:int"
	case "boolean":
		return "xsd:boolean"
	case "date":
		return "xsd:date"
	case "datetime":
		return "xsd:dateTime"
	case "id", "reference":
		return "tns:ID"
	}
	return "xsd:string"
}

func (s *Sim) handleDescribe(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	o := st.obj
	fields := make([]fieldJSON, 0, len(o.Fields))
	for _, f := range o.Fields {
		if f.hidden {
			continue
		}
		pl := f.Picklist
		if pl == nil {
			pl = []PicklistValue{}
		}
		rt := f.ReferenceTo
		if rt == nil {
			rt = []string{}
		}
		var def any
		if f.Default != "" {
			def = f.Default
			if f.Type == "boolean" {
				def = f.Default == "true"
			}
		}
		var controller *string
		if f.Controller != "" {
			controller = &f.Controller
		}
		fields = append(fields, fieldJSON{ControllerName: controller, DependentPick: controller != nil, Name: f.Name, Label: f.Label, Type: f.Type, SoapType: soapType(f.Type), Length: f.Length,
			Nillable: f.Nillable, Createable: f.Createable, Updateable: f.Updateable, Unique: f.Unique, ExternalID: f.ExternalID,
			IDLookup: f.Name == "Id" || f.ExternalID || f.Type == "email", Custom: strings.HasSuffix(f.Name, "__c"), Calculated: f.Calculated,
			DefaultedOnCreate: f.DefaultedOnCreate, DefaultValue: def, RestrictedPick: f.Restricted, PicklistValues: pl,
			ReferenceTo: rt, Filterable: f.Type != "textarea", Sortable: f.Type != "textarea", Precision: f.Precision, Scale: f.Scale})
	}
	writeJSON(w, http.StatusOK, objectEntry(o, r.PathValue("version"), kv{"fields", fields}))
}

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 32<<20))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		writeErrors(w, http.StatusBadRequest, sfError{Message: "Unexpected character: " + err.Error(), ErrorCode: "JSON_PARSER_ERROR"})
		return false
	}
	return true
}

type saveResult struct {
	ID      *string    `json:"id"`
	Success bool       `json:"success"`
	Errors  []recError `json:"errors"`
	Created *bool      `json:"created,omitempty"`
}

func (s *Sim) handleCreate(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	var body map[string]any
	if !decodeJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	rec, errs := s.createLocked(st, body)
	s.mu.Unlock()
	if errs != nil {
		writeErrors(w, http.StatusBadRequest, toSFErrors(errs)...)
		return
	}
	writeJSON(w, http.StatusCreated, saveResult{ID: &rec.id, Success: true, Errors: []recError{}})
}

// fieldList resolves a comma-separated field list; nil means all fields.
func fieldList(o *Object, list string) ([]int, string) {
	if strings.TrimSpace(list) == "" {
		return nil, ""
	}
	var out []int
	for _, name := range strings.Split(list, ",") {
		idx, ok := o.visible(strings.TrimSpace(name))
		if !ok {
			return nil, strings.TrimSpace(name)
		}
		out = append(out, idx)
	}
	return out, ""
}

func (s *Sim) handleGet(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	fields, bad := fieldList(st.obj, r.URL.Query().Get("fields"))
	if bad != "" {
		writeErrors(w, http.StatusBadRequest, sfError{Message: fmt.Sprintf("No such column '%s' on entity '%s'", bad, st.obj.Name), ErrorCode: "INVALID_FIELD"})
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := st.get(r.PathValue("id"))
	if rec == nil || rec.deleted {
		writeErrors(w, http.StatusNotFound, sfError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"})
		return
	}
	writeJSON(w, http.StatusOK, s.render(st, rec, r.PathValue("version"), fields))
}

func (s *Sim) handleUpdate(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	var body map[string]any
	if !decodeJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := st.get(r.PathValue("id"))
	if rec == nil {
		writeErrors(w, http.StatusNotFound, sfError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"})
		return
	}
	if rec.deleted {
		writeErrors(w, http.StatusNotFound, sfError{Message: "entity is deleted", ErrorCode: "ENTITY_IS_DELETED", Fields: []string{}})
		return
	}
	if errs := s.updateLocked(st, rec, body, nil); errs != nil {
		writeErrors(w, http.StatusBadRequest, toSFErrors(errs)...)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sim) handleDelete(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := st.get(r.PathValue("id"))
	switch {
	case rec == nil:
		writeErrors(w, http.StatusNotFound, sfError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"})
	case rec.deleted:
		writeErrors(w, http.StatusNotFound, sfError{Message: "entity is deleted", ErrorCode: "ENTITY_IS_DELETED", Fields: []string{}})
	case st.obj.readOnly:
		writeErrors(w, http.StatusBadRequest, toSFErrors([]recError{readOnlyError()})...)
	default:
		s.deleteLocked(st, rec, "", nil)
		w.WriteHeader(http.StatusNoContent)
	}
}

// extField resolves an external-id field name for upserts.
func extField(st *objectStore, name string) (int, bool) {
	idx, ok := st.obj.visible(name)
	return idx, ok && st.obj.Fields[idx].ExternalID
}

// multipleMatches is upsert's refusal when a non-unique External ID value
// matches several records (SOAP API guide, StatusCode DUPLICATE_EXTERNAL_ID).
func multipleMatches(name, value string) recError {
	return recError{StatusCode: "DUPLICATE_EXTERNAL_ID", Fields: []string{name},
		Message: fmt.Sprintf("%s: more than one record found for external id field: %s", name, value)}
}

// upsertLocked creates or updates by an external id value; the bool reports
// creation. A value matching several records changes nothing.
func (s *Sim) upsertLocked(st *objectStore, idx int, value string, body map[string]any, u *undo) (*record, bool, []recError) {
	name := st.obj.Fields[idx].Name
	switch found := st.findExternal(idx, value); len(found) {
	case 0:
	case 1:
		return found[0], false, s.updateLocked(st, found[0], body, u, name)
	default:
		return nil, false, []recError{multipleMatches(name, value)}
	}
	withKey := make(map[string]any, len(body)+1)
	for k, v := range body {
		if !strings.EqualFold(k, name) {
			withKey[k] = v
		}
	}
	withKey[name] = value
	rec, errs := s.createLocked(st, withKey)
	return rec, true, errs
}

// handleUpsert serves PATCH sobjects/{object}/{field}/{value}: 201 created, 200 updated.
func (s *Sim) handleUpsert(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	idx, ok := extField(st, r.PathValue("field"))
	if !ok {
		writeErrors(w, http.StatusNotFound, sfError{Message: fmt.Sprintf("Provided external ID field does not exist or is not accessible: %s", r.PathValue("field")), ErrorCode: "NOT_FOUND"})
		return
	}
	var body map[string]any
	if !decodeJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	// Several matches: 300 with the matching records' URLs (REST API
	// guide, "Upsert Records Using sObject Rows by External ID").
	if found := st.findExternal(idx, r.PathValue("value")); len(found) > 1 {
		urls := make([]string, len(found))
		for i, f := range found {
			urls[i] = fmt.Sprintf("/services/data/%s/sobjects/%s/%s", r.PathValue("version"), st.obj.Name, f.id)
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusMultipleChoices, urls)
		return
	}
	rec, created, errs := s.upsertLocked(st, idx, r.PathValue("value"), body, nil)
	s.mu.Unlock()
	if errs != nil {
		writeErrors(w, http.StatusBadRequest, toSFErrors(errs)...)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, saveResult{ID: &rec.id, Success: true, Errors: []recError{}, Created: &created})
}
