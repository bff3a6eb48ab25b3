package zoho

import "testing"

// A user whose profile may view but not create contacts: Zoho refuses the whole insert
// with one AUTHORIZATION_FAILED wrapped in data[] (crm-oas v8.0 createRecords example
// response-400-authorizationfailed), and creates nothing.
func TestInsertWithoutCreatePermission(t *testing.T) {
	e := newEnv(t, Options{NoCreate: []string{ModuleContacts}})
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"Last_Name": "Doe"}, map[string]any{"Last_Name": "Roe"}}})
	res := items(t, r)
	if r.status != 400 || len(res) != 1 || res[0]["code"] != "AUTHORIZATION_FAILED" || res[0]["status"] != "error" ||
		res[0]["message"] != "User does not have sufficient privilege to perform this action" {
		t.Fatalf("insert without create permission: %d %s", r.status, r.raw)
	}
	if d, _ := res[0]["details"].(map[string]any); d["resource_path_index"] != float64(0) {
		t.Fatalf("details: %s", r.raw)
	}
	if r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name", nil); r.status != 204 {
		t.Fatalf("a refused insert created records: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", "/crm/v8/Accounts", map[string]any{"data": []any{map[string]any{"Account_Name": "Zylker"}}}); r.status != 201 {
		t.Fatalf("another module stays creatable: %d %s", r.status, r.raw)
	}
}

// Get Deleted Records answers its 400s wrapped in data[] (crm-oas v8.0
// getDeletedRecords: DeletedRecordsErrorResponse).
func TestDeletedListErrorsWrapped(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/crm/v8/Contacts/deleted?type=bogus", nil)
	res := items(t, r)
	if r.status != 400 || len(res) != 1 || res[0]["code"] != "PATTERN_NOT_MATCHED" {
		t.Fatalf("bad type: %d %s", r.status, r.raw)
	}
	r = e.do("GET", "/crm/v8/Notes/deleted", nil)
	if res := items(t, r); r.status != 400 || len(res) != 1 || res[0]["code"] != "INVALID_MODULE" {
		t.Fatalf("notes: %d %s", r.status, r.raw)
	}
}
