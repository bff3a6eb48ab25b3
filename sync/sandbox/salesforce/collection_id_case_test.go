package salesforce

import (
	"testing"
)

// Salesforce's REST API guide, "Update Records Using sObject Collections",
// names each record's id in lower case in its own request body example
// ("id" : "001xx000003DGb2AAG"): field names in a request are
// case-insensitive, so the sandbox must find the record under "id" too.
func TestCollectionUpdateLowerCaseID(t *testing.T) {
	e := newEnv(t, Options{})
	seedContacts(t, e.sim, 2)
	rows := decode[map[string]any](t, func() []byte {
		_, raw := e.do("GET", v+"/query?q=SELECT+Id+FROM+Contact+ORDER+BY+Id", nil)
		return raw
	}())["records"].([]any)
	if len(rows) != 2 {
		t.Fatalf("seeded %d contacts", len(rows))
	}
	first := rows[0].(map[string]any)["Id"].(string)
	second := rows[1].(map[string]any)["Id"].(string)
	body := map[string]any{"allOrNone": false, "records": []any{
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "id": first, "Title": "Lead Engineer"},
		map[string]any{"attributes": map[string]any{"type": "Contact"}, "ID": second, "Title": "CTO"},
	}}
	r, raw := e.do("PATCH", v+"/composite/sobjects", body)
	res := decode[[]map[string]any](t, raw)
	if r.StatusCode != 200 || len(res) != 2 {
		t.Fatalf("update: %d %s", r.StatusCode, raw)
	}
	for i, want := range []struct{ id, title string }{{first, "Lead Engineer"}, {second, "CTO"}} {
		if res[i]["success"] != true || res[i]["id"] != want.id {
			t.Fatalf("record %d: %v", i, res[i])
		}
		got, ok := e.sim.Get("Contact", want.id)
		if !ok || got.Fields["Title"] != want.title {
			t.Fatalf("record %d stored: %v", i, got.Fields)
		}
	}
}
