package zoho

import (
	"encoding/json"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's body carries Zoho's types: numbers and booleans as JSON
// values, a lookup as {"id"}, a datetime with an offset, a blank as null;
// an update names its id; a value of the wrong type, an unknown field or a
// read-only one is refused alone, naming the field.
func TestBodyTypes(t *testing.T) {
	sc := &schema{Schema: connector.Schema{Object: "Contacts", Fields: []connector.Field{
		{Name: "Last_Name"}, {Name: "Annual_Revenue"}, {Name: "Email_Opt_Out"}, {Name: "Account_Name"},
		{Name: "Meeting_At"}, {Name: "Created_Time", ReadOnly: true},
	}}, types: map[string]string{"Last_Name": "text", "Annual_Revenue": "currency", "Email_Opt_Out": "boolean",
		"Account_Name": "lookup", "Meeting_At": "datetime", "Created_Time": "datetime"}}
	if _, rerr := body(sc, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Lovelace", "Title": "CEO"}}); rerr == nil || rerr.Field != "Title" {
		t.Fatalf("an unknown field: %v", rerr)
	}
	b, rerr := body(sc, connector.Op{Kind: connector.OpUpdate, ID: "42", Fields: map[string]string{
		"Last_Name": "Lovelace", "Annual_Revenue": "1500.50", "Email_Opt_Out": "true", "Account_Name": "77",
		"Meeting_At": "2026-12-03T10:15:30Z"}})
	if rerr != nil {
		t.Fatal(rerr)
	}
	got, _ := json.Marshal(b)
	want := `{"Account_Name":{"id":"77"},"Annual_Revenue":1500.50,"Email_Opt_Out":true,"Last_Name":"Lovelace","Meeting_At":"2026-12-03T10:15:30+00:00","id":"42"}`
	if string(got) != want {
		t.Fatalf("body %s\nwant %s", got, want)
	}
	for field, v := range map[string]string{"Annual_Revenue": "lots", "Email_Opt_Out": "maybe", "Meeting_At": "tomorrow", "Created_Time": "2026-12-03T10:15:30Z"} {
		if _, rerr := body(sc, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{field: v}}); rerr == nil || rerr.Field != field {
			t.Errorf("%s = %q accepted (%v)", field, v, rerr)
		}
	}
	if b, rerr := body(sc, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": ""}}); rerr != nil || b["Last_Name"] != nil {
		t.Errorf("a blank is written as %v, %v; want null", b["Last_Name"], rerr)
	}
}

// A multi-module lookup the read did not return is left out of the record
// (not read), not given as blank; one returned as null is blank.
func TestUnreadMultiModuleLookupIsNotBlank(t *testing.T) {
	sc := &schema{types: map[string]string{}, targets: map[string]target{
		"Parent_Id.Contacts": {lookup: moduleInValue, module: "Contacts"}, "What_Id.Leads": {lookup: "What_Id", module: "Leads"}}}
	raw := func(s string) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	rec, err := toRecord(sc, raw(`{"id":"1","Modified_Time":"2026-12-04T10:00:00+00:00","Note_Content":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Parent_Id.Contacts", "What_Id.Leads"} {
		if v, ok := rec.Fields[f]; ok {
			t.Errorf("%s not returned reads as %q; want it left out (not read)", f, v)
		}
	}
	rec, err = toRecord(sc, raw(`{"id":"1","Modified_Time":"2026-12-04T10:00:00+00:00","Parent_Id":null,"What_Id":{"id":"77","name":"Ada"},"$se_module":"Leads"}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := rec.Fields["Parent_Id.Contacts"]; !ok || v != "" {
		t.Errorf("a null Parent_Id reads as %q (%v); want blank", v, ok)
	}
	if rec.Fields["What_Id.Leads"] != "77" {
		t.Errorf("What_Id of a lead reads as %q; want 77", rec.Fields["What_Id.Leads"])
	}
}
