package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

var schemaA = connector.Schema{Object: "contacts", Fields: []connector.Field{
	{Name: "email", Type: connector.TypeEmail},
	{Name: "firstname", Type: connector.TypeString},
	{Name: "lastname", Type: connector.TypeString},
	{Name: "name", Type: connector.TypeString},
	{Name: "phone", Type: connector.TypePhone},
	{Name: "lifecyclestage", Type: connector.TypeEnum, Options: []connector.Option{{Value: "lead"}, {Value: "customer"}, {Value: "other"}}},
	{Name: "status", Type: connector.TypeEnum, Options: []connector.Option{{Value: "Open"}, {Value: "Closed Won", Label: "Won"}}},
	{Name: "birthday", Type: connector.TypeDate},
	{Name: "lastmodified", Type: connector.TypeDateTime, ReadOnly: true},
	{Name: "meeting", Type: connector.TypeDateTime},
	{Name: "revenue", Type: connector.TypeString},
	{Name: "optin", Type: connector.TypeString},
	{Name: "hs_id", Type: connector.TypeID, ReadOnly: true},
}}

var schemaB = connector.Schema{Object: "Contact", Fields: []connector.Field{
	{Name: "Email", Type: connector.TypeEmail},
	{Name: "FirstName", Type: connector.TypeString},
	{Name: "LastName", Type: connector.TypeString, Required: true},
	{Name: "Name", Type: connector.TypeString},
	{Name: "Phone", Type: connector.TypePhone},
	{Name: "DoNotCall", Type: connector.TypeBool},
	{Name: "Status__c", Type: connector.TypeEnum, Options: []connector.Option{{Value: "Open"}, {Value: "Closed Won", Label: "Won"}}},
	{Name: "Birthdate", Type: connector.TypeDate},
	{Name: "Meeting__c", Type: connector.TypeDateTime},
	{Name: "AnnualRevenue", Type: connector.TypeNumber},
	{Name: "OptIn__c", Type: connector.TypeBool},
	{Name: "LeadSource", Type: connector.TypeEnum, Options: []connector.Option{{Value: "Web"}, {Value: "Phone Inquiry"}}},
	{Name: "CreatedDate", Type: connector.TypeDateTime, ReadOnly: true},
	{Name: "Description", Type: connector.TypeText},
}}

func compileOne(t *testing.T, f mapping.Field, dir mapping.Direction) mapping.Row {
	t.Helper()
	rows, probs := mapping.Compile([]mapping.Field{f}, dir, schemaA, schemaB)
	if len(probs) > 0 {
		t.Fatalf("Compile(%+v): %v", f, probs)
	}
	if len(rows) != 1 {
		t.Fatalf("Compile(%+v): %d rows", f, len(rows))
	}
	return rows[0]
}

func TestCompileProblems(t *testing.T) {
	cases := []struct {
		name   string
		fields []mapping.Field
		dir    mapping.Direction
		want   []string // one substring per expected problem, in order
	}{
		{"missing field", []mapping.Field{{A: "emial", B: "Email"}}, mapping.TwoWay,
			[]string{"mapping 1 (emial ↔ Email): field emial does not exist on contacts"}},
		{"missing B field in concat", []mapping.Field{{A: "firstname+lastname", B: "FullName"}}, mapping.AtoB,
			[]string{"field FullName does not exist on Contact"}},
		{"e164 onto bool", []mapping.Field{{A: "phone", B: "DoNotCall", Transform: "e164"}}, mapping.AtoB,
			[]string{"mapping 1 (phone → DoNotCall): transform e164 does not fit field DoNotCall of type bool"}},
		{"string into number", []mapping.Field{{A: "revenue", B: "AnnualRevenue"}}, mapping.AtoB,
			[]string{"revenue (string) cannot be written into AnnualRevenue of type number; use transform number"}},
		{"datetime into date", []mapping.Field{{A: "meeting", B: "Birthdate"}}, mapping.AtoB,
			[]string{"use transform date:ZONE"}},
		{"date without zone from datetime", []mapping.Field{{A: "meeting", B: "Birthdate", Transform: "date"}}, mapping.AtoB,
			[]string{"needs an explicit time zone"}},
		{"two-way row in a-to-b sync", []mapping.Field{{A: "email", B: "Email", Direction: mapping.TwoWay}}, mapping.AtoB,
			[]string{"direction two-way contradicts the sync's direction a-to-b"}},
		{"b-to-a row in a-to-b sync", []mapping.Field{{A: "email", B: "Email", Direction: mapping.BtoA}}, mapping.AtoB,
			[]string{"direction b-to-a contradicts"}},
		{"read-only target", []mapping.Field{{A: "email", B: "CreatedDate", Transform: "datetime"}, {A: "lastmodified", B: "Meeting__c", Direction: mapping.TwoWay}}, mapping.TwoWay,
			[]string{"transform datetime does not fit field email of type email", "field CreatedDate on Contact is read-only", "field lastmodified on contacts is read-only"}},
		{"duplicate target", []mapping.Field{{A: "firstname", B: "FirstName"}, {A: "name", B: "FirstName"}}, mapping.AtoB,
			[]string{"mapping 2 (name → FirstName): field FirstName is already written by mapping 1"}},
		{"picklist without value map", []mapping.Field{{A: "lifecyclestage", B: "Status__c"}}, mapping.AtoB,
			[]string{`values of lifecyclestage "lead", "customer", "other" not allowed in Status__c (allowed: Open, Closed Won); add a value_map`}},
		{"value map writes unknown option", []mapping.Field{{A: "lifecyclestage", B: "Status__c", ValueMap: map[string]string{"lead": "Open", "customer": "Won!"}}}, mapping.AtoB,
			[]string{`the value map writes "Won!" not allowed in Status__c`}},
		{"two-way map not 1:1", []mapping.Field{{A: "lifecyclestage", B: "Status__c", ValueMap: map[string]string{"lead": "Open", "other": "Open", "customer": "Closed Won"}}}, mapping.TwoWay,
			[]string{`transform map cannot be inverted (the value map is not 1:1 ("lead" and "other" both map to "Open")); a two-way row needs a reverse_transform`}},
		{"const two-way", []mapping.Field{{B: "LeadSource", Transform: "const:Web", Direction: mapping.TwoWay}}, mapping.TwoWay,
			[]string{"a constant is one-way"}},
		{"const not an option", []mapping.Field{{B: "LeadSource", Transform: "const:Email"}}, mapping.AtoB,
			[]string{`constant does not fit LeadSource: value "Email" is not allowed in LeadSource`}},
		{"const with a source", []mapping.Field{{A: "email", B: "LeadSource", Transform: "const:Web"}}, mapping.AtoB,
			[]string{"a constant reads no source field"}},
		{"concat of three two-way", []mapping.Field{{A: "firstname+lastname+name", B: "Description"}}, mapping.TwoWay,
			[]string{"more than two fields cannot be split back"}},
		{"split into three", []mapping.Field{{A: "name", B: "FirstName+LastName+Description"}}, mapping.AtoB,
			[]string{"two fields at most"}},
		{"one side missing", []mapping.Field{{A: "email"}}, mapping.AtoB,
			[]string{"needs a field on both sides"}},
		{"unknown transform and rule", []mapping.Field{{A: "email", B: "Email", Transform: "soundex", Rule: "sometimes"}}, mapping.AtoB,
			[]string{`unknown rule "sometimes"`, `unknown transform "soundex"`}},
		{"bad default", []mapping.Field{{A: "revenue", B: "AnnualRevenue", Transform: "number", Default: "lots"}}, mapping.AtoB,
			[]string{`default does not fit AnnualRevenue: number "lots" is not a number`}},
		{"value map without map transform", []mapping.Field{{A: "email", B: "Email", Transform: "lower", ValueMap: map[string]string{"a": "b"}}}, mapping.AtoB,
			[]string{"value_map is set but the transform is lower"}},
		{"sync direction", []mapping.Field{{A: "email", B: "Email"}}, mapping.None,
			[]string{`sync: direction "none" must be a-to-b, b-to-a or two-way`}},
		{"none rows still need real fields", []mapping.Field{{A: "nope", B: "Email", Direction: mapping.None}}, mapping.AtoB,
			[]string{"mapping 1 (nope ✕ Email): field nope does not exist on contacts"}},
		{"two-way number into string", []mapping.Field{{A: "revenue", B: "AnnualRevenue", Transform: "number"}, {A: "optin", B: "OptIn__c", Transform: "bool"}}, mapping.TwoWay,
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := mapping.Compile(tc.fields, tc.dir, schemaA, schemaB)
			if len(probs) != len(tc.want) {
				t.Fatalf("got %d problems %q, want %d %q", len(probs), probs, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(probs[i].Error(), w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, probs[i].Error(), w)
				}
			}
		})
	}
}

func TestCompileProblemFields(t *testing.T) {
	_, probs := mapping.Compile([]mapping.Field{
		{A: "email", B: "Email"},
		{A: "phone", B: "DoNotCall", Transform: "e164"},
	}, mapping.AtoB, schemaA, schemaB)
	if len(probs) != 1 || probs[0].Row != 1 || probs[0].Field != "DoNotCall" {
		t.Fatalf("problems = %+v, want one on row 1 naming DoNotCall", probs)
	}
}

func TestCompileRows(t *testing.T) {
	rows, probs := mapping.Compile([]mapping.Field{
		{A: "email", B: "Email", Transform: "lower"},
		{A: "firstname+lastname", B: "Name", Direction: mapping.AtoB},
		{A: "phone", B: "Phone", Transform: "e164", Rule: mapping.UnlessBlank},
		{A: "name", B: "Description", Direction: mapping.None},
		{B: "LeadSource", Transform: "const:Web"},
	}, mapping.TwoWay, schemaA, schemaB)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	type summary struct {
		key          string
		dir          mapping.Direction
		unlessBlank  bool
		invertible   bool
		aFields, bFs string
	}
	var got []summary
	for _, r := range rows {
		got = append(got, summary{r.Key, r.Dir, r.UnlessBlank, r.Invertible(), strings.Join(r.AFields, ","), strings.Join(r.BFields, ",")})
	}
	want := []summary{
		{"email>Email", mapping.TwoWay, false, true, "email", "Email"},
		{"firstname+lastname>Name", mapping.AtoB, false, true, "firstname,lastname", "Name"},
		{"phone>Phone", mapping.TwoWay, true, true, "phone", "Phone"},
		{">LeadSource", mapping.AtoB, false, false, "", "LeadSource"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestRowRoundTrips drives compiled rows through the engine's calls and
// checks that what we write reads back as the same canonical value.
func TestRowRoundTrips(t *testing.T) {
	cases := []struct {
		name     string
		f        mapping.Field
		dir      mapping.Direction
		aIn, bIn map[string]string
		canonA   string
		canonB   string
		writeB   map[string]string // WriteB(canonA)
		writeA   map[string]string // WriteA(canonB); nil = skip
	}{
		{"phone formatting compares equal", mapping.Field{A: "phone", B: "Phone", Transform: "e164"}, mapping.TwoWay,
			map[string]string{"phone": "(415) 555-2671"}, map[string]string{"Phone": "+1 415-555-2671"},
			"+14155552671", "+14155552671", map[string]string{"Phone": "+14155552671"}, map[string]string{"phone": "+14155552671"}},
		{"concat and split back", mapping.Field{A: "firstname+lastname", B: "Name", Transform: "concat"}, mapping.TwoWay,
			map[string]string{"firstname": "Mary Ann", "lastname": " Smith "}, map[string]string{"Name": "Mary  Ann  Smith"},
			"Mary Ann Smith", "Mary Ann Smith", map[string]string{"Name": "Mary Ann Smith"}, map[string]string{"firstname": "Mary Ann", "lastname": "Smith"}},
		{"split full name", mapping.Field{A: "name", B: "FirstName+LastName", Transform: "split"}, mapping.TwoWay,
			map[string]string{"name": "Ada Lovelace"}, map[string]string{"FirstName": "", "LastName": "Lovelace"},
			"Ada Lovelace", "Lovelace", map[string]string{"FirstName": "Ada", "LastName": "Lovelace"}, map[string]string{"name": "Lovelace"}},
		{"value map both ways", mapping.Field{A: "lifecyclestage", B: "Status__c", ValueMap: map[string]string{"lead": "Open", "customer": "Closed Won"}}, mapping.TwoWay,
			map[string]string{"lifecyclestage": "customer"}, map[string]string{"Status__c": "won"},
			"Closed Won", "Closed Won", map[string]string{"Status__c": "Closed Won"}, map[string]string{"lifecyclestage": "customer"}},
		{"number coercion", mapping.Field{A: "revenue", B: "AnnualRevenue", Transform: "number"}, mapping.TwoWay,
			map[string]string{"revenue": "1,234.50"}, map[string]string{"AnnualRevenue": "1234.500"},
			"1234.5", "1234.5", map[string]string{"AnnualRevenue": "1234.5"}, map[string]string{"revenue": "1234.5"}},
		{"bool coercion", mapping.Field{A: "optin", B: "OptIn__c", Transform: "bool"}, mapping.TwoWay,
			map[string]string{"optin": "Yes"}, map[string]string{"OptIn__c": "TRUE"},
			"true", "true", map[string]string{"OptIn__c": "true"}, map[string]string{"optin": "true"}},
		{"datetime to date in Berlin", mapping.Field{A: "meeting", B: "Birthdate", Transform: "date:Europe/Berlin"}, mapping.TwoWay,
			map[string]string{"meeting": "2024-10-26T22:30:00Z"}, map[string]string{"Birthdate": "2024-10-27"},
			"2024-10-27", "2024-10-27", map[string]string{"Birthdate": "2024-10-27"}, map[string]string{"meeting": "2024-10-26T22:00:00Z"}},
		{"datetime normalized to UTC", mapping.Field{A: "meeting", B: "Meeting__c"}, mapping.TwoWay,
			map[string]string{"meeting": "2024-05-01T12:00:00+02:00"}, map[string]string{"Meeting__c": "2024-05-01T10:00:00.000Z"},
			"2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z", map[string]string{"Meeting__c": "2024-05-01T10:00:00Z"}, map[string]string{"meeting": "2024-05-01T10:00:00Z"}},
		{"default when blank", mapping.Field{A: "revenue", B: "AnnualRevenue", Transform: "number", Default: "0.00"}, mapping.AtoB,
			map[string]string{"revenue": " "}, map[string]string{"AnnualRevenue": ""},
			"0", "", map[string]string{"AnnualRevenue": "0"}, nil},
		{"default when the text is blank", mapping.Field{A: "name", B: "Name", Transform: "firstline:80", Default: "Note"}, mapping.AtoB,
			map[string]string{"name": "<p> </p><p></p>"}, map[string]string{"Name": "Renewal"},
			"Note", "Renewal", map[string]string{"Name": "Note"}, nil},
		{"html body as text, both ways", mapping.Field{A: "name", B: "Description", Transform: "text"}, mapping.TwoWay,
			map[string]string{"name": "<p>Quote sent</p><p>R&amp;D next</p>"}, map[string]string{"Description": "Quote  sent\r\nR&D next "},
			"Quote sent\nR&D next", "Quote sent\nR&D next", map[string]string{"Description": "Quote sent\nR&D next"}, map[string]string{"name": "Quote sent<br>R&amp;D next"}},
		{"constant", mapping.Field{B: "LeadSource", Transform: "const:web"}, mapping.AtoB,
			map[string]string{}, map[string]string{"LeadSource": "Web"},
			"Web", "Web", map[string]string{"LeadSource": "Web"}, nil},
		{"a-to-b target garbage only compared", mapping.Field{A: "phone", B: "Phone", Transform: "e164"}, mapping.AtoB,
			map[string]string{"phone": "415 555 2671"}, map[string]string{"Phone": "call me"},
			"+14155552671", "call me", map[string]string{"Phone": "+14155552671"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := compileOne(t, tc.f, tc.dir)
			ca, err := r.CanonA(tc.aIn)
			if err != nil || ca != tc.canonA {
				t.Fatalf("CanonA = %q, %v; want %q", ca, err, tc.canonA)
			}
			cb, err := r.CanonB(tc.bIn)
			if err != nil || cb != tc.canonB {
				t.Fatalf("CanonB = %q, %v; want %q", cb, err, tc.canonB)
			}
			wb, err := r.WriteB(ca)
			if err != nil || !sameMap(wb, tc.writeB) {
				t.Fatalf("WriteB(%q) = %v, %v; want %v", ca, wb, err, tc.writeB)
			}
			if back, err := r.CanonB(wb); err != nil || back != ca {
				t.Errorf("CanonB(WriteB(%q)) = %q, %v: our own write must read back unchanged", ca, back, err)
			}
			if tc.writeA == nil {
				return
			}
			wa, err := r.WriteA(cb)
			if err != nil || !sameMap(wa, tc.writeA) {
				t.Fatalf("WriteA(%q) = %v, %v; want %v", cb, wa, err, tc.writeA)
			}
			if back, err := r.CanonA(wa); err != nil || back != cb {
				t.Errorf("CanonA(WriteA(%q)) = %q, %v: our own write must read back unchanged", cb, back, err)
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	phone := compileOne(t, mapping.Field{A: "phone", B: "Phone", Transform: "e164"}, mapping.TwoWay)
	if _, err := phone.CanonA(map[string]string{"phone": "call me"}); err == nil || !strings.Contains(err.Error(), `phone: phone "call me"`) {
		t.Errorf("CanonA(invalid phone) = %v, want an error naming field and value", err)
	}
	if _, err := phone.CanonA(map[string]string{"email": "x"}); !errors.Is(err, mapping.ErrNotRead) {
		t.Errorf("CanonA(without phone) = %v, want ErrNotRead", err)
	}
	stage := compileOne(t, mapping.Field{A: "lifecyclestage", B: "Status__c", ValueMap: map[string]string{"lead": "Open", "customer": "Closed Won"}}, mapping.TwoWay)
	_, err := stage.CanonA(map[string]string{"lifecyclestage": "other"})
	var uv *mapping.UnknownValueError
	if !errors.As(err, &uv) || uv.Field != "Status__c" || uv.Value != "other" || !uv.Unmapped ||
		!strings.Contains(err.Error(), `value "other" has no entry in the value map for Status__c (mapped: customer, lead)`) {
		t.Errorf("CanonA(unmapped) = %v, want *UnknownValueError for Status__c", err)
	}
	// A free-text source into a picklist: the write is refused, not sent.
	src := compileOne(t, mapping.Field{A: "name", B: "LeadSource"}, mapping.AtoB)
	ca, err := src.CanonA(map[string]string{"name": "phone inquiry"})
	if err != nil || ca != "Phone Inquiry" {
		t.Fatalf("CanonA = %q, %v; want the option's own spelling", ca, err)
	}
	_, err = src.WriteB("Billboard")
	if !errors.As(err, &uv) || uv.Field != "LeadSource" || strings.Join(uv.Allowed, ",") != "Web,Phone Inquiry" {
		t.Errorf("WriteB(Billboard) = %v, want *UnknownValueError with the options", err)
	}
	oneWay := compileOne(t, mapping.Field{A: "lifecyclestage", B: "Status__c", ValueMap: map[string]string{"lead": "Open", "other": "Open", "customer": "Closed Won"}}, mapping.AtoB)
	if _, err := oneWay.WriteA("Open"); !errors.Is(err, mapping.ErrNotInvertible) {
		t.Errorf("WriteA on a non-invertible row = %v, want ErrNotInvertible", err)
	}
	rev := compileOne(t, mapping.Field{A: "lifecyclestage", B: "Status__c", ValueMap: map[string]string{"lead": "Open", "other": "Open", "customer": "Closed Won"}, ReverseTransform: "lower"}, mapping.AtoB)
	if got, err := rev.WriteA("Closed Won"); err == nil || !errors.As(err, &uv) {
		t.Errorf("WriteA through reverse lower = %v, %v; want the A picklist to refuse %q", got, err, "closed won")
	}
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A value map feeds B the map's values, whatever A's type: a status into a
// flag compiles, and the flag gets the mapped value.
func TestMapFeedsAFlag(t *testing.T) {
	row := compileOne(t, mapping.Field{A: "lifecyclestage", B: "DoNotCall", Transform: "map",
		ValueMap: map[string]string{"customer": "true", "lead": "false"}}, mapping.AtoB)
	got, err := row.CanonA(map[string]string{"lifecyclestage": "customer"})
	if err != nil || got != "true" {
		t.Fatalf("customer → %q, %v; want true", got, err)
	}
}

// A two-way value map that is not one to one compiles with a reverse value
// map, which says how B's values come back; without one it is refused.
func TestReverseValueMap(t *testing.T) {
	f := mapping.Field{A: "lifecyclestage", B: "LeadSource", Transform: "map",
		ValueMap:         map[string]string{"lead": "Web", "customer": "Web", "other": "Phone Inquiry"},
		ReverseTransform: "map", ReverseValueMap: map[string]string{"Web": "lead", "Phone Inquiry": "other"}}
	row := compileOne(t, f, mapping.TwoWay)
	if got, err := row.CanonA(map[string]string{"lifecyclestage": "customer"}); err != nil || got != "Web" {
		t.Fatalf("customer → %q, %v; want Web", got, err)
	}
	if got, err := row.WriteA("Phone Inquiry"); err != nil || got["lifecyclestage"] != "other" {
		t.Fatalf("Phone Inquiry back → %v, %v; want other", got, err)
	}
	f.ReverseValueMap = nil
	if _, probs := mapping.Compile([]mapping.Field{f}, mapping.TwoWay, schemaA, schemaB); len(probs) == 0 || !strings.Contains(probs[0].Error(), "reverse_value_map") {
		t.Fatalf("a reverse map without its values: %v", probs)
	}
}
