package zoho

import "testing"

// TestDeniedRecordShapes: a contact the signed-in user may read but
// not change (a role or sharing rule in Zoho CRM) is refused alone: an
// update or an upsert matching it answers NO_PERMISSION "no permission to
// perform an action on this record" (crm-oas v8.0 record.json
// API_Exception), a delete AUTHORIZATION_FAILED "User does not have
// sufficient privilege to delete records" (deleteRecords example), each
// naming the record; the other contact is written, the refused one is
// left as it was, and once permitted again it is written.
func TestDeniedRecordShapes(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"Last_Name": "Free", "Email": "free@acme.com"},
		map[string]any{"Last_Name": "Denied", "Email": "denied@acme.com"}}})
	res := items(t, r)
	if r.status != 201 {
		t.Fatalf("insert: %d %s", r.status, r.raw)
	}
	id := func(i int) string { s, _ := res[i]["details"].(map[string]any)["id"].(string); return s }
	free, denied := id(0), id(1)
	if err := e.sim.DenyRecord(ModuleContacts, denied, true); err != nil {
		t.Fatal(err)
	}
	r = e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"id": free, "Title": "CEO"}, map[string]any{"id": denied, "Title": "CEO"}}})
	up := items(t, r)
	if r.status != 207 || up[0]["status"] != "success" || up[1]["message"] != "no permission to perform an action on this record" {
		t.Fatalf("update beside a denied record: %d %s", r.status, r.raw)
	}
	if d := assertErr(t, up[1], "NO_PERMISSION"); d["id"] != denied {
		t.Fatalf("denied update's details: %v", d)
	}
	r = e.do("POST", "/crm/v8/Contacts/upsert", map[string]any{"duplicate_check_fields": []string{"Email"},
		"data": []any{map[string]any{"Email": "denied@acme.com", "Last_Name": "Denied", "Title": "CFO"}}})
	if r.status != 400 {
		t.Fatalf("upsert onto a denied record: %d %s", r.status, r.raw)
	}
	assertErr(t, items(t, r)[0], "NO_PERMISSION")
	if rec, _ := e.sim.Get(ModuleContacts, denied); rec.Fields["Title"] != "" {
		t.Fatalf("the denied contact was changed: %v", rec.Fields)
	}
	r = e.do("DELETE", "/crm/v8/Contacts?ids="+free+","+denied, nil)
	del := items(t, r)
	if r.status != 207 || del[0]["status"] != "success" || del[1]["message"] != "User does not have sufficient privilege to delete records" {
		t.Fatalf("delete beside a denied record: %d %s", r.status, r.raw)
	}
	if d := assertErr(t, del[1], "AUTHORIZATION_FAILED"); d["id"] != denied {
		t.Fatalf("denied delete's details: %v", d)
	}
	if err := e.sim.DenyRecord(ModuleContacts, denied, false); err != nil {
		t.Fatal(err)
	}
	r = e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": denied, "Title": "CEO"}}})
	if r.status != 200 {
		t.Fatalf("update once permitted: %d %s", r.status, r.raw)
	}
}
