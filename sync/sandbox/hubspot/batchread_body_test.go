package hubspot

import (
	"net/http"
	"strings"
	"testing"
)

// TestBatchReadRequiresSpecFields: the 2026-03 spec's
// BatchReadInputSimplePublicObjectId marks inputs, properties and
// propertiesWithHistory required (CRM/Contacts/Rollouts/424/2026-03 and
// CRM/Objects, HubSpot-public-api-spec-collection), and every example in
// HubSpot's reference sends all three. A body without one is a 400
// VALIDATION_ERROR naming it; the same body with an empty
// propertiesWithHistory reads the record.
func TestBatchReadRequiresSpecFields(t *testing.T) {
	e := newEnv(t, Options{Seed: 1})
	c, err := e.sim.Create("contacts", map[string]string{"email": "req@audit.example", "firstname": "Req"})
	if err != nil {
		t.Fatal(err)
	}
	const path = "/crm/objects/2026-03/contacts/batch/read"
	inputs := []any{map[string]string{"id": c.ID}}
	for _, tc := range []struct {
		missing string
		body    map[string]any
	}{
		{"propertiesWithHistory", map[string]any{"properties": []string{"email"}, "inputs": inputs}},
		{"properties", map[string]any{"propertiesWithHistory": []string{}, "inputs": inputs}},
		{"inputs", map[string]any{"properties": []string{"email"}, "propertiesWithHistory": []string{}}},
	} {
		r, body := e.do("POST", path, tc.body)
		msg, _ := body["message"].(string)
		if r.StatusCode != http.StatusBadRequest || body["category"] != "VALIDATION_ERROR" || !strings.Contains(msg, tc.missing) {
			t.Errorf("batch/read without %s: %d %v; want 400 VALIDATION_ERROR naming it", tc.missing, r.StatusCode, body)
		}
	}
	r, body := e.do("POST", path, map[string]any{"properties": []string{"email"}, "propertiesWithHistory": []string{}, "inputs": inputs})
	res, _ := body["results"].([]any)
	if r.StatusCode != http.StatusOK || len(res) != 1 || props(res[0].(map[string]any))["email"] != "req@audit.example" {
		t.Fatalf("batch/read with every required field: %d %v; want the contact", r.StatusCode, body)
	}
}
