package hubspot

import (
	"net/http"
	"testing"
)

// TestTakenEmailRefusesWholeBatchCreate: HubSpot answers a
// batch/create one of whose emails is taken with a bare 409 for the whole
// batch, naming the first contact met, and creates nothing
// (HubSpot/hubspot-api-python#51), not with a 207 beside the others.
func TestTakenEmailRefusesWholeBatchCreate(t *testing.T) {
	e := newEnv(t, Options{})
	held, err := e.sim.Create("contacts", map[string]string{"email": "held@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"inputs": []any{
		map[string]any{"properties": map[string]any{"email": "one@example.com"}},
		map[string]any{"properties": map[string]any{"email": "Held@example.com"}},
		map[string]any{"properties": map[string]any{"email": "two@example.com"}},
	}}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/create", in)
	if r.StatusCode != http.StatusConflict || body["category"] != "CONFLICT" || body["message"] != "Contact already exists. Existing ID: "+held.ID {
		t.Fatalf("batch/create with a taken email: %d %v", r.StatusCode, body)
	}
	if _, ok := body["results"]; ok {
		t.Fatalf("a whole-batch refusal carries results: %v", body)
	}
	if n := e.sim.Count("contacts"); n != 1 {
		t.Fatalf("%d contacts after the refused batch, want 1", n)
	}
}
