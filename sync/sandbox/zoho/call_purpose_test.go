package zoho

import (
	"slices"
	"testing"
)

// picklistOf reads a picklist's display values from the fields metadata.
func picklistOf(t *testing.T, e *env, module, apiName string) []string {
	t.Helper()
	r := e.do("GET", "/crm/v8/settings/fields?module="+module, nil)
	for _, f := range r.body["fields"].([]any) {
		fm := f.(map[string]any)
		if fm["api_name"] != apiName {
			continue
		}
		var out []string
		for _, v := range fm["pick_list_values"].([]any) {
			out = append(out, v.(map[string]any)["display_value"].(string))
		}
		return out
	}
	t.Fatalf("%s has no field %s: %s", module, apiName, r.raw)
	return nil
}

// Call_Purpose takes a value outside its list, which "gets added to list
// of options" (Kaizen #38): the fields metadata lists it afterwards. A
// restricted picklist (Call_Type) still refuses one, listing nothing new.
func TestCallPurposeNewValueJoinsList(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "/crm/v8/Calls", map[string]any{"data": []any{
		map[string]any{"Subject": "Intro", "Call_Type": "Inbound", "Call_Start_Time": "2026-11-03T09:00:00Z", "Call_Duration": "1:00",
			"Call_Purpose": "Warm intro"},
		map[string]any{"Subject": "Odd", "Call_Type": "Sideways", "Call_Start_Time": "2026-11-03T09:00:00Z", "Call_Duration": "1:00"},
	}})
	if res := items(t, r); r.status != 207 || res[0]["status"] != "success" || res[1]["code"] != "INVALID_DATA" {
		t.Fatalf("insert: %d %s", r.status, r.raw)
	}
	if got := picklistOf(t, e, "Calls", "Call_Purpose"); !slices.Contains(got, "Warm intro") || slices.Index(got, "Warm intro") != len(got)-1 {
		t.Errorf("Call_Purpose options after a new value = %q; want it added at the end", got)
	}
	if got := picklistOf(t, e, "Calls", "Call_Type"); slices.Contains(got, "Sideways") {
		t.Errorf("Call_Type options = %q; a refused value joined them", got)
	}
	// Written again, the value is not listed twice.
	items(t, e.do("POST", "/crm/v8/Calls", map[string]any{"data": []any{map[string]any{"Subject": "Again", "Call_Type": "Inbound",
		"Call_Start_Time": "2026-11-03T09:00:00Z", "Call_Duration": "1:00", "Call_Purpose": "Warm intro"}}}))
	got := picklistOf(t, e, "Calls", "Call_Purpose")
	if n := len(slices.DeleteFunc(slices.Clone(got), func(v string) bool { return v != "Warm intro" })); n != 1 {
		t.Errorf("Call_Purpose options = %q; want Warm intro once", got)
	}
}
