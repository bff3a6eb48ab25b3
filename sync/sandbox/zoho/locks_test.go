package zoho

import (
	"testing"
)

// TestRecordLockedShapes: an update, an upsert's update and a delete
// of a record under a record lock fail alone with RECORD_LOCKED, in the
// shapes of crm-oas v8.0's updateRecords recordlockederror and
// deleteRecords RecordLocked examples; the other record of the call is
// written, and the locked one is left as it was. Unlocked, it takes the
// same update.
func TestRecordLockedShapes(t *testing.T) {
	e := newEnv(t, Options{})
	free := mustCreate(t, e, map[string]any{"Last_Name": "Free", "Email": "free@acme.com"})
	held := mustCreate(t, e, map[string]any{"Last_Name": "Held", "Email": "held@acme.com"})
	if err := e.sim.LockRecord(ModuleContacts, held, true); err != nil {
		t.Fatal(err)
	}

	r := e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"id": free, "Title": "CEO"},
		map[string]any{"id": held, "Title": "CFO"},
	}})
	res := items(t, r)
	if r.status != 207 || len(res) != 2 || res[0]["status"] != "success" {
		t.Fatalf("update beside a locked record: %d %s", r.status, r.raw)
	}
	d := assertErr(t, res[1], "RECORD_LOCKED")
	if res[1]["message"] != "Sorry, you cannot perform this operation as the record is locked." ||
		d["api_name"] != "id" || d["json_path"] != "$.data[1].id" || d["action"] != "record_locking" {
		t.Fatalf("locked update's result: %v", res[1])
	}

	r = e.do("POST", "/crm/v8/Contacts/upsert", map[string]any{"duplicate_check_fields": []any{"Email"},
		"data": []any{map[string]any{"Last_Name": "Held", "Email": "held@acme.com", "Title": "CTO"}}})
	if r.status != 400 {
		t.Fatalf("upsert onto a locked record: %d %s", r.status, r.raw)
	}
	assertErr(t, items(t, r)[0], "RECORD_LOCKED")

	r = e.do("DELETE", "/crm/v8/Contacts?ids="+held, nil)
	res = items(t, r)
	if r.status != 400 || len(res) != 1 {
		t.Fatalf("delete of a locked record: %d %s", r.status, r.raw)
	}
	d = assertErr(t, res[0], "RECORD_LOCKED")
	if res[0]["message"] != "You cannot perform this operation as the record is locked." || d["id"] != held || d["action"] != "record_locking" {
		t.Fatalf("locked delete's result: %v", res[0])
	}
	if rec, ok := e.sim.Get(ModuleContacts, held); !ok || rec.Deleted || rec.Fields["Title"] != "" {
		t.Fatalf("the locked record changed: %+v", rec)
	}
	if rec, _ := e.sim.Get(ModuleContacts, free); rec.Fields["Title"] != "CEO" {
		t.Fatalf("the other record was not written: %+v", rec)
	}

	if err := e.sim.LockRecord(ModuleContacts, held, false); err != nil {
		t.Fatal(err)
	}
	r = e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": held, "Title": "CFO"}}})
	if r.status != 200 {
		t.Fatalf("update once unlocked: %d %s", r.status, r.raw)
	}
	if rec, _ := e.sim.Get(ModuleContacts, held); rec.Fields["Title"] != "CFO" {
		t.Fatalf("unlocked record: %+v", rec)
	}
}

// TestNotApprovedShapes: a record submitted for approval is refused
// an update and a delete with NOT_APPROVED, in the shapes of crm-oas
// v8.0's updateRecords notapprovederror and deleteRecords NotApproved
// examples, and left as it was; approved, it takes the update.
func TestNotApprovedShapes(t *testing.T) {
	e := newEnv(t, Options{})
	id := mustCreate(t, e, map[string]any{"Last_Name": "Pending", "Email": "pending@acme.com"})
	if err := e.sim.AwaitApproval(ModuleContacts, id, true); err != nil {
		t.Fatal(err)
	}
	r := e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": id, "Title": "CFO"}}})
	res := items(t, r)
	if r.status != 400 || len(res) != 1 {
		t.Fatalf("update awaiting approval: %d %s", r.status, r.raw)
	}
	if d := assertErr(t, res[0], "NOT_APPROVED"); res[0]["message"] != "Cannot update record that is not approved yet" || num(d["resource_path_index"]) != 1 {
		t.Fatalf("update's result: %v", res[0])
	}
	r = e.do("DELETE", "/crm/v8/Contacts?ids="+id, nil)
	res = items(t, r)
	if r.status != 400 || len(res) != 1 {
		t.Fatalf("delete awaiting approval: %d %s", r.status, r.raw)
	}
	if assertErr(t, res[0], "NOT_APPROVED"); res[0]["message"] != "cannot delete record that is not approved yet" {
		t.Fatalf("delete's result: %v", res[0])
	}
	if rec, ok := e.sim.Get(ModuleContacts, id); !ok || rec.Deleted || rec.Fields["Title"] != "" {
		t.Fatalf("the record awaiting approval changed: %+v", rec)
	}
	if err := e.sim.AwaitApproval(ModuleContacts, id, false); err != nil {
		t.Fatal(err)
	}
	if r := e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": id, "Title": "CFO"}}}); r.status != 200 {
		t.Fatalf("update once approved: %d %s", r.status, r.raw)
	}
}
