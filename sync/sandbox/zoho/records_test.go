package zoho

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestListFieldsPagingAndTokens(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := seedContacts(t, e.sim, 450, base)
	if r := e.do("GET", "/crm/v8/Contacts", nil); r.status != 400 {
		t.Fatalf("no fields: %d", r.status)
	} else if d := assertErr(t, r.body, "REQUIRED_PARAM_MISSING"); d["param_name"] != "fields" {
		t.Fatalf("details: %v", d)
	}

	// Default: 200 per page, sort_by id, descending; only the requested fields plus id.
	r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name,Email", nil)
	got := items(t, r)
	in := info(t, r)
	if r.status != 200 || len(got) != 200 || num(in["per_page"]) != 200 || num(in["count"]) != 200 || num(in["page"]) != 1 ||
		in["sort_by"] != "id" || in["sort_order"] != "desc" || in["more_records"] != true || in["previous_page_token"] != nil {
		t.Fatalf("first page: %d %v", r.status, in)
	}
	if got[0]["id"] != ids[449] || len(got[0]) != 3 || got[0]["Email"] != "p449@example.com" || got[0]["Last_Name"] != "Person 449" {
		t.Fatalf("first record: %v", got[0])
	}
	if _, err := parseTime(in["page_token_expiry"].(string)); err != nil || in["next_page_token"] == nil {
		t.Fatalf("token info: %v", in)
	}

	// Follow page tokens to the end in ascending Modified_Time order.
	q := url.Values{"fields": {"Last_Name,Modified_Time"}, "sort_by": {"Modified_Time"}, "sort_order": {"asc"}, "per_page": {"100"}}
	var seen []string
	var prev string
	for page := 1; ; page++ {
		r := e.do("GET", "/crm/v8/Contacts?"+q.Encode(), nil)
		in := info(t, r)
		if num(in["page"]) != int64(page) || in["sort_order"] != "asc" {
			t.Fatalf("page %d info: %v", page, in)
		}
		if page > 2 && in["previous_page_token"] != prev {
			t.Fatalf("page %d previous token %v, want %s", page, in["previous_page_token"], prev)
		}
		for _, it := range items(t, r) {
			seen = append(seen, it["id"].(string))
		}
		if in["more_records"] != true {
			if in["next_page_token"] != nil {
				t.Fatalf("last page carries a next token: %v", in)
			}
			break
		}
		prev = q.Get("page_token")
		q.Set("page_token", in["next_page_token"].(string))
	}
	if !slices.Equal(seen, ids) {
		t.Fatalf("token paging saw %d records, want all %d in order", len(seen), len(ids))
	}

	// A token is bound to its query and expires.
	first := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&per_page=10", nil)
	tok := info(t, first)["next_page_token"].(string)
	if r := e.do("GET", "/crm/v8/Contacts?fields=Email&per_page=10&page_token="+tok, nil); r.status != 400 {
		t.Fatalf("altered query: %d", r.status)
	} else {
		assertErr(t, r.body, "TOKEN_BOUND_DATA_MISMATCH")
	}
	if r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&per_page=10&page=2&page_token="+tok, nil); r.status != 400 {
		t.Fatalf("page with page_token: %d", r.status)
	}
	second := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&per_page=10&page_token="+tok, nil)
	if got := items(t, second); second.status != 200 || got[0]["id"] != ids[439] || num(info(t, second)["page"]) != 2 {
		t.Fatalf("second page by token: %s", second.raw)
	}
	e.clk.add(25 * time.Hour)
	if r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&per_page=10&page_token="+tok, nil); r.status != 400 {
		t.Fatalf("expired token: %d", r.status)
	} else if d := assertErr(t, r.body, "EXPIRED_VALUE"); d["api_name"] != "page_token" {
		t.Fatalf("details: %v", d)
	}

	// page reaches only the first 2000 records.
	if r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&page=11", nil); r.status != 400 {
		t.Fatalf("page 11: %d", r.status)
	} else if d := assertErr(t, r.body, "DISCRETE_PAGINATION_LIMIT_EXCEEDED"); num(d["limit"]) != 2000 {
		t.Fatalf("details: %v", d)
	}
	p3 := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&page=3&per_page=200", nil)
	if got := items(t, p3); len(got) != 50 || info(t, p3)["more_records"] != false || info(t, p3)["previous_page_token"] == nil {
		t.Fatalf("page 3: %d %v", len(got), info(t, p3))
	}
	if r := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&page=4&per_page=200", nil); r.status != 204 || r.raw != "" {
		t.Fatalf("past the end: %d %q", r.status, r.raw)
	}
	for _, bad := range []string{"per_page=201", "sort_by=Last_Name", "sort_order=up", "fields=Nope", "page=0"} {
		q := "fields=Last_Name&" + bad
		if bad == "fields=Nope" {
			q = bad
		}
		if r := e.do("GET", "/crm/v8/Contacts?"+q, nil); r.status != 400 {
			t.Fatalf("%s: %d", bad, r.status)
		} else {
			assertErr(t, r.body, "INVALID_DATA")
		}
	}
	many := "Last_Name"
	for i := 0; i < 50; i++ {
		many += ",Email,Phone" // duplicates collapse; still 3 fields
	}
	if r := e.do("GET", "/crm/v8/Contacts?per_page=1&fields="+many, nil); r.status != 200 {
		t.Fatalf("repeated fields: %d %s", r.status, r.raw)
	}
}

func TestListFieldLimitAndIfModifiedSince(t *testing.T) {
	var custom []CustomField
	for i := 0; len(contactFields())+len(custom) <= maxFieldsParam; i++ {
		custom = append(custom, CustomField{APIName: fmt.Sprintf("Extra_%d", i), Type: TypeText})
	}
	e := newEnv(t, Options{CustomFields: map[string][]CustomField{ModuleContacts: custom}})
	var all []string
	for _, fd := range e.sim.modules[ModuleContacts].fields {
		all = append(all, fd.apiName)
	}
	q := url.Values{"fields": {joinComma(all)}}
	if r := e.do("GET", "/crm/v8/Contacts?"+q.Encode(), nil); r.status != 400 {
		t.Fatalf("%d fields: %d", len(all), r.status)
	} else if d := assertErr(t, r.body, "LIMIT_EXCEEDED"); num(d["limit"]) != 50 || d["param_name"] != "fields" {
		t.Fatalf("details: %v", d)
	}

	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := seedContacts(t, e.sim, 10, base) // Modified_Time = base + i minutes
	since := base.Add(6 * time.Minute).Format(time.RFC3339)
	r := e.request("GET", "/crm/v8/Contacts?fields=Last_Name,Modified_Time&sort_by=Modified_Time&sort_order=asc", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since})
	got := items(t, r)
	if len(got) != 3 || got[0]["id"] != ids[7] || got[0]["Modified_Time"] != "2026-01-01T00:07:00+00:00" {
		t.Fatalf("modified after %s: %v", since, got)
	}
	r = e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": "2026-02-01T00:00:00+05:30"})
	if r.status != 204 {
		t.Fatalf("nothing modified since: %d %s", r.status, r.raw)
	}
	r = e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": "yesterday"})
	if r.status != 400 {
		t.Fatalf("bad If-Modified-Since: %d", r.status)
	}
	// An update moves the record into the window; a delete takes it out of lists.
	e.clk.add(time.Hour)
	if _, err := e.sim.Update(ModuleContacts, ids[0], map[string]any{"Title": "CEO"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete(ModuleContacts, ids[9]); err != nil {
		t.Fatal(err)
	}
	r = e.request("GET", "/crm/v8/Contacts?fields=Title&sort_order=asc", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since})
	if got := items(t, r); len(got) != 3 || got[0]["id"] != ids[0] || got[0]["Title"] != "CEO" || got[2]["id"] != ids[8] {
		t.Fatalf("after update and delete: %v", got)
	}
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func TestGetRecordAndRendering(t *testing.T) {
	e := newEnv(t, Options{})
	acc, err := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Bentley Systems", "Employees": 1200, "Annual_Revenue": 2.5e7})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.sim.Create(ModuleContacts, map[string]any{"First_Name": "Anna", "Last_Name": "Kingsley",
		"Account_Name": map[string]any{"id": acc.ID}, "Date_of_Birth": "1985-04-12"})
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/crm/v8/Contacts/"+c.ID, nil)
	got := items(t, r)[0]
	owner := got["Owner"].(map[string]any)
	if r.status != 200 || got["id"] != c.ID || got["Full_Name"] != "Anna Kingsley" || got["Email"] != nil || got["Email_Opt_Out"] != false ||
		got["Account_Name"].(map[string]any)["name"] != "Bentley Systems" || got["Account_Name"].(map[string]any)["id"] != acc.ID ||
		owner["id"] != e.sim.UserID() || owner["email"] != "patricia.boyle@example.com" || got["Created_Time"] != "2026-11-03T10:15:30+00:00" ||
		got["Date_of_Birth"] != "1985-04-12" || got["Created_By"].(map[string]any)["name"] != "Patricia Boyle" {
		t.Fatalf("get: %s", r.raw)
	}
	a := items(t, e.do("GET", "/crm/v8/Accounts/"+acc.ID+"?fields=Employees,Annual_Revenue", nil))[0]
	if len(a) != 3 || num(a["Employees"]) != 1200 || a["Annual_Revenue"] != 2.5e7 {
		t.Fatalf("account: %v", a)
	}
	if r := e.do("GET", "/crm/v8/Contacts/5725767000000000001", nil); r.status != 204 {
		t.Fatalf("missing record: %d", r.status)
	}
	if r := e.do("GET", "/crm/v8/Contacts/abc", nil); r.status != 400 {
		t.Fatalf("bad id: %d", r.status)
	}
}

func TestDeleteAndDeletedList(t *testing.T) {
	e := newEnv(t, Options{})
	ids := seedContacts(t, e.sim, 5, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if r := e.do("DELETE", "/crm/v8/Contacts", nil); r.status != 400 {
		t.Fatalf("no ids: %d", r.status)
	} else if d := assertErr(t, r.body, "REQUIRED_PARAM_MISSING"); d["param_name"] != "ids" {
		t.Fatalf("details: %v", d)
	}
	r := e.do("DELETE", "/crm/v8/Contacts?ids="+ids[0]+","+ids[1], nil)
	if r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	for i, it := range items(t, r) {
		if it["code"] != "SUCCESS" || it["message"] != "record deleted" || it["details"].(map[string]any)["id"] != ids[i] {
			t.Fatalf("delete result %d: %v", i, it)
		}
	}
	e.clk.add(time.Minute)
	r = e.do("DELETE", "/crm/v8/Contacts?ids="+ids[2]+","+ids[0]+",42", nil)
	res := items(t, r)
	if r.status != 207 || res[0]["status"] != "success" || res[1]["code"] != "INVALID_DATA" || res[1]["message"] != "record not deleted" ||
		res[2]["details"].(map[string]any)["id"] != "42" {
		t.Fatalf("mixed delete: %d %s", r.status, r.raw)
	}
	if r := e.do("DELETE", "/crm/v8/Contacts/"+ids[0], nil); r.status != 400 {
		t.Fatalf("all failed delete: %d", r.status)
	}
	if r := e.do("DELETE", "/crm/v8/Contacts/"+ids[3], nil); r.status != 200 {
		t.Fatalf("delete one: %d", r.status)
	}
	many := ids[4]
	for i := 0; i < 100; i++ {
		many += ",1"
	}
	if r := e.do("DELETE", "/crm/v8/Contacts?ids="+many, nil); r.status != 400 {
		t.Fatalf("101 ids: %d", r.status)
	} else {
		assertErr(t, r.body, "LIMIT_EXCEEDED")
	}
	if e.sim.Count(ModuleContacts) != 1 {
		t.Fatalf("count %d", e.sim.Count(ModuleContacts))
	}

	r = e.do("GET", "/crm/v8/Contacts/deleted?type=all&per_page=2", nil)
	del, in := items(t, r), info(t, r)
	if len(del) != 2 || in["more_records"] != true || num(in["count"]) != 2 || num(in["per_page"]) != 2 {
		t.Fatalf("deleted page 1: %s", r.raw)
	}
	d0 := del[0]
	if d0["type"] != "recycle" || d0["id"] != ids[3] || d0["display_name"] != "P Person 003" ||
		d0["deleted_by"].(map[string]any)["id"] != e.sim.UserID() || d0["created_by"].(map[string]any)["name"] != "Patricia Boyle" ||
		d0["deleted_time"] != "2026-11-03T10:16:30+00:00" {
		t.Fatalf("deleted entry: %v", d0)
	}
	since := time.Date(2026, 11, 3, 10, 16, 0, 0, time.UTC).Format(time.RFC3339)
	r = e.request("GET", "/crm/v8/Contacts/deleted", nil, map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since})
	if got := items(t, r); len(got) != 2 {
		t.Fatalf("deleted since: %s", r.raw)
	}
	if err := e.sim.PurgeRecycleBin(ModuleContacts); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/crm/v8/Contacts/deleted?type=recycle", nil); r.status != 204 {
		t.Fatalf("recycle after purge: %d", r.status)
	}
	r = e.do("GET", "/crm/v8/Contacts/deleted?type=permanent", nil)
	if got := items(t, r); len(got) != 4 || got[0]["display_name"] != nil || got[0]["deleted_by"] != nil || got[0]["type"] != "permanent" {
		t.Fatalf("permanent: %s", r.raw)
	}
	if r := e.do("GET", "/crm/v8/Accounts/deleted", nil); r.status != 204 {
		t.Fatalf("no deleted accounts: %d", r.status)
	}
	if r := e.do("GET", "/crm/v8/Contacts/deleted?type=gone", nil); r.status != 400 {
		t.Fatalf("bad type: %d", r.status)
	}
}
