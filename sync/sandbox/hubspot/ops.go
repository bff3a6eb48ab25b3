package hubspot

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// opError is a per-record failure, rendered either as a top-level Error or inside a 207.
type opError struct {
	status   int
	category string
	message  string
	details  []errDetail
	context  map[string][]string
}

func (e *opError) std() stdError {
	ctx := e.context
	if ctx == nil {
		ctx = map[string][]string{}
	}
	det := e.details
	if det == nil {
		det = []errDetail{}
	}
	return stdError{Status: "error", Category: e.category, Message: e.message, Context: ctx, Errors: det, Links: map[string]string{}}
}

func (e *opError) write(w http.ResponseWriter) {
	writeError(w, e.status, e.category, e.message, e.details)
}

func singular(object string) string {
	switch object {
	case "companies":
		return "company"
	default:
		return strings.TrimSuffix(object, "s")
	}
}

func (s *Sim) nowMs() int64 { return s.now().UnixMilli() }

// conflict reports a unique-value clash with another record.
func (s *Sim) conflict(st *objectStore, vals map[int]string, self int64) *opError {
	for idx, v := range vals {
		if v == "" {
			continue
		}
		if other := st.findUnique(idx, v); other != nil && other.id != self {
			name := st.schema.Props[idx].Name
			msg := fmt.Sprintf("A %s with the %s %s already exists. Existing ID: %d", st.schema.one(), name, v, other.id)
			if name == "email" {
				msg = fmt.Sprintf("Contact already exists. Existing ID: %d", other.id)
			}
			return &opError{status: http.StatusConflict, category: "CONFLICT", message: msg,
				context: map[string][]string{"existingId": {strconv.FormatInt(other.id, 10)}}}
		}
	}
	// A contact's secondary email is taken as its primary one is: after a
	// merge "you will not be able to create a new contact with the email
	// address of the old contact record" (HubSpot knowledge base, "What
	// happens when I merge two contacts?"); integrators report the same
	// 409 for a create whose email is another contact's secondary
	// (rudderlabs/rudder-transformer#3258) [unverified: the wording, taken
	// to be the primary email's].
	if i, ok := st.schema.prop("email"); ok && st.secondary != nil && vals[i] != "" {
		if other := st.secondaryOf(vals[i]); other != nil && other.id != self {
			return &opError{status: http.StatusConflict, category: "CONFLICT",
				message: fmt.Sprintf("Contact already exists. Existing ID: %d", other.id),
				context: map[string][]string{"existingId": {strconv.FormatInt(other.id, 10)}}}
		}
	}
	return nil
}

// validationError is HubSpot's refusal of property values. Its details
// travel inside the message alone ("Property values were not valid:
// [{\"isValid\":false,...,\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]"),
// as real responses show; the body has no errors[] (the spec's Error, in
// PublicApiSpecs/CRM/Contacts/Rollouts/424/2026-03/contacts.json, does not
// require it, and a 207's StandardError lists it empty).
func validationError(errs []errDetail) *opError {
	return &opError{status: http.StatusBadRequest, category: "VALIDATION_ERROR", message: validationMessage(errs)}
}

// createLocked validates and inserts one record. Caller holds s.mu.
func (s *Sim) createLocked(st *objectStore, props map[string]any) (*record, *opError) {
	vals, errs := validateProps(st.schema, props)
	errs = append(errs, missingRequired(st.schema, vals, errs)...)
	errs = append(errs, s.ownerErrors(st.schema, vals)...)
	if len(errs) > 0 {
		return nil, validationError(errs)
	}
	if e := s.conflict(st, vals, 0); e != nil {
		return nil, e
	}
	now := s.nowMs()
	created := now
	if v, ok := vals[pCreate]; ok && v != "" {
		created, _ = strconv.ParseInt(v, 10, 64)
	}
	delete(vals, pCreate)
	for prop, from := range st.schema.defaultFrom {
		i, _ := st.schema.prop(prop)
		if j, _ := st.schema.prop(from); vals[i] == "" {
			vals[i] = vals[j]
		}
	}
	s.emailStatusLocked(st, nil, vals)
	row := make([]string, len(st.schema.Props))
	for idx, v := range vals {
		row[idx] = v
	}
	return st.insert(row, created, max(now, created)), nil
}

// missingRequired names each of a custom object's requiredProperties that
// a create leaves blank [unverified: the schema says they "should be
// required when creating an object of this type"; HubSpot's code and words
// for one left out are the sandbox's].
// A property already refused (bad) is not named again.
func missingRequired(sc *Schema, vals map[int]string, bad []errDetail) []errDetail {
	var errs []errDetail
	for _, name := range sc.Required {
		if slices.ContainsFunc(bad, func(e errDetail) bool { return e.In == name }) {
			continue
		}
		if i, ok := sc.prop(name); ok && strings.TrimSpace(vals[i]) == "" {
			errs = append(errs, errDetail{Message: fmt.Sprintf("%s is a required property for %s records", name, sc.one()),
				Code: "REQUIRED_PROPERTY", In: name, Context: map[string][]string{"propertyName": {name}}})
		}
	}
	return errs
}

// updateLocked validates and applies property changes. Caller holds s.mu.
func (s *Sim) updateLocked(st *objectStore, r *record, props map[string]any) *opError {
	vals, errs := validateProps(st.schema, props)
	errs = append(errs, s.ownerErrors(st.schema, vals)...)
	if len(errs) > 0 {
		return validationError(errs)
	}
	if e := s.conflict(st, vals, r.id); e != nil {
		return e
	}
	if v, ok := vals[pCreate]; ok {
		if v != "" {
			r.created, _ = strconv.ParseInt(v, 10, 64)
		}
		delete(vals, pCreate)
	}
	s.emailStatusLocked(st, r, vals)
	st.set(r, vals, s.nowMs())
	return nil
}

// notFound is the errors[] item of a batch call for ids that name no
// record: category OBJECT_NOT_FOUND, "Could not get some CONTACT objects,
// they may be deleted or not exist. Check that ids are valid." and the
// ids in context.ids, in a 207 beside the records that were found
// (captured: amp-labs/connectors providers/hubspot/test/batch/update/
// contacts/err-partial-success.json; HubSpot's changelog "Simplifying
// batch update response codes for CRM v3 APIs": 200 when every input
// succeeds, 207 "when one or more of the batch operations fails").
// batch/read groups every missing id in one item; batch/update names
// each input's id with its objectWriteTraceId (rudder-transformer's
// HubSpot 207 tests). A GET or PATCH of one record answers otherwise
// (writeSingleNotFound).
func notFound(st *objectStore, ids []string) *opError {
	return &opError{status: http.StatusNotFound, category: "OBJECT_NOT_FOUND",
		message: fmt.Sprintf("Could not get some %s objects, they may be deleted or not exist. Check that ids are valid.", strings.ToUpper(st.schema.one())),
		context: map[string][]string{"ids": ids}}
}

// lookup resolves an id (record id, or a value of idProperty) to a live record.
func (s *Sim) lookup(st *objectStore, id, idProperty string) (*record, *opError) {
	if idProperty == "" || idProperty == "hs_object_id" {
		r := st.get(id)
		if r == nil || r.archived {
			return nil, notFound(st, []string{id})
		}
		return r, nil
	}
	if e := notUniqueKey(st, idProperty); e != nil {
		return nil, e
	}
	idx, _ := st.schema.prop(idProperty)
	r := st.findUnique(idx, id)
	if r == nil {
		return nil, notFound(st, []string{id})
	}
	return r, nil
}

// notUniqueKey refuses an idProperty that is neither the record id nor
// a unique property (a contact's email is one here) [unverified: HubSpot's
// words; its batch update and upsert answer "Unable to perform
// update/upsert by non-unique 0-1 property phone", HubSpot/hubspot-api-nodejs#548].
func notUniqueKey(st *objectStore, idProperty string) *opError {
	if idProperty == "" || idProperty == "hs_object_id" {
		return nil
	}
	idx, ok := st.schema.prop(idProperty)
	if _, unique := st.unique[idx]; !ok || !unique {
		return &opError{status: http.StatusBadRequest, category: "VALIDATION_ERROR",
			message: fmt.Sprintf("Property %s is not a unique identifier property", idProperty)}
	}
	return nil
}

// propertyList reads the "properties" query parameter (comma-separated and/or repeated).
func propertyList(r *http.Request) []string {
	var out []string
	for _, v := range r.URL.Query()["properties"] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
