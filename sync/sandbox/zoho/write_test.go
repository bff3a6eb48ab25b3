package zoho

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestInsertMixedBatchAndValidation(t *testing.T) {
	e := newEnv(t, Options{CustomFields: map[string][]CustomField{ModuleContacts: {
		{APIName: "Tier", Type: TypePicklist, Values: []string{"Gold", "Silver"}},
		{APIName: "Renewal_At", Type: TypeDatetime}, {APIName: "Seats", Type: TypeInteger},
	}}})
	acc, _ := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Zylker"})
	ok := map[string]any{"data": []any{map[string]any{"Last_Name": "Doe", "First_Name": "Jane", "Email": "jane@zylker.com",
		"Account_Name": map[string]any{"id": acc.ID}, "Tier": "Gold", "Renewal_At": "2027-01-02T09:00:00+05:30", "Seats": 12}},
		"trigger": []any{"workflow"}}
	r := e.do("POST", "/crm/v8/Contacts", ok)
	res := items(t, r)
	if r.status != 201 || res[0]["code"] != "SUCCESS" || res[0]["message"] != "record added" || res[0]["status"] != "success" {
		t.Fatalf("insert: %d %s", r.status, r.raw)
	}
	if _, hasAction := res[0]["action"]; hasAction {
		t.Fatalf("insert results carry no action: %v", res[0])
	}
	det := res[0]["details"].(map[string]any)
	id := det["id"].(string)
	if det["Created_Time"] != "2026-11-03T10:15:30+00:00" || det["Modified_Time"] != det["Created_Time"] ||
		det["Created_By"].(map[string]any)["id"] != e.sim.UserID() || det["Modified_By"].(map[string]any)["name"] != "Patricia Boyle" {
		t.Fatalf("details: %v", det)
	}
	got, _ := e.sim.Get(ModuleContacts, id)
	if got.Fields["Renewal_At"] != "2027-01-02T03:30:00+00:00" || got.Fields["Seats"] != "12" || got.Fields["Account_Name"] != acc.ID {
		t.Fatalf("stored: %+v", got.Fields)
	}

	// A mixed batch: per-record results in input order, 207.
	bad := []struct {
		rec        map[string]any
		code, api  string
		detailKey  string
		detailWant any
	}{
		{map[string]any{"First_Name": "No last"}, "MANDATORY_NOT_FOUND", "Last_Name", "", nil},
		{map[string]any{"Last_Name": "Smith", "Email": "smith-at-example"}, "INVALID_DATA", "Email", "expected_data_type", "email"},
		{map[string]any{"Last_Name": "Smith", "Nick_Name": "S"}, "INVALID_DATA", "Nick_Name", "", nil},
		{map[string]any{"Last_Name": "Smith", "Tier": "Platinum"}, "INVALID_DATA", "Tier", "", nil},
		{map[string]any{"Last_Name": strings.Repeat("x", 81)}, "INVALID_DATA", "Last_Name", "maximum_length", float64(80)},
		{map[string]any{"Last_Name": "Smith", "Seats": "twelve"}, "INVALID_DATA", "Seats", "expected_data_type", "integer"},
		{map[string]any{"Last_Name": "Smith", "Email_Opt_Out": "yes"}, "INVALID_DATA", "Email_Opt_Out", "expected_data_type", "boolean"},
		{map[string]any{"Last_Name": "Smith", "Account_Name": map[string]any{"id": "5725767000000000001"}}, "INVALID_DATA", "Account_Name", "", nil},
		{map[string]any{"Last_Name": "Smith", "Date_of_Birth": "12/04/1985"}, "INVALID_DATA", "Date_of_Birth", "expected_data_type", "date"},
		{map[string]any{"Last_Name": 7}, "INVALID_DATA", "Last_Name", "expected_data_type", "text"},
	}
	data := []any{map[string]any{"Last_Name": "Good One", "Email": "good@example.com"}}
	for _, b := range bad {
		data = append(data, b.rec)
	}
	r = e.do("POST", "/crm/v8/Contacts", map[string]any{"data": data})
	res = items(t, r)
	if r.status != 207 || len(res) != len(data) || res[0]["status"] != "success" {
		t.Fatalf("mixed: %d %s", r.status, r.raw)
	}
	for i, b := range bad {
		d := assertErr(t, res[i+1], b.code)
		if d["api_name"] != b.api || d["json_path"] != fmt.Sprintf("$.data[%d].%s", i+1, b.api) {
			t.Fatalf("result %d: %v", i+1, res[i+1])
		}
		if b.detailKey != "" && d[b.detailKey] != b.detailWant {
			t.Fatalf("result %d: %s = %v, want %v", i+1, b.detailKey, d[b.detailKey], b.detailWant)
		}
	}
	if sv := res[4]["details"].(map[string]any)["supported_values"].([]any); len(sv) != 2 || sv[0] != "Gold" {
		t.Fatalf("supported values: %v", sv)
	}
	if e.sim.Count(ModuleContacts) != 2 {
		t.Fatalf("count %d", e.sim.Count(ModuleContacts))
	}
	// All failed: 400 with the per-record errors; Accounts need Account_Name.
	r = e.do("POST", "/crm/v8/Accounts", map[string]any{"data": []any{map[string]any{"Phone": "555"}}})
	if r.status != 400 {
		t.Fatalf("all failed: %d", r.status)
	}
	if d := assertErr(t, items(t, r)[0], "MANDATORY_NOT_FOUND"); d["api_name"] != "Account_Name" {
		t.Fatalf("account mandatory: %v", d)
	}
	// Duplicate emails are allowed while Email is not marked unique.
	r = e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"Last_Name": "Twin", "Email": "JANE@zylker.com"}}})
	if r.status != 201 {
		t.Fatalf("duplicate email without unique field: %d %s", r.status, r.raw)
	}
}

func TestBatchLimitAndBodyErrors(t *testing.T) {
	e := newEnv(t, Options{})
	recs := make([]any, 101)
	for i := range recs {
		recs[i] = map[string]any{"Last_Name": fmt.Sprint("N", i)}
	}
	for _, c := range []struct{ method, path string }{{"POST", "/crm/v8/Contacts"}, {"PUT", "/crm/v8/Contacts"}, {"POST", "/crm/v8/Contacts/upsert"}} {
		r := e.do(c.method, c.path, map[string]any{"data": recs})
		if r.status != 400 {
			t.Fatalf("%s %s 101 records: %d", c.method, c.path, r.status)
		}
		if d := assertErr(t, items(t, r)[0], "LIMIT_EXCEEDED"); num(d["maximum_length"]) != 100 || d["api_name"] != "data" {
			t.Fatalf("details: %v", d)
		}
	}
	if e.sim.Count(ModuleContacts) != 0 {
		t.Fatal("a refused batch wrote records")
	}
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": recs[:100]})
	if r.status != 201 || len(items(t, r)) != 100 {
		t.Fatalf("100 records: %d", r.status)
	}
	if r := e.do("POST", "/crm/v8/Contacts", map[string]any{"records": recs[:1]}); r.status != 400 {
		t.Fatalf("no data: %d", r.status)
	} else {
		assertErr(t, r.body, "MANDATORY_NOT_FOUND")
	}
	if r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": recs[:1], "trigger": []any{"cadences"}}); r.status != 400 {
		t.Fatalf("bad trigger: %d", r.status)
	}
	if r := e.request("POST", "/crm/v8/Contacts", nil, map[string]string{"Authorization": "Zoho-oauthtoken " + e.token}); r.status != 400 {
		t.Fatalf("empty body: %d", r.status)
	}
}

func TestUpdateRecords(t *testing.T) {
	e := newEnv(t, Options{})
	ids := seedContacts(t, e.sim, 3, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e.clk.add(time.Hour)
	r := e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"id": ids[0], "Title": "CTO", "Email": nil},
		map[string]any{"Title": "no id"},
		map[string]any{"id": "5725767000000000001", "Title": "ghost"},
		map[string]any{"id": ids[1], "Last_Name": nil},
	}})
	res := items(t, r)
	if r.status != 207 || res[0]["message"] != "record updated" {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	if d := assertErr(t, res[1], "MANDATORY_NOT_FOUND"); d["api_name"] != "id" || d["json_path"] != "$.data[1].id" {
		t.Fatalf("missing id: %v", d)
	}
	if d := assertErr(t, res[2], "INVALID_DATA"); d["api_name"] != "id" {
		t.Fatalf("unknown id: %v", d)
	}
	if d := assertErr(t, res[3], "MANDATORY_NOT_FOUND"); d["api_name"] != "Last_Name" {
		t.Fatalf("clearing Last_Name: %v", d)
	}
	got, _ := e.sim.Get(ModuleContacts, ids[0])
	if got.Fields["Title"] != "CTO" || got.Fields["Email"] != "" || got.Modified.Format(timeFormat) != "2026-11-03T11:15:30+00:00" {
		t.Fatalf("updated: %+v %v", got.Fields, got.Modified)
	}
	if g, _ := e.sim.Get(ModuleContacts, ids[1]); g.Fields["Last_Name"] != "Person 001" {
		t.Fatalf("a failed update changed the record: %+v", g.Fields)
	}
	// Modified_Time moves on every update, even when nothing changes.
	e.clk.add(time.Minute)
	r = e.do("PUT", "/crm/v8/Contacts/"+ids[2], map[string]any{"data": []any{map[string]any{"Last_Name": "Person 002"}}})
	if r.status != 200 || items(t, r)[0]["details"].(map[string]any)["Modified_Time"] != "2026-11-03T11:16:30+00:00" {
		t.Fatalf("update one: %d %s", r.status, r.raw)
	}
	if r := e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"id": ids[2], "Bogus": 1}}}); r.status != 400 {
		t.Fatalf("all failed update: %d", r.status)
	}
}

func TestUpsertAndUniqueFields(t *testing.T) {
	e := newEnv(t, Options{UniqueFields: map[string][]string{ModuleContacts: {"Mobile"}}})
	ids := seedContacts(t, e.sim, 2, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := e.sim.Update(ModuleContacts, ids[1], map[string]any{"Mobile": "+1 555 0100"}); err != nil {
		t.Fatal(err)
	}
	// Default matching: Email (system) first, then the unique Mobile.
	r := e.do("POST", "/crm/v8/Contacts/upsert", map[string]any{"data": []any{
		map[string]any{"Last_Name": "Renamed", "Email": "P0@EXAMPLE.COM"},
		map[string]any{"Last_Name": "New", "Email": "new@example.com"},
		map[string]any{"Last_Name": "ByMobile", "Mobile": "+1 555 0100"},
		map[string]any{"First_Name": "Nameless", "Email": "other@example.com"},
		map[string]any{"Last_Name": "Anon"},
	}})
	res := items(t, r)
	if r.status != 207 || len(res) != 5 {
		t.Fatalf("upsert: %d %s", r.status, r.raw)
	}
	want := []struct{ action, dup any }{{"update", "Email"}, {"insert", "Email"}, {"update", "Mobile"}, {nil, nil}, {"insert", nil}}
	for i, w := range want {
		if w.action == nil {
			if d := assertErr(t, res[i], "MANDATORY_NOT_FOUND"); d["api_name"] != "Last_Name" {
				t.Fatalf("result %d: %v", i, d)
			}
			continue
		}
		if res[i]["action"] != w.action || res[i]["duplicate_field"] != w.dup || res[i]["code"] != "SUCCESS" {
			t.Fatalf("result %d: %v", i, res[i])
		}
		if _, present := res[i]["duplicate_field"]; !present {
			t.Fatalf("duplicate_field missing (null expected): %v", res[i])
		}
	}
	if res[0]["details"].(map[string]any)["id"] != ids[0] || res[0]["message"] != "record updated" || res[1]["message"] != "record added" {
		t.Fatalf("matched ids: %v", res)
	}
	if g, _ := e.sim.Get(ModuleContacts, ids[0]); g.Fields["Last_Name"] != "Renamed" {
		t.Fatalf("not updated: %+v", g.Fields)
	}
	if e.sim.Count(ModuleContacts) != 4 {
		t.Fatalf("count %d", e.sim.Count(ModuleContacts))
	}
	// Explicit duplicate_check_fields: matching on Mobile only inserts a same-email contact.
	r = e.do("POST", "/crm/v8/Contacts/upsert", map[string]any{"duplicate_check_fields": []any{"Mobile"},
		"data": []any{map[string]any{"Last_Name": "Dup email", "Email": "new@example.com", "Mobile": "999"}}})
	if res := items(t, r); r.status != 200 || res[0]["action"] != "insert" || res[0]["duplicate_field"] != "Mobile" {
		t.Fatalf("explicit fields: %d %s", r.status, r.raw)
	}
	if r := e.do("POST", "/crm/v8/Contacts/upsert", map[string]any{"duplicate_check_fields": []any{"Title"},
		"data": []any{map[string]any{"Last_Name": "X"}}}); r.status != 400 {
		t.Fatalf("non-unique duplicate check field: %d", r.status)
	}
	// Unique Mobile refuses a duplicate on insert with the existing record named.
	r = e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"Last_Name": "Clash", "Mobile": "+1 555 0100"}}})
	if r.status != 400 {
		t.Fatalf("duplicate unique value: %d", r.status)
	}
	d := assertErr(t, items(t, r)[0], "DUPLICATE_DATA")
	dr := d["duplicate_record"].(map[string]any)
	if d["api_name"] != "Mobile" || dr["id"] != ids[1] || dr["module"].(map[string]any)["api_name"] != "Contacts" ||
		dr["Owner"].(map[string]any)["id"] != e.sim.UserID() || d["more_records"] != false {
		t.Fatalf("duplicate details: %v", d)
	}
	// Accounts match on Account_Name by default; an id in data updates that record.
	acc, _ := e.sim.Create(ModuleAccounts, map[string]any{"Account_Name": "Zylker"})
	r = e.do("POST", "/crm/v8/Accounts/upsert", map[string]any{"data": []any{
		map[string]any{"Account_Name": "zylker", "Phone": "1"}, map[string]any{"id": acc.ID, "Website": "www.zylker.com"}}})
	res = items(t, r)
	if r.status != 200 || res[0]["duplicate_field"] != "Account_Name" || res[1]["action"] != "update" || res[1]["duplicate_field"] != nil {
		t.Fatalf("account upsert: %d %s", r.status, r.raw)
	}
	if g, _ := e.sim.Get(ModuleAccounts, acc.ID); g.Fields["Phone"] != "1" || g.Fields["Website"] != "www.zylker.com" {
		t.Fatalf("account: %+v", g.Fields)
	}
}

func TestIgnoreUnknownFields(t *testing.T) {
	e := newEnv(t, Options{IgnoreUnknownFields: true})
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"Last_Name": "Doe", "Nick_Name": "D",
		"$append_values": map[string]any{}, "Layout": map[string]any{"id": "1"}, "Full_Name": "ignored", "Created_Time": "2020-01-01T00:00:00Z"}}})
	if r.status != 201 {
		t.Fatalf("unknown field with IgnoreUnknownFields: %d %s", r.status, r.raw)
	}
	id := items(t, r)[0]["details"].(map[string]any)["id"].(string)
	got, _ := e.sim.Get(ModuleContacts, id)
	if _, ok := got.Fields["Nick_Name"]; ok || got.Fields["Full_Name"] != "Doe" || got.Created.Year() != 2026 {
		t.Fatalf("stored: %+v", got)
	}
}
