package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestAlsoFamilySharesPhoneAndEmail: two people of one family share
// a phone and an email address but not a first name. With the rules
// email then phone, each set to also agree on firstname, neither rule
// links them: they wait in review, the item naming the field and both
// values, and neither is created as the other's copy. Before "also" the
// email rule linked them and wrote one person's name over the other's.
func TestAlsoFamilySharesPhoneAndEmail(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 511, 0)
	def := phoneMatchedContactsSync("firstname")
	def.Match[0].Also = []string{"firstname"}
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	ann := mustCreateHS(t, hs, "contacts", map[string]string{"firstname": "Ann", "lastname": "Berg", "email": "home@berg.example", "phone": "+1 415 555 0111"})
	bob := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Bob", "LastName": "Berg", "Email": "home@berg.example", "Phone": "(415) 555-0111"})
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if isLinked(t, a, "contacts", ann.ID, bob.ID) {
			t.Fatalf("run %d: HubSpot %s (Ann Berg) linked to Salesforce %s (Bob Berg) by the family's email; %s", i, ann.ID, bob.ID, line)
		}
		names := contactNameCounts(hs, sf)
		if names["hs Ann Berg"] != 1 || names["sf Bob Berg"] != 1 || names["hs Bob Berg"]+names["sf Ann Berg"] != 0 {
			t.Fatalf("run %d: want Ann in HubSpot and Bob in Salesforce once each, no copies: %v; %s", i, names, line)
		}
		items := openReviewsNaming(t, a, "contacts", ann.ID)
		if len(items) == 0 {
			items = openReviewsNaming(t, a, "contacts", bob.ID)
		}
		if len(items) == 0 {
			t.Fatalf("run %d: no open review item names Ann Berg or Bob Berg; %s", i, line)
		}
		d := items[0].Detail
		for _, want := range []string{"firstname", "Ann", "Bob", "rule 1"} {
			if !strings.Contains(d, want) {
				t.Errorf("run %d: the review item does not say %q: %s", i, want, d)
			}
		}
	}
}

// TestAlsoNameAndCompanyRule: HubSpot contacts and Salesforce Leads
// matched by last name and company alone (no emails), the rule set to
// also agree on firstname. Cara Holm at Borg links to her Lead; Ann Lund
// and Bob Lund, colleagues at Acme, wait in review rather than being
// linked on a shared surname.
func TestAlsoNameAndCompanyRule(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 512, 0)
	def := engine.Definition{Name: "leads",
		A: engine.SideDef{Connection: "hs", Object: "contacts"}, B: engine.SideDef{Connection: "sf", Object: "Lead"},
		Direction: mapping.TwoWay, Unmatched: engine.UnmatchedSkip, Conflict: engine.ConflictNewer,
		Match: []engine.MatchRule{
			{A: "email", B: "Email", Normalize: "email"},
			{A: "lastname+company", B: "LastName+Company", Normalize: "name", Also: []string{"firstname"}},
		},
		Fields: []mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "FirstName"},
			{A: "lastname", B: "LastName", Rule: mapping.UnlessBlank},
			{A: "company", B: "Company", Rule: mapping.UnlessBlank},
		},
	}
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	mk := func(object string, create func(string, map[string]string) (string, error), f map[string]string) string {
		id, err := create(object, f)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	hsCreate := func(o string, f map[string]string) (string, error) { r, err := hs.Create(o, f); return r.ID, err }
	sfCreate := func(o string, f map[string]string) (string, error) { r, err := sf.Create(o, f); return r.ID, err }
	caraH := mk("contacts", hsCreate, map[string]string{"firstname": "Cara", "lastname": "Holm", "company": "Borg"})
	caraS := mk("Lead", sfCreate, map[string]string{"FirstName": "Cara", "LastName": "Holm", "Company": "BORG"})
	annH := mk("contacts", hsCreate, map[string]string{"firstname": "Ann", "lastname": "Lund", "company": "Acme, Inc."})
	bobS := mk("Lead", sfCreate, map[string]string{"FirstName": "Bob", "LastName": "Lund", "Company": "Acme Inc"})
	res, err := a.Run(ctx, "leads", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "leads", Result: res, Err: err}.Line()
	if !isLinked(t, a, "leads", caraH, caraS) {
		t.Errorf("Cara Holm at Borg (same first name) not linked to her Lead; %s", line)
	}
	if isLinked(t, a, "leads", annH, bobS) {
		t.Fatalf("Ann Lund linked to Bob Lund's Lead by surname and company; %s", line)
	}
	items := openReviewsNaming(t, a, "leads", annH)
	if len(items) == 0 {
		items = openReviewsNaming(t, a, "leads", bobS)
	}
	if len(items) == 0 || !strings.Contains(items[0].Detail, "firstname") {
		t.Fatalf("no open review item for Ann Lund / Bob Lund naming firstname: %+v; %s", items, line)
	}
	if r, _ := sf.Get("Lead", bobS); r.Fields["FirstName"] != "Bob" {
		t.Errorf("Bob Lund's Lead now reads %q", r.Fields["FirstName"])
	}
}

// TestAlsoBlankOrUnlistedLinks: a phone rule set to also agree on
// firstname links the same person where one side has no first name (a
// blank is no disagreement), and, the list replacing the name check an
// e164 rule makes by default, links a pair whose last names differ
// (married since) when their first names agree.
func TestAlsoBlankOrUnlistedLinks(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 513, 0)
	def := phoneMatchedContactsSync("firstname")
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	danaH := mustCreateHS(t, hs, "contacts", map[string]string{"lastname": "Lund", "phone": "+1 415 555 0122"})
	danaS := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Dana", "LastName": "Lund", "Phone": "(415) 555-0122"})
	eveH := mustCreateHS(t, hs, "contacts", map[string]string{"firstname": "Eve", "lastname": "Lund", "phone": "+1 415 555 0133"})
	eveS := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Eve", "LastName": "Berg", "Phone": "(415) 555-0133"})
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
	if !isLinked(t, a, "contacts", danaH.ID, danaS.ID) {
		t.Errorf("Dana Lund (no first name in HubSpot) not linked by phone; %s", line)
	}
	if !isLinked(t, a, "contacts", eveH.ID, eveS.ID) {
		t.Errorf("Eve (Lund in HubSpot, Berg in Salesforce) not linked by phone though the rule names only firstname; %s", line)
	}
	if r, _ := sf.Get("Contact", danaS.ID); r.Fields["FirstName"] != "Dana" {
		t.Errorf("Dana's first name in Salesforce became %q: a blank overwrote it", r.Fields["FirstName"])
	}
}

// TestAlsoUnmappedFieldRefusedAtSave: an "also" field that no row
// maps could never be compared, so the rule would link as if it were not
// there; saving it is refused naming the rule and the field.
func TestAlsoUnmappedFieldRefusedAtSave(t *testing.T) {
	a, _ := connectedSandbox(t, 514, 0)
	def := phoneMatchedContactsSync("firstnme")
	err := a.SaveSync(context.Background(), def)
	if err == nil {
		t.Fatal("a match rule that must also agree on an unmapped field was saved")
	}
	for _, want := range []string{"match rule 2", "firstnme"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
}

// TestAlsoDemoCompaniesByNameAgreeOnCity: the ready-made companies
// sync matches by name where a domain is blank, and its name rule must
// also agree on the city. Two plumbers of one name in two towns wait in
// review instead of one being written over the other; the same firm with
// no city on one side links.
func TestAlsoDemoCompaniesByNameAgreeOnCity(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 515, 0)
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"))
	hs, sf := srv.HubSpot(), srv.Salesforce()
	bostonH := mustCreateHS(t, hs, "companies", map[string]string{"name": "Smith Plumbing", "city": "Boston"})
	chicagoS := mustCreateSF(t, sf, "Account", map[string]string{"Name": "Smith Plumbing", "BillingCity": "Chicago"})
	holmH := mustCreateHS(t, hs, "companies", map[string]string{"name": "Holm & Sons", "city": "Austin"})
	holmS := mustCreateSF(t, sf, "Account", map[string]string{"Name": "HOLM & SONS"})
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "companies", Result: res, Err: err}.Line()
	if isLinked(t, a, "companies", bostonH.ID, chicagoS.ID) {
		t.Fatalf("Smith Plumbing of Boston linked to Smith Plumbing of Chicago by name; %s", line)
	}
	if len(openReviewsNaming(t, a, "companies", bostonH.ID))+len(openReviewsNaming(t, a, "companies", chicagoS.ID)) == 0 {
		t.Errorf("no open review item for the two Smith Plumbings; %s", line)
	}
	if r, _ := sf.Get("Account", chicagoS.ID); r.Fields["BillingCity"] != "Chicago" {
		t.Errorf("the Chicago firm's city became %q", r.Fields["BillingCity"])
	}
	if !isLinked(t, a, "companies", holmH.ID, holmS.ID) {
		t.Errorf("Holm & Sons (no city in Salesforce) not linked by name; %s", line)
	}
}
