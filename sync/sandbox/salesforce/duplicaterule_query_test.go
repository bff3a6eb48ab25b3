package salesforce

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDuplicateRuleQuery: DuplicateRule answers SOQL as the Object
// Reference describes it: one record per rule with its DeveloperName,
// IsActive and SobjectType, filtered by WHERE; an inactive rule is
// listed as such and refuses nothing; a user without View Setup and
// Configuration is refused the object.
func TestDuplicateRuleQuery(t *testing.T) {
	e := newEnv(t, Options{})
	query := func(q string) (int, []byte) {
		resp, raw := e.do("GET", v+"/query?q="+url.QueryEscape(q), nil)
		return resp.StatusCode, raw
	}
	type answer struct {
		TotalSize int
		Done      bool
		Records   []struct {
			Attributes struct {
				Type string
				URL  string `json:"url"`
			} `json:"attributes"`
			ID            string `json:"Id"`
			DeveloperName string
			IsActive      bool
			SobjectType   string
		}
	}
	active := "SELECT Id, DeveloperName, IsActive, SobjectType FROM DuplicateRule WHERE SobjectType = 'Contact' AND IsActive = true LIMIT 1"
	if code, raw := query(active); code != http.StatusOK || decode[answer](t, raw).TotalSize != 0 {
		t.Fatalf("no rule yet: %d %s", code, raw)
	}
	off := StandardContactDuplicateRule()
	off.Inactive = true
	if err := e.sim.AddDuplicateRule("Contact", off); err != nil {
		t.Fatal(err)
	}
	if code, raw := query(active); code != http.StatusOK || decode[answer](t, raw).TotalSize != 0 {
		t.Fatalf("an inactive rule answered as active: %d %s", code, raw)
	}
	code, raw := query("SELECT DeveloperName, IsActive FROM DuplicateRule WHERE SobjectType = 'contact'")
	all := decode[answer](t, raw)
	if code != http.StatusOK || all.TotalSize != 1 || all.Records[0].IsActive || all.Records[0].DeveloperName != off.Name {
		t.Fatalf("the inactive rule: %d %s", code, raw)
	}
	if _, err := e.sim.Create("Contact", map[string]string{"FirstName": "Jane", "LastName": "Doe", "Phone": "+14155550100"}); err != nil {
		t.Fatal(err)
	}
	twin := map[string]any{"attributes": map[string]string{"type": "Contact"}, "FirstName": "Jane", "LastName": "Doe", "Phone": "+14155550100"}
	_, out := e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{twin}})
	if res := decode[[]struct{ Success bool }](t, out); len(res) != 1 || !res[0].Success {
		t.Fatalf("an inactive rule refused a create: %s", out)
	}

	if err := e.sim.AddDuplicateRule("Contact", StandardContactDuplicateRule()); err != nil {
		t.Fatal(err)
	}
	code, raw = query(active)
	got := decode[answer](t, raw)
	if code != http.StatusOK || got.TotalSize != 1 || !got.Done || len(got.Records) != 1 {
		t.Fatalf("the active rule: %d %s", code, raw)
	}
	rec := got.Records[0]
	if rec.Attributes.Type != "DuplicateRule" || !strings.HasPrefix(rec.ID, "0Bm") || len(rec.ID) != 18 ||
		rec.Attributes.URL != v+"/sobjects/DuplicateRule/"+rec.ID || !rec.IsActive || rec.SobjectType != "Contact" ||
		rec.DeveloperName != "Standard_Contact_Duplicate_Rule" {
		t.Fatalf("record: %s", raw)
	}
	if code, raw := query("SELECT Id FROM DuplicateRule WHERE SobjectType = 'Lead' AND IsActive = true"); code != http.StatusOK || decode[answer](t, raw).TotalSize != 0 {
		t.Fatalf("Lead has no rule: %d %s", code, raw)
	}
	if code, raw := query("SELECT Nope FROM DuplicateRule"); code != http.StatusBadRequest || !strings.Contains(string(raw), "INVALID_FIELD") {
		t.Fatalf("unknown field: %d %s", code, raw)
	}

	e.sim.RefuseOrganization(true)
	if code, raw := query(active); code != http.StatusBadRequest || !strings.Contains(string(raw), "INVALID_TYPE") {
		t.Fatalf("without View Setup and Configuration: %d %s", code, raw)
	}
}
