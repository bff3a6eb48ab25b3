package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// salesforceReadyMade is the ready-made companies, contacts and leads
// syncs between connections hs and sf, as the app offers them.
func salesforceReadyMade(t *testing.T, a *app.App) (companies, contacts, leads engine.Definition) {
	t.Helper()
	defs, _ := a.ReadyMadeSyncs(context.Background(), app.DemoConnections{HubSpot: "hs", Salesforce: "sf"})
	for _, d := range defs {
		switch d.Name {
		case app.DemoCompaniesName:
			companies = d
		case app.DemoContactsName:
			contacts = d
		case app.DemoLeadsName:
			leads = d
		}
	}
	return companies, contacts, leads
}

// companyDefault is the default the leads sync writes for a blank Company.
func companyDefault(leads engine.Definition) string {
	for _, f := range leads.Fields {
		if f.B == "Company" {
			return f.Default
		}
	}
	return "(no Company row)"
}

// TestLeadWithoutCompanyBecomesPersonAccount: Salesforce requires a
// Lead's Company, so the ready-made leads sync writes "[not provided]"
// for a HubSpot contact without one; but in an org with person accounts
// Company is optional, and a Lead without one converts to a person
// account, where "[not provided]" would make a business Account of that
// name. There the leads sync leaves Company blank; the rep's conversion
// makes a person account, and the contacts sync links the HubSpot
// contact to its person contact.
func TestLeadWithoutCompanyBecomesPersonAccount(t *testing.T) {
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	sf, hs := srv.Salesforce(), srv.HubSpot()
	if _, _, leads := salesforceReadyMade(t, a); companyDefault(leads) != "[not provided]" {
		t.Fatalf("the leads sync for an org without person accounts: Company default %q, want [not provided]", companyDefault(leads))
	}
	if err := sf.EnablePersonAccounts(); err != nil {
		t.Fatal(err)
	}
	companies, contacts, leads := salesforceReadyMade(t, a)
	if d := companyDefault(leads); d != "" {
		t.Fatalf("the leads sync for a person-account org: Company default %q, want none", d)
	}
	saveSyncs(t, a, companies, contacts, leads)
	nell, err := hs.Create("contacts", map[string]string{"email": "nell@home.example", "firstname": "Nell", "lastname": "Home"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAllSucceeds(t, a, "first round")
	var lead string
	for _, l := range syncLinks(t, a, leads.Name) {
		if l.AID == nell.ID {
			lead = l.BID
		}
	}
	r, ok := sf.Get("Lead", lead)
	if !ok || r.Fields["Company"] != "" || r.Fields["Email"] != "nell@home.example" {
		t.Fatalf("Nell's Lead %q: %+v", lead, r.Fields)
	}
	conv, err := sf.ConvertLead(lead, salesforce.LeadConvert{})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAllSucceeds(t, a, "after the conversion")
	if acct, _ := sf.Get("Account", conv.AccountID); acct.Fields["IsPersonAccount"] != "true" {
		t.Fatalf("Nell's Lead converted to %+v, want a person account", acct.Fields)
	}
	if !isLinked(t, a, contacts.Name, nell.ID, conv.ContactID) {
		t.Fatalf("the contacts sync did not link Nell to her person contact %s: %+v", conv.ContactID, syncLinks(t, a, contacts.Name))
	}
	for _, acct := range sf.Records("Account") {
		if strings.Contains(acct.Fields["Name"], "not provided") {
			t.Fatalf("an Account named %q", acct.Fields["Name"])
		}
	}
}
