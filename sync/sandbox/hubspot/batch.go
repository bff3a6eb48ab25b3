package hubspot

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

const maxBatchInputs = 100

type batchRequest struct {
	Inputs     []writeInput `json:"inputs"`
	Properties []string     `json:"properties"`
	IDProperty string       `json:"idProperty"`
	// PropertiesWithHistory is read by batch/read only, to refuse a body
	// without it (missingReadFields).
	PropertiesWithHistory []string `json:"propertiesWithHistory"`
}

// batchResponse is BatchResponseSimplePublicObject(WithErrors).
type batchResponse struct {
	Status      string            `json:"status"`
	Results     []Object          `json:"results"`
	Errors      []stdError        `json:"errors,omitempty"`
	NumErrors   int               `json:"numErrors,omitempty"`
	RequestedAt string            `json:"requestedAt,omitempty"`
	StartedAt   string            `json:"startedAt"`
	CompletedAt string            `json:"completedAt"`
	Links       map[string]string `json:"links,omitempty"`
}

// readBatch decodes a batch body and enforces the 100-input cap.
func (s *Sim) readBatch(w http.ResponseWriter, r *http.Request) (*objectStore, *batchRequest, time.Time) {
	started := s.now()
	st := s.store(w, r)
	if st == nil {
		return nil, nil, started
	}
	var in batchRequest
	if !decodeBody(w, r, &in) {
		return nil, nil, started
	}
	if len(in.Inputs) > maxBatchInputs {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("Too many inputs: %d. The maximum number of inputs per batch is %d.", len(in.Inputs), maxBatchInputs),
			[]errDetail{{Message: fmt.Sprintf("size must be between 1 and %d", maxBatchInputs), Code: "TOO_MANY_INPUTS", In: "inputs"}})
		return nil, nil, started
	}
	return st, &in, started
}

// refuseDuplicateIDs answers HubSpot's 400 for a batch update or upsert in
// which two inputs name one record (the same id under the same
// idProperty): the whole batch is refused and nothing is written.
func refuseDuplicateIDs(w http.ResponseWriter, in *batchRequest) bool {
	type key struct{ prop, id string }
	seen := map[key]bool{}
	var dups []string
	for _, inp := range in.Inputs {
		prop := inp.IDProperty
		if prop == "" {
			prop = in.IDProperty
		}
		k := key{prop, inp.ID}
		if seen[k] && !slices.Contains(dups, inp.ID) {
			dups = append(dups, inp.ID)
		}
		seen[k] = true
	}
	if len(dups) == 0 {
		return false
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"status": "error",
		"message":       "Duplicate IDs found in batch input: [" + strings.Join(dups, ", ") + "]. IDs must be unique",
		"correlationId": correlationID(), "context": map[string][]string{"ids": dups}, "category": "VALIDATION_ERROR"})
	return true
}

// finish writes okStatus when all inputs succeeded, else 207 Multi-Status.
func (s *Sim) finish(w http.ResponseWriter, okStatus int, started time.Time, results []Object, errs []*opError) {
	resp := batchResponse{Status: "COMPLETE", Results: results, StartedAt: nowISO(started), CompletedAt: nowISO(s.now())}
	if resp.Results == nil {
		resp.Results = []Object{}
	}
	if len(errs) == 0 {
		writeJSON(w, okStatus, resp)
		return
	}
	for _, e := range errs {
		resp.Errors = append(resp.Errors, e.std())
	}
	resp.NumErrors = len(errs)
	writeJSON(w, http.StatusMultiStatus, resp)
}

// renderTraced renders a batch input's record with the input's
// objectWriteTraceId, as HubSpot echoes it on each result
// (SimplePublicObject.objectWriteTraceId).
func (s *Sim) renderTraced(st *objectStore, rec *record, inp writeInput) Object {
	o := s.render(st, rec, keys(inp.Properties))
	o.ObjectWriteTraceID = inp.TraceID
	return o
}

// traced names a failed batch input's objectWriteTraceId in the error's
// context, so a 207 says which input failed (the error-handling guide's
// multi-status errors).
func (e *opError) traced(trace string) *opError {
	if trace == "" {
		return e
	}
	out := *e
	out.context = make(map[string][]string, len(e.context)+1)
	for k, v := range e.context {
		out.context[k] = v
	}
	out.context["objectWriteTraceId"] = []string{trace}
	return &out
}

func (s *Sim) handleBatchCreate(w http.ResponseWriter, r *http.Request) {
	st, in, started := s.readBatch(w, r)
	if st == nil {
		return
	}
	var results []Object
	var errs []*opError
	s.mu.Lock()
	if e := s.takenInBatch(st, in.Inputs); e != nil {
		s.mu.Unlock()
		writeError(w, e.status, e.category, e.message, nil)
		return
	}
	for _, inp := range in.Inputs {
		rec, e := s.createWithAssociations(st, inp.Properties, inp.Associations)
		if e != nil {
			errs = append(errs, e.traced(inp.TraceID))
			continue
		}
		results = append(results, s.renderTraced(st, rec, inp))
	}
	s.mu.Unlock()
	s.finish(w, http.StatusCreated, started, results, errs)
}

// takenInBatch is the first unique value (a contact's email) that a
// batch/create input gives and another record already holds. HubSpot
// refuses the whole batch for it with a bare 409, naming only the first
// record it met ("Contact already exists. Existing ID: …", no context,
// nothing created: HubSpot/hubspot-api-python#51). Other refusals of one
// input still come back in a 207. Caller holds s.mu.
func (s *Sim) takenInBatch(st *objectStore, inputs []writeInput) *opError {
	for _, inp := range inputs {
		vals, _ := validateProps(st.schema, inp.Properties)
		if e := s.conflict(st, vals, 0); e != nil {
			return e
		}
	}
	return nil
}

func (s *Sim) handleBatchUpdate(w http.ResponseWriter, r *http.Request) {
	st, in, started := s.readBatch(w, r)
	if st == nil || refuseDuplicateIDs(w, in) {
		return
	}
	var results []Object
	var errs []*opError
	s.mu.Lock()
	if e := nonUniqueKey(st, in); e != nil {
		s.mu.Unlock()
		writeError(w, e.status, e.category, e.message, nil)
		return
	}
	for _, inp := range in.Inputs {
		idProp := inp.IDProperty
		if idProp == "" {
			idProp = in.IDProperty
		}
		rec, e := s.lookup(st, inp.ID, idProp)
		if e == nil {
			e = s.updateLocked(st, rec, forwardOnly(st, rec, inp.Properties))
		}
		if e != nil {
			errs = append(errs, e.traced(inp.TraceID))
			continue
		}
		results = append(results, s.renderTraced(st, rec, inp))
	}
	s.mu.Unlock()
	s.finish(w, http.StatusOK, started, results, errs)
}

// handleBatchUpsert creates or updates by idProperty (email or a unique property); results carry "new".
func (s *Sim) handleBatchUpsert(w http.ResponseWriter, r *http.Request) {
	st, in, started := s.readBatch(w, r)
	if st == nil || refuseDuplicateIDs(w, in) {
		return
	}
	var results []Object
	var errs []*opError
	s.mu.Lock()
	if e := nonUniqueKey(st, in); e != nil {
		s.mu.Unlock()
		writeError(w, e.status, e.category, e.message, nil)
		return
	}
	for _, inp := range in.Inputs {
		idProp := inp.IDProperty
		if idProp == "" {
			idProp = in.IDProperty
		}
		var rec *record
		var e *opError
		created := false
		if idProp == "" || idProp == "hs_object_id" {
			rec, e = s.lookup(st, inp.ID, "")
			if e == nil {
				e = s.updateLocked(st, rec, forwardOnly(st, rec, inp.Properties))
			}
		} else {
			// A unique property: nonUniqueKey refused the whole batch
			// otherwise, under this same lock.
			idx, _ := st.schema.prop(idProp)
			if rec = st.findUnique(idx, inp.ID); rec != nil {
				e = s.updateLocked(st, rec, forwardOnly(st, rec, inp.Properties))
			} else {
				props := make(map[string]any, len(inp.Properties)+1)
				for k, v := range inp.Properties {
					props[k] = v
				}
				props[idProp] = inp.ID
				rec, e = s.createLocked(st, props)
				created = true
			}
		}
		if e != nil {
			errs = append(errs, e.traced(inp.TraceID))
			continue
		}
		o := s.renderTraced(st, rec, inp)
		o.New = &created
		results = append(results, o)
	}
	s.mu.Unlock()
	s.finish(w, http.StatusOK, started, results, errs)
}

func (s *Sim) handleBatchRead(w http.ResponseWriter, r *http.Request) {
	st, in, started := s.readBatch(w, r)
	if st == nil {
		return
	}
	if missing := missingReadFields(in); len(missing) > 0 {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			"Invalid input JSON on line 1: Cannot build BatchReadInputSimplePublicObjectId, some of required attributes are not set ["+strings.Join(missing, ", ")+"]", nil)
		return
	}
	archived := r.URL.Query().Get("archived") == "true"
	var results []Object
	var missing []string
	s.mu.RLock()
	if e := notUniqueKey(st, in.IDProperty); e != nil {
		// The whole call, as a read by one such value: every value
		// answered as missing would read as "no such record".
		s.mu.RUnlock()
		writeError(w, e.status, e.category, e.message, e.details)
		return
	}
	for _, inp := range in.Inputs {
		var rec *record
		if archived {
			if rec = st.get(inp.ID); rec != nil && !rec.archived {
				rec = nil
			}
		} else {
			rec, _ = s.lookup(st, inp.ID, in.IDProperty)
		}
		if rec == nil {
			missing = append(missing, inp.ID)
			continue
		}
		results = append(results, s.render(st, rec, in.Properties))
	}
	s.mu.RUnlock()
	var errs []*opError
	if len(missing) > 0 {
		errs = append(errs, notFound(st, missing))
	}
	s.finish(w, http.StatusOK, started, results, errs)
}

func (s *Sim) handleBatchArchive(w http.ResponseWriter, r *http.Request) {
	st, in, _ := s.readBatch(w, r)
	if st == nil {
		return
	}
	s.mu.Lock()
	for _, inp := range in.Inputs {
		if rec := st.get(inp.ID); rec != nil {
			st.archive(rec, s.nowMs())
		}
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// missingReadFields names the fields of BatchReadInputSimplePublicObjectId
// the 2026-03 spec marks required (inputs, properties,
// propertiesWithHistory; every example in HubSpot's reference sends all
// three) that a batch/read body left out or sent as null. An empty list
// is sent. The refusal's wording is that of HubSpot's other bodies missing
// a required attribute (HubSpot/hubspot-api-python#25) [unverified for
// batch/read: the docs do not show the answer].
func missingReadFields(in *batchRequest) []string {
	var out []string
	if in.Inputs == nil {
		out = append(out, "inputs")
	}
	if in.Properties == nil {
		out = append(out, "properties")
	}
	if in.PropertiesWithHistory == nil {
		out = append(out, "propertiesWithHistory")
	}
	return out
}

// nonUniqueKey is the refusal of a batch update or upsert by an
// idProperty that is not a unique property (a rule an admin turned off,
// SetUniqueValue): a whole-batch 400 VALIDATION_ERROR, nothing written.
// The words are those a user reported from HubSpot, "Unable to perform
// update/upsert by non-unique 0-1 property" (HubSpot/hubspot-api-nodejs#548),
// and every report has the whole batch refused with a 400 ("every batch
// request fails with a 400", segmentio/action-destinations#3957). No input
// is refused alone for it in a 207: HubSpot's error-handling guide
// documents multi-status answers for the batch create endpoints only, and
// the batch/upsert spec's 207 (BatchResponseSimplePublicUpsertObjectWithErrors)
// names no cause [unverified: HubSpot's docs show neither shape for this
// refusal]. Caller holds s.mu until the writes are done, so the rule cannot
// change between this check and them.
func nonUniqueKey(st *objectStore, in *batchRequest) *opError {
	for _, inp := range in.Inputs {
		prop := cmp.Or(inp.IDProperty, in.IDProperty)
		if prop != "" && prop != "hs_object_id" && notUniqueKey(st, prop) != nil {
			typeID := cmp.Or(objectTypeIDs[st.schema.Object], st.schema.Object)
			return &opError{status: http.StatusBadRequest, category: "VALIDATION_ERROR",
				message: fmt.Sprintf("Unable to perform update/upsert by non-unique %s property %s", typeID, prop)}
		}
	}
	return nil
}
