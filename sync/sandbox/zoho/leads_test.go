package zoho

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// createLead inserts a lead over HTTP and returns its id.
func createLead(t *testing.T, e *env, fields map[string]any) string {
	t.Helper()
	r := e.do("POST", "/crm/v8/Leads", map[string]any{"data": []any{fields}})
	if r.status != http.StatusCreated {
		t.Fatalf("insert lead: %d %s", r.status, r.raw)
	}
	return idOf(t, items(t, r)[0])
}

// leadIDs lists the ids GET /Leads answers for query q (204 = none).
func leadIDs(t *testing.T, e *env, q url.Values, headers map[string]string) []string {
	t.Helper()
	if headers == nil {
		headers = map[string]string{}
	}
	headers["Authorization"] = "Zoho-oauthtoken " + e.token
	r := e.request("GET", "/crm/v8/Leads?"+q.Encode(), nil, headers)
	if r.status == http.StatusNoContent {
		return nil
	}
	if r.status != http.StatusOK {
		t.Fatalf("list leads %s: %d %s", q.Encode(), r.status, r.raw)
	}
	var ids []string
	for _, it := range items(t, r) {
		ids = append(ids, it["id"].(string))
	}
	slices.Sort(ids)
	return ids
}

func TestLeadsMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	fs := fieldsOf(t, e, "Leads")
	for api, typ := range map[string]string{"First_Name": "text", "Last_Name": "text", "Email": "email", "Phone": "phone",
		"Company": "text", "Designation": "text", "City": "text", "Lead_Status": "picklist", "Lead_Source": "picklist",
		"Email_Opt_Out": "boolean", "Owner": "ownerlookup", "Created_Time": "datetime", "Modified_Time": "datetime",
		"Created_By": "ownerlookup", "Full_Name": "text"} {
		if fs[api] == nil || fs[api]["data_type"] != typ {
			t.Errorf("Leads.%s: %v, want %s", api, fs[api], typ)
		}
	}
	if fs["Last_Name"]["system_mandatory"] != true || fs["Company"]["system_mandatory"] != false {
		t.Errorf("mandatory: Last_Name %v, Company %v", fs["Last_Name"]["system_mandatory"], fs["Company"]["system_mandatory"])
	}
	if !slices.Contains(picklistValues(fs["Lead_Status"]), "Not Contacted") {
		t.Errorf("Lead_Status values: %v", picklistValues(fs["Lead_Status"]))
	}
	m := e.do("GET", "/crm/v8/settings/modules/Leads", nil)
	if mod := items(t, reply{body: map[string]any{"data": m.body["modules"]}})[0]; mod["api_name"] != "Leads" ||
		mod["convertable"] != true || mod["generated_type"] != "default" {
		t.Fatalf("module: %s", m.raw)
	}
	r := e.do("POST", "/crm/v8/Leads", map[string]any{"data": []any{map[string]any{"Company": "Zylker"}}})
	assertErr(t, items(t, r)[0], "MANDATORY_NOT_FOUND")
}

// TestConvertLeadOverHTTP: the documented convert call makes a contact, an account and
// a deal from the lead's mapped fields, answers their names and ids, costs 5 credits,
// and leaves the lead converted: out of Get Records (If-Modified-Since too) and search
// unless converted=true|both, readable by id with $converted, refusing updates with
// ID_ALREADY_CONVERTED, refusing a second conversion, and not in the deleted list.
func TestConvertLeadOverHTTP(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true})
	since := e.clk.now().Add(-time.Minute).Format(time.RFC3339)
	lead := createLead(t, e, map[string]any{"First_Name": "Pat", "Last_Name": "Boyle", "Email": "pat.boyle@zylker.com",
		"Company": "Zylker Biotech", "Phone": "+1 555 0100", "Designation": "CTO", "City": "Austin", "Lead_Status": "Contacted",
		"Lead_Source": "Trade Show", "Email_Opt_Out": true})
	other := createLead(t, e, map[string]any{"Last_Name": "Other", "Email": "other@zylker.com"})
	e.clk.add(2 * time.Second)

	before, _ := e.sim.CreditUsage()
	r := e.do("POST", "/crm/v8/Leads/"+lead+"/actions/convert", map[string]any{"data": []any{map[string]any{
		"overwrite": true, "notify_lead_owner": false, "notify_new_entity_owner": false,
		"Deals": map[string]any{"Deal_Name": "Zylker pilot", "Closing_Date": "2026-12-31", "Stage": "Qualification", "Amount": 5000}}}})
	if r.status != http.StatusOK {
		t.Fatalf("convert: %d %s", r.status, r.raw)
	}
	if after, _ := e.sim.CreditUsage(); after-before != 5 {
		t.Errorf("convert cost %d credits, want 5", after-before)
	}
	res := items(t, r)[0]
	d, _ := res["details"].(map[string]any)
	if res["code"] != "SUCCESS" || res["status"] != "success" || res["message"] != "The record has been converted successfully" || d == nil {
		t.Fatalf("convert answer: %s", r.raw)
	}
	ref := func(key string) (string, string) {
		m, _ := d[key].(map[string]any)
		id, _ := m["id"].(string)
		name, _ := m["name"].(string)
		return id, name
	}
	contactID, contactName := ref("Contacts")
	accountID, accountName := ref("Accounts")
	dealID, dealName := ref("Deals")
	if contactName != "Pat Boyle" || accountName != "Zylker Biotech" || dealName != "Zylker pilot" {
		t.Fatalf("converted into %s", r.raw)
	}
	c, _ := e.sim.Get("Contacts", contactID)
	for k, want := range map[string]string{"First_Name": "Pat", "Last_Name": "Boyle", "Email": "pat.boyle@zylker.com",
		"Title": "CTO", "Mailing_City": "Austin", "Email_Opt_Out": "true", "Lead_Source": "Trade Show", "Account_Name": accountID} {
		if c.Fields[k] != want {
			t.Errorf("contact %s = %q, want %q", k, c.Fields[k], want)
		}
	}
	if a, _ := e.sim.Get("Accounts", accountID); a.Fields["Billing_City"] != "Austin" || a.Fields["Phone"] != "+1 555 0100" {
		t.Errorf("account: %v", a.Fields)
	}
	if deal, _ := e.sim.Get("Deals", dealID); deal.Fields["Account_Name"] != accountID || deal.Fields["Contact_Name"] != contactID ||
		deal.Fields["Amount"] != "5000" {
		t.Errorf("deal: %v", deal.Fields)
	}

	list := url.Values{"fields": {"Last_Name,Email"}}
	if got := leadIDs(t, e, list, nil); !slices.Equal(got, []string{other}) {
		t.Errorf("GET /Leads: %v, want only %s", got, other)
	}
	if got := leadIDs(t, e, list, map[string]string{"If-Modified-Since": since}); !slices.Equal(got, []string{other}) {
		t.Errorf("GET /Leads If-Modified-Since: %v, want only %s", got, other)
	}
	list.Set("converted", "true")
	if got := leadIDs(t, e, list, nil); !slices.Equal(got, []string{lead}) {
		t.Errorf("converted=true: %v, want %s", got, lead)
	}
	list.Set("converted", "both")
	if got := leadIDs(t, e, list, nil); len(got) != 2 {
		t.Errorf("converted=both: %v", got)
	}
	list.Set("converted", "maybe")
	assertErr(t, e.do("GET", "/crm/v8/Leads?"+list.Encode(), nil).body, "INVALID_DATA")

	if s := e.do("GET", "/crm/v8/Leads/search?email=pat.boyle@zylker.com", nil); s.status != http.StatusNoContent {
		t.Errorf("search of a converted lead: %d %s", s.status, s.raw)
	}
	if s := e.do("GET", "/crm/v8/Leads/search?email=pat.boyle@zylker.com&converted=true", nil); s.status != http.StatusOK {
		t.Errorf("search converted=true: %d %s", s.status, s.raw)
	}
	g := e.do("GET", "/crm/v8/Leads/"+lead, nil)
	if got := items(t, g)[0]; got["$converted"] != true || got["$converted_detail"].(map[string]any)["contact"].(map[string]any)["id"] != contactID {
		t.Errorf("get converted lead: %s", g.raw)
	}

	for _, u := range []struct {
		method, path string
		body         map[string]any
	}{{"PUT", "/crm/v8/Leads", map[string]any{"data": []any{map[string]any{"id": lead, "Phone": "1"}}}},
		{"PUT", "/crm/v8/Leads/" + lead, map[string]any{"data": []any{map[string]any{"Phone": "1"}}}},
		{"POST", "/crm/v8/Leads/upsert", map[string]any{"data": []any{map[string]any{"id": lead, "Last_Name": "Boyle"}}}},
		{"POST", "/crm/v8/Leads/" + lead + "/actions/convert", map[string]any{"data": []any{map[string]any{}}}}} {
		w := e.do(u.method, u.path, u.body)
		if w.status != http.StatusBadRequest {
			t.Fatalf("%s %s on a converted lead: %d %s", u.method, u.path, w.status, w.raw)
		}
		if det := assertErr(t, items(t, w)[0], "ID_ALREADY_CONVERTED"); det["id"] != lead {
			t.Errorf("%s %s details: %v", u.method, u.path, det)
		}
	}
	if del := e.do("GET", "/crm/v8/Leads/deleted", nil); del.status != http.StatusNoContent {
		t.Errorf("deleted list after a conversion: %d %s", del.status, del.raw)
	}
}

// TestConvertLeadMergesAndRollsBack: without ids a conversion merges into the contact
// with the lead's email and the account named as its Company, filling only their empty
// fields; a refused deal leaves nothing changed.
func TestConvertLeadMergesAndRollsBack(t *testing.T) {
	e := newEnv(t, Options{})
	acc, err := e.sim.Create("Accounts", map[string]any{"Account_Name": "Zylker Biotech", "Phone": "111"})
	if err != nil {
		t.Fatal(err)
	}
	contact, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Boyle", "Email": "PAT.BOYLE@zylker.com"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.sim.SeedLeads([]LeadSeed{{FirstName: "Pat", LastName: "Boyle", Email: "pat.boyle@zylker.com",
		Company: "zylker biotech", Phone: "222", Title: "CTO", Status: "Not Contacted"}})
	if err != nil {
		t.Fatal(err)
	}
	counts := func() [3]int {
		return [3]int{e.sim.Count("Accounts"), e.sim.Count("Contacts"), e.sim.Count("Deals")}
	}
	start := counts()
	_, err = e.sim.ConvertLead(ids[0], LeadConvert{CreateDeal: true, DealStage: "No such stage"})
	if err == nil || counts() != start {
		t.Fatalf("refused deal: %v, counts %v -> %v", err, start, counts())
	}
	if l, _ := e.sim.Get("Leads", ids[0]); l.Converted {
		t.Fatal("lead converted by a failed conversion")
	}
	if c, _ := e.sim.Get("Contacts", contact.ID); c.Fields["Account_Name"] != "" || c.Fields["Title"] != "" {
		t.Fatalf("contact changed by a failed conversion: %v", c.Fields)
	}
	res, err := e.sim.ConvertLead(ids[0], LeadConvert{CreateDeal: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.AccountID != acc.ID || res.ContactID != contact.ID || res.DealID == "" || counts() != [3]int{1, 1, 1} {
		t.Fatalf("merge: %+v, counts %v", res, counts())
	}
	c, _ := e.sim.Get("Contacts", contact.ID)
	a, _ := e.sim.Get("Accounts", acc.ID)
	if c.Fields["Email"] != "PAT.BOYLE@zylker.com" || c.Fields["Title"] != "CTO" || c.Fields["First_Name"] != "Pat" ||
		c.Fields["Account_Name"] != acc.ID || a.Fields["Phone"] != "111" {
		t.Fatalf("merged contact %v, account %v", c.Fields, a.Fields)
	}
	if l, _ := e.sim.Get("Leads", ids[0]); !l.Converted || l.Fields["Lead_Status"] != "Not Contacted" {
		t.Fatalf("lead after conversion: %+v", l)
	}
	if _, err := e.sim.Update("Leads", ids[0], map[string]any{"Phone": "3"}); err == nil {
		t.Fatal("Go update of a converted lead accepted")
	}
}

func TestSeedLeads(t *testing.T) {
	e := newEnv(t, Options{OtherUsers: []UserSpec{{Name: "Amy Rep", Email: "amy@example.com"}}})
	owner := e.sim.UserIDs()[1]
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ids, err := e.sim.SeedLeads([]LeadSeed{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Company: "Analytical",
		City: "London", Source: "Web Download", EmailOptOut: true, OwnerID: owner, Created: created}})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := e.sim.Get("Leads", ids[0])
	if !ok || l.Fields["Owner"] != owner || l.Fields["Email_Opt_Out"] != "true" || l.Fields["Full_Name"] != "Ada Lovelace" ||
		!l.Created.Equal(created) || !l.Modified.Equal(created) || l.Converted {
		t.Fatalf("seeded lead: %+v", l)
	}
	if _, err := e.sim.SeedLeads([]LeadSeed{{LastName: "X", Status: "Warm"}}); err == nil {
		t.Fatal("unknown Lead_Status accepted")
	}
}
