package hubspot

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Association type ids of the HubSpot-defined kinds to a company
// (associations API, "association type ID values").
const (
	typeContactCompanyPrimary = 1   // the primary company; HubSpot shows it as associatedcompanyid
	typeContactCompany        = 279 // unlabeled, what the default endpoints create
	typeDealCompanyPrimary    = 5   // "Deal with Primary Company"
	typeDealCompany           = 341 // unlabeled
)

// companyKinds are the primary and unlabeled association types from an
// object to companies, and the property HubSpot shows the primary in
// ("" for deals: a deal's primary company is read through the
// associations API only).
var companyKinds = map[string]struct {
	primary, unlabeled int
	prop               string
}{
	"contacts": {typeContactCompanyPrimary, typeContactCompany, "associatedcompanyid"},
	"deals":    {typeDealCompanyPrimary, typeDealCompany, ""},
}

// plainKinds are the unlabeled HubSpot-defined types between objects that
// have no primary (association type ID values): an activity and its
// contact.
var plainKinds = map[[2]string]int{
	{"tasks", "contacts"}: 204, {"contacts", "tasks"}: 203,
	{"notes", "contacts"}: 202, {"contacts", "notes"}: 201,
	{"meetings", "contacts"}: 200, {"contacts", "meetings"}: 199,
	{"calls", "contacts"}: 194, {"contacts", "calls"}: 193,
}

// primaryLabel is how association reads label a primary company.
func primaryLabel(object string) string {
	if object == "deals" {
		return "Deal with Primary Company"
	}
	return "Contact with Primary Company"
}

// recordEnd names one record, for the primary company index.
type recordEnd struct {
	object string
	id     int64
}

// assocKey is one directed association between two records.
type assocKey struct {
	from, to     string // object names
	fromID, toID int64
}

// associations holds each pair's association type ids.
type associations map[assocKey]map[int]bool

// objectTypeIDs are HubSpot's object type ids, as association responses
// name objects.
var objectTypeIDs = map[string]string{"contacts": "0-1", "companies": "0-2", "deals": "0-3", "notes": "0-46", "tasks": "0-27", "meetings": "0-47", "calls": "0-48"}

// associateLocked records one association of type typeID. A record has
// one primary company: a new one demotes the previous primary to
// unlabeled. A contact's primary company is its associatedcompanyid
// (read-only, kept by HubSpot), so setting it modifies the contact. A
// deal's primary company is no property, and changing it leaves the deal's
// hs_lastmodifieddate alone [unverified: HubSpot documents no property
// change for an association; the connector's README section says what
// that costs].
func (s *Sim) associateLocked(from, to string, fr, tr *record, typeID int) {
	types := s.assocTypes(assocKey{from: from, to: to, fromID: fr.id, toID: tr.id})
	kinds, ok := companyKinds[from]
	if !ok || to != "companies" || typeID != kinds.primary {
		types[typeID] = true
		return
	}
	end := recordEnd{from, fr.id}
	if old, ok := s.primaries[end]; ok && old != tr.id {
		prev := s.assocTypes(assocKey{from: from, to: to, fromID: fr.id, toID: old})
		delete(prev, kinds.primary)
		prev[kinds.unlabeled] = true
	}
	s.primaries[end] = tr.id
	types[kinds.primary], types[kinds.unlabeled] = true, true
	if kinds.prop != "" {
		st := s.stores[from]
		i, _ := st.schema.prop(kinds.prop)
		st.set(fr, map[int]string{i: strconv.FormatInt(tr.id, 10)}, s.nowMs())
	}
}

// assocTypes returns the types of association k, creating it empty and
// indexing it under its record when new. Caller holds s.mu.
func (s *Sim) assocTypes(k assocKey) map[int]bool {
	types := s.assocs[k]
	if types == nil {
		types = map[int]bool{}
		s.assocs[k] = types
		end := recordEnd{k.from, k.fromID}
		s.assocFrom[end] = append(s.assocFrom[end], k)
	}
	return types
}

// unlabeledType is the type the default association endpoint creates from
// object to toObject.
func unlabeledType(object, toObject string) int {
	if k, ok := companyKinds[object]; ok && toObject == "companies" {
		return k.unlabeled
	}
	if t, ok := plainKinds[[2]string{object, toObject}]; ok {
		return t
	}
	return typeContactCompany
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
	typeID := unlabeledType(from, to)
	s.associateLocked(from, to, fr, tr, typeID)
	s.mu.Unlock()
	now := nowISO(s.now())
	writeJSON(w, http.StatusOK, map[string]any{"status": "COMPLETE", "startedAt": now, "completedAt": now,
		"results": []map[string]any{{"from": map[string]string{"id": r.PathValue("id")}, "to": map[string]string{"id": r.PathValue("toId")},
			"associationSpec": map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": typeID}}}})
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
	if !knownPair(w, from, to) {
		return
	}
	var in struct {
		Inputs []associationInput `json:"inputs"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if !batchWithin(w, len(in.Inputs), maxBatchInputs) {
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
		if k, ok := companyKinds[from]; ok && s.assocs[assocKey{from, to, fr.id, tr.id}][k.primary] {
			labels = append(labels, primaryLabel(from))
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
	for _, k := range s.assocFrom[recordEnd{object, n}] {
		if k.to == toObject && len(s.assocs[k]) > 0 {
			ids = append(ids, strconv.FormatInt(k.toID, 10))
		}
	}
	slices.Sort(ids)
	if toObject == "companies" {
		if p, ok := s.primaries[recordEnd{object, n}]; ok {
			primary = strconv.FormatInt(p, 10)
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
	if k, ok := companyKinds[object]; ok && (typeID == k.primary || typeID == k.unlabeled) {
		return "companies"
	}
	for pair, t := range plainKinds {
		if pair[0] == object && t == typeID {
			return pair[1]
		}
	}
	return ""
}

// handleAssociationBatchArchive serves POST /crm/associations/2026-03/
// {object}/{toObject}/batch/archive: every association between each input's
// record and the records it names is removed (PublicAssociationMultiArchive);
// 200 with a BatchResponse. Removing a primary company leaves none.
func (s *Sim) handleAssociationBatchArchive(w http.ResponseWriter, r *http.Request) {
	started := s.now()
	from, to := r.PathValue("object"), r.PathValue("toObject")
	if !knownPair(w, from, to) {
		return
	}
	var in struct {
		Inputs []struct {
			From struct{ ID string }   `json:"from"`
			To   []struct{ ID string } `json:"to"`
		} `json:"inputs"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if !batchWithin(w, len(in.Inputs), maxBatchInputs) {
		return
	}
	s.mu.Lock()
	for _, inp := range in.Inputs {
		fromID, err := strconv.ParseInt(inp.From.ID, 10, 64)
		if err != nil {
			continue
		}
		for _, t := range inp.To {
			toID, err := strconv.ParseInt(t.ID, 10, 64)
			if err != nil {
				continue
			}
			k := assocKey{from: from, to: to, fromID: fromID, toID: toID}
			if len(s.assocs[k]) > 0 {
				s.assocs[k] = map[int]bool{}
			}
			if s.primaries[recordEnd{from, fromID}] == toID && to == "companies" {
				delete(s.primaries, recordEnd{from, fromID})
				if kinds := companyKinds[from]; kinds.prop != "" {
					if fr := s.liveRecord(from, inp.From.ID); fr != nil {
						st := s.stores[from]
						i, _ := st.schema.prop(kinds.prop)
						st.set(fr, map[int]string{i: ""}, s.nowMs())
					}
				}
			}
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status": "COMPLETE", "results": []any{}, "startedAt": nowISO(started), "completedAt": nowISO(s.now())})
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

// maxAssociationReads is the most ids one association batch read takes
// (developer changelog, "Batch Read Limit for HubSpot Associations API",
// in force since 2025-02-10).
const maxAssociationReads = 1000

// handleAssociationBatchRead serves POST /crm/associations/2026-03/
// {object}/{toObject}/batch/read: each input's associated records with
// their types (BatchResponsePublicAssociationMultiWithLabel). A record with
// none, or that does not exist, is a StandardError in a 207, as HubSpot
// reports "No company is associated with deal …" [unverified: the
// subCategory is as HubSpot's community threads quote it; the spec does
// not list it]. Paging within one record's associations is not simulated:
// this sandbox's records have a handful each.
func (s *Sim) handleAssociationBatchRead(w http.ResponseWriter, r *http.Request) {
	started := s.now()
	from, to := r.PathValue("object"), r.PathValue("toObject")
	if !knownPair(w, from, to) {
		return
	}
	var in struct {
		Inputs []struct {
			ID    string `json:"id"`
			After string `json:"after"`
		} `json:"inputs"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if !batchWithin(w, len(in.Inputs), maxAssociationReads) {
		return
	}
	type spec struct {
		Category string `json:"category"`
		TypeID   int    `json:"typeId"`
		Label    string `json:"label,omitempty"`
	}
	type target struct {
		ToObjectID       string `json:"toObjectId"`
		AssociationTypes []spec `json:"associationTypes"`
	}
	type result struct {
		From struct {
			ID string `json:"id"`
		} `json:"from"`
		To []target `json:"to"`
	}
	results := []result{}
	var errs []stdError
	s.mu.RLock()
	for _, inp := range in.Inputs {
		fr := s.liveRecord(from, inp.ID)
		var res result
		res.From.ID = inp.ID
		if fr != nil {
			for _, k := range s.assocFrom[recordEnd{from, fr.id}] {
				types := s.assocs[k]
				if k.to != to || len(types) == 0 || s.liveRecord(to, strconv.FormatInt(k.toID, 10)) == nil {
					continue
				}
				t := target{ToObjectID: strconv.FormatInt(k.toID, 10)}
				for _, id := range slices.Sorted(maps.Keys(types)) {
					sp := spec{Category: "HUBSPOT_DEFINED", TypeID: id}
					if kinds, ok := companyKinds[from]; ok && id == kinds.primary {
						sp.Label = primaryLabel(from)
					}
					t.AssociationTypes = append(t.AssociationTypes, sp)
				}
				res.To = append(res.To, t)
			}
		}
		if len(res.To) == 0 {
			errs = append(errs, stdError{Status: "error", Category: "OBJECT_NOT_FOUND", SubCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
				Message: fmt.Sprintf("No %s is associated with %s %s.", singular(to), singular(from), inp.ID),
				Context: map[string][]string{"fromObjectId": {inp.ID}}, Errors: []errDetail{}, Links: map[string]string{}})
			continue
		}
		slices.SortFunc(res.To, func(x, y target) int { return strings.Compare(x.ToObjectID, y.ToObjectID) })
		results = append(results, res)
	}
	s.mu.RUnlock()
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": nowISO(started), "completedAt": nowISO(s.now())}
	if len(errs) == 0 {
		writeJSON(w, http.StatusOK, body)
		return
	}
	body["errors"], body["numErrors"] = errs, len(errs)
	writeJSON(w, http.StatusMultiStatus, body)
}

// knownPair answers 400 unless both objects have a HubSpot object type.
func knownPair(w http.ResponseWriter, from, to string) bool {
	if objectTypeIDs[from] == "" || objectTypeIDs[to] == "" {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Unable to infer object type from: "+from+" or "+to, nil)
		return false
	}
	return true
}

// batchWithin answers 400 unless a batch holds 1 to most inputs.
func batchWithin(w http.ResponseWriter, n, most int) bool {
	if n == 0 || n > most {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("Too many inputs: %d. The maximum number of inputs per batch is %d.", n, most),
			[]errDetail{{Message: fmt.Sprintf("size must be between 1 and %d", most), Code: "TOO_MANY_INPUTS", In: "inputs"}})
		return false
	}
	return true
}

// moveAssociationsLocked gives record to of object every association of the
// records olds (merged into it), both those they start and those that end
// at them, and removes theirs. The first old record's primary company comes
// first: another's primary becomes unlabeled. Caller holds s.mu.
func (s *Sim) moveAssociationsLocked(object string, olds []int64, to int64) {
	toEnd := recordEnd{object, to}
	for _, old := range olds {
		end := recordEnd{object, old}
		primary, hasPrimary := s.primaries[end]
		for _, k := range s.assocFrom[end] {
			types := s.assocs[k]
			if len(types) == 0 {
				continue
			}
			moved := s.assocTypes(assocKey{from: object, to: k.to, fromID: to, toID: k.toID})
			kinds, isCompany := companyKinds[object]
			for t := range types {
				if isCompany && k.to == "companies" && t == kinds.primary && (!hasPrimary || primary != k.toID || s.primaries[toEnd] != 0) {
					t = kinds.unlabeled // one primary: the first record's
				}
				moved[t] = true
			}
			if isCompany && k.to == "companies" && hasPrimary && primary == k.toID && s.primaries[toEnd] == 0 {
				s.primaries[toEnd] = primary
			}
			s.assocs[k] = map[int]bool{}
		}
		delete(s.primaries, end)
	}
	// Associations other records start that end at an old record.
	for k, types := range s.assocs {
		if k.to != object || len(types) == 0 || !slices.Contains(olds, k.toID) {
			continue
		}
		moved := s.assocTypes(assocKey{from: k.from, to: object, fromID: k.fromID, toID: to})
		for t := range types {
			moved[t] = true
		}
		s.assocs[k] = map[int]bool{}
		if from := (recordEnd{k.from, k.fromID}); s.primaries[from] == k.toID && object == "companies" {
			s.primaries[from] = to
			// The property that shows it (a contact's associatedcompanyid)
			// changes with it, and so the contact is modified.
			if kinds := companyKinds[k.from]; kinds.prop != "" {
				if st, r := s.stores[k.from], s.stores[k.from].byID[k.fromID]; r != nil && !r.archived {
					i, _ := st.schema.prop(kinds.prop)
					st.set(r, map[int]string{i: strconv.FormatInt(to, 10)}, s.nowMs())
				}
			}
		}
	}
}
