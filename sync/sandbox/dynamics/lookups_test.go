package dynamics

import "testing"

// A table's lookups are listed as relationships with the navigation
// property a write binds, one per target table.
func TestManyToOneRelationshipsNameTheNavigationProperty(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "EntityDefinitions(LogicalName='contact')/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	navs := map[string]string{}
	for _, v := range r.values() {
		if v["ReferencingAttribute"] == "parentcustomerid" {
			navs[v["ReferencedEntity"].(string)] = v["ReferencingEntityNavigationPropertyName"].(string)
		}
	}
	if navs["account"] != "parentcustomerid_account" || navs["contact"] != "parentcustomerid_contact" {
		t.Fatalf("parentcustomerid's relationships: %v\n%s", navs, r.raw)
	}
	if r := e.do("GET", "EntityDefinitions(LogicalName='contact')/ManyToOneRelationships?$select=Nope", nil); r.status != 400 {
		t.Fatalf("unknown $select property: status %d", r.status)
	}
}

// With the lookuplogicalname annotation asked for, a lookup's id comes
// with the table it belongs to; without it, it does not.
func TestLookupLogicalNameAnnotation(t *testing.T) {
	e := newEnv(t, Options{})
	acct, err := e.sim.Create("accounts", map[string]any{"name": "Fabrikam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Create("contacts", map[string]any{"lastname": "Ng", "parentcustomerid_account@odata.bind": "/accounts(" + acct.ID + ")"}); err != nil {
		t.Fatal(err)
	}
	const ann = "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"
	r := e.do("GET", "contacts?$select=_parentcustomerid_value", nil, "Prefer", `odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"`)
	if v := r.values(); r.status != 200 || len(v) != 1 || v[0]["_parentcustomerid_value"] != acct.ID || v[0][ann] != "account" {
		t.Fatalf("annotated read: %d %s", r.status, r.raw)
	}
	r = e.do("GET", "contacts?$select=_parentcustomerid_value", nil)
	if v := r.values(); len(v) != 1 || v[0][ann] != nil {
		t.Fatalf("read without the preference carries the annotation: %s", r.raw)
	}
}
