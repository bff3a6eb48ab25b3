package zoho

import "testing"

// TestDependentMismatchShape: with Deals.Type dependent on
// Lead_Source, an insert whose Type its Lead_Source does not allow fails
// alone with DEPENDENT_MISMATCH in the shape of crm-oas v8.0's
// upsertRecords dependentmismatch example (details.api_name the dependent
// field, details.dependee its controlling one, each with its json_path);
// the deal that fits is created (207).
func TestDependentMismatchShape(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sim.DependOn(ModuleDeals, "Type", "Lead_Source", map[string][]string{"Partner": {"Existing Business"}}); err != nil {
		t.Fatal(err)
	}
	deal := func(name, typ string) map[string]any {
		return map[string]any{"Deal_Name": name, "Stage": "Qualification", "Closing_Date": "2026-12-31", "Lead_Source": "Partner", "Type": typ}
	}
	r := e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{deal("Fits", "Existing Business"), deal("Mismatch", "New Business")}})
	res := items(t, r)
	if r.status != 207 || len(res) != 2 || res[0]["status"] != "success" {
		t.Fatalf("insert beside a dependent mismatch: %d %s", r.status, r.raw)
	}
	d := assertErr(t, res[1], "DEPENDENT_MISMATCH")
	dep, _ := d["dependee"].(map[string]any)
	if d["api_name"] != "Type" || d["json_path"] != "$.data[1].Type" || dep["api_name"] != "Lead_Source" || dep["json_path"] != "$.data[1].Lead_Source" {
		t.Fatalf("dependent mismatch's details: %v", d)
	}
}

// TestBlueprintAndStorageShapes: a deal in a Blueprint's process is
// refused an update of the field the process owns with
// RECORD_IN_BLUEPRINT, "The record is in blue print" (crm-oas v8.0
// record.json API_Exception enums), and takes an update of another
// field; with the org's storage full an insert is refused with
// STORAGE_SPACE_EXCEEDED.
func TestBlueprintAndStorageShapes(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"Deal_Name": "BP", "Stage": "Qualification", "Closing_Date": "2026-12-31"}}})
	res := items(t, r)
	if r.status != 201 {
		t.Fatalf("insert: %d %s", r.status, r.raw)
	}
	id, _ := res[0]["details"].(map[string]any)["id"].(string)
	if err := e.sim.InBlueprint(ModuleDeals, id, "Stage", true); err != nil {
		t.Fatal(err)
	}
	r = e.do("PUT", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"id": id, "Stage": "Needs Analysis"}}})
	res = items(t, r)
	if r.status != 400 || res[0]["message"] != "The record is in blue print" {
		t.Fatalf("update of a Blueprint's field: %d %s", r.status, r.raw)
	}
	if d := assertErr(t, res[0], "RECORD_IN_BLUEPRINT"); d["api_name"] != "Stage" {
		t.Fatalf("blueprint refusal's details: %v", d)
	}
	r = e.do("PUT", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"id": id, "Next_Step": "Call"}}})
	if r.status != 200 {
		t.Fatalf("update of another field: %d %s", r.status, r.raw)
	}
	e.sim.FillStorage(true)
	r = e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"Deal_Name": "Full", "Stage": "Qualification", "Closing_Date": "2026-12-31"}}})
	if res = items(t, r); r.status != 400 {
		t.Fatalf("insert with storage full: %d %s", r.status, r.raw)
	}
	assertErr(t, res[0], "STORAGE_SPACE_EXCEEDED")
}
