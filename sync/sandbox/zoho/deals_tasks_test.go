package zoho

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// scopedToken runs the authorization code flow for scope and returns the access token.
func scopedToken(t *testing.T, e *env, scope string) string {
	t.Helper()
	q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "response_type": {"code"},
		"redirect_uri": {"http://127.0.0.1:5555/cb"}, "scope": {scope}}
	r := e.request("GET", "/oauth/v2/auth?"+q.Encode(), nil, nil)
	loc, err := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || err != nil {
		t.Fatalf("authorize: %d %s", r.status, r.raw)
	}
	g := e.form("/oauth/v2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://127.0.0.1:5555/cb"},
		"code": {loc.Query().Get("code")}})
	at, _ := g.body["access_token"].(string)
	if at == "" {
		t.Fatalf("token: %s", g.raw)
	}
	return at
}

// fieldsOf fetches GET /settings/fields for module, keyed by api_name.
func fieldsOf(t *testing.T, e *env, module string) map[string]map[string]any {
	t.Helper()
	r := e.do("GET", "/crm/v8/settings/fields?module="+module, nil)
	if r.status != 200 {
		t.Fatalf("fields of %s: %d %s", module, r.status, r.raw)
	}
	by := map[string]map[string]any{}
	for _, f := range r.body["fields"].([]any) {
		m := f.(map[string]any)
		by[m["api_name"].(string)] = m
	}
	return by
}

func picklistValues(f map[string]any) []string {
	var out []string
	for _, v := range f["pick_list_values"].([]any) {
		out = append(out, v.(map[string]any)["actual_value"].(string))
	}
	return out
}

func TestDealsAndTasksFieldMetadata(t *testing.T) {
	e := newEnv(t, Options{CustomFields: map[string][]CustomField{ModuleDeals: {{APIName: "Region", Type: TypeText}}}})
	deals := fieldsOf(t, e, "Deals")
	for api, typ := range map[string]string{"Deal_Name": "text", "Stage": "picklist", "Closing_Date": "date", "Amount": "currency",
		"Probability": "integer", "Type": "picklist", "Lead_Source": "picklist", "Next_Step": "text", "Description": "textarea",
		"Account_Name": "lookup", "Contact_Name": "lookup", "Owner": "ownerlookup", "Created_Time": "datetime",
		"Modified_Time": "datetime", "Created_By": "ownerlookup", "Modified_By": "ownerlookup", "Expected_Revenue": "currency",
		"Last_Activity_Time": "datetime", "Region": "text"} {
		if deals[api]["data_type"] != typ {
			t.Fatalf("Deals.%s: data_type %v, want %s", api, deals[api]["data_type"], typ)
		}
	}
	for api, want := range map[string]bool{"Deal_Name": true, "Stage": true, "Closing_Date": true, "Account_Name": false, "Amount": false} {
		if deals[api]["system_mandatory"] != want {
			t.Fatalf("Deals.%s system_mandatory = %v", api, deals[api]["system_mandatory"])
		}
	}
	if deals["Expected_Revenue"]["read_only"] != true || num(deals["Deal_Name"]["length"]) != 120 || num(deals["Next_Step"]["length"]) != 100 ||
		deals["Amount"]["json_type"] != "double" || deals["Region"]["custom_field"] != true {
		t.Fatalf("Deals details: %v %v", deals["Expected_Revenue"], deals["Deal_Name"])
	}
	if got := picklistValues(deals["Stage"]); !slices.Equal(got, dealStages) || got[len(got)-1] != "Closed-Lost to Competition" {
		t.Fatalf("Stage values: %v", got)
	}
	if got := picklistValues(deals["Type"]); !slices.Equal(got, []string{"-None-", "Existing Business", "New Business"}) {
		t.Fatalf("Type values: %v", got)
	}
	for api, module := range map[string]string{"Account_Name": "Accounts", "Contact_Name": "Contacts"} {
		if m := deals[api]["lookup"].(map[string]any)["module"].(map[string]any); m["api_name"] != module {
			t.Fatalf("Deals.%s lookup: %v", api, m)
		}
	}

	tasks := fieldsOf(t, e, "tasks") // module names match case-insensitively
	for api, typ := range map[string]string{"Subject": "text", "Due_Date": "date", "Status": "picklist", "Priority": "picklist",
		"Description": "textarea", "Who_Id": "lookup", "What_Id": "lookup", "Send_Notification_Email": "boolean",
		"Closed_Time": "datetime", "Owner": "ownerlookup", "Created_Time": "datetime", "Modified_Time": "datetime"} {
		if tasks[api]["data_type"] != typ {
			t.Fatalf("Tasks.%s: data_type %v, want %s", api, tasks[api]["data_type"], typ)
		}
	}
	if _, ok := tasks["Last_Activity_Time"]; ok {
		t.Fatal("Tasks have no Last_Activity_Time")
	}
	if tasks["Subject"]["system_mandatory"] != true || tasks["Due_Date"]["system_mandatory"] != false || tasks["Closed_Time"]["read_only"] != true ||
		tasks["Who_Id"]["field_label"] != "Contact Name" || tasks["What_Id"]["field_label"] != "Related To" {
		t.Fatalf("Tasks details: %v %v", tasks["Subject"], tasks["Closed_Time"])
	}
	if got := picklistValues(tasks["Status"]); !slices.Equal(got, []string{"Not Started", "Deferred", "In Progress", "Completed", "Waiting for input"}) {
		t.Fatalf("Status values: %v", got)
	}
	if got := picklistValues(tasks["Priority"]); !slices.Equal(got, []string{"High", "Highest", "Low", "Lowest", "Normal"}) {
		t.Fatalf("Priority values: %v", got)
	}
	mml := tasks["What_Id"]["multi_module_lookup"].(map[string]any)
	mods := mml["modules"].([]any)
	if mml["api_name"] != "What_Id" || len(mods) != 2 || mods[0].(map[string]any)["api_name"] != "Accounts" ||
		mods[1].(map[string]any)["api_name"] != "Deals" || tasks["Who_Id"]["lookup"].(map[string]any)["module"].(map[string]any)["api_name"] != "Contacts" {
		t.Fatalf("What_Id/Who_Id: %v %v", tasks["What_Id"], tasks["Who_Id"])
	}
	one := e.do("GET", "/crm/v8/settings/fields/Stage?module=Deals", nil)
	if f := one.body["fields"].([]any); one.status != 200 || len(f) != 1 || f[0].(map[string]any)["api_name"] != "Stage" {
		t.Fatalf("one field: %s", one.raw)
	}
	if m := e.do("GET", "/crm/v8/settings/modules/Tasks", nil); m.status != 200 ||
		m.body["modules"].([]any)[0].(map[string]any)["singular_label"] != "Task" {
		t.Fatalf("module Tasks: %d %s", m.status, m.raw)
	}
}

func TestDealWithAccountLookupRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	acc, _ := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Zylker"})
	con, _ := e.sim.Create(ModuleContacts, map[string]any{"First_Name": "Ada", "Last_Name": "Lovelace"})
	r := e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"Deal_Name": "Zylker renewal",
		"Stage": "Qualification", "Closing_Date": "2026-12-31", "Amount": 12000.5, "Type": "New Business",
		"Account_Name": map[string]any{"id": acc.ID}, "Contact_Name": map[string]any{"id": con.ID}, "Next_Step": "Call"}}})
	res := items(t, r)
	if r.status != 201 || res[0]["code"] != "SUCCESS" || res[0]["message"] != "record added" {
		t.Fatalf("insert deal: %d %s", r.status, r.raw)
	}
	id := res[0]["details"].(map[string]any)["id"].(string)
	g := e.do("GET", "/crm/v8/Deals/"+id, nil)
	got := items(t, g)[0]
	account, contact := got["Account_Name"].(map[string]any), got["Contact_Name"].(map[string]any)
	if g.status != 200 || account["name"] != "Zylker" || account["id"] != acc.ID || contact["name"] != "Ada Lovelace" || contact["id"] != con.ID ||
		got["Deal_Name"] != "Zylker renewal" || got["Stage"] != "Qualification" || got["Closing_Date"] != "2026-12-31" ||
		got["Amount"] != 12000.5 || num(got["Probability"]) != 10 || got["Expected_Revenue"] != 1200.05 ||
		got["Owner"].(map[string]any)["id"] != e.sim.UserID() || got["Created_Time"] != "2026-11-03T10:15:30+00:00" || got["Lead_Source"] != nil {
		t.Fatalf("read deal: %s", g.raw)
	}
	// A stage change without a Probability takes the stage's; an explicit one stays.
	e.clk.add(time.Minute)
	r = e.do("PUT", "/crm/v8/Deals/"+id, map[string]any{"data": []any{map[string]any{"Stage": "Negotiation/Review"}}})
	if r.status != 200 {
		t.Fatalf("update deal: %d %s", r.status, r.raw)
	}
	d, _ := e.sim.Get(ModuleDeals, id)
	if d.Fields["Probability"] != "90" || d.Fields["Expected_Revenue"] != "10800.45" || d.Fields["Account_Name"] != acc.ID {
		t.Fatalf("after stage change: %+v", d.Fields)
	}
	if _, err := e.sim.Update(ModuleDeals, id, map[string]any{"Stage": "Closed Won", "Probability": 95}); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.sim.Get(ModuleDeals, id); d.Fields["Probability"] != "95" {
		t.Fatalf("explicit probability: %+v", d.Fields)
	}
	// fields= limits the answer; lookups still read {name, id}.
	l := e.do("GET", "/crm/v8/Deals?fields=Deal_Name,Account_Name", nil)
	if got := items(t, l); len(got) != 1 || len(got[0]) != 3 || got[0]["Account_Name"].(map[string]any)["name"] != "Zylker" {
		t.Fatalf("list: %s", l.raw)
	}
	// A lookup to a live record only; the deal keeps a deleted account's id and name, and
	// the deleted deal is listed under its Deal_Name.
	bad := e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"Deal_Name": "Ghost", "Stage": "Qualification",
		"Closing_Date": "2026-12-31", "Account_Name": map[string]any{"id": "5725767000000000001"}}}})
	if d := assertErr(t, items(t, bad)[0], "INVALID_DATA"); bad.status != 400 || d["api_name"] != "Account_Name" {
		t.Fatalf("unknown account: %s", bad.raw)
	}
	if err := e.sim.Delete(ModuleAccounts, acc.ID); err != nil {
		t.Fatal(err)
	}
	got = items(t, e.do("GET", "/crm/v8/Deals/"+id+"?fields=Account_Name", nil))[0]
	if a := got["Account_Name"].(map[string]any); a["id"] != acc.ID || a["name"] != "Zylker" {
		t.Fatalf("lookup to a deleted account: %v", got)
	}
	if r := e.do("DELETE", "/crm/v8/Deals/"+id, nil); r.status != 200 {
		t.Fatalf("delete deal: %d", r.status)
	}
	del := items(t, e.do("GET", "/crm/v8/Deals/deleted", nil))
	if len(del) != 1 || del[0]["id"] != id || del[0]["display_name"] != "Zylker renewal" {
		t.Fatalf("deleted deals: %v", del)
	}
}

func TestDealsMandatoryAndPicklistRefusals(t *testing.T) {
	e := newEnv(t, Options{})
	full := func(drop string, set map[string]any) map[string]any {
		m := map[string]any{"Deal_Name": "D", "Stage": "Qualification", "Closing_Date": "2026-12-31"}
		delete(m, drop)
		for k, v := range set {
			m[k] = v
		}
		return m
	}
	r := e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{full("Deal_Name", nil), full("Stage", nil), full("Closing_Date", nil),
		full("", map[string]any{"Stage": "Won Big"}), full("", map[string]any{"Probability": "ten"}), full("", nil)}})
	res := items(t, r)
	if r.status != 207 || len(res) != 6 || res[5]["status"] != "success" {
		t.Fatalf("mixed deals: %d %s", r.status, r.raw)
	}
	for i, want := range []struct{ code, api string }{{"MANDATORY_NOT_FOUND", "Deal_Name"}, {"MANDATORY_NOT_FOUND", "Stage"},
		{"MANDATORY_NOT_FOUND", "Closing_Date"}, {"INVALID_DATA", "Stage"}, {"INVALID_DATA", "Probability"}} {
		d := assertErr(t, res[i], want.code)
		if d["api_name"] != want.api || d["json_path"] != fmt.Sprintf("$.data[%d].%s", i, want.api) {
			t.Fatalf("result %d: %v", i, res[i])
		}
	}
	// An unknown picklist value is refused with the supported values (every picklist is
	// treated as restricted; see parseValue).
	sv := res[3]["details"].(map[string]any)["supported_values"].([]any)
	if len(sv) != len(dealStages) || sv[0] != "Qualification" || sv[6] != "Closed Won" {
		t.Fatalf("Stage supported values: %v", sv)
	}
	if e.sim.Count(ModuleDeals) != 1 {
		t.Fatalf("count %d", e.sim.Count(ModuleDeals))
	}
	// All failed: 400; clearing a mandatory field on update is refused too.
	r = e.do("POST", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"Deal_Name": "No stage", "Closing_Date": "2026-01-01"}}})
	if d := assertErr(t, items(t, r)[0], "MANDATORY_NOT_FOUND"); r.status != 400 || d["api_name"] != "Stage" {
		t.Fatalf("all failed: %d %s", r.status, r.raw)
	}
	id := res[5]["details"].(map[string]any)["id"].(string)
	r = e.do("PUT", "/crm/v8/Deals", map[string]any{"data": []any{map[string]any{"id": id, "Closing_Date": nil}}})
	if d := assertErr(t, items(t, r)[0], "MANDATORY_NOT_FOUND"); r.status != 400 || d["api_name"] != "Closing_Date" {
		t.Fatalf("clearing Closing_Date: %d %s", r.status, r.raw)
	}
	// Tasks: Subject is mandatory; Status and Priority refuse unknown values.
	r = e.do("POST", "/crm/v8/Tasks", map[string]any{"data": []any{map[string]any{"Status": "Not Started"},
		map[string]any{"Subject": "Call", "Status": "Done"}, map[string]any{"Subject": "Call", "Priority": "Urgent"}}})
	res = items(t, r)
	if r.status != 400 {
		t.Fatalf("tasks: %d %s", r.status, r.raw)
	}
	for i, api := range []string{"Subject", "Status", "Priority"} {
		code := "INVALID_DATA"
		if i == 0 {
			code = "MANDATORY_NOT_FOUND"
		}
		if d := assertErr(t, res[i], code); d["api_name"] != api {
			t.Fatalf("task result %d: %v", i, res[i])
		}
	}
	if sv := res[1]["details"].(map[string]any)["supported_values"].([]any); len(sv) != 5 || sv[4] != "Waiting for input" {
		t.Fatalf("Status supported values: %v", sv)
	}
}

func TestTaskWhoAndWhatLookups(t *testing.T) {
	e := newEnv(t, Options{})
	con, _ := e.sim.Create(ModuleContacts, map[string]any{"First_Name": "Grace", "Last_Name": "Hopper"})
	acc, _ := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Navy"})
	deal, err := e.sim.Create(ModuleDeals, map[string]any{"Deal_Name": "COBOL", "Stage": "Value Proposition", "Closing_Date": "2027-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/crm/v8/Tasks", map[string]any{"data": []any{
		map[string]any{"Subject": "Send compiler notes", "Who_Id": map[string]any{"id": con.ID}, "What_Id": map[string]any{"id": deal.ID},
			"$se_module": "Deals", "Status": "Not Started", "Priority": "High", "Due_Date": "2026-11-10", "Send_Notification_Email": true},
		map[string]any{"Subject": "No module", "What_Id": map[string]any{"id": deal.ID}},
		map[string]any{"Subject": "Bad module", "What_Id": map[string]any{"id": con.ID}, "$se_module": "Contacts"},
		map[string]any{"Subject": "Wrong module", "What_Id": map[string]any{"id": deal.ID}, "$se_module": "Accounts"},
	}})
	res := items(t, r)
	if r.status != 207 || res[0]["status"] != "success" {
		t.Fatalf("insert tasks: %d %s", r.status, r.raw)
	}
	if d := assertErr(t, res[1], "MANDATORY_NOT_FOUND"); d["api_name"] != "$se_module" {
		t.Fatalf("What_Id without $se_module: %v", res[1])
	}
	if d := assertErr(t, res[2], "INVALID_DATA"); d["api_name"] != "$se_module" || len(d["supported_values"].([]any)) != 2 {
		t.Fatalf("What_Id into Contacts: %v", res[2])
	}
	if d := assertErr(t, res[3], "INVALID_DATA"); d["api_name"] != "What_Id" {
		t.Fatalf("a deal id given as an account: %v", res[3])
	}
	id := res[0]["details"].(map[string]any)["id"].(string)
	got := items(t, e.do("GET", "/crm/v8/Tasks/"+id, nil))[0]
	who, what := got["Who_Id"].(map[string]any), got["What_Id"].(map[string]any)
	if who["name"] != "Grace Hopper" || who["id"] != con.ID || what["name"] != "COBOL" || what["id"] != deal.ID || got["$se_module"] != "Deals" ||
		got["Status"] != "Not Started" || got["Priority"] != "High" || got["Due_Date"] != "2026-11-10" || got["Send_Notification_Email"] != true ||
		got["Closed_Time"] != nil || got["Subject"] != "Send compiler notes" {
		t.Fatalf("read task: %v", got)
	}
	if _, has := got["Last_Activity_Time"]; has {
		t.Fatalf("task carries Last_Activity_Time: %v", got)
	}
	// Completing the task stamps Closed_Time; moving What_Id to an account keeps the pair.
	e.clk.add(time.Hour)
	r = e.do("PUT", "/crm/v8/Tasks", map[string]any{"data": []any{map[string]any{"id": id, "Status": "Completed",
		"What_Id": map[string]any{"id": acc.ID}, "$se_module": "Accounts"}}})
	if r.status != 200 {
		t.Fatalf("complete: %d %s", r.status, r.raw)
	}
	got = items(t, e.do("GET", "/crm/v8/Tasks/"+id+"?fields=What_Id,Closed_Time,Status", nil))[0]
	if got["Closed_Time"] != "2026-11-03T11:15:30+00:00" || got["What_Id"].(map[string]any)["name"] != "Navy" || got["$se_module"] != "Accounts" {
		t.Fatalf("completed task: %v", got)
	}
	// Who_Id is searchable by the contact's id or name; What_Id by the related record's name.
	s := e.do("GET", "/crm/v8/Tasks/search?criteria="+url.QueryEscape("(Who_Id:equals:Grace Hopper)"), nil)
	if hits := items(t, s); len(hits) != 1 || hits[0]["id"] != id {
		t.Fatalf("search by Who_Id: %s", s.raw)
	}
	if s := e.do("GET", "/crm/v8/Tasks/search?criteria="+url.QueryEscape("(What_Id:equals:Navy)"), nil); s.status != 200 {
		t.Fatalf("search by What_Id: %d %s", s.status, s.raw)
	}
	// Clearing What_Id clears its module; reopening clears Closed_Time.
	rec, err := e.sim.Update(ModuleTasks, id, map[string]any{"What_Id": nil, "Status": "In Progress"})
	if err != nil || rec.Fields["What_Id"] != "" || rec.Fields["$se_module"] != "" || rec.Fields["Closed_Time"] != "" || rec.Fields["Who_Id"] != con.ID {
		t.Fatalf("cleared: %+v %v", rec.Fields, err)
	}
	// Tasks are not an upsert module; Deals upsert on Deal_Name.
	if r := e.do("POST", "/crm/v8/Tasks/upsert", map[string]any{"data": []any{map[string]any{"Subject": "x"}}}); r.status != 400 {
		t.Fatalf("tasks upsert: %d %s", r.status, r.raw)
	} else if d := assertErr(t, items(t, r)[0], "INVALID_MODULE"); num(d["resource_path_index"]) != 0 {
		t.Fatalf("tasks upsert details: %v", d)
	}
	r = e.do("POST", "/crm/v8/Deals/upsert", map[string]any{"data": []any{
		map[string]any{"Deal_Name": "cobol", "Next_Step": "Demo"},
		map[string]any{"Deal_Name": "Fortran", "Stage": "Qualification", "Closing_Date": "2027-02-01"}}})
	res = items(t, r)
	if r.status != 200 || res[0]["action"] != "update" || res[0]["duplicate_field"] != "Deal_Name" ||
		res[0]["details"].(map[string]any)["id"] != deal.ID || res[1]["action"] != "insert" || res[1]["duplicate_field"] != "Deal_Name" {
		t.Fatalf("deals upsert: %d %s", r.status, r.raw)
	}
	if d, _ := e.sim.Get(ModuleDeals, deal.ID); d.Fields["Next_Step"] != "Demo" || d.Fields["Stage"] != "Value Proposition" {
		t.Fatalf("upserted deal: %+v", d.Fields)
	}
}

func TestDealsSearchAndIfModifiedSincePaging(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	accs, err := e.sim.SeedAccounts([]AccountSeed{{Name: "Zylker"}, {Name: "Acme"}})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]DealSeed, 30)
	for i := range rows {
		rows[i] = DealSeed{Name: fmt.Sprintf("Deal %02d", i), Stage: dealStages[i%len(dealStages)], Amount: float64(1000 * (i + 1)),
			ClosingDate: "2026-06-30", AccountID: accs[i%2], Created: base, Modified: base.Add(time.Duration(i) * time.Minute)}
	}
	rows[3].Name, rows[17].Name = "Zylker expansion", "Zylker support"
	ids, err := e.sim.SeedDeals(rows)
	if err != nil {
		t.Fatal(err)
	}
	search := func(criteria string) reply {
		t.Helper()
		return e.do("GET", "/crm/v8/Deals/search?"+url.Values{"criteria": {criteria}, "fields": {"Deal_Name,Amount"}, "sort_order": {"asc"}}.Encode(), nil)
	}
	r := search("(Deal_Name:starts_with:Zylker)")
	got := items(t, r)
	if r.status != 200 || len(got) != 2 || got[0]["id"] != ids[3] || got[1]["id"] != ids[17] || got[0]["Deal_Name"] != "Zylker expansion" || len(got[0]) != 3 {
		t.Fatalf("starts_with: %d %s", r.status, r.raw)
	}
	if got := items(t, search("(Deal_Name:equals:deal 05)")); len(got) != 1 || got[0]["id"] != ids[5] {
		t.Fatalf("equals: %v", got)
	}
	if got := items(t, search("((Deal_Name:starts_with:Deal)and(Amount:greater_than:27000))")); len(got) != 3 || got[0]["id"] != ids[27] {
		t.Fatalf("and: %v", got)
	}
	if got := items(t, search("(Account_Name:equals:Acme)")); len(got) != 15 {
		t.Fatalf("by account name: %d", len(got))
	}
	if got := items(t, search("(Stage:in:Closed Won,Closed-Lost to Competition)")); len(got) != 6 {
		t.Fatalf("by stage: %d", len(got))
	}
	if r := search("(Deal_Name:equals:Nope)"); r.status != 204 {
		t.Fatalf("no hit: %d", r.status)
	}
	if r := search("(Deal_Name:greater_than:x)"); r.status != 400 {
		t.Fatalf("bad operator: %d", r.status)
	} else {
		assertErr(t, r.body, "INVALID_QUERY")
	}
	if w := items(t, e.do("GET", "/crm/v8/Deals/search?word=expansion", nil)); len(w) != 1 || w[0]["id"] != ids[3] {
		t.Fatalf("word: %v", w)
	}

	// If-Modified-Since keeps the deals modified after it (11..29), paged by token.
	since := base.Add(10 * time.Minute).Format(time.RFC3339)
	q := url.Values{"fields": {"Deal_Name,Modified_Time"}, "sort_by": {"Modified_Time"}, "sort_order": {"asc"}, "per_page": {"5"}}
	var seen []string
	for page := 1; ; page++ {
		r := e.request("GET", "/crm/v8/Deals?"+q.Encode(), nil,
			map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since})
		in := info(t, r)
		if r.status != 200 || num(in["page"]) != int64(page) || num(in["count"]) > 5 {
			t.Fatalf("page %d: %d %v", page, r.status, in)
		}
		for _, it := range items(t, r) {
			seen = append(seen, it["id"].(string))
		}
		if in["more_records"] != true {
			break
		}
		q.Set("page_token", in["next_page_token"].(string))
	}
	if !slices.Equal(seen, ids[11:]) {
		t.Fatalf("modified since %s: %d records, want the last 19 in order", since, len(seen))
	}
	// The token is bound to the header: dropping it is TOKEN_BOUND_DATA_MISMATCH.
	first := e.request("GET", "/crm/v8/Deals?fields=Deal_Name&per_page=5", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since})
	tok := info(t, first)["next_page_token"].(string)
	if r := e.do("GET", "/crm/v8/Deals?fields=Deal_Name&per_page=5&page_token="+tok, nil); r.status != 400 {
		t.Fatalf("token without its header: %d", r.status)
	} else {
		assertErr(t, r.body, "TOKEN_BOUND_DATA_MISMATCH")
	}
	// An update moves a deal into the window; nothing newer than the last change is 204.
	e.clk.add(time.Hour)
	if _, err := e.sim.Update(ModuleDeals, ids[0], map[string]any{"Next_Step": "Follow up"}); err != nil {
		t.Fatal(err)
	}
	r = e.request("GET", "/crm/v8/Deals?fields=Next_Step&sort_by=Modified_Time&sort_order=desc&per_page=1", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since})
	if got := items(t, r); got[0]["id"] != ids[0] || got[0]["Next_Step"] != "Follow up" {
		t.Fatalf("after update: %v", got)
	}
	r = e.request("GET", "/crm/v8/Deals?fields=Deal_Name", nil,
		map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": e.clk.now().Format(time.RFC3339)})
	if r.status != 204 {
		t.Fatalf("nothing newer: %d %s", r.status, r.raw)
	}
}

func TestDealsAndTasksScopes(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, DailyCredits: 1000})
	as := func(tok, method, path string, body any) reply {
		t.Helper()
		return e.request(method, path, body, map[string]string{"Authorization": "Zoho-oauthtoken " + tok})
	}
	deal := map[string]any{"data": []any{map[string]any{"Deal_Name": "Scoped", "Stage": "Qualification", "Closing_Date": "2026-12-01"}}}
	task := map[string]any{"data": []any{map[string]any{"Subject": "Scoped"}}}

	contactsOnly := scopedToken(t, e, "ZohoCRM.modules.contacts.ALL")
	if r := as(contactsOnly, "GET", "/crm/v8/Contacts?fields=Last_Name", nil); r.status != 204 {
		t.Fatalf("contacts with contacts scope: %d %s", r.status, r.raw)
	}
	used, _ := e.sim.CreditUsage()
	for _, c := range []struct {
		method, path string
		body         any
	}{{"GET", "/crm/v8/Deals?fields=Deal_Name", nil}, {"POST", "/crm/v8/Deals", deal}, {"GET", "/crm/v8/Deals/search?word=x", nil},
		{"GET", "/crm/v8/Tasks?fields=Subject", nil}, {"POST", "/crm/v8/Tasks", task}, {"DELETE", "/crm/v8/Deals?ids=1", nil}} {
		r := as(contactsOnly, c.method, c.path, c.body)
		if r.status != 401 {
			t.Fatalf("%s %s with a contacts token: %d %s", c.method, c.path, r.status, r.raw)
		}
		assertErr(t, r.body, "OAUTH_SCOPE_MISMATCH")
	}
	if now, _ := e.sim.CreditUsage(); now != used || e.sim.Count(ModuleDeals) != 0 || e.sim.Count(ModuleTasks) != 0 {
		t.Fatalf("refused calls spent credits or wrote: %d -> %d", used, now)
	}

	deals := scopedToken(t, e, "ZohoCRM.modules.deals.ALL,ZohoCRM.modules.tasks.READ")
	if r := as(deals, "POST", "/crm/v8/Deals", deal); r.status != 201 {
		t.Fatalf("deals.ALL insert: %d %s", r.status, r.raw)
	}
	if r := as(deals, "GET", "/crm/v8/Tasks?fields=Subject", nil); r.status != 204 {
		t.Fatalf("tasks.READ list: %d %s", r.status, r.raw)
	}
	if r := as(deals, "POST", "/crm/v8/Tasks", task); r.status != 401 {
		t.Fatalf("tasks.READ insert: %d", r.status)
	}
	if r := as(deals, "GET", "/crm/v8/Contacts?fields=Last_Name", nil); r.status != 401 {
		t.Fatalf("deals token on contacts: %d", r.status)
	}
	tasksWrite := scopedToken(t, e, "ZohoCRM.modules.tasks.CREATE")
	if r := as(tasksWrite, "POST", "/crm/v8/Tasks", task); r.status != 201 {
		t.Fatalf("tasks.CREATE insert: %d %s", r.status, r.raw)
	}
	if r := as(tasksWrite, "GET", "/crm/v8/Tasks?fields=Subject", nil); r.status != 401 {
		t.Fatalf("tasks.CREATE read: %d", r.status)
	}
	all := scopedToken(t, e, "ZohoCRM.modules.ALL")
	for _, path := range []string{"/crm/v8/Deals?fields=Deal_Name", "/crm/v8/Tasks?fields=Subject", "/crm/v8/Contacts?fields=Last_Name"} {
		if r := as(all, "GET", path, nil); r.status != 200 && r.status != 204 {
			t.Fatalf("modules.ALL %s: %d %s", path, r.status, r.raw)
		}
	}
	// Writes of Deals and Tasks cost a credit per ten records like the others.
	before, _ := e.sim.CreditUsage()
	recs := make([]any, 11)
	for i := range recs {
		recs[i] = map[string]any{"Subject": fmt.Sprint("T", i)}
	}
	if r := as(all, "POST", "/crm/v8/Tasks", map[string]any{"data": recs}); r.status != 201 {
		t.Fatalf("11 tasks: %d %s", r.status, r.raw)
	}
	if after, _ := e.sim.CreditUsage(); after-before != 2 {
		t.Fatalf("11 tasks cost %d credits, want 2", after-before)
	}
	if st := e.sim.Stats(); st["POST /crm/v8/Tasks"] < 2 || st["POST /crm/v8/Deals"] < 2 {
		t.Fatalf("stats: %v", st)
	}
}

func TestSeedDealsAndTasks(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	accs, _ := e.sim.SeedAccounts([]AccountSeed{{Name: "Zylker"}})
	cons, _ := e.sim.SeedContacts([]ContactSeed{{FirstName: "Ada", LastName: "Lovelace", AccountID: accs[0]}})
	dealIDs, err := e.sim.SeedDeals([]DealSeed{
		{Name: "Engine", Stage: "Proposal/Price Quote", Amount: 5000, ClosingDate: "2026-04-30", AccountID: accs[0], ContactID: cons[0],
			Fields: map[string]any{"Type": "New Business"}, Created: base, Modified: base.Add(time.Hour)},
		{Name: "  Loom  ", Stage: "Closed Won", ClosingDate: "2026-05-01"},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := e.sim.Get(ModuleDeals, dealIDs[0])
	if !ok || d.Module != ModuleDeals || d.Fields["Deal_Name"] != "Engine" || d.Fields["Account_Name"] != accs[0] || d.Fields["Contact_Name"] != cons[0] ||
		d.Fields["Amount"] != "5000" || d.Fields["Probability"] != "75" || d.Fields["Expected_Revenue"] != "3750" || d.Fields["Type"] != "New Business" ||
		d.Fields["Owner"] != e.sim.UserID() || !d.Created.Equal(base) || !d.Modified.Equal(base.Add(time.Hour)) || len(d.ID) != 19 {
		t.Fatalf("seeded deal: %+v", d)
	}
	if d, _ := e.sim.Get(ModuleDeals, dealIDs[1]); d.Fields["Deal_Name"] != "Loom" || d.Fields["Amount"] != "" || d.Fields["Expected_Revenue"] != "" {
		t.Fatalf("seeded deal without amount: %+v", d.Fields)
	}
	for _, bad := range []struct {
		row  DealSeed
		want string
	}{
		{DealSeed{Stage: "Qualification", ClosingDate: "2026-01-01"}, "Deal_Name"},
		{DealSeed{Name: "X", ClosingDate: "2026-01-01"}, "Stage"},
		{DealSeed{Name: "X", Stage: "Qualification"}, "Closing_Date"},
		{DealSeed{Name: "X", Stage: "Won", ClosingDate: "2026-01-01"}, "Stage"},
		{DealSeed{Name: "X", Stage: "Qualification", ClosingDate: "01/01/2026"}, "Closing_Date"},
		{DealSeed{Name: "X", Stage: "Qualification", ClosingDate: "2026-01-01", AccountID: cons[0]}, "Account_Name"},
	} {
		ids, err := e.sim.SeedDeals([]DealSeed{{Name: "ok", Stage: "Qualification", ClosingDate: "2026-01-01"}, bad.row})
		var ze *Error
		if err == nil || !errors.As(err, &ze) || ze.Details["api_name"] != bad.want || len(ids) != 1 || !strings.Contains(err.Error(), "row 1") {
			t.Fatalf("seed %+v: ids %v err %v", bad.row, ids, err)
		}
	}
	taskIDs, err := e.sim.SeedTasks([]TaskSeed{
		{Subject: "Kick-off", Status: "Completed", Priority: "Highest", Description: "Agenda", DueDate: "2026-03-02", ContactID: cons[0],
			RelatedModule: ModuleDeals, RelatedID: dealIDs[0], Created: base, Modified: base.Add(2 * time.Hour)},
		{Subject: "Follow up", RelatedModule: ModuleAccounts, RelatedID: accs[0], Fields: map[string]any{"Send_Notification_Email": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tk, _ := e.sim.Get(ModuleTasks, taskIDs[0])
	if tk.Fields["Subject"] != "Kick-off" || tk.Fields["Who_Id"] != cons[0] || tk.Fields["What_Id"] != dealIDs[0] || tk.Fields["$se_module"] != "Deals" ||
		tk.Fields["Closed_Time"] != "2026-03-01T11:00:00+00:00" || tk.Fields["Priority"] != "Highest" || tk.Fields["Due_Date"] != "2026-03-02" ||
		tk.Fields["Description"] != "Agenda" || !tk.Modified.Equal(base.Add(2*time.Hour)) {
		t.Fatalf("seeded task: %+v", tk)
	}
	got := items(t, e.do("GET", "/crm/v8/Tasks/"+taskIDs[1], nil))[0]
	if got["What_Id"].(map[string]any)["name"] != "Zylker" || got["$se_module"] != "Accounts" || got["Send_Notification_Email"] != true || got["Who_Id"] != nil {
		t.Fatalf("seeded task over HTTP: %v", got)
	}
	for _, bad := range []struct {
		row  TaskSeed
		want string
	}{
		{TaskSeed{Status: "Completed"}, "Subject"},
		{TaskSeed{Subject: "x", Status: "Done"}, "Status"},
		{TaskSeed{Subject: "x", ContactID: accs[0]}, "Who_Id"},
		{TaskSeed{Subject: "x", RelatedID: dealIDs[0]}, "$se_module"},
		{TaskSeed{Subject: "x", RelatedModule: "Leads", RelatedID: dealIDs[0]}, "$se_module"},
	} {
		_, err := e.sim.SeedTasks([]TaskSeed{bad.row})
		var ze *Error
		if err == nil || !errors.As(err, &ze) || ze.Details["api_name"] != bad.want {
			t.Fatalf("seed task %+v: %v", bad.row, err)
		}
	}
	if e.sim.Count(ModuleDeals) != 2+6 || e.sim.Count(ModuleTasks) != 2 || len(e.sim.Records(ModuleTasks)) != 2 {
		t.Fatalf("counts: deals %d tasks %d", e.sim.Count(ModuleDeals), e.sim.Count(ModuleTasks))
	}
	// Seeded deals page and read like inserted ones.
	r := e.do("GET", "/crm/v8/Deals?fields=Deal_Name,Stage&sort_order=asc&per_page=2", nil)
	if got := items(t, r); len(got) != 2 || got[0]["id"] != dealIDs[0] || got[1]["Stage"] != "Closed Won" || info(t, r)["more_records"] != true {
		t.Fatalf("list seeded deals: %s", r.raw)
	}
}
