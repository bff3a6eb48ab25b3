package zoho

import "testing"

// TestCOQLQuoteIsDoubled: a quote inside a value is written twice,
// as Zoho's COQL FAQ (Kaizen #171) says; a backslash is no escape, so
// 'O\'Hara' leaves a quote open and the query is refused.
func TestCOQLQuoteIsDoubled(t *testing.T) {
	e := newEnv(t, Options{})
	rec, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "O'Hara", "Email": "o'hara@zylker.com"})
	if err != nil {
		t.Fatal(err)
	}
	coql := func(q string) reply {
		t.Helper()
		return e.do("POST", "/crm/v8/coql", map[string]any{"select_query": q})
	}
	r := coql(`select Email from Contacts where Email = 'o''hara@zylker.com'`)
	if got := items(t, r); r.status != 200 || len(got) != 1 || got[0]["id"] != rec.ID {
		t.Fatalf("doubled quote: %d %s; want the record %s", r.status, r.raw, rec.ID)
	}
	if r := coql(`select Email from Contacts where Last_Name = 'O\'Hara'`); r.status != 400 || r.body["code"] != "SYNTAX_ERROR" {
		t.Errorf("backslash before a quote: %d %s; want 400 SYNTAX_ERROR", r.status, r.raw)
	}
}

// TestCOQLLiteralsByFieldType: a boolean takes only = (Kaizen #81,
// 'true' or 'false'); a number is written bare, and a quoted one is
// refused [unverified: the sandbox's strict reading].
func TestCOQLLiteralsByFieldType(t *testing.T) {
	e := newEnv(t, Options{})
	acc, err := e.sim.Create("Accounts", map[string]any{"Account_Name": "Zylker", "Annual_Revenue": 100, "Employees": 12})
	if err != nil {
		t.Fatal(err)
	}
	con, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Opted", "Email_Opt_Out": true})
	if err != nil {
		t.Fatal(err)
	}
	coql := func(q string) reply {
		t.Helper()
		return e.do("POST", "/crm/v8/coql", map[string]any{"select_query": q})
	}
	for _, c := range []struct{ query, id string }{
		{"select id from Accounts where Annual_Revenue = 100", acc.ID},
		{"select id from Accounts where Annual_Revenue in (100.00, 7)", acc.ID},
		{"select id from Accounts where Employees = 12", acc.ID},
		{"select id from Contacts where Email_Opt_Out = 'true'", con.ID},
		{"select id from Contacts where Email_Opt_Out = true", con.ID},
	} {
		if r := coql(c.query); r.status != 200 || len(items(t, r)) != 1 || items(t, r)[0]["id"] != c.id {
			t.Errorf("%s: %d %s; want the record %s", c.query, r.status, r.raw, c.id)
		}
	}
	for _, q := range []string{
		"select id from Accounts where Annual_Revenue in ('100')",
		"select id from Accounts where Employees = '12'",
		"select id from Accounts where Annual_Revenue = abc",
		"select id from Contacts where Email_Opt_Out in ('true', 'false')",
		"select id from Contacts where Email_Opt_Out = 'yes'",
	} {
		if r := coql(q); r.status != 400 || r.body["code"] != "INVALID_QUERY" || r.body["status"] != "error" {
			t.Errorf("%s: %d %s; want 400 INVALID_QUERY", q, r.status, r.raw)
		}
	}
}
