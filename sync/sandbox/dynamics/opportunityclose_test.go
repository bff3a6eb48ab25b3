package dynamics

import (
	"strings"
	"testing"
)

// closeBody is a WinOpportunity / LoseOpportunity body for the opportunity id.
func closeBody(id string, status int) map[string]any {
	return map[string]any{"Status": status, "OpportunityClose": map[string]any{
		"subject": "Closed", "opportunityid@odata.bind": "/opportunities(" + id + ")"}}
}

// opportunityState reads an opportunity's statecode and statuscode.
func (e *env) opportunityState(id string) (state, status float64) {
	e.t.Helper()
	got := e.must(e.do("GET", "opportunities("+id+")?$select=statecode,statuscode", nil), 200)
	state, _ = got.body["statecode"].(float64)
	status, _ = got.body["statuscode"].(float64)
	return state, status
}

// TestOpportunityClosedOnlyByActions: Dataverse refuses an update
// that sets an opportunity's statecode to Won or Lost
// (CannotUseOpportunitySetStateMessage, 0x80100005, web service error
// codes); the WinOpportunity and LoseOpportunity actions close it, and an
// update of statecode 0 reopens it.
func TestOpportunityClosedOnlyByActions(t *testing.T) {
	e := newEnv(t, Options{})
	id := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Big deal"}), 204).header)

	for _, state := range []int{1, 2} {
		r := e.do("PATCH", "opportunities("+id+")", map[string]any{"statecode": state}, "If-Match", "*")
		if r.status != 400 || r.errCode() != "0x80100005" || !strings.Contains(r.errMessage(), "can not be used to set the state of opportunity") {
			t.Fatalf("PATCH statecode %d: %d %s, want 400 0x80100005", state, r.status, r.raw)
		}
	}
	if st, sc := e.opportunityState(id); st != 0 || sc != 1 {
		t.Fatalf("after the refused PATCHes: state %v status %v, want 0/1", st, sc)
	}

	e.must(e.do("POST", "WinOpportunity", closeBody(id, 3)), 204)
	if st, sc := e.opportunityState(id); st != 1 || sc != 3 {
		t.Fatalf("after WinOpportunity: state %v status %v, want 1/3", st, sc)
	}
	// A closed opportunity is reopened before the other close.
	if r := e.do("POST", "LoseOpportunity", closeBody(id, 5)); r.status != 400 {
		t.Fatalf("LoseOpportunity of a won opportunity: %d %s, want 400", r.status, r.raw)
	}
	e.must(e.do("PATCH", "opportunities("+id+")", map[string]any{"statecode": 0}, "If-Match", "*"), 204)
	if st, sc := e.opportunityState(id); st != 0 || sc != 1 {
		t.Fatalf("after the reopen: state %v status %v, want 0/1", st, sc)
	}
	// -1 is the Lost state's default status reason (4 Canceled).
	e.must(e.do("POST", "LoseOpportunity", closeBody(id, -1)), 204)
	if st, sc := e.opportunityState(id); st != 2 || sc != 4 {
		t.Fatalf("after LoseOpportunity: state %v status %v, want 2/4", st, sc)
	}
}

// TestOpportunityCloseRefusals: a close names a status reason of its
// own state, an existing opportunity, and both parameters.
func TestOpportunityCloseRefusals(t *testing.T) {
	e := newEnv(t, Options{})
	id := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Deal"}), 204).header)
	if r := e.do("POST", "WinOpportunity", closeBody(id, 4)); r.status != 400 || !strings.Contains(r.errMessage(), "4 is not a valid status code") {
		t.Errorf("WinOpportunity with a Lost reason: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", "WinOpportunity", closeBody("00000000-0000-0000-0000-000000000001", 3)); r.status != 404 {
		t.Errorf("WinOpportunity of a missing row: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", "WinOpportunity", map[string]any{"Status": 3}); r.status != 400 || !strings.Contains(r.errMessage(), "OpportunityClose") {
		t.Errorf("WinOpportunity without OpportunityClose: %d %s", r.status, r.raw)
	}
	if r := e.do("GET", "WinOpportunity", nil); r.status != 405 {
		t.Errorf("GET WinOpportunity: %d %s", r.status, r.raw)
	}
	if st, sc := e.opportunityState(id); st != 0 || sc != 1 {
		t.Errorf("after the refusals: state %v status %v, want 0/1", st, sc)
	}
}
