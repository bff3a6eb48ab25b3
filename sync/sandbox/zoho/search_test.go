package zoho

import (
	"net/url"
	"testing"
	"time"
)

func TestSearch(t *testing.T) {
	e := newEnv(t, Options{SearchIndexDelay: 5 * time.Second})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	accs, _ := e.sim.SeedAccounts([]AccountSeed{{Name: "Zylker Corp"}})
	ids, err := e.sim.SeedContacts([]ContactSeed{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada@zylker.com", Phone: "+1 (555) 010-0001", AccountID: accs[0], Created: base, Modified: base},
		{FirstName: "Grace", LastName: "Hopper", Email: "grace@navy.mil", Mobile: "5550100002", Created: base, Modified: base.Add(48 * time.Hour)},
		{FirstName: "Alan", LastName: "Turing", Email: "alan@bletchley.uk", Title: "Cryptanalyst", Created: base, Modified: base.Add(72 * time.Hour),
			Fields: map[string]any{"Secondary_Email": "ADA@zylker.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	search := func(q url.Values) reply {
		t.Helper()
		if !q.Has("sort_order") {
			q.Set("sort_order", "asc") // the cases list ids oldest first; the default is desc
		}
		return e.do("GET", "/crm/v8/Contacts/search?"+q.Encode(), nil)
	}
	idsOf := func(r reply) []string {
		var out []string
		for _, it := range items(t, r) {
			out = append(out, it["id"].(string))
		}
		return out
	}
	r := search(url.Values{"email": {"ADA@ZYLKER.COM"}, "fields": {"Last_Name,Email"}})
	got := items(t, r)
	if r.status != 200 || len(got) != 2 || got[0]["id"] != ids[0] || got[1]["id"] != ids[2] || len(got[0]) != 3 {
		t.Fatalf("email search: %d %s", r.status, r.raw)
	}
	if in := info(t, r); num(in["count"]) != 2 || in["more_records"] != false || num(in["per_page"]) != 200 {
		t.Fatalf("info: %v", in)
	}
	if r := search(url.Values{"email": {"nobody@example.com"}}); r.status != 204 {
		t.Fatalf("no hit: %d", r.status)
	}
	if got := idsOf(search(url.Values{"phone": {"555-010-0002"}})); len(got) != 1 || got[0] != ids[1] {
		t.Fatalf("phone: %v", got)
	}
	if got := idsOf(search(url.Values{"word": {"crypt"}})); len(got) != 1 || got[0] != ids[2] {
		t.Fatalf("word: %v", got)
	}
	cases := []struct {
		criteria string
		want     []string
	}{
		{"(Last_Name:equals:hopper)", []string{ids[1]}},
		{"((First_Name:starts_with:A)and(Email:equals:alan@bletchley.uk))", []string{ids[2]}},
		{"((Last_Name:equals:Hopper)or(Last_Name:equals:Turing))", []string{ids[1], ids[2]}},
		{"(Modified_Time:greater_equal:2026-01-02T00:00:00+00:00)", []string{ids[1], ids[2]}},
		{"(Last_Name:in:Lovelace,Turing)", []string{ids[0], ids[2]}},
		{"(Account_Name:equals:" + accs[0] + ")", []string{ids[0]}},
		{"(Account_Name:equals:Zylker Corp)", []string{ids[0]}},
		{"(Title:equals:${EMPTY})", []string{ids[0], ids[1]}},
		{"(Email_Opt_Out:equals:false)", []string{ids[0], ids[1], ids[2]}},
		{"(Last_Name:equals:Smith\\,Jr)", nil},
	}
	for _, c := range cases {
		r := search(url.Values{"criteria": {c.criteria}})
		if c.want == nil {
			if r.status != 204 {
				t.Fatalf("%s: %d %s", c.criteria, r.status, r.raw)
			}
			continue
		}
		if got := idsOf(r); len(got) != len(c.want) || got[0] != c.want[0] || got[len(got)-1] != c.want[len(c.want)-1] {
			t.Fatalf("%s: got %v want %v", c.criteria, got, c.want)
		}
	}
	for _, bad := range []string{"Last_Name:equals:x", "(Nope:equals:x)", "(Last_Name:greater_than:x)", "((Last_Name:equals:x)"} {
		r := search(url.Values{"criteria": {bad}})
		if r.status != 400 {
			t.Fatalf("%s: %d", bad, r.status)
		}
		assertErr(t, r.body, "INVALID_QUERY")
	}
	if r := search(url.Values{}); r.status != 400 {
		t.Fatalf("no search parameter: %d", r.status)
	} else {
		assertErr(t, r.body, "EXPECTED_PARAM_MISSING")
	}
	if r := search(url.Values{"word": {"a"}, "page": {"11"}}); r.status != 400 {
		t.Fatalf("page 11: %d", r.status)
	}
	// Paging and the search index delay.
	r = search(url.Values{"criteria": {"(Email_Opt_Out:equals:false)"}, "per_page": {"2"}, "page": {"2"}})
	if got := items(t, r); len(got) != 1 || got[0]["id"] != ids[2] || info(t, r)["more_records"] != false {
		t.Fatalf("page 2: %s", r.raw)
	}
	c, _ := e.sim.Create(ModuleContacts, map[string]any{"Last_Name": "Fresh", "Email": "fresh@example.com"})
	if r := search(url.Values{"email": {"fresh@example.com"}}); r.status != 204 {
		t.Fatalf("indexed too early: %d", r.status)
	}
	e.clk.add(6 * time.Second)
	if got := idsOf(search(url.Values{"email": {"fresh@example.com"}})); len(got) != 1 || got[0] != c.ID {
		t.Fatalf("after the index delay: %v", got)
	}
	if err := e.sim.Delete(ModuleContacts, c.ID); err != nil {
		t.Fatal(err)
	}
	if r := search(url.Values{"email": {"fresh@example.com"}}); r.status != 204 {
		t.Fatalf("deleted record found: %d", r.status)
	}
}
