package dynamics

import "testing"

// TestCloseOfClosedOpportunityRefused: Dataverse closes only an open
// opportunity; a WinOpportunity or LoseOpportunity of a Won one answers
// OpportunityIsAlreadyClosed (0x80040515, "The opportunity is already
// closed.", web service error codes) and leaves it Won. An update of its
// other columns is accepted, and statecode 0 reopens it for the other close.
func TestCloseOfClosedOpportunityRefused(t *testing.T) {
	e := newEnv(t, Options{})
	id := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Deal"}), 204).header)
	e.must(e.do("POST", "WinOpportunity", closeBody(id, -1)), 204)
	for _, action := range []string{"WinOpportunity", "LoseOpportunity"} {
		r := e.do("POST", action, closeBody(id, -1))
		if r.status != 400 || r.errCode() != "0x80040515" || r.errMessage() != "The opportunity is already closed." {
			t.Errorf("%s of a Won opportunity: %d %s, want 400 0x80040515 \"The opportunity is already closed.\"", action, r.status, r.raw)
		}
	}
	if st, sc := e.opportunityState(id); st != 1 || sc != 3 {
		t.Fatalf("after the refused closes: state %v status %v, want 1/3 (Won)", st, sc)
	}
	e.must(e.do("PATCH", "opportunities("+id+")", map[string]any{"name": "Deal renamed", "estimatedvalue": 50}), 204)
	e.must(e.do("PATCH", "opportunities("+id+")", map[string]any{"statecode": 0}), 204)
	e.must(e.do("POST", "LoseOpportunity", closeBody(id, -1)), 204)
	if st, sc := e.opportunityState(id); st != 2 || sc != 4 {
		t.Fatalf("reopened and lost: state %v status %v, want 2/4", st, sc)
	}
}
