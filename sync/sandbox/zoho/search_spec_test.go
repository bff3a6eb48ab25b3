package zoho

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// searchIDs searches Contacts with query q and returns the hit ids in
// answer order, failing on anything but 200 or 204.
func searchIDs(t *testing.T, e *env, q url.Values) ([]string, map[string]any) {
	t.Helper()
	r := e.do("GET", "/crm/v8/Contacts/search?"+q.Encode(), nil)
	if r.status == 204 {
		return nil, nil
	}
	if r.status != 200 {
		t.Fatalf("search %s: %d %s", q.Encode(), r.status, r.raw)
	}
	var ids []string
	for _, it := range items(t, r) {
		ids = append(ids, it["id"].(string))
	}
	info, _ := r.body["info"].(map[string]any)
	return ids, info
}

func mustCreate(t *testing.T, e *env, fields map[string]any) string {
	t.Helper()
	rec, err := e.sim.Create("Contacts", fields)
	if err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

// The search API's equals works as contains on text fields (crm-oas
// v8.0/module_search/mds/searchRecords.md: "(Company:equals:ABC)" answers
// "ABC" and "ABC Inc."), and email= takes partial matches.
func TestSearchEqualsActsAsContains(t *testing.T) {
	e := newEnv(t, Options{})
	abc := mustCreate(t, e, map[string]any{"Last_Name": "ABC", "Email": "ada@example.com"})
	inc := mustCreate(t, e, map[string]any{"Last_Name": "ABC Inc.", "Email": "mada@example.com.au"})
	other := mustCreate(t, e, map[string]any{"Last_Name": "Other", "Email": "bob@example.org"})

	got, _ := searchIDs(t, e, url.Values{"criteria": {"(Last_Name:equals:ABC)"}})
	slices.Sort(got)
	if want := []string{abc, inc}; !slices.Equal(got, want) {
		t.Fatalf("Last_Name equals ABC: %v, want %v (ABC and ABC Inc.), not %s", got, want, other)
	}
	got, _ = searchIDs(t, e, url.Values{"email": {"ada@example.com"}})
	slices.Sort(got)
	if want := []string{abc, inc}; !slices.Equal(got, want) {
		t.Fatalf("email=ada@example.com: %v, want the partial matches %v too", got, want)
	}
	if _, err := e.sim.Update("Contacts", other, map[string]any{"Phone": "+1 555-010-0042"}); err != nil {
		t.Fatal(err)
	}
	got, _ = searchIDs(t, e, url.Values{"phone": {"010-0042"}})
	if !slices.Equal(got, []string{other}) {
		t.Fatalf("phone=010-0042: %v, want the partial match %s (\"partial numbers\")", got, other)
	}
	got, _ = searchIDs(t, e, url.Values{"criteria": {"(Last_Name:in:ABC)"}})
	if !slices.Equal(got, []string{abc}) {
		t.Fatalf("Last_Name in ABC: %v, want only %s (in matches whole values)", got, abc)
	}
}

// Search results come by id, newest first, unless sort_by and sort_order
// say otherwise (searchRecords.md: sort_by default id, sort_order default
// desc); info names the order.
func TestSearchDefaultOrderIsIDDesc(t *testing.T) {
	e := newEnv(t, Options{})
	var ids []string
	for i := range 3 {
		ids = append(ids, mustCreate(t, e, map[string]any{"Last_Name": "Same" + strconv.Itoa(i)}))
	}
	got, info := searchIDs(t, e, url.Values{"criteria": {"(Last_Name:starts_with:Same)"}})
	if want := []string{ids[2], ids[1], ids[0]}; !slices.Equal(got, want) {
		t.Fatalf("default order %v, want id descending %v", got, want)
	}
	if info["sort_by"] != "id" || info["sort_order"] != "desc" {
		t.Fatalf("info %v, want sort_by id, sort_order desc", info)
	}
	got, _ = searchIDs(t, e, url.Values{"criteria": {"(Last_Name:starts_with:Same)"}, "sort_order": {"asc"}})
	if !slices.Equal(got, ids) {
		t.Fatalf("sort_order=asc: %v, want %v", got, ids)
	}
}

// The search's own refusals (searchRecords.md, 400): no search parameter
// is EXPECTED_PARAM_MISSING naming the four, a page past the 2,000 records
// it reaches is LIMIT_REACHED, an IN of more than 100 values INVALID_QUERY.
func TestSearchRefusalBodies(t *testing.T) {
	e := newEnv(t, Options{})
	mustCreate(t, e, map[string]any{"Last_Name": "Any"})
	search := func(q url.Values) reply {
		t.Helper()
		r := e.do("GET", "/crm/v8/Contacts/search?"+q.Encode(), nil)
		if r.status != 400 {
			t.Fatalf("search %s: %d %s, want 400", q.Encode(), r.status, r.raw)
		}
		return r
	}
	d := assertErr(t, search(url.Values{}).body, "EXPECTED_PARAM_MISSING")
	if names, _ := d["param_names"].([]any); len(names) != 4 || names[0] != "criteria" || names[3] != "word" {
		t.Fatalf("param_names %v, want criteria, email, phone, word", d["param_names"])
	}
	r := search(url.Values{"word": {"Any"}, "page": {"11"}})
	if d := assertErr(t, r.body, "LIMIT_REACHED"); d["limit"] != "2000" || r.body["message"] != "maximum response iteration limit reached" {
		t.Fatalf("page 11: %s", r.raw)
	}
	vals := make([]string, 101)
	for i := range vals {
		vals[i] = "v" + strconv.Itoa(i)
	}
	r = search(url.Values{"criteria": {"(Last_Name:in:" + strings.Join(vals, ",") + ")"}})
	if d := assertErr(t, r.body, "INVALID_QUERY"); d["param_name"] != "Last_Name" || r.body["message"] != `Only 100 values are allowed in "IN" criteria` {
		t.Fatalf("IN of 101 values: %s", r.raw)
	}
}
