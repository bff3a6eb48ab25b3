package salesforce

import (
	"fmt"
	"net/http"
	"strings"
)

const maxCollection = 200

type collectionBody struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
	allowSave bool             // Sforce-Duplicate-Rule-Header's
}

var rolledBack = recError{StatusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", Fields: []string{},
	Message: "Record rolled back because not all records were valid and the request was using AllOrNone header"}

// readCollection decodes and checks the 200-record cap and the attributes.type of every record.
func (s *Sim) readCollection(w http.ResponseWriter, r *http.Request) (*collectionBody, bool) {
	var body collectionBody
	if !decodeJSON(w, r, &body) {
		return nil, false
	}
	if len(body.Records) > maxCollection {
		writeErrors(w, http.StatusBadRequest, sfError{Message: fmt.Sprintf("Number of records in the collection exceeds the limit of %d: %d", maxCollection, len(body.Records)), ErrorCode: "EXCEEDED_ID_LIMIT", Fields: []string{}})
		return nil, false
	}
	body.allowSave = allowSaveHeader(r)
	return &body, true
}

// fieldOf is rec's value of the field name, whatever its case: Salesforce
// reads a record's field names case-insensitively (the REST API guide's
// own Collections update example names the id "id").
func fieldOf(rec map[string]any, name string) (any, bool) {
	for k, v := range rec {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func recordType(rec map[string]any) string {
	if a, ok := rec["attributes"].(map[string]any); ok {
		if t, ok := a["type"].(string); ok {
			return t
		}
	}
	return ""
}

// runCollection applies op to each record in order, honouring allOrNone with rollback.
// op returns the record id (or ""), created flag and errors.
func (s *Sim) runCollection(w http.ResponseWriter, body *collectionBody, withCreated bool,
	op func(i int, rec map[string]any, undos map[*objectStore]*undo) (string, bool, []recError)) {
	results := make([]saveResult, len(body.Records))
	undos := map[*objectStore]*undo{}
	failed := false
	met := map[string]bool{}
	s.mu.Lock()
	for i, rec := range body.Records {
		var id string
		var created bool
		var errs []recError
		if l := s.lockedRow(rec); l != "" {
			met[l] = true
			errs = []recError{lockError(l)}
		} else {
			id, created, errs = op(i, rec, undos)
		}
		if errs != nil {
			failed = true
			results[i] = saveResult{Success: false, Errors: errs}
			if body.AllOrNone {
				for j := i + 1; j < len(body.Records); j++ {
					results[j] = saveResult{Success: false, Errors: []recError{rolledBack}}
				}
				break
			}
			continue
		}
		idCopy := id
		results[i] = saveResult{ID: &idCopy, Success: true, Errors: []recError{}}
		if withCreated {
			c := created
			results[i].Created = &c
		}
	}
	if failed && body.AllOrNone {
		for _, u := range undos {
			u.rollback()
		}
		for i := range results {
			if results[i].Success {
				results[i] = saveResult{Success: false, Errors: []recError{rolledBack}}
			}
		}
	}
	s.releaseLocks(met)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, results)
}

func (s *Sim) undoFor(undos map[*objectStore]*undo, st *objectStore) *undo {
	if u, ok := undos[st]; ok {
		return u
	}
	u := st.begin()
	undos[st] = u
	return u
}

func (s *Sim) typeOf(rec map[string]any) (*objectStore, []recError) {
	t := recordType(rec)
	if t == "" {
		return nil, []recError{{StatusCode: "INVALID_TYPE", Message: "Must specify a type in the attributes map of each record", Fields: []string{}}}
	}
	st, ok := s.stores[strings.ToLower(t)]
	if !ok {
		return nil, []recError{{StatusCode: "INVALID_TYPE", Message: fmt.Sprintf("sObject type '%s' is not supported.", t), Fields: []string{}}}
	}
	return st, nil
}

// handleCollectionCreate serves POST composite/sobjects.
func (s *Sim) handleCollectionCreate(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readCollection(w, r)
	if !ok {
		return
	}
	s.runCollection(w, body, false, func(_ int, rec map[string]any, undos map[*objectStore]*undo) (string, bool, []recError) {
		st, errs := s.typeOf(rec)
		if errs != nil {
			return "", false, errs
		}
		if _, has := fieldOf(rec, "Id"); has {
			return "", false, []recError{{StatusCode: "INVALID_FIELD", Message: "cannot specify Id in an insert call", Fields: []string{"Id"}}}
		}
		s.undoFor(undos, st)
		var created *record
		if s.isPersonCreate(st, rec) {
			s.undoFor(undos, s.stores["contact"])
			created, errs = s.createPersonLocked(rec)
		} else if e := s.duplicateRuleError(st, nil, rec, body.allowSave); e != nil {
			return "", false, []recError{*e}
		} else {
			created, errs = s.createLocked(st, rec)
		}
		if errs != nil {
			return "", false, errs
		}
		return created.id, true, nil
	})
}

// handleCollectionUpdate serves PATCH composite/sobjects (records carry Id).
func (s *Sim) handleCollectionUpdate(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readCollection(w, r)
	if !ok {
		return
	}
	s.runCollection(w, body, false, func(_ int, rec map[string]any, undos map[*objectStore]*undo) (string, bool, []recError) {
		st, errs := s.typeOf(rec)
		if errs != nil {
			return "", false, errs
		}
		raw, _ := fieldOf(rec, "Id")
		id, _ := raw.(string)
		if id == "" {
			return "", false, []recError{{StatusCode: "MISSING_ARGUMENT", Message: "Id not specified in an update call", Fields: []string{}}}
		}
		target := st.get(id)
		if target == nil {
			return "", false, []recError{s.unheldID(id, st)}
		}
		if target.deleted {
			return "", false, []recError{{StatusCode: "ENTITY_IS_DELETED", Message: "entity is deleted", Fields: []string{}}}
		}
		if e := s.duplicateRuleError(st, target, rec, body.allowSave, "Id"); e != nil {
			return "", false, []recError{*e}
		}
		if errs := s.updateLocked(st, target, rec, s.undoFor(undos, st), "Id"); errs != nil {
			return "", false, errs
		}
		return target.id, false, nil
	})
}

// handleCollectionUpsert serves PATCH composite/sobjects/{object}/{field}; results carry created.
func (s *Sim) handleCollectionUpsert(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	idx, ok := extField(st, r.PathValue("field"))
	if !ok {
		writeErrors(w, http.StatusBadRequest, sfError{Message: fmt.Sprintf("Field name provided, %s is not an External ID or indexed field for %s", r.PathValue("field"), st.obj.Name), ErrorCode: "INVALID_FIELD"})
		return
	}
	body, ok := s.readCollection(w, r)
	if !ok {
		return
	}
	for _, rec := range body.Records {
		if t := recordType(rec); !strings.EqualFold(t, st.obj.Name) {
			writeErrors(w, http.StatusBadRequest, sfError{Message: "The list can contain objects only of the type indicated in the request URI", ErrorCode: "INVALID_TYPE"})
			return
		}
	}
	name := st.obj.Fields[idx].Name
	s.runCollection(w, body, true, func(_ int, rec map[string]any, undos map[*objectStore]*undo) (string, bool, []recError) {
		raw, _ := fieldOf(rec, name)
		key, _ := raw.(string)
		if key == "" {
			return "", false, []recError{{StatusCode: "MISSING_ARGUMENT", Message: name + " not specified", Fields: []string{}}}
		}
		found := st.findExternal(idx, key)
		if len(found) > 1 {
			return "", false, []recError{multipleMatches(name, key)}
		}
		var match *record
		if len(found) == 1 {
			match = found[0]
		}
		if e := s.duplicateRuleError(st, match, rec, body.allowSave, name); e != nil {
			return "", false, []recError{*e}
		}
		target, created, errs := s.upsertLocked(st, idx, key, rec, s.undoFor(undos, st))
		if errs != nil {
			return "", false, errs
		}
		return target.id, created, nil
	})
}

// handleCollectionDelete serves DELETE composite/sobjects?ids=a,b&allOrNone=.
func (s *Sim) handleCollectionDelete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ids := strings.Split(q.Get("ids"), ",")
	if q.Get("ids") == "" {
		writeErrors(w, http.StatusBadRequest, sfError{Message: "ids parameter is required", ErrorCode: "MISSING_ARGUMENT"})
		return
	}
	if len(ids) > maxCollection {
		writeErrors(w, http.StatusBadRequest, sfError{Message: fmt.Sprintf("Number of ids exceeds the limit of %d", maxCollection), ErrorCode: "EXCEEDED_ID_LIMIT"})
		return
	}
	body := &collectionBody{AllOrNone: q.Get("allOrNone") == "true", Records: make([]map[string]any, len(ids))}
	for i, id := range ids {
		body.Records[i] = map[string]any{"Id": strings.TrimSpace(id)} // for LockRow
	}
	s.runCollection(w, body, false, func(i int, _ map[string]any, undos map[*objectStore]*undo) (string, bool, []recError) {
		id := strings.TrimSpace(ids[i])
		for _, st := range s.stores {
			rec := st.get(id)
			if rec == nil {
				continue
			}
			if rec.deleted {
				return "", false, []recError{{StatusCode: "ENTITY_IS_DELETED", Message: "entity is deleted", Fields: []string{}}}
			}
			if st.obj.readOnly {
				return "", false, []recError{readOnlyError()}
			}
			if s.approvalLocked(rec.id) {
				return "", false, []recError{entityLockedError()}
			}
			s.deleteLocked(st, rec, "", func(st *objectStore, r *record) { s.undoFor(undos, st).touch(r) })
			return rec.id, false, nil
		}
		return "", false, []recError{s.unheldID(id, nil)}
	})
}

// unheldID answers a write to an id that names no record here, live or in
// the Recycle Bin (those are ENTITY_IS_DELETED). A well-formed id of one
// of the org's objects (its record purged from the Recycle Bin, or never
// made in this org) is INVALID_CROSS_REFERENCE_KEY: Salesforce's Mobile
// SDK reads that answer of a Collections write, beside ENTITY_IS_DELETED,
// as "does not exist on server" (forcedotcom/SalesforceMobileSDK-Android,
// CompositeRequestHelper.RecordResponse.fromCollectionSubResponse); it
// names no field [unverified]. Anything else is MALFORMED_ID, as for an id
// of another object than the update's ("Contact ID: id value of
// incorrect type"). want is the update's object, nil for a delete (any).
// Callers hold s.mu.
func (s *Sim) unheldID(id string, want *objectStore) recError {
	if k := normID(id); k != "" {
		for _, st := range s.stores {
			if (want == nil || st == want) && strings.HasPrefix(k, st.obj.Prefix) {
				return recError{StatusCode: "INVALID_CROSS_REFERENCE_KEY", Message: "invalid cross reference id", Fields: []string{}}
			}
		}
	}
	return recError{StatusCode: "MALFORMED_ID", Message: "malformed id " + id, Fields: []string{"Id"}}
}

// handleCollectionRead serves GET composite/sobjects/{object}?ids=&fields= (null for missing ids).
func (s *Sim) handleCollectionRead(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r.PathValue("object"))
	if st == nil {
		return
	}
	q := r.URL.Query()
	if q.Get("ids") == "" || q.Get("fields") == "" {
		writeErrors(w, http.StatusBadRequest, sfError{Message: "ids and fields parameters are required", ErrorCode: "MISSING_ARGUMENT"})
		return
	}
	ids := strings.Split(q.Get("ids"), ",")
	if len(ids) > 2000 {
		writeErrors(w, http.StatusBadRequest, sfError{Message: "Number of ids exceeds the limit of 2000", ErrorCode: "EXCEEDED_ID_LIMIT"})
		return
	}
	fields, bad := fieldList(st.obj, q.Get("fields"))
	if bad != "" {
		writeErrors(w, http.StatusBadRequest, sfError{Message: fmt.Sprintf("No such column '%s' on entity '%s'", bad, st.obj.Name), ErrorCode: "INVALID_FIELD"})
		return
	}
	s.mu.RLock()
	out := make([]any, len(ids))
	for i, id := range ids {
		if rec := st.get(strings.TrimSpace(id)); rec != nil && !rec.deleted {
			out[i] = s.render(st, rec, r.PathValue("version"), fields)
		}
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}
