package zoho

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// idOf is the record id of a SUCCESS result.
func idOf(t *testing.T, res map[string]any) string {
	t.Helper()
	if res["status"] != "success" {
		t.Fatalf("not a success: %v", res)
	}
	return res["details"].(map[string]any)["id"].(string)
}

func TestActivitiesFieldMetadata(t *testing.T) {
	e := newEnv(t, Options{CustomFields: map[string][]CustomField{ModuleCalls: {{APIName: "Dial_Code", Type: TypeText}}}})
	calls := fieldsOf(t, e, "Calls")
	for api, typ := range map[string]string{"Subject": "text", "Call_Type": "picklist", "Call_Start_Time": "datetime",
		"Call_Duration": "text", "Call_Duration_in_seconds": "integer", "Call_Purpose": "picklist", "Call_Result": "text",
		"Outbound_Call_Status": "picklist", "Description": "textarea", "Who_Id": "lookup", "What_Id": "lookup",
		"Owner": "ownerlookup", "Created_Time": "datetime", "Modified_By": "ownerlookup", "Dial_Code": "text"} {
		if calls[api]["data_type"] != typ {
			t.Fatalf("Calls.%s: data_type %v, want %s", api, calls[api]["data_type"], typ)
		}
	}
	for api, want := range map[string]bool{"Subject": true, "Call_Type": true, "Call_Start_Time": true, "Call_Duration": false, "Who_Id": false} {
		if calls[api]["system_mandatory"] != want {
			t.Fatalf("Calls.%s system_mandatory = %v", api, calls[api]["system_mandatory"])
		}
	}
	if calls["Call_Duration_in_seconds"]["read_only"] != true || calls["Call_Duration"]["read_only"] != false {
		t.Fatalf("Calls durations: %v", calls["Call_Duration_in_seconds"])
	}
	if got := picklistValues(calls["Call_Type"]); !slices.Equal(got, []string{"Outbound", "Inbound", "Missed"}) {
		t.Fatalf("Call_Type values: %v", got)
	}
	if _, ok := calls["Last_Activity_Time"]; ok {
		t.Fatal("Calls have no Last_Activity_Time")
	}
	mods := calls["What_Id"]["multi_module_lookup"].(map[string]any)["modules"].([]any)
	if len(mods) != 2 || mods[0].(map[string]any)["api_name"] != "Accounts" ||
		calls["Who_Id"]["lookup"].(map[string]any)["module"].(map[string]any)["api_name"] != "Contacts" {
		t.Fatalf("Calls lookups: %v %v", calls["What_Id"], calls["Who_Id"])
	}

	events := fieldsOf(t, e, "Events")
	for api, typ := range map[string]string{"Event_Title": "text", "Start_DateTime": "datetime", "End_DateTime": "datetime",
		"All_day": "boolean", "Venue": "text", "Description": "textarea", "Who_Id": "lookup", "What_Id": "lookup", "Owner": "ownerlookup"} {
		if events[api]["data_type"] != typ {
			t.Fatalf("Events.%s: data_type %v, want %s", api, events[api]["data_type"], typ)
		}
	}
	for _, api := range []string{"Event_Title", "Start_DateTime", "End_DateTime"} {
		if events[api]["system_mandatory"] != true {
			t.Fatalf("Events.%s not mandatory", api)
		}
	}
	if events["Venue"]["system_mandatory"] != false || num(events["Event_Title"]["length"]) != 255 {
		t.Fatalf("Events details: %v", events["Event_Title"])
	}

	notes := fieldsOf(t, e, "Notes")
	if len(notes) != 8 || notes["Note_Title"]["data_type"] != "text" || num(notes["Note_Title"]["length"]) != 120 ||
		notes["Note_Content"]["data_type"] != "textarea" || num(notes["Note_Content"]["length"]) != 65535 ||
		notes["Parent_Id"]["data_type"] != "lookup" || notes["Parent_Id"]["system_mandatory"] != true ||
		notes["Owner"]["data_type"] != "ownerlookup" || notes["Modified_Time"]["data_type"] != "datetime" {
		t.Fatalf("Notes fields: %v", notes)
	}

	m := e.do("GET", "/crm/v8/settings/modules/Events", nil)
	if ev := items(t, reply{body: map[string]any{"data": m.body["modules"]}})[0]; m.status != 200 || ev["api_name"] != "Events" ||
		ev["singular_label"] != "Meeting" || ev["plural_label"] != "Meetings" {
		t.Fatalf("module Events: %d %s", m.status, m.raw)
	}
	// Notes take no custom fields.
	defer func() {
		if recover() == nil {
			t.Fatal("a custom field on Notes was accepted")
		}
	}()
	New(Options{CustomFields: map[string][]CustomField{ModuleNotes: {{APIName: "X", Type: TypeText}}}})
}

func TestCallWithContactRoundTrip(t *testing.T) {
	// The clock reads 2026-11-03T10:15:30Z.
	e := newEnv(t, Options{OtherUsers: []UserSpec{{Name: "Sam Owner", Email: "sam@example.com"}}})
	con, _ := e.sim.Create(ModuleContacts, map[string]any{"First_Name": "Ada", "Last_Name": "Lovelace"})
	deal, err := e.sim.Create(ModuleDeals, map[string]any{"Deal_Name": "Engine", "Stage": "Qualification", "Closing_Date": "2027-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/crm/v8/Calls", map[string]any{"data": []any{
		map[string]any{"Subject": "Intro call", "Call_Type": "Inbound", "Call_Start_Time": "2026-11-03T09:00:00+01:00",
			"Call_Duration": "4:05", "Who_Id": map[string]any{"id": con.ID}, "What_Id": map[string]any{"id": deal.ID},
			"$se_module": "Deals", "Call_Purpose": "Warm intro", "Call_Result": "Interested", "Call_Duration_in_seconds": 9},
		map[string]any{"Subject": "Follow-up", "Call_Type": "Outbound", "Call_Start_Time": "2026-11-10T15:00:00Z"},
	}})
	res := items(t, r)
	if r.status != 201 || len(res) != 2 {
		t.Fatalf("insert calls: %d %s", r.status, r.raw)
	}
	logged, scheduled := idOf(t, res[0]), idOf(t, res[1])
	got := items(t, e.do("GET", "/crm/v8/Calls/"+logged, nil))[0]
	who, what := got["Who_Id"].(map[string]any), got["What_Id"].(map[string]any)
	if who["name"] != "Ada Lovelace" || who["id"] != con.ID || len(who) != 2 || what["name"] != "Engine" || what["id"] != deal.ID ||
		got["$se_module"] != "Deals" || got["Call_Type"] != "Inbound" || got["Call_Start_Time"] != "2026-11-03T08:00:00+00:00" ||
		got["Call_Duration"] != "4:05" || num(got["Call_Duration_in_seconds"]) != 245 || got["Call_Purpose"] != "Warm intro" ||
		got["Call_Result"] != "Interested" || got["Outbound_Call_Status"] != nil || got["Owner"].(map[string]any)["id"] != e.sim.UserID() {
		t.Fatalf("read call: %v", got)
	}
	if _, has := got["Last_Activity_Time"]; has {
		t.Fatalf("call carries Last_Activity_Time: %v", got)
	}
	got = items(t, e.do("GET", "/crm/v8/Calls/"+scheduled+"?fields=Outbound_Call_Status,Call_Duration", nil))[0]
	if got["Outbound_Call_Status"] != "Scheduled" || got["Call_Duration"] != nil || len(got) != 3 {
		t.Fatalf("scheduled call: %v", got)
	}

	// Refusals, one per record: mandatory fields by api_name, then the call rules.
	base := func(drop string, set map[string]any) map[string]any {
		m := map[string]any{"Subject": "S", "Call_Type": "Inbound", "Call_Start_Time": "2026-11-02T10:00:00Z", "Call_Duration": "1:00"}
		delete(m, drop)
		for k, v := range set {
			m[k] = v
		}
		return m
	}
	r = e.do("POST", "/crm/v8/Calls", map[string]any{"data": []any{base("Subject", nil), base("Call_Type", nil), base("Call_Start_Time", nil),
		base("", map[string]any{"Call_Type": "Voicemail"}), base("Call_Duration", nil),
		base("", map[string]any{"Call_Type": "Outbound", "Outbound_Call_Status": "Completed", "Call_Duration": nil}),
		base("", map[string]any{"Call_Start_Time": "2026-11-04T10:00:00Z"}), base("", map[string]any{"Call_Duration": "5 min"}),
		base("", map[string]any{"Outbound_Call_Status": "Scheduled"}), base("Call_Duration", map[string]any{"Call_Type": "Missed"})}})
	res = items(t, r)
	if r.status != 207 || len(res) != 10 || res[9]["status"] != "success" {
		t.Fatalf("mixed calls: %d %s", r.status, r.raw)
	}
	for i, want := range []struct{ code, api string }{{"MANDATORY_NOT_FOUND", "Subject"}, {"MANDATORY_NOT_FOUND", "Call_Type"},
		{"MANDATORY_NOT_FOUND", "Call_Start_Time"}, {"INVALID_DATA", "Call_Type"}, {"INVALID_DATA", "Call_Duration"},
		{"INVALID_DATA", "Call_Duration"}, {"INVALID_DATA", "Call_Start_Time"}, {"INVALID_DATA", "Call_Duration"},
		{"INVALID_DATA", "Outbound_Call_Status"}} {
		d := assertErr(t, res[i], want.code)
		if d["api_name"] != want.api || d["json_path"] != fmt.Sprintf("$.data[%d].%s", i, want.api) {
			t.Fatalf("call result %d: %v", i, res[i])
		}
	}
	if sv := res[3]["details"].(map[string]any)["supported_values"].([]any); len(sv) != 3 {
		t.Fatalf("Call_Type supported values: %v", sv)
	}
	// Updates: Call_Type cannot change, nor a logged call's Owner (a scheduled call's
	// can); completing the scheduled call needs its duration, and a past start time.
	e.clk.add(time.Hour)
	sam := e.sim.UserIDs()[1]
	r = e.do("PUT", "/crm/v8/Calls", map[string]any{"data": []any{
		map[string]any{"id": logged, "Call_Type": "Outbound"},
		map[string]any{"id": logged, "Owner": map[string]any{"id": e.sim.UserID()}, "Description": "same owner is fine"},
		map[string]any{"id": scheduled, "Outbound_Call_Status": "Completed"},
		map[string]any{"id": scheduled, "Outbound_Call_Status": "Completed", "Call_Duration": "12:30"},
		map[string]any{"id": logged, "Owner": map[string]any{"id": sam}},
		map[string]any{"id": scheduled, "Owner": map[string]any{"id": sam}},
	}})
	res = items(t, r)
	if r.status != 207 {
		t.Fatalf("update calls: %d %s", r.status, r.raw)
	}
	for i, want := range map[int]string{0: "Call_Type", 2: "Call_Duration", 3: "Call_Start_Time", 4: "Owner"} {
		if d := assertErr(t, res[i], "INVALID_DATA"); d["api_name"] != want {
			t.Fatalf("update result %d: %v", i, res[i])
		}
	}
	if res[1]["status"] != "success" || res[5]["status"] != "success" {
		t.Fatalf("same-owner and scheduled-owner updates: %v %v", res[1], res[5])
	}
	if c, _ := e.sim.Get(ModuleCalls, scheduled); c.Fields["Outbound_Call_Status"] != "Scheduled" || c.Fields["Call_Duration"] != "" ||
		c.Fields["Owner"] != sam {
		t.Fatalf("scheduled call: %+v", c.Fields)
	}
	if c, _ := e.sim.Get(ModuleCalls, logged); c.Fields["Owner"] != e.sim.UserID() || c.Fields["Call_Type"] != "Inbound" {
		t.Fatalf("logged call: %+v", c.Fields)
	}
	// Search, delete and the deleted list work on Calls; upsert does not.
	s := e.do("GET", "/crm/v8/Calls/search?criteria="+url.QueryEscape("(Who_Id:equals:Ada Lovelace)"), nil)
	if hits := items(t, s); len(hits) != 1 || hits[0]["id"] != logged {
		t.Fatalf("search calls: %s", s.raw)
	}
	if r := e.do("POST", "/crm/v8/Calls/upsert", map[string]any{"data": []any{base("", nil)}}); r.status != 400 {
		t.Fatalf("calls upsert: %d", r.status)
	} else {
		assertErr(t, items(t, r)[0], "INVALID_MODULE")
	}
	if r := e.do("DELETE", "/crm/v8/Calls/"+logged, nil); r.status != 200 {
		t.Fatalf("delete call: %d %s", r.status, r.raw)
	}
	if del := items(t, e.do("GET", "/crm/v8/Calls/deleted", nil)); len(del) != 1 || del[0]["display_name"] != "Intro call" {
		t.Fatalf("deleted calls: %v", del)
	}
}

func TestEventWithContactRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	con, _ := e.sim.Create(ModuleContacts, map[string]any{"First_Name": "Grace", "Last_Name": "Hopper"})
	acc, _ := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Navy"})
	r := e.do("POST", "/crm/v8/Events", map[string]any{"data": []any{map[string]any{"Event_Title": "Compiler review",
		"Start_DateTime": "2026-11-20T14:00:00+05:30", "End_DateTime": "2026-11-20T15:30:00+05:30", "Venue": "Arlington",
		"Who_Id": map[string]any{"id": con.ID}, "What_Id": map[string]any{"id": acc.ID}, "$se_module": "Accounts"}}})
	if r.status != 201 {
		t.Fatalf("insert event: %d %s", r.status, r.raw)
	}
	id := idOf(t, items(t, r)[0])
	got := items(t, e.do("GET", "/crm/v8/Events/"+id, nil))[0]
	if w := got["Who_Id"].(map[string]any); w["name"] != "Grace Hopper" || w["id"] != con.ID || got["What_Id"].(map[string]any)["name"] != "Navy" ||
		got["$se_module"] != "Accounts" || got["Start_DateTime"] != "2026-11-20T08:30:00+00:00" || got["End_DateTime"] != "2026-11-20T10:00:00+00:00" ||
		got["All_day"] != false || got["Venue"] != "Arlington" || got["Event_Title"] != "Compiler review" {
		t.Fatalf("read event: %v", got)
	}
	ok := map[string]any{"Event_Title": "E", "Start_DateTime": "2026-12-01T10:00:00Z", "End_DateTime": "2026-12-01T11:00:00Z"}
	without := func(k string) map[string]any {
		m := map[string]any{}
		for kk, v := range ok {
			if kk != k {
				m[kk] = v
			}
		}
		return m
	}
	r = e.do("POST", "/crm/v8/Events", map[string]any{"data": []any{without("Event_Title"), without("Start_DateTime"), without("End_DateTime"),
		map[string]any{"Event_Title": "Backwards", "Start_DateTime": "2026-12-01T11:00:00Z", "End_DateTime": "2026-12-01T10:59:59Z"},
		map[string]any{"Event_Title": "Day", "Start_DateTime": "2026-12-02T00:00:00Z", "End_DateTime": "2026-12-02T00:00:00Z", "All_day": true}}})
	res := items(t, r)
	if r.status != 207 || res[4]["status"] != "success" {
		t.Fatalf("mixed events: %d %s", r.status, r.raw)
	}
	for i, want := range []struct{ code, api string }{{"MANDATORY_NOT_FOUND", "Event_Title"}, {"MANDATORY_NOT_FOUND", "Start_DateTime"},
		{"MANDATORY_NOT_FOUND", "End_DateTime"}, {"INVALID_DATA", "End_DateTime"}} {
		if d := assertErr(t, res[i], want.code); d["api_name"] != want.api || d["json_path"] != fmt.Sprintf("$.data[%d].%s", i, want.api) {
			t.Fatalf("event result %d: %v", i, res[i])
		}
	}
	// Moving the start past the end on update is refused too, all failed: 400.
	r = e.do("PUT", "/crm/v8/Events/"+id, map[string]any{"data": []any{map[string]any{"Start_DateTime": "2026-11-21T00:00:00Z"}}})
	if d := assertErr(t, items(t, r)[0], "INVALID_DATA"); r.status != 400 || d["api_name"] != "End_DateTime" {
		t.Fatalf("start after end on update: %d %s", r.status, r.raw)
	}
	if ev, _ := e.sim.Get(ModuleEvents, id); ev.Fields["Start_DateTime"] != "2026-11-20T08:30:00+00:00" {
		t.Fatalf("event changed: %+v", ev.Fields)
	}
	if r := e.do("POST", "/crm/v8/Events/upsert", map[string]any{"data": []any{ok}}); r.status != 400 {
		t.Fatalf("events upsert: %d", r.status)
	}
}

func TestNoteParentRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	con, _ := e.sim.Create(ModuleContacts, map[string]any{"First_Name": "Ada", "Last_Name": "Lovelace"})
	acc, _ := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Zylker"})
	contactsID := items(t, reply{body: map[string]any{"data": e.do("GET", "/crm/v8/settings/modules/Contacts", nil).body["modules"]}})[0]["id"]
	parent := func(module, id string) map[string]any {
		return map[string]any{"module": map[string]any{"api_name": module}, "id": id}
	}
	r := e.do("POST", "/crm/v8/Notes", map[string]any{"data": []any{
		map[string]any{"Note_Title": "Contacted", "Note_Content": "Need to do further tracking", "Parent_Id": parent("Contacts", con.ID)},
		map[string]any{"Parent_Id": parent("Contacts", con.ID)},
		map[string]any{"Note_Content": "orphan"},
		map[string]any{"Note_Content": "no module", "Parent_Id": map[string]any{"id": con.ID}},
		map[string]any{"Note_Content": "lead", "Parent_Id": parent("Leads", con.ID)},
		map[string]any{"Note_Content": "wrong module", "Parent_Id": parent("Accounts", con.ID)},
		map[string]any{"Note_Content": "by module id", "Parent_Id": map[string]any{"module": map[string]any{"id": contactsID}, "id": con.ID}},
		map[string]any{"Note_Content": "old shape", "Parent_Id": con.ID},
	}})
	res := items(t, r)
	if r.status != 207 || len(res) != 8 || res[6]["status"] != "success" {
		t.Fatalf("insert notes: %d %s", r.status, r.raw)
	}
	id := idOf(t, res[0])
	if _, has := res[0]["details"].(map[string]any)["$approval_state"]; has || res[0]["message"] != "record added" {
		t.Fatalf("note success: %v", res[0])
	}
	d := assertErr(t, res[1], "EXPECTED_FIELD_MISSING")
	exp := d["expected_fields"].([]any)
	if res[1]["message"] != "should contain either content or title" || len(exp) != 2 ||
		exp[0].(map[string]any)["api_name"] != "Note_Content" || exp[1].(map[string]any)["json_path"] != "$.data[1].Note_Title" {
		t.Fatalf("no title nor content: %v", res[1])
	}
	for i, want := range map[int]struct{ code, api, path string }{2: {"MANDATORY_NOT_FOUND", "Parent_Id", "$.data[2].Parent_Id"},
		3: {"MANDATORY_NOT_FOUND", "module", "$.data[3].Parent_Id.module"}, 4: {"INVALID_DATA", "module", "$.data[4].Parent_Id.module"},
		5: {"INVALID_DATA", "Parent_Id", "$.data[5].Parent_Id"}, 7: {"INVALID_DATA", "Parent_Id", "$.data[7].Parent_Id"}} {
		if d := assertErr(t, res[i], want.code); d["api_name"] != want.api || d["json_path"] != want.path {
			t.Fatalf("note result %d: %v", i, res[i])
		}
	}
	// Read back: Parent_Id as {"module": {"api_name", "id"}, "name", "id"}, no $se_module.
	got := items(t, e.do("GET", "/crm/v8/Notes/"+id, nil))[0]
	p := got["Parent_Id"].(map[string]any)
	if pm := p["module"].(map[string]any); pm["api_name"] != "Contacts" || pm["id"] != contactsID || p["name"] != "Ada Lovelace" ||
		p["id"] != con.ID || len(p) != 3 || got["Note_Title"] != "Contacted" || got["Note_Content"] != "Need to do further tracking" ||
		got["Owner"].(map[string]any)["email"] != "patricia.boyle@example.com" || got["Created_Time"] != "2026-11-03T10:15:30+00:00" {
		t.Fatalf("read note: %v", got)
	}
	if _, has := got["$se_module"]; has {
		t.Fatalf("note carries $se_module: %v", got)
	}
	if n, _ := e.sim.Get(ModuleNotes, id); n.Fields["Parent_Id"] != con.ID || n.Fields["$se_module"] != "Contacts" {
		t.Fatalf("note snapshot: %+v", n.Fields)
	}
	// A record's notes: POST and GET /{module}/{id}/Notes.
	r = e.do("POST", "/crm/v8/Accounts/"+acc.ID+"/Notes", map[string]any{"data": []any{map[string]any{"Note_Content": "Account note"}}})
	if r.status != 201 {
		t.Fatalf("account note: %d %s", r.status, r.raw)
	}
	accNote := idOf(t, items(t, r)[0])
	l := e.do("GET", "/crm/v8/Accounts/"+acc.ID+"/Notes", nil)
	if got := items(t, l); l.status != 200 || len(got) != 1 || got[0]["id"] != accNote ||
		got[0]["Parent_Id"].(map[string]any)["module"].(map[string]any)["api_name"] != "Accounts" {
		t.Fatalf("account notes: %s", l.raw)
	}
	if l := e.do("GET", "/crm/v8/Contacts/"+con.ID+"/Notes?fields=Note_Content", nil); len(items(t, l)) != 2 {
		t.Fatalf("contact notes: %s", l.raw)
	}
	if r := e.do("GET", "/crm/v8/Contacts/"+con.ID+"/Attachments", nil); r.status != 404 {
		t.Fatalf("another related list: %d", r.status)
	}
	// GET /Notes: fields optional (all of them), else just those; page_token paging.
	all := e.do("GET", "/crm/v8/Notes?per_page=2&sort_order=asc", nil)
	first := items(t, all)
	if all.status != 200 || len(first) != 2 || first[0]["id"] != id || first[0]["Parent_Id"] == nil || first[0]["Modified_By"] == nil ||
		info(t, all)["more_records"] != true {
		t.Fatalf("list notes: %s", all.raw)
	}
	next := e.do("GET", "/crm/v8/Notes?per_page=2&sort_order=asc&page_token="+info(t, all)["next_page_token"].(string), nil)
	if got := items(t, next); len(got) != 1 || got[0]["id"] != accNote || info(t, next)["more_records"] != false {
		t.Fatalf("second page: %s", next.raw)
	}
	some := items(t, e.do("GET", "/crm/v8/Notes?fields=Note_Title", nil))
	if len(some) != 3 || len(some[0]) != 2 {
		t.Fatalf("fields=Note_Title: %v", some)
	}
	// Update: title or content in every record; the parent stays.
	e.clk.add(time.Minute)
	r = e.do("PUT", "/crm/v8/Notes", map[string]any{"data": []any{map[string]any{"id": id, "Note_Title": "Called back"},
		map[string]any{"id": id, "Owner": map[string]any{"id": e.sim.UserID()}}}})
	if res := items(t, r); r.status != 207 || res[0]["status"] != "success" || res[1]["code"] != "EXPECTED_FIELD_MISSING" {
		t.Fatalf("update notes: %d %s", r.status, r.raw)
	}
	if n, _ := e.sim.Get(ModuleNotes, id); n.Fields["Note_Title"] != "Called back" || n.Fields["Parent_Id"] != con.ID ||
		!n.Modified.Equal(e.clk.now()) {
		t.Fatalf("updated note: %+v", n)
	}
	// Not in the Notes API: search, upsert, the deleted list. Deletes are permanent.
	for _, c := range []struct{ method, path string }{{"GET", "/crm/v8/Notes/search?word=x"}, {"GET", "/crm/v8/Notes/deleted"},
		{"POST", "/crm/v8/Notes/upsert"}} {
		if r := e.do(c.method, c.path, map[string]any{"data": []any{map[string]any{"Note_Content": "x"}}}); r.status != 400 ||
			!strings.Contains(r.raw, "INVALID_MODULE") {
			t.Fatalf("%s %s: %d %s", c.method, c.path, r.status, r.raw)
		}
	}
	if r := e.do("DELETE", "/crm/v8/Notes?ids="+id+",1", nil); r.status != 207 {
		t.Fatalf("delete notes: %d %s", r.status, r.raw)
	}
	if r := e.do("GET", "/crm/v8/Notes/"+id, nil); r.status != 204 {
		t.Fatalf("deleted note: %d", r.status)
	}
	if n, _ := e.sim.Get(ModuleNotes, id); !n.Deleted || e.sim.Count(ModuleNotes) != 2 {
		t.Fatalf("after delete: %+v", n)
	}
}

func TestCallsIfModifiedSincePaging(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cons, _ := e.sim.SeedContacts([]ContactSeed{{LastName: "Burns"}})
	rows := make([]CallSeed, 30)
	for i := range rows {
		rows[i] = CallSeed{Subject: fmt.Sprintf("Call %02d", i), CallType: "Inbound", Start: base, Duration: "1:00",
			ContactID: cons[0], Created: base, Modified: base.Add(time.Duration(i) * time.Minute)}
	}
	ids, err := e.sim.SeedCalls(rows)
	if err != nil {
		t.Fatal(err)
	}
	since := base.Add(10 * time.Minute).Format(time.RFC3339)
	hdr := map[string]string{"Authorization": "Zoho-oauthtoken " + e.token, "If-Modified-Since": since}
	q := url.Values{"fields": {"Subject,Modified_Time"}, "sort_by": {"Modified_Time"}, "sort_order": {"asc"}, "per_page": {"5"}}
	var seen []string
	for page := 1; ; page++ {
		r := e.request("GET", "/crm/v8/Calls?"+q.Encode(), nil, hdr)
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
		t.Fatalf("modified since %s: %d calls, want the last 19 in order", since, len(seen))
	}
	// An update brings a call into the window; nothing newer than the clock is 204.
	if _, err := e.sim.Update(ModuleCalls, ids[0], map[string]any{"Description": "noted"}); err != nil {
		t.Fatal(err)
	}
	r := e.request("GET", "/crm/v8/Calls?fields=Description&sort_by=Modified_Time&per_page=1", nil, hdr)
	if got := items(t, r); got[0]["id"] != ids[0] || got[0]["Description"] != "noted" {
		t.Fatalf("after update: %v", got)
	}
	hdr["If-Modified-Since"] = e.clk.now().Format(time.RFC3339)
	if r := e.request("GET", "/crm/v8/Calls?fields=Subject", nil, hdr); r.status != 204 {
		t.Fatalf("nothing newer: %d %s", r.status, r.raw)
	}
	// GET /Notes lists no If-Modified-Since: the header changes nothing there.
	if _, err := e.sim.SeedNotes([]NoteSeed{{Content: "old", ParentID: cons[0], Created: base}}); err != nil {
		t.Fatal(err)
	}
	if r := e.request("GET", "/crm/v8/Notes", nil, hdr); r.status != 200 || len(items(t, r)) != 1 {
		t.Fatalf("notes with If-Modified-Since: %d %s", r.status, r.raw)
	}
}

func TestActivitiesScopes(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, DailyCredits: 1000})
	as := func(tok, method, path string, body any) reply {
		t.Helper()
		return e.request(method, path, body, map[string]string{"Authorization": "Zoho-oauthtoken " + tok})
	}
	con, _ := e.sim.Create(ModuleContacts, map[string]any{"Last_Name": "Scoped"})
	call := map[string]any{"data": []any{map[string]any{"Subject": "S", "Call_Type": "Missed", "Call_Start_Time": "2026-11-01T10:00:00Z"}}}
	event := map[string]any{"data": []any{map[string]any{"Event_Title": "E", "Start_DateTime": "2026-12-01T10:00:00Z", "End_DateTime": "2026-12-01T11:00:00Z"}}}
	note := map[string]any{"data": []any{map[string]any{"Note_Content": "N", "Parent_Id": map[string]any{"module": map[string]any{"api_name": "Contacts"}, "id": con.ID}}}}

	contactsOnly := scopedToken(t, e, "ZohoCRM.modules.contacts.ALL")
	used, _ := e.sim.CreditUsage()
	for _, c := range []struct {
		method, path string
		body         any
	}{{"GET", "/crm/v8/Calls?fields=Subject", nil}, {"POST", "/crm/v8/Calls", call}, {"GET", "/crm/v8/Calls/search?word=x", nil},
		{"GET", "/crm/v8/Events?fields=Event_Title", nil}, {"POST", "/crm/v8/Events", event}, {"DELETE", "/crm/v8/Events?ids=1", nil},
		{"GET", "/crm/v8/Notes", nil}, {"POST", "/crm/v8/Notes", note}, {"GET", "/crm/v8/Notes/1", nil},
		{"GET", "/crm/v8/Contacts/" + con.ID + "/Notes", nil}, {"POST", "/crm/v8/Contacts/" + con.ID + "/Notes", note}} {
		r := as(contactsOnly, c.method, c.path, c.body)
		if r.status != 401 {
			t.Fatalf("%s %s with a contacts token: %d %s", c.method, c.path, r.status, r.raw)
		}
		assertErr(t, r.body, "OAUTH_SCOPE_MISMATCH")
	}
	if now, _ := e.sim.CreditUsage(); now != used || e.sim.Count(ModuleCalls)+e.sim.Count(ModuleEvents)+e.sim.Count(ModuleNotes) != 0 {
		t.Fatalf("refused calls spent credits or wrote: %d -> %d", used, now)
	}
	callsAll := scopedToken(t, e, "ZohoCRM.modules.calls.ALL,ZohoCRM.modules.events.READ")
	if r := as(callsAll, "POST", "/crm/v8/Calls", call); r.status != 201 {
		t.Fatalf("calls.ALL insert: %d %s", r.status, r.raw)
	}
	if r := as(callsAll, "GET", "/crm/v8/Events?fields=Event_Title", nil); r.status != 204 {
		t.Fatalf("events.READ list: %d %s", r.status, r.raw)
	}
	if r := as(callsAll, "POST", "/crm/v8/Events", event); r.status != 401 {
		t.Fatalf("events.READ insert: %d", r.status)
	}
	notesCreate := scopedToken(t, e, "ZohoCRM.modules.notes.CREATE")
	if r := as(notesCreate, "POST", "/crm/v8/Notes", note); r.status != 201 {
		t.Fatalf("notes.CREATE insert: %d %s", r.status, r.raw)
	}
	if r := as(notesCreate, "GET", "/crm/v8/Notes", nil); r.status != 401 {
		t.Fatalf("notes.CREATE read: %d", r.status)
	}
	// A record's notes need both the record's module scope and the notes scope.
	both := scopedToken(t, e, "ZohoCRM.modules.contacts.READ,ZohoCRM.modules.notes.READ")
	if r := as(both, "GET", "/crm/v8/Contacts/"+con.ID+"/Notes", nil); r.status != 200 {
		t.Fatalf("contact notes with both scopes: %d %s", r.status, r.raw)
	}
	if r := as(both, "GET", "/crm/v8/Accounts/1/Notes", nil); r.status != 401 {
		t.Fatalf("account notes without the accounts scope: %d", r.status)
	}
	all := scopedToken(t, e, "ZohoCRM.modules.ALL")
	for _, path := range []string{"/crm/v8/Calls?fields=Subject", "/crm/v8/Events?fields=Event_Title", "/crm/v8/Notes"} {
		if r := as(all, "GET", path, nil); r.status != 200 && r.status != 204 {
			t.Fatalf("modules.ALL %s: %d %s", path, r.status, r.raw)
		}
	}
	// Writes cost a credit per ten records, notes included.
	before, _ := e.sim.CreditUsage()
	recs := make([]any, 11)
	for i := range recs {
		recs[i] = map[string]any{"Note_Content": fmt.Sprint("N", i)}
	}
	if r := as(all, "POST", "/crm/v8/Contacts/"+con.ID+"/Notes", map[string]any{"data": recs}); r.status != 201 {
		t.Fatalf("11 notes: %d %s", r.status, r.raw)
	}
	if after, _ := e.sim.CreditUsage(); after-before != 2 {
		t.Fatalf("11 notes cost %d credits, want 2", after-before)
	}
}

func TestSeedCallsEventsNotes(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	accs, _ := e.sim.SeedAccounts([]AccountSeed{{Name: "Zylker"}})
	cons, _ := e.sim.SeedContacts([]ContactSeed{{FirstName: "Ada", LastName: "Lovelace", AccountID: accs[0]}})
	deals, _ := e.sim.SeedDeals([]DealSeed{{Name: "Engine", Stage: "Qualification", ClosingDate: "2026-06-01"}})
	callIDs, err := e.sim.SeedCalls([]CallSeed{
		{Subject: "Discovery", CallType: "Outbound", Start: base, Duration: "12:30", Purpose: "Prospecting", Result: "Interested",
			Description: "went well", ContactID: cons[0], RelatedModule: ModuleDeals, RelatedID: deals[0], Created: base, Modified: base.Add(time.Hour)},
		{Subject: "  Next  ", CallType: "Outbound", Start: base.Add(48 * time.Hour), ContactID: cons[0], Created: base},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := e.sim.Get(ModuleCalls, callIDs[0])
	if c.Module != ModuleCalls || c.Fields["Subject"] != "Discovery" || c.Fields["Call_Duration_in_seconds"] != "750" ||
		c.Fields["Outbound_Call_Status"] != "Completed" || c.Fields["Who_Id"] != cons[0] || c.Fields["What_Id"] != deals[0] ||
		c.Fields["$se_module"] != "Deals" || c.Fields["Call_Start_Time"] != "2026-03-01T09:00:00+00:00" || !c.Modified.Equal(base.Add(time.Hour)) {
		t.Fatalf("seeded call: %+v", c)
	}
	if c, _ := e.sim.Get(ModuleCalls, callIDs[1]); c.Fields["Subject"] != "Next" || c.Fields["Outbound_Call_Status"] != "Scheduled" {
		t.Fatalf("seeded scheduled call: %+v", c.Fields)
	}
	for _, bad := range []struct {
		row  CallSeed
		want string
	}{
		{CallSeed{CallType: "Inbound", Start: base, Duration: "1:00"}, "Subject"},
		{CallSeed{Subject: "x", Start: base, Duration: "1:00"}, "Call_Type"},
		{CallSeed{Subject: "x", CallType: "Inbound", Duration: "1:00"}, "Call_Start_Time"},
		{CallSeed{Subject: "x", CallType: "Inbound", Start: base, Created: base.Add(time.Hour)}, "Call_Duration"},
		{CallSeed{Subject: "x", CallType: "Missed", Start: base, ContactID: accs[0]}, "Who_Id"},
		{CallSeed{Subject: "x", CallType: "Missed", Start: base, RelatedID: deals[0]}, "$se_module"},
	} {
		_, err := e.sim.SeedCalls([]CallSeed{bad.row})
		var ze *Error
		if err == nil || !errors.As(err, &ze) || ze.Details["api_name"] != bad.want {
			t.Fatalf("seed call %+v: %v", bad.row, err)
		}
	}
	evIDs, err := e.sim.SeedEvents([]EventSeed{{Title: "Kick-off", Start: base.Add(24 * time.Hour), End: base.Add(25 * time.Hour),
		AllDay: true, Venue: "London", ContactID: cons[0], RelatedModule: ModuleAccounts, RelatedID: accs[0], Created: base}})
	if err != nil {
		t.Fatal(err)
	}
	got := items(t, e.do("GET", "/crm/v8/Events/"+evIDs[0], nil))[0]
	if got["Event_Title"] != "Kick-off" || got["All_day"] != true || got["Venue"] != "London" || got["Who_Id"].(map[string]any)["name"] != "Ada Lovelace" ||
		got["What_Id"].(map[string]any)["name"] != "Zylker" || got["End_DateTime"] != "2026-03-02T10:00:00+00:00" || got["Created_Time"] != "2026-03-01T09:00:00+00:00" {
		t.Fatalf("seeded event over HTTP: %v", got)
	}
	for _, bad := range []struct {
		row  EventSeed
		want string
	}{
		{EventSeed{Start: base, End: base}, "Event_Title"},
		{EventSeed{Title: "x", End: base}, "Start_DateTime"},
		{EventSeed{Title: "x", Start: base.Add(time.Hour), End: base}, "End_DateTime"},
	} {
		_, err := e.sim.SeedEvents([]EventSeed{bad.row})
		var ze *Error
		if err == nil || !errors.As(err, &ze) || ze.Details["api_name"] != bad.want {
			t.Fatalf("seed event %+v: %v", bad.row, err)
		}
	}
	noteIDs, err := e.sim.SeedNotes([]NoteSeed{{Title: "Met", Content: "At the fair", ParentID: cons[0], Created: base, Modified: base.Add(time.Minute)},
		{Content: "About the deal", ParentID: deals[0], ParentModule: ModuleDeals}, {Content: "On the call", ParentID: callIDs[0], ParentModule: ModuleCalls}})
	if err != nil {
		t.Fatal(err)
	}
	n := items(t, e.do("GET", "/crm/v8/Notes/"+noteIDs[0], nil))[0]
	if p := n["Parent_Id"].(map[string]any); p["name"] != "Ada Lovelace" || p["module"].(map[string]any)["api_name"] != "Contacts" ||
		n["Modified_Time"] != "2026-03-01T09:01:00+00:00" || n["Note_Title"] != "Met" {
		t.Fatalf("seeded note over HTTP: %v", n)
	}
	if n, _ := e.sim.Get(ModuleNotes, noteIDs[2]); n.Fields["$se_module"] != "Calls" || n.Fields["Parent_Id"] != callIDs[0] {
		t.Fatalf("note on a call: %+v", n.Fields)
	}
	for _, bad := range []struct {
		row  NoteSeed
		code string
	}{
		{NoteSeed{ParentID: cons[0]}, "EXPECTED_FIELD_MISSING"},
		{NoteSeed{Content: "x"}, "MANDATORY_NOT_FOUND"},
		{NoteSeed{Content: "x", ParentID: accs[0]}, "INVALID_DATA"}, // an account id given as a contact
		{NoteSeed{Content: "x", ParentID: cons[0], ParentModule: "Leads"}, "INVALID_DATA"},
	} {
		_, err := e.sim.SeedNotes([]NoteSeed{bad.row})
		var ze *Error
		if err == nil || !errors.As(err, &ze) || ze.Code != bad.code {
			t.Fatalf("seed note %+v: %v", bad.row, err)
		}
	}
	if e.sim.Count(ModuleCalls) != 2 || e.sim.Count(ModuleEvents) != 1 || e.sim.Count(ModuleNotes) != 3 {
		t.Fatalf("counts: %d %d %d", e.sim.Count(ModuleCalls), e.sim.Count(ModuleEvents), e.sim.Count(ModuleNotes))
	}
}
