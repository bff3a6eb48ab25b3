package salesforce

import (
	"net/url"
	"strings"
	"testing"
)

// TestFieldLevelSecurity: a hidden field leaves the describe and a
// record's body, and naming it in SOQL, ?fields= or a write is refused as
// a field that does not exist; a read-only one stays in the describe with
// createable and updateable false, and writing it is refused per record.
func TestFieldLevelSecurity(t *testing.T) {
	e := newEnv(t, Options{})
	c, err := e.sim.Create("Contact", map[string]string{"LastName": "Fls", "Phone": "+14155550100", "Title": "CEO"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.HideField("Contact", "Phone"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.ReadOnlyField("Contact", "Title"); err != nil {
		t.Fatal(err)
	}
	_, raw := e.do("GET", v+"/sobjects/Contact/describe", nil)
	d := decode[struct {
		Fields []struct {
			Name                   string
			Createable, Updateable bool
		}
	}](t, raw)
	for _, f := range d.Fields {
		if f.Name == "Phone" {
			t.Fatal("describe lists the hidden Phone")
		}
		if f.Name == "Title" && (f.Createable || f.Updateable) {
			t.Fatalf("describe lists read-only Title as writable: %+v", f)
		}
	}
	r, raw := e.do("GET", v+"/query?q="+url.QueryEscape("SELECT Id, Phone FROM Contact"), nil)
	if r.StatusCode != 400 || !strings.Contains(string(raw), "INVALID_FIELD") || !strings.Contains(string(raw), "No such column 'Phone' on entity 'Contact'") {
		t.Fatalf("query naming hidden Phone: %d %s", r.StatusCode, raw)
	}
	if r, raw = e.do("GET", v+"/sobjects/Contact/"+c.ID, nil); r.StatusCode != 200 || strings.Contains(string(raw), `,"Phone":`) {
		t.Fatalf("record body shows hidden Phone: %d %s", r.StatusCode, raw)
	}
	body := map[string]any{"allOrNone": false, "records": []map[string]any{
		{"attributes": map[string]string{"type": "Contact"}, "Id": c.ID, "Title": "CTO"},
		{"attributes": map[string]string{"type": "Contact"}, "Id": c.ID, "Phone": "+14155550199"}}}
	_, raw = e.do("PATCH", v+"/composite/sobjects", body)
	if s := string(raw); !strings.Contains(s, "INVALID_FIELD_FOR_INSERT_UPDATE") || !strings.Contains(s, "Unable to create/update fields: Title.") ||
		!strings.Contains(s, "No such column 'Phone'") {
		t.Fatalf("writes of read-only Title and hidden Phone: %s", s)
	}
	if got, _ := e.sim.Get("Contact", c.ID); got.Fields["Phone"] != "+14155550100" || got.Fields["Title"] != "CEO" {
		t.Fatalf("record changed: %+v", got.Fields)
	}
}
