package zoho

import (
	"net/url"
	"reflect"
	"slices"
	"testing"
)

// TestMultiSelectPicklist: Contacts.Interests is described as a multi-select picklist
// with its options; a record holds a JSON array of strings, written and read as one;
// an unlisted value, or a value that is not an array, fails its record alone with
// INVALID_DATA naming the field; [] and null clear it, and a record without a
// selection reads []; search criteria match a value in the selection.
func TestMultiSelectPicklist(t *testing.T) {
	e := newEnv(t, Options{CustomFields: map[string][]CustomField{ModuleDeals: {
		{APIName: "Competitors", Type: TypeMultiPicklist, Values: []string{"Acme", "Globex"}}}}})

	m, ok := fieldsOf(t, e, ModuleContacts)["Interests"]
	if !ok {
		t.Fatal("Contacts has no Interests field")
	}
	if m["data_type"] != "multiselectpicklist" || m["json_type"] != "jsonarray" || m["custom_field"] != true || m["read_only"] != false {
		t.Fatalf("Interests metadata: %v", m)
	}
	var shown, actual []string
	for _, v := range m["pick_list_values"].([]any) {
		o := v.(map[string]any)
		shown, actual = append(shown, o["display_value"].(string)), append(actual, o["actual_value"].(string))
	}
	if !reflect.DeepEqual(shown, contactInterests) || !reflect.DeepEqual(actual, contactInterests) {
		t.Fatalf("Interests options: display %v, actual %v, want %v (no -None-)", shown, actual, contactInterests)
	}
	if fm := fieldsOf(t, e, ModuleDeals)["Competitors"]; fm["data_type"] != "multiselectpicklist" || !slices.Equal(picklistValues(fm), []string{"Acme", "Globex"}) {
		t.Fatalf("custom multi-select: %v", fm)
	}

	// One good record, one with an unlisted value, one with a string: 207.
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"Last_Name": "Lovelace", "Interests": []any{"Webinars", "Analytics"}},
		map[string]any{"Last_Name": "Babbage", "Interests": []any{"Analytics", "Golf"}},
		map[string]any{"Last_Name": "Hopper", "Interests": "Analytics;Webinars"},
	}})
	res := items(t, r)
	if r.status != 207 || len(res) != 3 || res[0]["status"] != "success" {
		t.Fatalf("mixed insert: %d %s", r.status, r.raw)
	}
	d := assertErr(t, res[1], "INVALID_DATA")
	if d["api_name"] != "Interests" || d["json_path"] != "$.data[1].Interests" || len(d["supported_values"].([]any)) != len(contactInterests) {
		t.Fatalf("unlisted value: %v", res[1])
	}
	if d := assertErr(t, res[2], "INVALID_DATA"); d["api_name"] != "Interests" || d["expected_data_type"] != "jsonarray" {
		t.Fatalf("a string for a multi-select: %v", res[2])
	}
	if n := e.sim.Count(ModuleContacts); n != 1 {
		t.Fatalf("%d contacts, want only the valid one", n)
	}
	id := res[0]["details"].(map[string]any)["id"].(string)
	interests := func() any {
		t.Helper()
		g := e.do("GET", "/crm/v8/Contacts/"+id, nil)
		if g.status != 200 {
			t.Fatalf("get: %d %s", g.status, g.raw)
		}
		return items(t, g)[0]["Interests"]
	}
	if got := interests(); !reflect.DeepEqual(got, []any{"Webinars", "Analytics"}) {
		t.Fatalf("Interests read as %#v, want the array in the order written", got)
	}
	if rec, _ := e.sim.Get(ModuleContacts, id); !slices.Equal(rec.Lists["Interests"], []string{"Webinars", "Analytics"}) || rec.Fields["Interests"] != "Webinars;Analytics" {
		t.Fatalf("snapshot: lists %v, fields %q", rec.Lists, rec.Fields["Interests"])
	}

	// An update replaces the selection; a repeated value is kept once.
	r = e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": id, "Interests": []any{"Security", "Mobile", "Security"}}}})
	if r.status != 200 || items(t, r)[0]["status"] != "success" {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	if got := interests(); !reflect.DeepEqual(got, []any{"Security", "Mobile"}) {
		t.Fatalf("after the update: %#v", got)
	}
	search := func(criteria string) int {
		t.Helper()
		s := e.do("GET", "/crm/v8/Contacts/search?criteria="+url.QueryEscape(criteria), nil)
		if s.status == 204 {
			return 0
		}
		if s.status != 200 {
			t.Fatalf("search %s: %d %s", criteria, s.status, s.raw)
		}
		return len(items(t, s))
	}
	if search("(Interests:equals:mobile)") != 1 || search("(Interests:equals:Webinars)") != 0 || search("(Interests:in:Golf,Security)") != 1 {
		t.Fatal("criteria on Interests match the wrong records")
	}

	// [] clears, as null does; a contact never given a selection reads [] too.
	for _, clear := range []any{[]any{}, nil} {
		if _, err := e.sim.Update(ModuleContacts, id, map[string]any{"Interests": []string{"Automation"}}); err != nil {
			t.Fatal(err)
		}
		r = e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": id, "Interests": clear}}})
		if r.status != 200 {
			t.Fatalf("clear with %v: %d %s", clear, r.status, r.raw)
		}
		if got := interests(); !reflect.DeepEqual(got, []any{}) {
			t.Fatalf("after clearing with %v: %#v, want []", clear, got)
		}
		if rec, _ := e.sim.Get(ModuleContacts, id); rec.Lists != nil || rec.Fields["Interests"] != "" {
			t.Fatalf("cleared snapshot: %v %v", rec.Lists, rec.Fields)
		}
	}
	if _, err := e.sim.Create(ModuleContacts, map[string]any{"Last_Name": "Never Asked"}); err != nil {
		t.Fatal(err)
	}
	l := e.do("GET", "/crm/v8/Contacts?fields=Last_Name,Interests", nil)
	if l.status != 200 || len(items(t, l)) != 2 {
		t.Fatalf("list: %d %s", l.status, l.raw)
	}
	for _, it := range items(t, l) {
		if got, present := it["Interests"]; !present || !reflect.DeepEqual(got, []any{}) {
			t.Fatalf("%v lists Interests %#v, want []", it["Last_Name"], got)
		}
	}
	if search("(Interests:equals:${EMPTY})") != 2 {
		t.Fatal("${EMPTY} does not match the contacts without a selection")
	}
	// The Go API validates as the HTTP API does.
	if _, err := e.sim.Create(ModuleContacts, map[string]any{"Last_Name": "Turing", "Interests": []string{"Chess"}}); err == nil {
		t.Fatal("Create accepted an unlisted Interests value")
	} else if ze, ok := err.(*Error); !ok || ze.Code != "INVALID_DATA" || ze.Details["api_name"] != "Interests" {
		t.Fatalf("Create refused with %v", err)
	}
}
