package salesforce

import (
	"net/http"
	"testing"
)

// TestUpsertByNonUniqueExternalID: an External ID that is not Unique
// still matches. "If the external ID matches one existing record, then the
// existing record is updated ... If the external ID matches multiple
// existing records, then a 300 error is returned, and no records are
// created or updated" (REST API guide, "Upsert Records Using sObject Rows
// by External ID", resources_sobject_upsert_patch). In a Collections
// upsert that record fails alone with DUPLICATE_EXTERNAL_ID ("A
// user-specified external ID matches more than one record during an
// upsert", SOAP API guide, StatusCode).
func TestUpsertByNonUniqueExternalID(t *testing.T) {
	e := newEnv(t, Options{})
	one, err := e.sim.Create("Project__c", map[string]string{"Name": "Old site", "Legacy_Id__c": "L-1"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := e.sim.Create("Project__c", map[string]string{"Name": "Twin", "Legacy_Id__c": "L-2"}); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(key, name string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Project__c"}, "Legacy_Id__c": key, "Name": name}
	}
	resp, raw := e.do("PATCH", v+"/composite/sobjects/Project__c/Legacy_Id__c", map[string]any{"allOrNone": false,
		"records": []any{rec("l-1", "New site"), rec("L-2", "Which twin"), rec("L-3", "Fresh")}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	out := decode[[]struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
		Created bool   `json:"created"`
		Errors  []struct {
			StatusCode string `json:"statusCode"`
		} `json:"errors"`
	}](t, raw)
	if !out[0].Success || out[0].Created || out[0].ID != one.ID {
		t.Errorf("one match: %+v; want %s updated, not a new record", out[0], one.ID)
	}
	if out[1].Success || len(out[1].Errors) != 1 || out[1].Errors[0].StatusCode != "DUPLICATE_EXTERNAL_ID" {
		t.Errorf("two matches: %+v; want DUPLICATE_EXTERNAL_ID", out[1])
	}
	if !out[2].Success || !out[2].Created {
		t.Errorf("no match: %+v; want created", out[2])
	}
	if n := e.sim.Count("Project__c"); n != 4 {
		t.Errorf("%d Project__c; want 4 (3 seeded + 1 created)", n)
	}
	if got, ok := e.sim.Get("Project__c", one.ID); !ok || got.Fields["Name"] != "New site" {
		t.Errorf("matched record: %+v; want Name New site", got)
	}

	// The single-record form answers 300 with the matching records' URLs.
	resp, raw = e.do("PATCH", v+"/sobjects/Project__c/Legacy_Id__c/L-2", map[string]any{"Name": "Which twin"})
	if resp.StatusCode != http.StatusMultipleChoices {
		t.Errorf("single upsert, two matches: %d %s; want 300", resp.StatusCode, raw)
	}
	if n := e.sim.Count("Project__c"); n != 4 {
		t.Errorf("%d Project__c after the single upsert; want 4", n)
	}
}
