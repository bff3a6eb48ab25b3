package hubspot

import (
	"fmt"
	"net/http"
	"strconv"
)

// Association type ids of the HubSpot-defined contact → company kinds
// (associations API, "association type ID values").
const (
	typeContactCompanyPrimary = 1   // the primary company; HubSpot shows it as associatedcompanyid
	typeContactCompany        = 279 // unlabeled, what the default endpoints create
)

// assocKey is one directed association between two records.
type assocKey struct {
	from, to     string // object names
	fromID, toID int64
}

// associations holds each pair's association type ids.
type associations map[assocKey]map[int]bool

// objectTypeIDs are HubSpot's object type ids, as association responses
// name objects.
var objectTypeIDs = map[string]string{"contacts": "0-1", "companies": "0-2", "deals": "0-3", "notes": "0-46", "tasks": "0-27"}

// associateLocked records one association of type typeID. A primary
// company becomes the contact's associatedcompanyid (read-only, kept by
// HubSpot) and modifies the contact; the previous primary stays associated,
// unlabeled.
func (s *Sim) associateLocked(from, to string, fr, tr *record, typeID int) {
	k := assocKey{from: from, to: to, fromID: fr.id, toID: tr.id}
	if s.assocs[k] == nil {
		s.assocs[k] = map[int]bool{}
	}
	if typeID != typeContactCompanyPrimary || from != "contacts" || to != "companies" {
		s.assocs[k][typeID] = true
		return
	}
	st := s.stores[from]
	i, _ := st.schema.prop("associatedcompanyid")
	if old, err := strconv.ParseInt(fr.vals[i], 10, 64); err == nil && old != tr.id {
		prev := assocKey{from: from, to: to, fromID: fr.id, toID: old}
		delete(s.assocs[prev], typeContactCompanyPrimary)
		if s.assocs[prev] == nil {
			s.assocs[prev] = map[int]bool{}
		}
		s.assocs[prev][typeContactCompany] = true
	}
	s.assocs[k][typeContactCompanyPrimary], s.assocs[k][typeContactCompany] = true, true
	st.set(fr, map[int]string{i: strconv.FormatInt(tr.id, 10)}, s.nowMs())
}

// liveRecord is the unarchived record id of object, or nil.
func (s *Sim) liveRecord(object, id string) *record {
	st, ok := s.stores[object]
	if !ok {
		return nil
	}
	if r := st.get(id); r != nil && !r.archived {
		return r
	}
	return nil
}

// handleAssociateDefault serves PUT /crm/objects/2026-03/{object}/{id}/
// associations/default/{toObject}/{toId}: the unlabeled association.
func (s *Sim) handleAssociateDefault(w http.ResponseWriter, r *http.Request) {
	from, to := r.PathValue("object"), r.PathValue("toObject")
	s.mu.Lock()
	fr, tr := s.liveRecord(from, r.PathValue("id")), s.liveRecord(to, r.PathValue("toId"))
	if fr == nil || tr == nil || objectTypeIDs[from] == "" || objectTypeIDs[to] == "" {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("No %s with id %s, or no %s with id %s", from, r.PathValue("id"), to, r.PathValue("toId")), nil)
		return
	}
	s.associateLocked(from, to, fr, tr, typeContactCompany)
	s.mu.Unlock()
	now := nowISO(s.now())
	writeJSON(w, http.StatusOK, map[string]any{"status": "COMPLETE", "startedAt": now, "completedAt": now,
		"results": []map[string]any{{"from": map[string]string{"id": r.PathValue("id")}, "to": map[string]string{"id": r.PathValue("toId")},
			"associationSpec": map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": typeContactCompany}}}})
}

// associationInput is PublicAssociationMultiPost: a createAssociation with
// the record it starts from.
type associationInput struct {
	From struct{ ID string } `json:"from"`
	createAssociation
}

// handleAssociationBatchCreate serves POST /crm/associations/2026-03/
// {object}/{toObject}/batch/create: 201 with LabelsBetweenObjectPair
// results, or 207 with a StandardError per failed input.
func (s *Sim) handleAssociationBatchCreate(w http.ResponseWriter, r *http.Request) {
	started := s.now()
	from, to := r.PathValue("object"), r.PathValue("toObject")
	if objectTypeIDs[from] == "" || objectTypeIDs[to] == "" {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Unable to infer object type from: "+from+" or "+to, nil)
		return
	}
	var in struct {
		Inputs []associationInput `json:"inputs"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if len(in.Inputs) == 0 || len(in.Inputs) > maxBatchInputs {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("Too many inputs: %d. The maximum number of inputs per batch is %d.", len(in.Inputs), maxBatchInputs),
			[]errDetail{{Message: fmt.Sprintf("size must be between 1 and %d", maxBatchInputs), Code: "TOO_MANY_INPUTS", In: "inputs"}})
		return
	}
	results := []map[string]any{}
	var errs []stdError
	s.mu.Lock()
	for _, inp := range in.Inputs {
		fr, tr := s.liveRecord(from, inp.From.ID), s.liveRecord(to, inp.To.ID)
		if fr == nil || tr == nil {
			errs = append(errs, stdError{Status: "error", Category: "OBJECT_NOT_FOUND", Message: fmt.Sprintf("No %s with id %s, or no %s with id %s", from, inp.From.ID, to, inp.To.ID),
				Context: map[string][]string{"fromObjectId": {inp.From.ID}, "toObjectId": {inp.To.ID}}, Errors: []errDetail{}, Links: map[string]string{}})
			continue
		}
		bad := len(inp.Types) == 0
		for _, t := range inp.Types {
			bad = bad || t.Category != "HUBSPOT_DEFINED" || typeTarget(from, t.TypeID) != to
		}
		if bad {
			errs = append(errs, stdError{Status: "error", Category: "VALIDATION_ERROR", Message: fmt.Sprintf("invalid association types for %s to %s", from, to),
				Context: map[string][]string{"fromObjectId": {inp.From.ID}}, Errors: []errDetail{}, Links: map[string]string{}})
			continue
		}
		for _, t := range inp.Types {
			s.associateLocked(from, to, fr, tr, t.TypeID)
		}
		labels := []string{}
		if s.assocs[assocKey{from, to, fr.id, tr.id}][typeContactCompanyPrimary] {
			labels = append(labels, "Primary")
		}
		results = append(results, map[string]any{"fromObjectTypeId": objectTypeIDs[from], "fromObjectId": inp.From.ID,
			"toObjectTypeId": objectTypeIDs[to], "toObjectId": inp.To.ID, "labels": labels})
	}
	s.mu.Unlock()
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": nowISO(started), "completedAt": nowISO(s.now())}
	if len(errs) == 0 {
		writeJSON(w, http.StatusCreated, body)
		return
	}
	body["errors"], body["numErrors"] = errs, len(errs)
	writeJSON(w, http.StatusMultiStatus, body)
}

// Associated lists the ids object id is associated with in toObject, and
// which of them is the primary (the Go API the tests use).
func (s *Sim) Associated(object, id, toObject string) (ids []string, primary string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, ""
	}
	for k, types := range s.assocs {
		if k.from == object && k.to == toObject && k.fromID == n && len(types) > 0 {
			ids = append(ids, strconv.FormatInt(k.toID, 10))
			if types[typeContactCompanyPrimary] {
				primary = strconv.FormatInt(k.toID, 10)
			}
		}
	}
	return ids, primary
}

// createAssociation is PublicAssociationsForObject: an association made
// with the record it belongs to, on create.
type createAssociation struct {
	To    struct{ ID string } `json:"to"`
	Types []struct {
		Category string `json:"associationCategory"`
		TypeID   int    `json:"associationTypeId"`
	} `json:"types"`
}

// typeTarget is the object a known type id associates a record of object
// with, or "" for a type id this sandbox does not know.
func typeTarget(object string, typeID int) string {
	if object == "contacts" && (typeID == typeContactCompanyPrimary || typeID == typeContactCompany) {
		return "companies"
	}
	return ""
}

// createWithAssociations creates a record and the associations given with
// it, or neither: an association to a missing record or of an unknown type
// fails the create. Caller holds s.mu.
func (s *Sim) createWithAssociations(st *objectStore, props map[string]any, as []createAssociation) (*record, *opError) {
	object := st.schema.Object
	type target struct {
		to     string
		rec    *record
		typeID int
	}
	var targets []target
	for _, a := range as {
		for _, t := range a.Types {
			to := typeTarget(object, t.TypeID)
			if t.Category != "HUBSPOT_DEFINED" || to == "" {
				return nil, &opError{status: http.StatusBadRequest, category: "VALIDATION_ERROR",
					message: fmt.Sprintf("%s is not a valid association type for %s (category %s)", strconv.Itoa(t.TypeID), object, t.Category)}
			}
			tr := s.liveRecord(to, a.To.ID)
			if tr == nil {
				return nil, &opError{status: http.StatusBadRequest, category: "VALIDATION_ERROR",
					message: fmt.Sprintf("Association to %s %s is invalid: the record does not exist", singular(to), a.To.ID),
					context: map[string][]string{"toObjectId": {a.To.ID}}}
			}
			targets = append(targets, target{to, tr, t.TypeID})
		}
	}
	rec, e := s.createLocked(st, props)
	if e != nil {
		return nil, e
	}
	for _, t := range targets {
		s.associateLocked(object, t.to, rec, t.rec, t.typeID)
	}
	return rec, nil
}
