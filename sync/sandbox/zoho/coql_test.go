package zoho

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCOQL: the Query API matches whole values (the search's equals
// acts as contains), sees a record created a moment ago (the search's index
// lags), pages by limit/offset, and refuses what the spec refuses.
func TestCOQL(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids, err := e.sim.SeedContacts([]ContactSeed{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada@zylker.com", Created: base, Modified: base},
		{FirstName: "Ada", LastName: "Other", Email: "nada@zylker.com", Created: base, Modified: base},
		{FirstName: "Bob", LastName: "O'Hara", Email: "bob@zylker.com", Created: base, Modified: base},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.sim.SetSearchIndexDelay(time.Hour)
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"Last_Name": "Fresh", "Email": "fresh@zylker.com"}}})
	if r.status != 201 {
		t.Fatalf("insert: %d %s", r.status, r.raw)
	}
	coql := func(q string) reply {
		t.Helper()
		return e.do("POST", "/crm/v8/coql", map[string]any{"select_query": q})
	}
	idsOf := func(r reply) []string {
		t.Helper()
		var out []string
		for _, it := range items(t, r) {
			out = append(out, it["id"].(string))
		}
		return out
	}
	if r := e.do("GET", "/crm/v8/Contacts/search?email=fresh@zylker.com", nil); r.status != 204 {
		t.Fatalf("the search found a record created a moment ago despite its index delay: %d %s", r.status, r.raw)
	}
	if r := coql("select Email from Contacts where Email = 'fresh@zylker.com'"); r.status != 200 || len(items(t, r)) != 1 {
		t.Fatalf("COQL missed the record created a moment ago: %d %s", r.status, r.raw)
	}
	if got := idsOf(coql("select Last_Name, Email from Contacts where Email = 'ada@zylker.com'")); len(got) != 1 || got[0] != ids[0] {
		t.Fatalf("= is not exact: %v", got)
	}
	if got := idsOf(coql(`SELECT Email FROM Contacts WHERE Email in ('ada@zylker.com', 'bob@zylker.com') LIMIT 1 OFFSET 1`)); len(got) != 1 || got[0] != ids[2] {
		t.Fatalf("in with offset: %v", got)
	}
	r = coql(`select Email from Contacts where Email in ('ada@zylker.com', 'bob@zylker.com') limit 1`)
	if in := info(t, r); in["more_records"] != true || num(in["count"]) != 1 {
		t.Fatalf("info: %v", in)
	}
	if got := idsOf(coql(`select Email from Contacts where Last_Name = 'O''Hara'`)); len(got) != 1 || got[0] != ids[2] {
		t.Fatalf("escaped quote: %v", got)
	}
	if got := idsOf(coql(`select Email from Contacts where (First_Name = 'Ada' and (Last_Name = 'Other' or Last_Name = 'Nobody'))`)); len(got) != 1 || got[0] != ids[1] {
		t.Fatalf("and/or: %v", got)
	}
	if r := coql("select Email from Contacts where Email = 'zylker.com'"); r.status != 204 {
		t.Fatalf("a part of a value matched: %d %s", r.status, r.raw)
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("'v%d@x.com'", i)
	}
	cols := make([]string, 51)
	for i := range cols {
		cols[i] = "Email"
	}
	for _, c := range []struct{ query, code string }{
		{"select Email from Contacts where Email in (" + strings.Join(many, ",") + ")", "LIMIT_EXCEEDED"},
		{"select Email from Contacts limit 2001", "INVALID_QUERY"},
		{"select Email from Contacts limit 0", "INVALID_DATA"},
		{"select Email from Contacts limit 2000 offset 98001", "INVALID_QUERY"},
		{"select Email from Nowhere", "INVALID_MODULE"},
		{"select Nope from Contacts", "INVALID_QUERY"},
		{"select Email, Email from Contacts", "DUPLICATE_DATA"},
		{"select " + strings.Join(cols, ",") + " from Contacts", "LIMIT_EXCEEDED"},
		{"select Email from Contacts where Description = 'x'", "INVALID_QUERY"},
		{"select Email from Contacts where Email = 'a' and Email = 'b' and Email = 'c'", "SYNTAX_ERROR"},
		{"select Email Contacts", "SYNTAX_ERROR"},
		{"delete from Contacts", "SYNTAX_ERROR"},
	} {
		if r := coql(c.query); r.status != 400 || r.body["code"] != c.code {
			t.Errorf("%.60s: %d %s; want 400 %s", c.query, r.status, r.raw, c.code)
		}
	}
	if r := e.do("POST", "/crm/v8/coql", map[string]any{}); r.status != 400 || r.body["code"] != "MANDATORY_NOT_FOUND" {
		t.Errorf("no select_query: %d %s", r.status, r.raw)
	}
}
