package salesforce

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// newLead creates an unconverted Lead with every mapped field set.
func newLead(t *testing.T, sim *Sim) Record {
	t.Helper()
	r, err := sim.Create("Lead", map[string]string{"FirstName": "Ada", "LastName": "Lovelace", "Company": "Analytical Engines",
		"Email": "ada@engines.example", "Phone": "+44 20 7946 0000", "Title": "CTO", "LeadSource": "Web", "Industry": "Technology",
		"City": "London", "Description": "Met at the expo"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestLeadConversionDescribe: Lead's describe lists the conversion fields
// read-only, and the API refuses them on create and update.
func TestLeadConversionDescribe(t *testing.T) {
	e := newEnv(t, Options{})
	r, raw := e.do("GET", v+"/sobjects/Lead/describe", nil)
	type field struct {
		Name         string   `json:"name"`
		Type         string   `json:"type"`
		Createable   bool     `json:"createable"`
		Updateable   bool     `json:"updateable"`
		Nillable     bool     `json:"nillable"`
		Defaulted    bool     `json:"defaultedOnCreate"`
		DefaultValue any      `json:"defaultValue"`
		RefTo        []string `json:"referenceTo"`
	}
	d := decode[struct {
		Fields []field `json:"fields"`
	}](t, raw)
	if r.StatusCode != 200 {
		t.Fatalf("describe Lead: %d %.300s", r.StatusCode, raw)
	}
	byName := map[string]field{}
	for _, f := range d.Fields {
		byName[f.Name] = f
	}
	want := map[string]struct{ typ, to string }{"IsConverted": {"boolean", ""}, "ConvertedAccountId": {"reference", "Account"},
		"ConvertedContactId": {"reference", "Contact"}, "ConvertedOpportunityId": {"reference", "Opportunity"}, "ConvertedDate": {"date", ""}}
	for name, w := range want {
		f, ok := byName[name]
		if !ok || f.Type != w.typ || f.Createable || f.Updateable || (w.to != "" && (len(f.RefTo) != 1 || f.RefTo[0] != w.to)) {
			t.Errorf("Lead.%s: %+v, want a read-only %s to %q", name, f, w.typ, w.to)
		}
	}
	if c := byName["IsConverted"]; c.Nillable || !c.Defaulted || c.DefaultValue != false {
		t.Errorf("IsConverted: %+v, want not nillable, defaulted false", c)
	}

	r, raw = e.do("POST", v+"/sobjects/Lead", map[string]any{"LastName": "X", "Company": "Y", "IsConverted": true})
	if r.StatusCode != 400 || !strings.Contains(string(raw), "INVALID_FIELD_FOR_INSERT_UPDATE") || !strings.Contains(string(raw), "IsConverted") {
		t.Fatalf("create with IsConverted: %d %s", r.StatusCode, raw)
	}
	lead := newLead(t, e.sim)
	r, raw = e.do("PATCH", v+"/sobjects/Lead/"+lead.ID, map[string]any{"ConvertedContactId": makeID("003", 1)})
	if r.StatusCode != 400 || !strings.Contains(string(raw), "INVALID_FIELD_FOR_INSERT_UPDATE") {
		t.Fatalf("update ConvertedContactId: %d %s", r.StatusCode, raw)
	}
}

// TestConvertLead: the conversion creates the Account, Contact and
// Opportunity from the Lead's values and marks the Lead, once.
func TestConvertLead(t *testing.T) {
	clk := &secondClock{at: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, Options{Now: clk.now})
	lead := newLead(t, e.sim)
	clk.next() // stamps are whole seconds: the conversion's must differ to show
	res, err := e.sim.ConvertLead(lead.ID, LeadConvert{CreateOpportunity: true})
	if err != nil {
		t.Fatal(err)
	}
	now := clk.now()
	check := func(object, id string, want map[string]string) Record {
		t.Helper()
		r, ok := e.sim.Get(object, id)
		if !ok {
			t.Fatalf("no %s %s", object, id)
		}
		for k, w := range want {
			if r.Fields[k] != w {
				t.Errorf("%s.%s = %q, want %q", object, k, r.Fields[k], w)
			}
		}
		return r
	}
	owner := e.sim.opts.UserID
	acct := check("Account", res.AccountID, map[string]string{"Name": "Analytical Engines", "Industry": "Technology", "BillingCity": "London", "OwnerId": owner})
	check("Contact", res.ContactID, map[string]string{"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@engines.example",
		"Phone": "+44 20 7946 0000", "Title": "CTO", "LeadSource": "Web", "Description": "Met at the expo", "MailingCity": "London",
		"OwnerId": owner, "AccountId": res.AccountID})
	check("Opportunity", res.OpportunityID, map[string]string{"Name": "Analytical Engines", "StageName": "Prospecting",
		"CloseDate": "2026-12-23", "AccountId": res.AccountID, "LeadSource": "Web"})
	if !acct.CreatedAt.Equal(now) || !acct.UpdatedAt.Equal(now) {
		t.Errorf("account stamps %v %v, want %v", acct.CreatedAt, acct.UpdatedAt, now)
	}
	after := check("Lead", lead.ID, map[string]string{"IsConverted": "true", "Status": "Closed - Converted", "ConvertedAccountId": res.AccountID,
		"ConvertedContactId": res.ContactID, "ConvertedOpportunityId": res.OpportunityID, "ConvertedDate": "2026-11-23"})
	if !after.UpdatedAt.After(lead.UpdatedAt) {
		t.Errorf("lead SystemModstamp %v did not move from %v", after.UpdatedAt, lead.UpdatedAt)
	}

	if _, err := e.sim.ConvertLead(lead.ID, LeadConvert{}); err == nil || !strings.Contains(err.Error(), "already converted") {
		t.Fatalf("second conversion: %v", err)
	}
	if n := e.sim.Count("Contact") + e.sim.Count("Account"); n != 2 {
		t.Fatalf("second conversion left %d contacts and accounts, want 2", n)
	}
}

// TestConvertLeadMerge: converting into an existing Account and Contact
// fills only their empty fields; without CreateOpportunity none is made.
func TestConvertLeadMerge(t *testing.T) {
	e := newEnv(t, Options{})
	acct, err := e.sim.Create("Account", map[string]string{"Name": "Engines Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	contact, err := e.sim.Create("Contact", map[string]string{"LastName": "King", "Email": "ada@old.example", "AccountId": acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	lead := newLead(t, e.sim)
	res, err := e.sim.ConvertLead(lead.ID, LeadConvert{AccountID: acct.ID, ContactID: contact.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.AccountID != acct.ID || res.ContactID != contact.ID || res.OpportunityID != "" || e.sim.Count("Opportunity") != 0 {
		t.Fatalf("result %+v, %d opportunities", res, e.sim.Count("Opportunity"))
	}
	a, _ := e.sim.Get("Account", acct.ID)
	c, _ := e.sim.Get("Contact", contact.ID)
	if a.Fields["Name"] != "Engines Ltd" || a.Fields["Industry"] != "Technology" {
		t.Errorf("account %v: want its Name kept, Industry filled", a.Fields)
	}
	if c.Fields["LastName"] != "King" || c.Fields["Email"] != "ada@old.example" || c.Fields["FirstName"] != "Ada" || c.Fields["LeadSource"] != "Web" {
		t.Errorf("contact %v: want LastName and Email kept, FirstName and LeadSource filled", c.Fields)
	}
}

// TestConvertLeadFailsWhole: a conversion that fails changes nothing.
func TestConvertLeadFailsWhole(t *testing.T) {
	e := newEnv(t, Options{})
	lead := newLead(t, e.sim)
	other, _ := e.sim.Create("Account", map[string]string{"Name": "Other"})
	stray, _ := e.sim.Create("Contact", map[string]string{"LastName": "Stray"})
	cases := map[string]LeadConvert{
		"opportunity name too long":  {CreateOpportunity: true, OpportunityName: strings.Repeat("n", 121)},
		"contact without account":    {ContactID: stray.ID},
		"contact of another account": {AccountID: other.ID, ContactID: stray.ID},
	}
	for name, opt := range cases {
		if _, err := e.sim.ConvertLead(lead.ID, opt); err == nil {
			t.Errorf("%s: converted", name)
		}
	}
	got, _ := e.sim.Get("Lead", lead.ID)
	if n := e.sim.Count("Account") + e.sim.Count("Contact") + e.sim.Count("Opportunity"); n != 2 || got.Fields["IsConverted"] != "false" {
		t.Fatalf("after failed conversions: %d records, lead IsConverted %q", n, got.Fields["IsConverted"])
	}
}

// TestConvertedLeadOverREST: SOQL filters on IsConverted, and neither a
// PATCH nor a collections update may touch a converted Lead.
func TestConvertedLeadOverREST(t *testing.T) {
	e := newEnv(t, Options{})
	lead := newLead(t, e.sim)
	open := newLead(t, e.sim)
	res, err := e.sim.ConvertLead(lead.ID, LeadConvert{})
	if err != nil {
		t.Fatal(err)
	}
	query := func(q string) []map[string]any {
		t.Helper()
		r, raw := e.do("GET", v+"/query?q="+url.QueryEscape(q), nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", q, r.StatusCode, raw)
		}
		return decode[userPage](t, raw).Records
	}
	recs := query("SELECT Id, IsConverted, ConvertedContactId FROM Lead WHERE IsConverted = false")
	if len(recs) != 1 || recs[0]["Id"] != open.ID || recs[0]["IsConverted"] != false || recs[0]["ConvertedContactId"] != nil {
		t.Fatalf("unconverted leads: %v", recs)
	}
	recs = query("SELECT Id, ConvertedContactId, ConvertedDate FROM Lead WHERE IsConverted = true")
	if len(recs) != 1 || recs[0]["Id"] != lead.ID || recs[0]["ConvertedContactId"] != res.ContactID || recs[0]["ConvertedDate"] != "2026-11-23" {
		t.Fatalf("converted leads: %v", recs)
	}

	r, raw := e.do("PATCH", v+"/sobjects/Lead/"+lead.ID, map[string]any{"Title": "CEO"})
	if r.StatusCode != 400 {
		t.Fatalf("PATCH converted lead: %d %s, want 400", r.StatusCode, raw)
	}
	if errs := decode[[]sfError](t, raw); len(errs) != 1 || errs[0].ErrorCode != "CANNOT_UPDATE_CONVERTED_LEAD" || errs[0].Message != "cannot reference converted lead" {
		t.Fatalf("PATCH converted lead: %s", raw)
	}
	body := map[string]any{"allOrNone": false, "records": []map[string]any{
		{"attributes": map[string]string{"type": "Lead"}, "Id": lead.ID, "Title": "CEO"},
		{"attributes": map[string]string{"type": "Lead"}, "Id": open.ID, "Title": "CEO"}}}
	r, raw = e.do("PATCH", v+"/composite/sobjects", body)
	results := decode[[]saveResult](t, raw)
	if r.StatusCode != 200 || len(results) != 2 || results[0].Success || len(results[0].Errors) != 1 ||
		results[0].Errors[0].StatusCode != "CANNOT_UPDATE_CONVERTED_LEAD" || !results[1].Success {
		t.Fatalf("collections update: %d %s", r.StatusCode, raw)
	}
	if got, _ := e.sim.Get("Lead", lead.ID); got.Fields["Title"] != "CTO" {
		t.Fatalf("converted lead's Title became %q", got.Fields["Title"])
	}
}

// TestConvertLeadMovesActivities: the Lead's Task, Event and Note move to
// the new Contact with a later modified stamp; another Lead's stay.
func TestConvertLeadMovesActivities(t *testing.T) {
	clk := &secondClock{at: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, Options{Now: clk.now})
	lead, other := newLead(t, e.sim), newLead(t, e.sim)
	task, err := e.sim.Create("Task", map[string]string{"Subject": "Call Ada", "WhoId": lead.ID})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC).Format(time.RFC3339)
	event, err := e.sim.Create("Event", map[string]string{"Subject": "Demo", "WhoId": lead.ID, "StartDateTime": start, "DurationInMinutes": "30"})
	if err != nil {
		t.Fatal(err)
	}
	note, err := e.sim.Create("Note", map[string]string{"Title": "Budget", "ParentId": lead.ID})
	if err != nil {
		t.Fatal(err)
	}
	stays, err := e.sim.Create("Task", map[string]string{"Subject": "Call the other Ada", "WhoId": other.ID})
	if err != nil {
		t.Fatal(err)
	}
	clk.next() // stamps are whole seconds: the conversion's must differ to show
	res, err := e.sim.ConvertLead(lead.ID, LeadConvert{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		object, id, field string
		before            Record
	}{{"Task", task.ID, "WhoId", task}, {"Event", event.ID, "WhoId", event}, {"Note", note.ID, "ParentId", note}} {
		r, _ := e.sim.Get(m.object, m.id)
		if r.Fields[m.field] != res.ContactID || !r.UpdatedAt.After(m.before.UpdatedAt) {
			t.Errorf("%s %s after the conversion: %s %q, modified %v (was %v); want the Contact %s and a later stamp",
				m.object, m.id, m.field, r.Fields[m.field], r.UpdatedAt, m.before.UpdatedAt, res.ContactID)
		}
	}
	if r, _ := e.sim.Get("Task", stays.ID); r.Fields["WhoId"] != other.ID {
		t.Errorf("another Lead's Task moved to %q", r.Fields["WhoId"])
	}
}

// secondClock stands still until moved on a second: SystemModstamp has
// whole-second precision, so only a new second shows a later stamp.
type secondClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *secondClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }

func (c *secondClock) next() { c.mu.Lock(); c.at = c.at.Add(time.Second); c.mu.Unlock() }
