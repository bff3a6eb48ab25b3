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
