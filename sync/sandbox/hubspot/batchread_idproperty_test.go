package hubspot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBatchReadByIDProperty: batch/read with idProperty=email reads
// contacts made a moment ago although search does not show them yet,
// whatever the case of the address, and answers 207 with one
// OBJECT_NOT_FOUND item naming the emails no contact holds. An idProperty
// that is no unique property refuses the call (400 VALIDATION_ERROR), as
// a single read by it does, rather than answer every value as missing,
// which a caller would take for "no such record" and create it again.
func TestBatchReadByIDProperty(t *testing.T) {
	e := newEnv(t, Options{SearchIndexDelay: time.Hour})
	fresh, err := e.sim.Create("contacts", map[string]string{"email": "fresh.read@audit.example", "firstname": "Fresh"})
	if err != nil {
		t.Fatal(err)
	}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/read", map[string]any{
		"idProperty": "email", "properties": []string{"email", "firstname"}, "propertiesWithHistory": []string{},
		"inputs": []any{map[string]string{"id": "Fresh.Read@Audit.example"}, map[string]string{"id": "nobody@audit.example"}}})
	if r.StatusCode != 207 {
		t.Fatalf("batch/read by email with one unknown: %d %v; want 207", r.StatusCode, body)
	}
	res, _ := body["results"].([]any)
	if len(res) != 1 || res[0].(map[string]any)["id"] != fresh.ID {
		t.Errorf("results %v; want contact %s", res, fresh.ID)
	}
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["category"] != "OBJECT_NOT_FOUND" ||
		!strings.Contains(fmt.Sprint(errs[0].(map[string]any)["context"]), "nobody@audit.example") {
		t.Errorf("errors %v; want one OBJECT_NOT_FOUND naming nobody@audit.example", errs)
	}

	r, body = e.do("POST", "/crm/objects/2026-03/contacts/batch/read", map[string]any{
		"idProperty": "firstname", "properties": []string{"email"}, "propertiesWithHistory": []string{},
		"inputs": []any{map[string]string{"id": "Fresh"}}})
	if r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" {
		t.Errorf("batch/read by a non-unique idProperty: %d %v; want 400 VALIDATION_ERROR", r.StatusCode, body)
	}
}
