package dynamics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Closing an opportunity (Dynamics 365 Sales).
//
// An update cannot set an opportunity's statecode to Won or Lost:
// Dataverse refuses it with CannotUseOpportunitySetStateMessage,
// 0x80100005, "This message can not be used to set the state of
// opportunity to {0}. In order to set state of opportunity to {1}, use
// the {1} message instead." (https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes;
// the wording seen live fills both with the state's name; the HTTP status
// 400 [unverified]). The unbound WinOpportunity and LoseOpportunity
// actions close it (POST [org]/api/data/v9.2/WinOpportunity with Status,
// the statuscode, -1 for the state's default, and OpportunityClose, an
// opportunityclose entity whose opportunityid@odata.bind names the row;
// both not nullable; no return value: 204)
// (https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/mt607971(v=crm.8),
// LoseOpportunity mt607618). A closed opportunity goes back to Open by an
// update of statecode 0, and must be Open before the other close (Mark
// Carrington, "MSDyn365 Internals: Restricted state transitions"): a close
// of a Won or Lost one is refused with OpportunityIsAlreadyClosed,
// 0x80040515, "The opportunity is already closed." (web service error
// codes; that this code is the one the actions answer is [unverified]).
// The close also sets the opportunity's Actual Close Date (actualclosedate)
// to the date of the OpportunityClose's actualend ("Closed On", a UserLocal
// DateTime formatted DateOnly), or today without one, and its Actual
// Revenue (actualvalue) to the close's actualrevenue (Money): the
// opportunityclose reference says the activity holds "the actual revenue",
// and Microsoft Learn's close_opportunity tool for Dynamics 365 Sales passes
// an optional actual revenue and a close date that "defaults to the
// current time" to these actions. That the opportunity's date is
// actualend's date as sent (UTC) rather than in the user's zone, and that a
// close without actualrevenue leaves no actual revenue (the column's
// description, "defaults to the Est. Revenue value when an opportunity is
// won", is taken as the Close dialog's prefill) are [unverified]. It
// records the OpportunityClose activity it was given (the platform
// creates it, Completed, in the opportunity's timeline); the sandbox keeps
// it for tests (OpportunityCloses) and does not serve the
// opportunityclose table over the API.
//
// An update of other columns of a Won or Lost opportunity is accepted
// [unverified]: Microsoft's troubleshooting article (Dynamics 365 Sales,
// "Troubleshoot issues with an opportunity") says a closed opportunity
// "can't be changed" until reopened, but of the form; no Web API or error
// code reference found names a refusal of such a PATCH (the error codes
// list OpportunityIsAlreadyClosed, OpportunityCannotBeClosed and
// OpportunityAlreadyInOpenState, all of closing and reopening), and
// practitioners report it succeeds (xrmcoaches.com, 2016; Mark
// Carrington, "MSDyn365 Internals: Read-only Sales entities", 2023: only
// quotes, orders and invoices refuse updates outside their editable
// state). So the sandbox refuses none.

const (
	codeOpportunitySetState = "0x80100005" // CannotUseOpportunitySetStateMessage
	codeOpportunityClosed   = "0x80040515" // OpportunityIsAlreadyClosed
	winOpportunityAction    = "WinOpportunity"
	loseOpportunityAction   = "LoseOpportunity"
)

// Opportunity states.
const (
	opportunityOpen int64 = 0
	opportunityWon  int64 = 1
	opportunityLost int64 = 2
)

// resolveCloseAction routes POST WinOpportunity and LoseOpportunity.
func (s *Sim) resolveCloseAction(action, method string) (*route, *apiError) {
	state := opportunityWon
	if action == loseOpportunityAction {
		state = opportunityLost
	}
	if method != http.MethodPost {
		return nil, errMethod(method)
	}
	return &route{template: "POST " + apiPath + action, write: true,
		run: func(op *opReq) *opResult { return s.closeOpportunity(action, state, op) }}, nil
}

// refuseCloseByUpdate is Dataverse's refusal of an update body that sets
// an opportunity's statecode to Won or Lost.
func refuseCloseByUpdate(t *table, body map[string]any) *apiError {
	if t.def.logical != "opportunity" {
		return nil
	}
	n, ok := body["statecode"].(json.Number)
	if !ok {
		return nil
	}
	state, err := n.Int64()
	if err != nil || state == opportunityOpen {
		return nil
	}
	label := stateLabel(t.def, state)
	if label == "" {
		return nil // not a state: the value check refuses it
	}
	return newErr(http.StatusBadRequest, codeOpportunitySetState,
		"This message can not be used to set the state of opportunity to %[1]s. In order to set state of opportunity to %[1]s, use the %[1]s message instead.", label)
}

// stateLabel is the label of a statecode option, "" for none.
func stateLabel(e *entityDef, state int64) string {
	for _, o := range e.byName["statecode"].options {
		if o.value == state {
			return o.label
		}
	}
	return ""
}

// closeOpportunityBody is the actions' JSON body.
type closeOpportunityBody struct {
	Status           *int64
	OpportunityClose map[string]any
}

// closeOpportunity serves WinOpportunity and LoseOpportunity. The caller
// holds s.mu.
func (s *Sim) closeOpportunity(action string, state int64, op *opReq) *opResult {
	var b closeOpportunityBody
	dec := json.NewDecoder(bytes.NewReader(op.body))
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		return errResult(newErr(http.StatusBadRequest, codePayload, "The parameters of %s are not a valid JSON object.", action)) // [unverified]
	}
	switch {
	case b.OpportunityClose == nil:
		return errResult(newErr(http.StatusBadRequest, codeODataGeneric, "Parameter 'OpportunityClose' in request payload is missing or null.")) // as QualifyLead's [unverified]
	case b.Status == nil:
		return errResult(newErr(http.StatusBadRequest, codeODataGeneric, "Parameter 'Status' in request payload is missing or null."))
	}
	t := s.tables["opportunities"]
	id, err := closedOpportunityID(b.OpportunityClose)
	if err != nil {
		return errResult(err)
	}
	old := t.byID[id]
	if old == nil {
		return errResult(errRowNotFound(t.def, id))
	}
	if cur, _ := t.get(old, t.def.byName["statecode"]).(int64); cur != opportunityOpen {
		// Code and message from the web service error codes; the 400 [unverified].
		return errResult(newErr(http.StatusBadRequest, codeOpportunityClosed, "The opportunity is already closed."))
	}
	status := s.closeStatus(t, state, *b.Status)
	if reasons := t.def.byName["statuscode"]; !reasons.hasOption(status) {
		return errResult(errBadOption(t.def, reasons, status))
	}
	r := old.clone()
	r.vals["statecode"], r.vals["statuscode"] = state, status
	r.vals["actualclosedate"] = closeDate(b.OpportunityClose, s.nowSecond().Format("2006-01-02"))
	revenue, apiErr := closeRevenue(t.def, b.OpportunityClose)
	if apiErr != nil {
		return errResult(apiErr)
	}
	if revenue == nil {
		delete(r.vals, "actualvalue")
	} else {
		r.vals["actualvalue"] = *revenue
	}
	s.roundMoney(t, r)
	if err := s.checkRow(t, r); err != nil {
		return errResult(err)
	}
	r.modified, r.version = s.nowSecond(), s.nextVersion()
	t.replace(old, r)
	subject, _ := b.OpportunityClose["subject"].(string)
	s.closes = append(s.closes, OpportunityClose{ActivityID: s.newGUID(), OpportunityID: id, Subject: subject,
		State: state, Status: status, At: r.modified})
	return newResult(http.StatusNoContent)
}

// OpportunityClose is one opportunityclose activity a close recorded.
type OpportunityClose struct {
	ActivityID, OpportunityID, Subject string
	State, Status                      int64 // the opportunity's statecode and statuscode it closed with
	At                                 time.Time
}

// OpportunityCloses lists the opportunityclose activities recorded for
// the opportunity, oldest first.
func (s *Sim) OpportunityCloses(opportunityID string) []OpportunityClose {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []OpportunityClose
	for _, c := range s.closes {
		if c.OpportunityID == strings.ToLower(opportunityID) {
			out = append(out, c)
		}
	}
	return out
}

// CloseOpportunity closes an open opportunity as a person does in Dynamics
// 365 (Close as Won or Lost): through the WinOpportunity or
// LoseOpportunity action, with status as its Status (-1: the state's
// default reason).
func (s *Sim) CloseOpportunity(id string, won bool, status int64) error {
	action := loseOpportunityAction
	if won {
		action = winOpportunityAction
	}
	state := opportunityLost
	if won {
		state = opportunityWon
	}
	body, err := json.Marshal(map[string]any{"Status": status, "OpportunityClose": map[string]any{
		"subject": "Closed in Dynamics", "opportunityid@odata.bind": "/opportunities(" + id + ")"}})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if res := s.closeOpportunity(action, state, &opReq{method: http.MethodPost, path: action, body: body}); res.failed() {
		return fmt.Errorf("dynamics sandbox: %s: %d %s", action, res.status, res.body)
	}
	return nil
}

// closeStatus is the statuscode a close sets: Status, or for -1 the
// state's DefaultStatus.
func (s *Sim) closeStatus(t *table, state, status int64) int64 {
	if status != -1 {
		return status
	}
	for _, o := range t.def.byName["statecode"].options {
		if o.value == state {
			return o.defStatus
		}
	}
	return status
}

// closedOpportunityID reads the opportunity an opportunityclose binds.
func closedOpportunityID(close map[string]any) (string, *apiError) {
	uri, _ := close["opportunityid@odata.bind"].(string)
	set, key, ok := splitBindURI(uri)
	if !ok || set != "opportunities" || !reGUID.MatchString(key) {
		return "", newErr(http.StatusBadRequest, codePayload,
			"The URI '%s' in the 'opportunityid@odata.bind' annotation is not valid.", uri) // [unverified]
	}
	return strings.ToLower(key), nil
}

// closeDate is the date part of the opportunityclose's actualend, or today.
func closeDate(close map[string]any, today string) string {
	if end, _ := close["actualend"].(string); len(end) >= 10 && reDate.MatchString(end[:10]) {
		return end[:10]
	}
	return today
}

// closeRevenue is the opportunityclose's actualrevenue, to become the
// opportunity's actualvalue: nil without one, refused as an update of
// actualvalue would be when it is no number or out of that column's range.
func closeRevenue(e *entityDef, close map[string]any) (*float64, *apiError) {
	v, ok := close["actualrevenue"]
	if !ok || v == nil {
		return nil, nil
	}
	num, ok := v.(json.Number)
	if !ok {
		return nil, errWrongType(edmDec)
	}
	f, err := num.Float64()
	if err != nil {
		return nil, errWrongType(edmDec)
	}
	if a := e.byName["actualvalue"]; a != nil && (f < a.minMoney || f > a.maxMoney) {
		return nil, newErr(http.StatusBadRequest, codeOutOfRange,
			"A validation error occurred. The value %s of '%s' on record of type '%s' is outside the valid range. Accepted range: %s to %s",
			num.String(), a.name, e.logical, valueString(a.minMoney), valueString(a.maxMoney)) // as an update's [unverified]
	}
	return &f, nil
}
