package salesforce

import (
	"strings"
	"testing"
)

// describeField returns the named field of object's describe over HTTP.
func (e *env) describeField(object, name string) map[string]any {
	e.t.Helper()
	_, raw := e.do("GET", v+"/sobjects/"+object+"/describe", nil)
	d := decode[map[string]any](e.t, raw)
	for _, f := range d["fields"].([]any) {
		if m := f.(map[string]any); m["name"] == name {
			return m
		}
	}
	e.t.Fatalf("%s has no field %s in describe", object, name)
	return nil
}

// Salesforce leaves restrictedPicklist false unless an admin restricts the
// picklist, and an unrestricted picklist stores a value outside its list.
func TestUnrestrictedStandardPicklist(t *testing.T) {
	e := newEnv(t, Options{})
	for _, of := range [][2]string{{"Contact", "LeadSource"}, {"Lead", "LeadSource"}, {"Account", "Industry"}} {
		if f := e.describeField(of[0], of[1]); f["restrictedPicklist"] != false {
			t.Errorf("%s.%s restrictedPicklist = %v; want false (a standard picklist no admin restricted)", of[0], of[1], f["restrictedPicklist"])
		}
	}
	if f := e.describeField("Project__c", "Status__c"); f["restrictedPicklist"] != true {
		t.Errorf("Project__c.Status__c restrictedPicklist = %v; want true (restricted)", f["restrictedPicklist"])
	}
	r, raw := e.do("POST", v+"/sobjects/Contact", map[string]any{"LastName": "Pigeon", "LeadSource": "Carrier Pigeon"})
	if r.StatusCode != 201 {
		t.Fatalf("create with a value outside an unrestricted picklist: %d %s; want it stored", r.StatusCode, raw)
	}
	id := decode[map[string]any](t, raw)["id"].(string)
	if got, _ := e.sim.Get("Contact", id); got.Fields["LeadSource"] != "Carrier Pigeon" {
		t.Errorf("stored LeadSource = %q; want Carrier Pigeon as written", got.Fields["LeadSource"])
	}
	r, raw = e.do("PATCH", v+"/sobjects/Contact/"+id, map[string]any{"LeadSource": "Smoke Signal"})
	if r.StatusCode != 204 {
		t.Fatalf("update: %d %s", r.StatusCode, raw)
	}
	if got, _ := e.sim.Get("Contact", id); got.Fields["LeadSource"] != "Smoke Signal" {
		t.Errorf("updated LeadSource = %q; want Smoke Signal", got.Fields["LeadSource"])
	}
	// An admin restricts it: the same kind of write is refused.
	if err := e.sim.RestrictPicklist("Contact", "LeadSource", true); err != nil {
		t.Fatal(err)
	}
	if f := e.describeField("Contact", "LeadSource"); f["restrictedPicklist"] != true {
		t.Errorf("restricted LeadSource describes restrictedPicklist = %v", f["restrictedPicklist"])
	}
	r, raw = e.do("PATCH", v+"/sobjects/Contact/"+id, map[string]any{"LeadSource": "Telegram"})
	if r.StatusCode != 400 || !strings.Contains(string(raw), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") ||
		!strings.Contains(string(raw), "bad value for restricted picklist field: Telegram") {
		t.Errorf("restricted picklist write: %d %s; want INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", r.StatusCode, raw)
	}
}

// A deactivated value stays writable on an unrestricted picklist, and an
// unrestricted multi-select keeps values outside its list after its own.
func TestUnrestrictedInactiveAndMulti(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.DeactivatePicklistValue("Contact", "LeadSource", "Web"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Create("Contact", map[string]string{"LastName": "Old", "LeadSource": "Web"}); err != nil {
		t.Errorf("inactive value on an unrestricted picklist: %v; want it stored", err)
	}
	if err := e.sim.RestrictPicklist("Contact", "Buying_Role__c", false); err != nil {
		t.Fatal(err)
	}
	rec, err := e.sim.Create("Contact", map[string]string{"LastName": "Poet", "Buying_Role__c": "Poet;Champion;Blocker;Poet"})
	if err != nil {
		t.Fatalf("multi-select outside its list, unrestricted: %v", err)
	}
	if got := rec.Fields["Buying_Role__c"]; got != "Blocker;Champion;Poet" {
		t.Errorf("stored Buying_Role__c = %q; want Blocker;Champion;Poet", got)
	}
}
