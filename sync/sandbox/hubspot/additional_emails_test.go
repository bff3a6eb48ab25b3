package hubspot

import (
	"net/http"
	"testing"
)

// TestMergedEmailStaysTaken: a merge keeps the other contact's email
// as a secondary email (hs_additional_emails), and a create with it is
// refused as with a primary email, naming the merged contact.
func TestMergedEmailStaysTaken(t *testing.T) {
	e := newEnv(t, Options{})
	y, err := e.sim.Create("contacts", map[string]string{"email": "jane@y.example"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.sim.Create("contacts", map[string]string{"email": "jane@x.example"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.sim.Merge("contacts", y.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.sim.Get("contacts", id); got.Properties["hs_additional_emails"] != "jane@x.example" {
		t.Fatalf("merged contact %+v", got.Properties)
	}
	in := map[string]any{"inputs": []any{map[string]any{"properties": map[string]any{"email": "JANE@x.example"}}}}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/create", in)
	if r.StatusCode != http.StatusConflict || body["category"] != "CONFLICT" || body["message"] != "Contact already exists. Existing ID: "+id {
		t.Fatalf("created a contact with another's secondary email: %d %v", r.StatusCode, body)
	}
}
