package hubspot

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// The communication preferences (subscriptions) v4 API, as far as
// unsubscribing contacts from all email. Sources:
//   - [spec] HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/
//     Communication Preferences/Subscriptions/Rollouts/176901/v4/
//     subscriptions.json: the path, the query parameters (channel required,
//     enum [EMAIL]; businessUnitId; verbose, default false), the body
//     BatchInputString and the 200 answer
//     BatchResponsePublicBulkOptOutFromAllResponse (no 207 is declared:
//     per-email failures travel in errors[] of a 200).
//   - [doc] https://developers.hubspot.com/docs/guides/api/marketing/subscriptions
//     (the v4 guide, "Update the 'Opted out of all email' status for
//     multiple contacts"): the inputs are the contacts' email addresses, and
//     the batch endpoints need the scope
//     communication_preferences.statuses.batch.write, which only a Marketing
//     Hub Enterprise account can authorize. The single-contact endpoint
//     POST /communication-preferences/v4/statuses/{subscriberIdString}/
//     unsubscribe-all needs communication_preferences.write (or .read_write),
//     which any account can grant; the spec's product tiers start at free
//     for Sales and Service Hub.
//
// What neither says, the sandbox chooses, marked [unverified].

const (
	// unsubscribeAllPath is the batch "opted out of all email" endpoint.
	unsubscribeAllPath = "/communication-preferences/v4/statuses/batch/unsubscribe-all"
	// unsubscribeOnePath is the single-contact "opted out of all email"
	// endpoint; the path segment is the contact's email address.
	unsubscribeOnePath = "/communication-preferences/v4/statuses/{subscriberIdString}/unsubscribe-all"
	// scopeStatusesBatchWrite is the public scope the v4 guide names for
	// the batch subscription endpoints.
	scopeStatusesBatchWrite = "communication_preferences.statuses.batch.write"
	// scopeStatusesWrite and scopeStatusesReadWrite are the public scopes
	// the v4 guide names for updating one contact's subscriptions (either
	// one opens the single-contact endpoints); any account can grant them.
	scopeStatusesWrite     = "communication_preferences.write"
	scopeStatusesReadWrite = "communication_preferences.read_write"
	// maxSubscriptionInputs caps one batch call [unverified: neither the
	// spec (no maxItems) nor the guide gives a limit; 100 is the CRM batch
	// endpoints' limit].
	maxSubscriptionInputs = 100
	// emailOptOutProp is the contact property HubSpot sets when a contact
	// is opted out of all email; read-only as a property.
	emailOptOutProp = "hs_email_optout"
	// sandboxSubscriptionID and sandboxSubscriptionName are the sandbox
	// portal's one email subscription type, which verbose answers list
	// (the guide's example names "Marketing Information").
	sandboxSubscriptionID   = 33583163
	sandboxSubscriptionName = "Marketing Information"
)

// tokenScopes remembers the scopes of each access token the token endpoint
// issued, which the scoped endpoints check (simkit's AuthServer keeps them
// to itself). A token it never saw (IssueLongLived) holds defaults.
type tokenScopes struct {
	mu       sync.Mutex
	m        map[string][]string
	defaults []string // the portal's grantable defaultScopes; set once by New
}

func (t *tokenScopes) record(token string, scopes []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string][]string{}
	}
	t.m[token] = scopes
}

func (t *tokenScopes) forget(token string) {
	t.mu.Lock()
	delete(t.m, token)
	t.mu.Unlock()
}

// hasAny reports whether token holds at least one of scopes.
func (t *tokenScopes) hasAny(token string, scopes []string) bool {
	t.mu.Lock()
	held, ok := t.m[token]
	t.mu.Unlock()
	if !ok {
		held = t.defaults
	}
	for _, s := range held {
		if slices.Contains(scopes, s) {
			return true
		}
	}
	return false
}

// scoped refuses a call whose token lacks scope with HubSpot's 403
// MISSING_SCOPES (the body as HubSpot/hubspot-api-nodejs#268 quotes it).
// It runs after guard, so the call is counted and rate limited first.
func (s *Sim) scoped(scope string, h http.HandlerFunc) http.HandlerFunc {
	return s.scopedAny([]string{scope}, h)
}

// scopedAny is scoped for an endpoint that any one of scopes opens (the
// spec lists each as a security alternative).
func (s *Sim) scopedAny(scopes []string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.scopes.hasAny(simkit.BearerToken(r), scopes) {
			writeMissingScopes(w, scopes)
			return
		}
		h(w, r)
	}
}

// writeMissingScopes renders HubSpot's 403 MISSING_SCOPES naming scopes,
// under errors[].context.requiredGranularScopes, as portals answer today
// (older answers, as HubSpot/hubspot-api-nodejs#268 quotes one, said
// requiredScopes) [2nd: integrations quoting live portals' answers].
func writeMissingScopes(w http.ResponseWriter, scopes []string) {
	writeJSON(w, http.StatusForbidden, map[string]any{"status": "error",
		"message":       "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
		"correlationId": correlationID(),
		"errors": []map[string]any{{"message": "One or more of the following scopes are required.",
			"context": map[string][]string{"requiredGranularScopes": scopes}}},
		"links":    map[string]string{"scopes": "https://developers.hubspot.com/scopes"},
		"category": "MISSING_SCOPES"})
}

// publicStatus is PublicStatus.
type publicStatus struct {
	BusinessUnitID         int64  `json:"businessUnitId"`
	Channel                string `json:"channel"`
	SubscriberIDString     string `json:"subscriberIdString"`
	SubscriptionID         int    `json:"subscriptionId"`
	SubscriptionName       string `json:"subscriptionName,omitempty"`
	Status                 string `json:"status"`
	Source                 string `json:"source"`
	SetStatusSuccessReason string `json:"setStatusSuccessReason,omitempty"`
	Timestamp              string `json:"timestamp"`
}

// bulkOptOut is PublicBulkOptOutFromAllResponse.
type bulkOptOut struct {
	SubscriberIDString string         `json:"subscriberIdString"`
	Statuses           []publicStatus `json:"statuses"`
}

// bulkOptOutResponse is BatchResponsePublicBulkOptOutFromAllResponse.
type bulkOptOutResponse struct {
	Status      string       `json:"status"`
	Results     []bulkOptOut `json:"results"`
	Errors      []stdError   `json:"errors,omitempty"`
	NumErrors   int          `json:"numErrors,omitempty"`
	StartedAt   string       `json:"startedAt"`
	CompletedAt string       `json:"completedAt"`
}

// handleUnsubscribeAll serves POST /communication-preferences/v4/statuses/
// batch/unsubscribe-all?channel=EMAIL: each input email that is a contact's
// (case-insensitive) gets hs_email_optout "true", which moves the contact's
// lastmodifieddate as any property change does; a contact already opted out
// stays as it is. An input that is not a valid email address, or the email
// of no contact, is an errors[] item of the 200 [unverified: the guide does
// not say what HubSpot does with an email that is not a contact's; HubSpot
// may well keep the status for the address alone].
func (s *Sim) handleUnsubscribeAll(w http.ResponseWriter, r *http.Request) {
	started := s.now()
	verbose, ok := subscriptionQuery(w, r)
	if !ok {
		return
	}
	var in struct {
		Inputs *[]string `json:"inputs"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Inputs == nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: inputs is required.",
			[]errDetail{{Message: "must not be null", Code: "REQUIRED", In: "inputs"}})
		return
	}
	inputs := *in.Inputs
	if len(inputs) > maxSubscriptionInputs {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("Too many inputs: %d. The maximum number of inputs per batch is %d.", len(inputs), maxSubscriptionInputs),
			[]errDetail{{Message: fmt.Sprintf("size must be between 1 and %d", maxSubscriptionInputs), Code: "TOO_MANY_INPUTS", In: "inputs"}})
		return
	}
	resp := bulkOptOutResponse{Status: "COMPLETE", Results: []bulkOptOut{}}
	emailIdx, _ := s.stores["contacts"].schema.prop("email")
	s.mu.Lock()
	for _, raw := range inputs {
		email := strings.TrimSpace(raw)
		fail := func(category, status, message string) {
			resp.Errors = append(resp.Errors, stdError{Status: status, Category: category, Message: message,
				Context: map[string][]string{"subscriberIdString": {raw}}, Errors: []errDetail{}, Links: map[string]string{}})
		}
		if !validEmail(email) {
			fail("VALIDATION_ERROR", "400", fmt.Sprintf("%s is not a valid email address.", raw))
			continue
		}
		rec, changed := s.unsubscribeLocked(email)
		if rec == nil {
			fail("OBJECT_NOT_FOUND", "404", fmt.Sprintf("No contact has the email address %s, so it was not unsubscribed.", email))
			continue
		}
		res := bulkOptOut{SubscriberIDString: rec.vals[emailIdx], Statuses: []publicStatus{}}
		if verbose {
			res.Statuses = append(res.Statuses, unsubscribedStatus(rec.vals[emailIdx], rec, changed))
		}
		resp.Results = append(resp.Results, res)
	}
	s.mu.Unlock()
	resp.NumErrors = len(resp.Errors)
	resp.StartedAt, resp.CompletedAt = nowISO(started), nowISO(s.now())
	writeJSON(w, http.StatusOK, resp)
}

// subscriptionQuery checks the query parameters the unsubscribe endpoints
// share (channel, required, enum [EMAIL]; businessUnitId; verbose) and
// answers 400 when one is wrong.
func subscriptionQuery(w http.ResponseWriter, r *http.Request) (verbose, ok bool) {
	q := r.URL.Query()
	switch ch := q.Get("channel"); {
	case ch == "":
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Query parameter channel is required; the only supported channel is EMAIL.",
			[]errDetail{{Message: "must not be null", Code: "REQUIRED", In: "channel"}})
		return false, false
	case ch != "EMAIL":
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("Unsupported channel %s; the only supported channel is EMAIL.", ch),
			[]errDetail{{Message: "must be one of [EMAIL]", Code: "INVALID_ENUM", In: "channel"}})
		return false, false
	}
	if v := q.Get("businessUnitId"); v != "" {
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("businessUnitId %s is not an integer.", v),
				[]errDetail{{Message: "must be an integer", Code: "INVALID_INTEGER", In: "businessUnitId"}})
			return false, false
		}
	}
	return q.Get("verbose") == "true", true
}

// unsubscribedStatus is the PublicStatus a verbose unsubscribe answers for
// a contact (email) now opted out; changed says whether this call did it.
func unsubscribedStatus(email string, rec *record, changed bool) publicStatus {
	reason := "NO_STATUS_CHANGE"
	if changed {
		reason = "UNSUBSCRIBE_FROM_ALL_OCCURRED"
	}
	return publicStatus{Channel: "EMAIL", SubscriberIDString: email,
		SubscriptionID: sandboxSubscriptionID, SubscriptionName: sandboxSubscriptionName, Status: "UNSUBSCRIBED",
		Source: "Public status API", SetStatusSuccessReason: reason, Timestamp: isoMillis(rec.modified)}
}

// statusesWriteScopes open the single-contact unsubscribe endpoint.
var statusesWriteScopes = []string{scopeStatusesWrite, scopeStatusesReadWrite}

// handleUnsubscribeOne serves POST /communication-preferences/v4/statuses/
// {subscriberIdString}/unsubscribe-all?channel=EMAIL, the single-contact
// form of handleUnsubscribeAll, answering ActionResponseWithResultsPublicStatus
// (results empty unless verbose, as the reference page says). An address
// that is not valid is a 400 VALIDATION_ERROR and one no contact has a 404
// OBJECT_NOT_FOUND, HubSpot's standard error body [unverified: the spec
// declares only the default error response].
func (s *Sim) handleUnsubscribeOne(w http.ResponseWriter, r *http.Request) {
	started := s.now()
	verbose, ok := subscriptionQuery(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PathValue("subscriberIdString"))
	if !validEmail(email) {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("%s is not a valid email address.", email),
			[]errDetail{{Message: "must be a valid email address", Code: "INVALID_EMAIL", In: "subscriberIdString"}})
		return
	}
	emailIdx, _ := s.stores["contacts"].schema.prop("email")
	s.mu.Lock()
	rec, changed := s.unsubscribeLocked(email)
	var st publicStatus
	if rec != nil {
		st = unsubscribedStatus(rec.vals[emailIdx], rec, changed)
	}
	s.mu.Unlock()
	if rec == nil {
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("No contact has the email address %s, so it was not unsubscribed.", email), nil)
		return
	}
	resp := map[string]any{"status": "COMPLETE", "results": []publicStatus{},
		"startedAt": nowISO(started), "completedAt": nowISO(s.now())}
	if verbose {
		resp["results"] = []publicStatus{st}
	}
	writeJSON(w, http.StatusOK, resp)
}

// UnsubscribeFromAll opts the contact with email out of all email, as the
// person does through HubSpot's subscription preferences page, and reports
// whether such a contact exists.
func (s *Sim) UnsubscribeFromAll(email string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, _ := s.unsubscribeLocked(strings.TrimSpace(email))
	return rec != nil
}

// unsubscribeLocked sets hs_email_optout on the live contact with email,
// moving its lastmodifieddate when that changes it. It returns the contact
// (nil when there is none) and whether it changed. s.mu is held.
func (s *Sim) unsubscribeLocked(email string) (*record, bool) {
	st := s.stores["contacts"]
	emailIdx, _ := st.schema.prop("email")
	optIdx, _ := st.schema.prop(emailOptOutProp)
	rec := st.findUnique(emailIdx, email)
	if rec == nil || rec.archived {
		return nil, false
	}
	s.optedOut[strings.ToLower(email)] = true
	if rec.vals[optIdx] == "true" {
		return rec, false
	}
	st.set(rec, map[int]string{optIdx: "true"}, s.nowMs())
	return rec, true
}

// emailStatusLocked gives a contact whose email a write sets (vals; r is
// nil on a create) the opt-out of its new address: "The subscription
// status is tied to the email address, and not a specific contact record"
// (legacy email subscription API, "Status updates and contact records":
// a status set for an address applies to a contact later created with
// it), and "If a contact's email address is changed, their previous
// opt-out status will not apply" (knowledge base, "Resubscribe contacts to
// your marketing emails"). The old address keeps its status. s.mu is held.
func (s *Sim) emailStatusLocked(st *objectStore, r *record, vals map[int]string) {
	if st.schema.Object != "contacts" {
		return
	}
	emailIdx, _ := st.schema.prop("email")
	optIdx, _ := st.schema.prop(emailOptOutProp)
	v, ok := vals[emailIdx]
	if !ok {
		return
	}
	to := strings.ToLower(strings.TrimSpace(v))
	if r != nil {
		from := strings.ToLower(strings.TrimSpace(r.vals[emailIdx]))
		if from == to {
			return
		}
		if r.vals[optIdx] == "true" {
			if from != "" {
				s.optedOut[from] = true
			}
			vals[optIdx] = "false"
		}
	}
	if to != "" && s.optedOut[to] {
		vals[optIdx] = "true"
	}
}
