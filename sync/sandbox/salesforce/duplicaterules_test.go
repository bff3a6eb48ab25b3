package salesforce

import (
	"strings"
	"testing"
)

// TestDuplicateRules: with the standard contact duplicate rule active, a
// create matching a Contact by name and phone is refused with a
// DuplicateError naming it, unless the request acknowledges the alert
// (Sforce-Duplicate-Rule-Header allowSave=true); an edit is checked too;
// a rule that blocks refuses even an acknowledged save; Collections
// upserts are checked like creates.
func TestDuplicateRules(t *testing.T) {
	e := newEnv(t, Options{})
	jane, err := e.sim.Create("Contact", map[string]string{"FirstName": "Jane", "LastName": "Doe", "Phone": "+1 (415) 555-0100", "Email": "jane@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AddDuplicateRule("Contact", StandardContactDuplicateRule()); err != nil {
		t.Fatal(err)
	}
	type result struct {
		ID      string
		Success bool
		Errors  []struct {
			StatusCode      string
			Message         string
			DuplicateResult struct {
				AllowSave     bool
				DuplicateRule string
				MatchResults  []struct {
					Rule         string
					MatchRecords []struct {
						Record struct {
							ID string `json:"Id"`
						}
					}
				}
			}
		}
	}
	twin := func(extra map[string]any) map[string]any {
		r := map[string]any{"attributes": map[string]string{"type": "Contact"}, "FirstName": "jane", "LastName": "DOE", "Phone": "415.555.0100", "Email": "jd@gmail.example"}
		for k, v := range extra {
			r[k] = v
		}
		return r
	}
	create := func(hdr ...string) []result {
		_, raw := e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{twin(nil)}}, hdr...)
		return decode[[]result](t, raw)
	}
	out := create()
	if len(out) != 1 || out[0].Success || len(out[0].Errors) != 1 {
		t.Fatalf("create of Jane's twin: %+v", out)
	}
	er := out[0].Errors[0]
	dr := er.DuplicateResult
	if er.StatusCode != "DUPLICATES_DETECTED" || !strings.Contains(er.Message, "duplicate record") || !dr.AllowSave ||
		dr.DuplicateRule != "Standard_Contact_Duplicate_Rule" || len(dr.MatchResults) != 1 || dr.MatchResults[0].Rule != "Standard_Contact_Match_Rule_v1_1" ||
		len(dr.MatchResults[0].MatchRecords) != 1 || dr.MatchResults[0].MatchRecords[0].Record.ID != jane.ID {
		t.Fatalf("refusal: %+v", er)
	}
	if out = create("Sforce-Duplicate-Rule-Header", "allowSave=true; includeRecordDetails=false; runAsCurrentUser=true"); !out[0].Success {
		t.Fatalf("acknowledged create refused: %+v", out)
	}
	twinID := out[0].ID

	// An edit that makes a third Contact Jane's twin is checked too.
	joe, _ := e.sim.Create("Contact", map[string]string{"FirstName": "Joe", "LastName": "Doe", "Email": "jane@acme.example"})
	_, raw := e.do("PATCH", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		map[string]any{"attributes": map[string]string{"type": "Contact"}, "Id": joe.ID, "FirstName": "Jane"}}})
	if out := decode[[]result](t, raw); out[0].Success || out[0].Errors[0].StatusCode != "DUPLICATES_DETECTED" {
		t.Fatalf("edit into a duplicate: %s", raw)
	}
	// Editing a duplicate's other fields still matches: the rule runs on
	// the record as saved. Acknowledged, it goes through.
	_, raw = e.do("PATCH", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		map[string]any{"attributes": map[string]string{"type": "Contact"}, "Id": twinID, "Title": "CFO"}}},
		"Sforce-Duplicate-Rule-Header", "allowSave=true")
	if out := decode[[]result](t, raw); !out[0].Success {
		t.Fatalf("acknowledged edit of the twin: %s", raw)
	}

	// A blocking rule refuses whatever the header says, upserts included.
	blocking := StandardContactDuplicateRule()
	blocking.Name, blocking.Block = "Block_Contacts", true
	if err := e.sim.AddDuplicateRule("Contact", blocking); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"allOrNone": false, "records": []any{twin(map[string]any{"Crmsync_Key__c": "k-1"})}}
	_, raw = e.do("PATCH", v+"/composite/sobjects/Contact/Crmsync_Key__c", body, "Sforce-Duplicate-Rule-Header", "allowSave=true")
	if out := decode[[]result](t, raw); out[0].Success || out[0].Errors[0].DuplicateResult.AllowSave || out[0].Errors[0].DuplicateResult.DuplicateRule != "Block_Contacts" {
		t.Fatalf("upsert under a blocking rule: %s", raw)
	}
	if n := e.sim.Count("Contact"); n != 3 {
		t.Fatalf("%d Contacts, want Jane, her acknowledged twin and Joe", n)
	}
}
