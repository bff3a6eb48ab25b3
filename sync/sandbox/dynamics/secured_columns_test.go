package dynamics

import (
	"net/http"
	"testing"
)

// A secured column reads as null to a caller without read permission, in a
// query with or without $select and in a single-row retrieve, while the
// row keeps its value; its metadata says IsSecured. A column that cannot be
// secured (the primary name, a lookup) is refused by the helper
// (Microsoft Learn: "Column-level security with code").
func TestSecuredColumnReadsAsNullWithoutReadPermission(t *testing.T) {
	e := newEnv(t, Options{})
	row, err := e.sim.Create("contacts", map[string]any{"lastname": "Ng", "telephone1": "+1 206 555 0100"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SecureColumn("contacts", "telephone1", FieldPermission{}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"contacts", "contacts?$select=lastname,telephone1", "contacts(" + row.ID + ")?$select=telephone1"} {
		r := e.must(e.do("GET", path, nil), http.StatusOK)
		got := r.body
		if rows := r.values(); len(rows) > 0 {
			got = rows[0]
		}
		if v, present := got["telephone1"]; !present || v != nil {
			t.Errorf("GET %s: telephone1 %v (present %v), want null", path, v, present)
		}
	}
	if kept, _ := e.sim.Get("contacts", row.ID); kept.Fields["telephone1"] != "+1 206 555 0100" {
		t.Errorf("the row's value %v, want it kept", kept.Fields["telephone1"])
	}
	meta := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='telephone1')?$select=LogicalName,IsSecured", nil), http.StatusOK)
	if meta.body["IsSecured"] != true {
		t.Errorf("telephone1 metadata %s, want IsSecured true", meta.raw)
	}
	other := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='jobtitle')?$select=IsSecured", nil), http.StatusOK)
	if other.body["IsSecured"] != false {
		t.Errorf("jobtitle metadata %s, want IsSecured false", other.raw)
	}

	if err := e.sim.SecureColumn("contacts", "telephone1", FieldPermission{Read: true}); err != nil {
		t.Fatal(err)
	}
	if r := e.must(e.do("GET", "contacts("+row.ID+")?$select=telephone1", nil), http.StatusOK); r.body["telephone1"] != "+1 206 555 0100" {
		t.Errorf("with read permission: telephone1 %v", r.body["telephone1"])
	}
	for _, col := range []string{"fullname", "parentcustomerid", "modifiedon"} {
		if err := e.sim.SecureColumn("contacts", col, FieldPermission{}); err == nil {
			t.Errorf("securing contact.%s succeeded; it cannot be secured", col)
		}
	}
}

// A write to a secured column the caller may not update is refused with
// 403 and AttributePermissionUpdateIsMissingDuringUpdate, a create setting
// one it may not create with AttributePrivilegeCreateIsMissing; the row is
// left as it was (web service error codes; 403 per "Compose HTTP requests
// and handle errors").
func TestSecuredColumnWriteRefusedWithoutPermission(t *testing.T) {
	e := newEnv(t, Options{})
	row, err := e.sim.Create("contacts", map[string]any{"lastname": "Ng", "telephone1": "+1 206 555 0100"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SecureColumn("contacts", "telephone1", FieldPermission{Read: true}); err != nil {
		t.Fatal(err)
	}
	up := e.do("PATCH", "contacts("+row.ID+")", map[string]any{"jobtitle": "CFO", "telephone1": "+1 206 555 0199"}, "If-Match", "*")
	if up.status != http.StatusForbidden || up.errCode() != codeFieldUpdateMissing {
		t.Errorf("update: %d %s, want 403 %s", up.status, up.raw, codeFieldUpdateMissing)
	}
	if kept, _ := e.sim.Get("contacts", row.ID); kept.Fields["telephone1"] != "+1 206 555 0100" || kept.Fields["jobtitle"] != nil {
		t.Errorf("after the refused update: %v", kept.Fields)
	}
	cr := e.do("POST", "contacts", map[string]any{"lastname": "Okafor", "telephone1": "+1 206 555 0142"})
	if cr.status != http.StatusForbidden || cr.errCode() != codeFieldCreateMissing {
		t.Errorf("create: %d %s, want 403 %s", cr.status, cr.raw, codeFieldCreateMissing)
	}
	if n := e.sim.Count("contacts"); n != 1 {
		t.Errorf("%d contacts after the refused create, want 1", n)
	}
	e.must(e.do("PATCH", "contacts("+row.ID+")", map[string]any{"jobtitle": "CFO"}, "If-Match", "*"), http.StatusNoContent)
	if perm, secured := e.sim.CallerPermission("contacts", "telephone1"); !secured || !perm.Read || perm.Update {
		t.Errorf("CallerPermission %+v %v", perm, secured)
	}
}
