package salesforce

import "testing"

// TestLeadWithoutCompanyConvertsToPersonAccount: in an org with person
// accounts a Lead's Company is not required, and a Lead without one
// converts to a person account named after the person, whose person
// contact carries the Lead's email; a Lead with a Company still converts
// to a business Account and a Contact.
func TestLeadWithoutCompanyConvertsToPersonAccount(t *testing.T) {
	sim := New(Options{})
	if _, err := sim.Create("Lead", map[string]string{"LastName": "Nocompany"}); err == nil {
		t.Fatal("a Lead without Company created before person accounts were enabled")
	}
	if err := sim.EnablePersonAccounts(); err != nil {
		t.Fatal(err)
	}
	lead, err := sim.Create("Lead", map[string]string{"FirstName": "Pia", "LastName": "Person", "Email": "pia@home.example", "Title": "Baker"})
	if err != nil {
		t.Fatalf("a Lead without Company in a person-account org: %v", err)
	}
	res, err := sim.ConvertLead(lead.ID, LeadConvert{})
	if err != nil {
		t.Fatal(err)
	}
	acct, ok := sim.Get("Account", res.AccountID)
	if !ok || acct.Fields["IsPersonAccount"] != "true" || acct.Fields["Name"] != "Pia Person" || acct.Fields["PersonEmail"] != "pia@home.example" ||
		acct.Fields["PersonContactId"] != res.ContactID {
		t.Fatalf("converted to Account %+v", acct.Fields)
	}
	if c, ok := sim.Get("Contact", res.ContactID); !ok || c.Fields["Email"] != "pia@home.example" || c.Fields["Title"] != "Baker" || c.Fields["IsPersonAccount"] != "true" {
		t.Fatalf("its person contact %+v", c.Fields)
	}
	if l, _ := sim.Get("Lead", lead.ID); l.Fields["IsConverted"] != "true" || l.Fields["ConvertedContactId"] != res.ContactID {
		t.Fatalf("the Lead after conversion %+v", l.Fields)
	}
	biz := newLead(t, sim)
	res, err = sim.ConvertLead(biz.ID, LeadConvert{})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := sim.Get("Account", res.AccountID); a.Fields["IsPersonAccount"] != "false" || a.Fields["Name"] != "Analytical Engines" {
		t.Fatalf("a Lead with a Company converted to %+v", a.Fields)
	}
}
