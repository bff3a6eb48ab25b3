package pipedrive

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Setting a person's primary email keeps every other email they have, and
// a blank removes only the primary one.
func TestWithPrimaryKeepsTheOthers(t *testing.T) {
	home := contactItem{Value: "me@home.example", Label: "home"}
	work := contactItem{Value: "me@work.example", Primary: true, Label: "work"}
	for _, tc := range []struct {
		name  string
		items []contactItem
		v     string
		want  []contactItem
	}{
		{"none yet", nil, "new@x.example", []contactItem{{Value: "new@x.example", Primary: true, Label: "work"}}},
		{"replace the primary", []contactItem{home, work}, "new@x.example",
			[]contactItem{home, {Value: "new@x.example", Primary: true, Label: "work"}}},
		{"a secondary becomes primary", []contactItem{home, work}, "ME@home.example",
			[]contactItem{{Value: "ME@home.example", Primary: true, Label: "work"}}},
		{"blank drops the primary only", []contactItem{home, work}, "", []contactItem{home}},
		{"no primary flag: the first is primary", []contactItem{{Value: "a@x.example"}, {Value: "b@x.example"}}, "c@x.example",
			[]contactItem{{Value: "c@x.example", Primary: true}, {Value: "b@x.example"}}},
	} {
		if got := withPrimary(tc.items, tc.v, "work"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// Custom field values read canonically, and a value that does not fit its
// field is refused before any call.
func TestCustomValues(t *testing.T) {
	for raw, want := range map[string]string{`"text"`: "text", `42.5`: "42.5", `true`: "true", `null`: "",
		`{"value":"Main St 1","country":"EE"}`: "Main St 1", `[3,1,2]`: "3;1;2", `[]`: "",
		`[{"id":3,"label":"C"},{"id":1,"label":"A"}]`: "3;1"} {
		if got, err := customValue(customField{}, json.RawMessage(raw)); err != nil || got != want {
			t.Errorf("customValue(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
	enum := customField{typ: "enum", options: map[string]string{"7": "Gold"}}
	if v, err := customJSON(enum, "7"); err != nil || v != json.Number("7") {
		t.Errorf("enum option 7: %v, %v", v, err)
	}
	if v, err := customJSON(customField{typ: "set"}, "7;9"); err != nil || !reflect.DeepEqual(v, []json.Number{"7", "9"}) {
		t.Errorf("set options 7;9: %#v, %v", v, err)
	}
	for _, tc := range []struct {
		cf customField
		v  string
	}{{enum, "Gold"}, {customField{typ: "set"}, "Gold;7"}, {customField{typ: "double"}, "lots"}, {customField{typ: "date"}, "3/12/2026"}, {customField{typ: "boolean"}, "maybe"}} {
		if _, err := customJSON(tc.cf, tc.v); err == nil {
			t.Errorf("%s %q accepted", tc.cf.typ, tc.v)
		}
	}
}

// endpointOf names a record's URL by its endpoint.
func TestEndpointOf(t *testing.T) {
	if got := endpointOf("/api/v2/persons/123?x=1"); got != "/api/v2/persons/{id}" {
		t.Fatalf("endpointOf: %q", got)
	}
}
