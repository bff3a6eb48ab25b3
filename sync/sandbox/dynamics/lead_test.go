package dynamics

import (
	"strings"
	"testing"
	"time"
)

func (e *env) newLead(fields map[string]any) string {
	e.t.Helper()
	return idFromEntityID(e.t, e.must(e.do("POST", "leads", fields), 204).header)
}

func qualifyBody(account, contact, opportunity bool, status int) map[string]any {
	return map[string]any{"CreateAccount": account, "CreateContact": contact, "CreateOpportunity": opportunity, "Status": status}
}

func TestQualifyLeadOnTheWire(t *testing.T) {
	e := newEnv(t, Options{})
	lead := e.newLead(map[string]any{"subject": "Fleet renewal", "firstname": "Ada", "lastname": "Byron", "companyname": "Analytical Engines",
		"emailaddress1": "ada@engines.example", "telephone1": "+44 20 1234", "jobtitle": "CTO", "address1_city": "London",
		"donotbulkemail": true, "leadsourcecode": LeadSourceWeb})
	if got := e.must(e.do("GET", "leads("+lead+")?$select=fullname,statecode,statuscode", nil), 200).body; got["fullname"] != "Ada Byron" ||
		got["statecode"] != float64(LeadOpen) || got["statuscode"] != float64(LeadStatusNew) {
		t.Fatalf("new lead: %v", got)
	}
	e.clk.add(time.Minute)
	r := e.must(e.do("POST", "leads("+lead+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(true, true, true, LeadStatusQualified)), 200)
	if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "/api/data/v9.2/$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)") {
		t.Fatalf("context %q", ctx)
	}
	ids := map[string]string{}
	for _, v := range r.values() {
		typ, _ := v["@odata.type"].(string)
		logical := strings.TrimPrefix(typ, "#Microsoft.Dynamics.CRM.")
		ids[logical], _ = v[logical+"id"].(string)
	}
	if len(ids) != 3 || ids["account"] == "" || ids["contact"] == "" || ids["opportunity"] == "" {
		t.Fatalf("created %v: %s", ids, r.raw)
	}
	account := e.must(e.do("GET", "accounts("+ids["account"]+")", nil), 200).body
	if account["name"] != "Analytical Engines" || account["address1_city"] != "London" || account["_originatingleadid_value"] != lead {
		t.Errorf("account %v", account)
	}
	contact := e.must(e.do("GET", "contacts("+ids["contact"]+")", nil), 200).body
	if contact["emailaddress1"] != "ada@engines.example" || contact["lastname"] != "Byron" || contact["jobtitle"] != "CTO" ||
		contact["donotbulkemail"] != true || contact["_originatingleadid_value"] != lead || contact["_parentcustomerid_value"] != ids["account"] ||
		contact["_ownerid_value"] != e.sim.UserID() {
		t.Errorf("contact %v", contact)
	}
	opp := e.must(e.do("GET", "opportunities("+ids["opportunity"]+")", nil), 200).body
	if opp["name"] != "Fleet renewal" || opp["_customerid_value"] != ids["account"] || opp["_parentcontactid_value"] != ids["contact"] ||
		opp["_originatingleadid_value"] != lead {
		t.Errorf("opportunity %v", opp)
	}
	got := e.must(e.do("GET", "leads("+lead+")", nil), 200).body
	if got["statecode"] != float64(LeadQualified) || got["statuscode"] != float64(LeadStatusQualified) ||
		got["_parentaccountid_value"] != ids["account"] || got["_parentcontactid_value"] != ids["contact"] ||
		got["_qualifyingopportunityid_value"] != ids["opportunity"] || got["modifiedon"] != "2026-11-03T10:16:30Z" {
		t.Errorf("qualified lead %v", got)
	}
	if n := e.sim.Stats()["POST /api/data/v9.2/leads({id})/Microsoft.Dynamics.CRM.QualifyLead"]; n != 1 {
		t.Errorf("stats count %d", n)
	}
}

func TestQualifyClosedLeadRefused(t *testing.T) {
	e := newEnv(t, Options{})
	lead := e.newLead(map[string]any{"lastname": "Twice", "companyname": "Again Inc"})
	e.must(e.do("POST", "leads("+lead+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(true, true, false, -1)), 200)
	r := e.do("POST", "leads("+lead+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(true, true, false, 3))
	if r.status != 400 || r.errCode() != "0x80040203" ||
		r.errMessage() != "The lead is closed. You cannot convert or qualify a lead that is already closed." {
		t.Fatalf("second qualify: %s", r.raw)
	}
	if e.sim.Count("accounts") != 1 || e.sim.Count("contacts") != 1 {
		t.Errorf("accounts %d contacts %d after the refusal", e.sim.Count("accounts"), e.sim.Count("contacts"))
	}
	disq := e.newLead(map[string]any{"lastname": "Gone"})
	e.must(e.do("PATCH", "leads("+disq+")", map[string]any{"statecode": LeadDisqualified}), 204)
	if r := e.do("POST", "leads("+disq+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(false, true, false, 3)); r.status != 400 || r.errCode() != "0x80040203" {
		t.Fatalf("qualify disqualified: %s", r.raw)
	}
}

func TestQualifyLeadRefusesBadParameters(t *testing.T) {
	e := newEnv(t, Options{})
	lead := e.newLead(map[string]any{"lastname": "Param", "companyname": "P Co"})
	path := "leads(" + lead + ")/Microsoft.Dynamics.CRM.QualifyLead"
	if r := e.do("POST", path, qualifyBody(true, true, false, LeadStatusLost)); r.status != 400 || r.errCode() != "0x80048408" ||
		r.errMessage() != "4 is not a valid status code for state code LeadState.Qualified" {
		t.Fatalf("status 4: %s", r.raw)
	}
	if r := e.do("POST", path, map[string]any{"CreateContact": true, "CreateOpportunity": false, "Status": 3}); r.status != 400 ||
		!strings.Contains(r.errMessage(), "'CreateAccount'") {
		t.Fatalf("missing CreateAccount: %s", r.raw)
	}
	if r := e.do("GET", path, nil); r.status != 405 {
		t.Fatalf("GET action: %s", r.raw)
	}
	if r := e.do("POST", "contacts("+lead+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(true, true, false, 3)); r.status != 404 {
		t.Fatalf("action on contacts: %s", r.raw)
	}
	if e.sim.Count("accounts")+e.sim.Count("contacts") != 0 {
		t.Fatal("a refused qualification created rows")
	}
	if rec, _ := e.sim.Get("leads", lead); rec.Fields["statecode"] != int64(LeadOpen) {
		t.Fatalf("lead after refusals %v", rec.Fields)
	}
}

// A lead that names its account already gets no second one; the new contact and
// opportunity go to that account.
func TestQualifyLeadWithParentAccountCreatesNoAccount(t *testing.T) {
	e := newEnv(t, Options{})
	acct, err := e.sim.Create("accounts", map[string]any{"name": "Existing Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	lead := e.newLead(map[string]any{"lastname": "Known", "companyname": "Existing Ltd", "parentaccountid@odata.bind": "/accounts(" + acct.ID + ")"})
	r := e.must(e.do("POST", "leads("+lead+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(true, true, true, 3)), 200)
	if n := len(r.values()); n != 2 || e.sim.Count("accounts") != 1 {
		t.Fatalf("%d created, %d accounts: %s", n, e.sim.Count("accounts"), r.raw)
	}
	for _, rec := range e.sim.Records("contacts") {
		if rec.Fields["_parentcustomerid_value"] != acct.ID {
			t.Errorf("contact's account %v, want %s", rec.Fields["_parentcustomerid_value"], acct.ID)
		}
	}
	for _, rec := range e.sim.Records("opportunities") {
		if rec.Fields["_customerid_value"] != acct.ID || rec.Fields["name"] != "Known" {
			t.Errorf("opportunity %v", rec.Fields)
		}
	}
}

// A qualification that cannot create its contact (an alternate key on the email
// already taken) leaves nothing behind.
func TestQualifyLeadIsAtomic(t *testing.T) {
	e := newEnv(t, Options{})
	if _, err := e.sim.Create("contacts", map[string]any{"lastname": "First", "emailaddress1": "dup@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DefineAlternateKey("contacts", "contact_email", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	lead := e.newLead(map[string]any{"lastname": "Dup", "companyname": "Dup Co", "emailaddress1": "dup@example.com"})
	r := e.do("POST", "leads("+lead+")/Microsoft.Dynamics.CRM.QualifyLead", qualifyBody(true, true, true, 3))
	if r.status != 412 || r.errCode() != codeDuplicateKey {
		t.Fatalf("qualify: %s", r.raw)
	}
	if e.sim.Count("accounts") != 0 || e.sim.Count("contacts") != 1 || e.sim.Count("opportunities") != 0 {
		t.Fatalf("left behind: %d accounts, %d contacts, %d opportunities", e.sim.Count("accounts"), e.sim.Count("contacts"), e.sim.Count("opportunities"))
	}
	if rec, _ := e.sim.Get("leads", lead); rec.Fields["statecode"] != int64(LeadOpen) {
		t.Fatalf("lead %v", rec.Fields)
	}
}

// A qualified lead still lists, filters by statecode, reads by id, takes a PATCH
// (Dataverse keeps only quotes, orders and invoices read-only when closed) and stays
// Qualified.
func TestQualifiedLeadOnEveryEndpoint(t *testing.T) {
	e := newEnv(t, Options{})
	open := e.newLead(map[string]any{"lastname": "Open"})
	done := e.newLead(map[string]any{"lastname": "Done", "companyname": "Done Co"})
	if _, err := e.sim.QualifyLead(done, QualifyLead{CreateAccount: true}); err != nil {
		t.Fatal(err)
	}
	list := func(filter string) []string {
		var out []string
		for _, v := range e.must(e.do("GET", "leads?$select=lastname&$filter="+filter, nil), 200).values() {
			out = append(out, v["leadid"].(string))
		}
		return out
	}
	if got := list("statecode eq 1"); len(got) != 1 || got[0] != done {
		t.Fatalf("statecode eq 1: %v", got)
	}
	if got := list("statecode eq 0"); len(got) != 1 || got[0] != open {
		t.Fatalf("statecode eq 0: %v", got)
	}
	e.clk.add(time.Hour)
	e.must(e.do("PATCH", "leads("+done+")", map[string]any{"jobtitle": "Buyer"}, "If-Match", "*"), 204)
	got := e.must(e.do("GET", "leads("+done+")", nil), 200).body
	if got["jobtitle"] != "Buyer" || got["statecode"] != float64(LeadQualified) || got["statuscode"] != float64(LeadStatusQualified) {
		t.Fatalf("patched qualified lead %v", got)
	}
	if got := list("modifiedon ge 2026-11-03T11:00:00Z"); len(got) != 1 || got[0] != done {
		t.Fatalf("changed since: %v", got)
	}
	e.must(e.do("DELETE", "leads("+done+")", nil), 204)
	if e.sim.Count("leads") != 1 || e.sim.Count("accounts") != 1 {
		t.Fatalf("after delete: %d leads, %d accounts", e.sim.Count("leads"), e.sim.Count("accounts"))
	}
}

func TestSeedLeadsAndQualifyInGo(t *testing.T) {
	e := newEnv(t, Options{})
	users := e.sim.SeedUsers([]User{{FirstName: "Sal", LastName: "Esperson", Email: "sal@example.com"}})
	web, contacted := LeadSourceWeb, LeadStatusContacted
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ids, err := e.sim.SeedLeads([]LeadSeed{
		{Subject: "Web sign-up", FirstName: "Grace", LastName: "Hopper", Company: "Cobol Co", Email: "grace@cobol.example", City: "Arlington",
			DoNotBulkEmail: true, LeadSource: &web, StatusCode: &contacted, OwnerID: users[0].ID, Created: created},
		{LastName: "Plain"},
	})
	if err != nil || len(ids) != 2 {
		t.Fatalf("seed: %v %v", ids, err)
	}
	rec, _ := e.sim.Get("leads", ids[0])
	if rec.Fields["leadsourcecode"] != int64(web) || rec.Fields["statuscode"] != int64(contacted) || rec.Fields["_ownerid_value"] != users[0].ID ||
		rec.Fields["fullname"] != "Grace Hopper" || !rec.Created.Equal(created) || !rec.Modified.Equal(created) {
		t.Fatalf("seeded %+v", rec)
	}
	res, err := e.sim.QualifyLead(ids[0], QualifyLead{CreateAccount: true, CreateContact: true})
	if err != nil || res.AccountID == "" || res.ContactID == "" || res.OpportunityID != "" {
		t.Fatalf("qualify: %+v %v", res, err)
	}
	contact, _ := e.sim.Get("contacts", res.ContactID)
	if contact.Fields["_ownerid_value"] != users[0].ID || contact.Fields["donotbulkemail"] != true || contact.Fields["_originatingleadid_value"] != ids[0] {
		t.Fatalf("contact %v", contact.Fields)
	}
	var apiErr *Error
	if _, err := e.sim.QualifyLead(ids[0], QualifyLead{CreateContact: true}); err == nil || !asErr(err, &apiErr) || apiErr.Code != "0x80040203" {
		t.Fatalf("second qualify: %v", err)
	}
	bad := LeadStatusQualified
	if _, err := e.sim.SeedLeads([]LeadSeed{{LastName: "Closed", StatusCode: &bad}}); err == nil {
		t.Fatal("seeded a lead with a Qualified status reason")
	}
}

func asErr(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

func TestLeadMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='lead')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ObjectTypeCode", nil), 200)
	if r.body["EntitySetName"] != "leads" || r.body["PrimaryIdAttribute"] != "leadid" || r.body["PrimaryNameAttribute"] != "fullname" || r.body["ObjectTypeCode"] != float64(4) {
		t.Fatalf("lead entity: %s", r.raw)
	}
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='lead')/Attributes/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)", nil), 200)
	vals := r.values()
	if len(vals) != 1 {
		t.Fatalf("status attributes: %s", r.raw)
	}
	if got := optionList(vals[0]["OptionSet"]); got != "1=New/0,2=Contacted/0,3=Qualified/1,4=Lost/2,5=Cannot Contact/2,6=No Longer Interested/2,7=Canceled/2" {
		t.Fatalf("statuscode options %q", got)
	}
}
