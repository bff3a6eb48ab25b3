package dynamics

import (
	"fmt"
	"slices"
	"testing"
)

// $select returns the columns named, a lookup as its _x_value property,
// plus the primary key (always returned) and @odata.etag, and nothing
// else; a column the table does not have is a 400 with code 0x0
// (Microsoft Learn: "Select columns using OData"; "Troubleshoot Dataverse
// Web API client errors").
func TestSelectReturnsOnlyTheNamedColumns(t *testing.T) {
	e := newEnv(t, Options{})
	acct, err := e.sim.Create("accounts", map[string]any{"name": "Fabrikam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Create("contacts", map[string]any{"lastname": "Ng", "firstname": "Ada",
		"parentcustomerid_account@odata.bind": "/accounts(" + acct.ID + ")"}); err != nil {
		t.Fatal(err)
	}
	r := e.must(e.do("GET", "contacts?$select=lastname,telephone1,_parentcustomerid_value", nil), 200)
	rows := r.values()
	if len(rows) != 1 {
		t.Fatalf("%d rows: %s", len(rows), r.raw)
	}
	var keys []string
	for k := range rows[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"@odata.etag", "_parentcustomerid_value", "contactid", "lastname", "telephone1"}
	if !slices.Equal(keys, want) {
		t.Errorf("row properties %v, want %v", keys, want)
	}
	if rows[0]["lastname"] != "Ng" || rows[0]["telephone1"] != nil || rows[0]["_parentcustomerid_value"] != acct.ID {
		t.Errorf("row %v", rows[0])
	}
	if ctx := fmt.Sprint(r.body["@odata.context"]); ctx != e.base+"/api/data/v9.2/$metadata#contacts(lastname,telephone1,_parentcustomerid_value)" {
		t.Errorf("@odata.context %s", ctx)
	}

	bad := e.do("GET", "contacts?$select=lastname,Name", nil)
	if bad.status != 400 || bad.errCode() != "0x0" || bad.errMessage() != "Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.contact'." {
		t.Errorf("unknown column: %d %s", bad.status, bad.raw)
	}
}
