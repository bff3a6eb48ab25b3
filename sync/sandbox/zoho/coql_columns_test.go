package zoho

import (
	"slices"
	"testing"
)

// TestCOQLAnswersSelectedColumns: a COQL row holds the selected fields
// and the record's id, nothing else (crm-oas v8.0 executeCOQLQuery example
// "select Last_Name from Leads …" answers {"Last_Name", "id"}); `select id`
// answers the id alone.
func TestCOQLAnswersSelectedColumns(t *testing.T) {
	e := newEnv(t, Options{})
	if _, err := e.sim.SeedContacts([]ContactSeed{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@zylker.com", Phone: "555-0100", Title: "CTO"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.SeedLeads([]LeadSeed{{FirstName: "Bob", LastName: "Lead", Email: "bob@zylker.com", Company: "Zylker"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"select Last_Name, Email from Contacts where Email = 'ada@zylker.com'", []string{"Email", "Last_Name", "id"}},
		{"select id from Contacts where Email = 'ada@zylker.com'", []string{"id"}},
		{"select Last_Name from Leads where Email = 'bob@zylker.com'", []string{"Last_Name", "id"}},
	} {
		r := e.do("POST", "/crm/v8/coql", map[string]any{"select_query": c.query})
		if r.status != 200 {
			t.Fatalf("%s: %d %s", c.query, r.status, r.raw)
		}
		rows := items(t, r)
		if len(rows) != 1 {
			t.Fatalf("%s: %d rows, want 1: %s", c.query, len(rows), r.raw)
		}
		var keys []string
		for k := range rows[0] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, c.want) {
			t.Errorf("%s: row holds %v, want %v", c.query, keys, c.want)
		}
	}
}
